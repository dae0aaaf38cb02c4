import ArgumentParser
import Foundation
import MLEnvCore

struct ResolveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve",
        abstract: "Print the environment a spec resolves to: base image, Python, CUDA, framework.",
        discussion: """
            For `base: auto`, this is the image mlenv chooses, and why. Problems go to standard \
            error; exit status as for `check`.

            Examples:
              mlenv resolve specs/vision.yaml
              mlenv resolve --format json --host specs/dgx-01.yaml specs/team.yaml
            """
    )

    @Argument(help: "The environment spec.")
    var spec: String

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let (options, extraSources, extraDiagnostics) = try knowledge.load()
        let sources = try SourceLoader.load([spec], limit: knowledge.maxFileSize)
        let result = MLEnv.check(sources, files: DiskFiles(), options: options)
        let diagnostics = extraDiagnostics + result.diagnostics
        let problems = diagnostics.filter { $0.severity != .note || $0.code.id == "N127" }
        if !problems.isEmpty {
            printError(TextFormatter(color: wantsColor(STDERR_FILENO)).format(problems, fileCount: 1, sources: SourceLoader.texts(sources + extraSources)))
        }
        guard let environment = result.environments.first, !diagnostics.containsErrors else {
            if result.files.first.map({ if case .host = $0 { return true } else { return false } }) == true {
                printError("mlenv: error: \(spec) describes a host; `resolve` takes an environment spec")
            }
            throw ExitStatus.problems
        }
        print(format == .json ? ResolvedReport.json(environment) : ResolvedReport.text(environment), terminator: "")
    }
}
