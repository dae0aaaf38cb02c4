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
        let (environment, _, _) = try knowledge.resolveOne(spec) { $0.severity != .note || $0.code == .autoBaseChosen }
        print(format == .json ? ResolvedReport.json(environment) : ResolvedReport.text(environment), terminator: "")
    }
}
