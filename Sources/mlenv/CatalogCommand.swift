import ArgumentParser
import Foundation
import MLEnvCore

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the images mlenv knows, with their framework, Python, CUDA and driver.",
        discussion: """
            Examples:
              mlenv catalog --framework tensorflow
              mlenv catalog --format json --catalog corp-images.yaml
            """
    )

    @Option(help: "Only images built around this framework: pytorch, tensorflow or jax.")
    var framework: String?

    @Option(help: "Output format: text or json.")
    var format: ReportFormat = .text

    @OptionGroup var knowledge: KnowledgeOptions

    func run() throws {
        let (options, sources, diagnostics) = try knowledge.load()
        if !diagnostics.isEmpty {
            printError(TextFormatter().format(diagnostics, fileCount: sources.count, sources: SourceLoader.texts(sources, for: diagnostics)))
            if diagnostics.containsErrors { throw ExitStatus.problems }
        }
        var images = options.catalog.images
        if let framework {
            guard let name = FrameworkName(rawValue: framework), name != .none else {
                printError("mlenv: error: --framework must be pytorch, tensorflow or jax, not '\(framework)'")
                throw ExitStatus.cannotRun
            }
            images = images.filter { $0.framework == name }
        }
        print(format == .json ? CatalogReport.json(images, tables: options.catalog.tables) : CatalogReport.text(images), terminator: "")
    }
}
