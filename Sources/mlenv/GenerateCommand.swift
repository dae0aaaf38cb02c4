import ArgumentParser
import Foundation
import MLEnvCore

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a Dockerfile and a run script for one spec.",
        discussion: """
            Writes Dockerfile, run.sh and, when needed, requirements.txt into the output folder. \
            A spec with errors writes nothing. Every file is written to a temporary name first \
            and renamed into place only when all of them were written.

            Examples:
              mlenv generate specs/vision.yaml -o out/vision
              out/vision/run.sh build && out/vision/run.sh up
            """
    )

    @Argument(help: "The environment spec.")
    var spec: String

    @Option(name: [.customShort("o"), .long], help: "The folder to write into (created if missing).")
    var output: String

    @Option(help: "Report format for problems: text or json.")
    var format: ReportFormat = .text

    func run() throws {
        guard let source = try SourceLoader.load([spec]).first else { throw ExitStatus.cannotRun }
        let workingDirectory = FileManager.default.currentDirectoryPath
        let result = MLEnv.generate(source, outputDirectory: output, workingDirectory: workingDirectory, files: DiskFiles())
        if !result.diagnostics.isEmpty || format == .json {
            let report = format.formatter(color: format == .text && wantsColor(STDERR_FILENO))
                .format(result.diagnostics, fileCount: 1, sources: SourceLoader.texts([source]))
            printError(report)
        }
        guard !result.outputs.isEmpty else { throw ExitStatus.problems }
        do {
            try AtomicWriter.write(result.outputs, into: output)
        } catch {
            printError("mlenv: error: could not write into \(output): \(error)")
            throw ExitStatus.cannotRun
        }
        for file in result.outputs {
            print("wrote \((output as NSString).appendingPathComponent(file.path))")
        }
    }
}
