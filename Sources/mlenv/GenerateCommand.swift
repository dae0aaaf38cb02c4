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

    @Flag(help: "Fail when the spec has no lock, or its lock no longer matches it (see `mlenv lock`).")
    var locked = false

    @Flag(help: "Write nothing; exit 1 with a diff when the files in the output folder differ from what the spec (and lock) produce.")
    var check = false

    @Flag(help: "Replace files that mlenv did not write, or that were edited after it wrote them.")
    var force = false

    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        try Generation(spec: spec, output: output, format: format, locked: locked, check: check, force: force, knowledge: knowledge).run()
    }
}

/// `generate`, `generate --check` and `verify` share this.
struct Generation {
    var spec: String
    var output: String
    var format: ReportFormat
    var locked: Bool
    var check: Bool
    var force = false
    var knowledge: KnowledgeOptions

    func run() throws {
        let (options, extraSources, extraDiagnostics) = try knowledge.load()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: spec, isDirectory: &isFolder), isFolder.boolValue {
            printError("mlenv: error: \(spec) is a folder; `generate` takes one spec file")
            throw ExitStatus.cannotRun
        }
        guard let source = try SourceLoader.load([spec], limit: knowledge.maxFileSize).first else { throw ExitStatus.cannotRun }
        let lockPath = LockFile.path(forSpec: spec)
        let lock = FileManager.default.fileExists(atPath: lockPath) ? try SourceLoader.load([lockPath], limit: knowledge.maxFileSize).first : nil
        let workingDirectory = FileManager.default.currentDirectoryPath
        let result = MLEnv.generate(source, outputDirectory: output, workingDirectory: workingDirectory, files: DiskFiles(),
                                    options: options, lock: lock, locked: locked)
        let diagnostics = extraDiagnostics + result.diagnostics
        // JSON is the command's output (on standard output, alone); text reports are for people.
        if format == .json {
            FileHandle.standardOutput.write(Data(JSONFormatter().format(diagnostics, fileCount: 1, sources: [:]).utf8))
        } else if !diagnostics.isEmpty {
            printError(TextFormatter(color: wantsColor(STDERR_FILENO)).format(diagnostics, fileCount: 1, sources: SourceLoader.texts([source] + extraSources)))
        }
        guard !result.outputs.isEmpty, !extraDiagnostics.containsErrors else { throw ExitStatus.problems }
        if check {
            try DriftCheck.compare(result.outputs, with: output)
            return
        }
        try AtomicWriter.writeOrExit(result.outputs, into: output, force: force)
        guard format == .text else { return }
        for file in result.outputs {
            print("wrote \((output as NSString).appendingPathComponent(file.path))")
        }
    }
}
