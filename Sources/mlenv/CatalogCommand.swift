import ArgumentParser
import Foundation
import MLEnvCore

struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog",
        abstract: "List the images mlenv knows, or learn one from the image itself.",
        subcommands: [CatalogListCommand.self, CatalogProbeCommand.self],
        defaultSubcommand: CatalogListCommand.self
    )
}

/// `mlenv catalog` and `mlenv catalog list`.
struct CatalogListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
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
            printError(
                TextFormatter().format(
                    diagnostics, fileCount: sources.count, sources: SourceLoader.texts(sources, for: diagnostics)))
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
        print(
            format == .json ? CatalogReport.json(images, tables: options.catalog.tables) : CatalogReport.text(images),
            terminator: "")
    }
}

/// `mlenv catalog probe IMAGE`: asks the engine for the image's configuration and runs it briefly,
/// then writes a catalog entry in the `--catalog` format.
struct CatalogProbeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "probe",
        abstract: "Learn an image from the image itself and write it as a --catalog file.",
        discussion: """
            Reads the image's digest and environment (`CUDA_VERSION`, `CUDNN_VERSION`, \
            `PYTORCH_BUILD_VERSION`, `NVIDIA_REQUIRE_CUDA`, ...) with `ENGINE image inspect`, \
            and runs it once, without network, to read its OS, Python and the framework and \
            Jupyter it has installed. The image must be local (pull it first). A team's own \
            image, or next month's NGC release, is then known exactly:

            Examples:
              docker pull nvcr.io/nvidia/pytorch:26.10-py3
              mlenv catalog probe nvcr.io/nvidia/pytorch:26.10-py3 -o specs/images.yaml
              mlenv check --catalog specs/images.yaml specs/
            """
    )

    @Argument(help: "The image, with its tag.")
    var image: String

    @Option(help: "The container engine: docker or podman, or a path to either (default: $MLENV_ENGINE, else docker).")
    var engine: String?

    @Option(name: .shortAndLong, help: "Write the catalog file here instead of to standard output.")
    var output: String?

    func run() throws {
        guard let reference = ImageReference(parsing: image), reference.tag != nil || reference.digest != nil else {
            printError(
                "mlenv: error: `\(image)` is not an image reference with a tag (such as nvcr.io/nvidia/pytorch:24.01-py3)"
            )
            throw ExitStatus.cannotRun
        }
        let engine = engine ?? ProcessInfo.processInfo.environment["MLENV_ENGINE"] ?? "docker"
        let inspection = try Self.execute(engine, ["image", "inspect", image])
        guard inspection.status == 0 else {
            printError(
                "mlenv: error: \(engine) could not inspect \(image) (pull it first): \(inspection.errors.prefix(400))")
            throw ExitStatus.problems
        }
        let probe = try Self.execute(
            engine, ["run", "--rm", "--network", "none", "--entrypoint", "sh", image, "-c", ImageProbe.script])
        if probe.status != 0 {
            printError(
                "mlenv: warning: running \(image) failed (\(probe.errors.prefix(300))); only its configuration is recorded"
            )
        }
        let facts: ImageProbe.Facts
        switch ImageProbe.facts(
            image: image, inspection: Array(inspection.output), run: String(decoding: probe.output, as: UTF8.self))
        {
        case .success(let found): facts = found
        case .failure(let error):
            printError("mlenv: error: \(error.message)")
            throw ExitStatus.problems
        }
        let text = ImageProbe.catalogText(facts, engine: (engine as NSString).lastPathComponent, date: Self.today())
        if let output {
            do {
                try Data(text.utf8).write(to: URL(fileURLWithPath: output), options: .atomic)
            } catch {
                printError("mlenv: error: cannot write \(output): \(error.localizedDescription)")
                throw ExitStatus.cannotRun
            }
            let framework = facts.framework.map { " \($0.rawValue) \(facts.frameworkVersion ?? "?")," } ?? ""
            printError(
                "wrote \(output): \(facts.reference),\(framework) Python \(facts.python?.description ?? "?"), CUDA \(facts.cuda?.description ?? "none")"
            )
        } else {
            print(text, terminator: "")
        }
    }

    /// Runs `engine` (a name on PATH or a path) with `arguments`; its output and errors.
    static func execute(_ engine: String, _ arguments: [String]) throws -> (status: Int32, output: Data, errors: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [engine] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch {
            printError("mlenv: error: cannot run \(engine): \(error.localizedDescription)")
            throw ExitStatus.cannotRun
        }
        // Read both pipes while the process runs, so neither fills up and blocks it.
        final class Collected: @unchecked Sendable { var data = Data() }
        let errorData = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errorData.data = errors.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        if process.terminationReason == .exit, process.terminationStatus == 127 {
            printError(
                "mlenv: error: container engine '\(engine)' not found on PATH; install Docker or Podman (--engine or MLENV_ENGINE chooses which)"
            )
            throw ExitStatus.cannotRun
        }
        return (process.terminationStatus, data, String(decoding: errorData.data, as: UTF8.self))
    }

    /// Today's date, `2026-12-01`, in UTC.
    static func today() -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        return formatter.string(from: Date())
    }
}
