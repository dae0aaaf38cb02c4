import ArgumentParser
import Foundation
import MLEnvCore

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract:
            "Allocate GPUs and ports for several teams on one host; write compose.yaml, PLAN.md and each team's files.",
        discussion: """
            Explicit GPU indices and ports are honoured; counts (`gpus: 2`) and unset Jupyter \
            ports are filled from what is free, the same way every run. An existing plan.json in \
            the output folder keeps teams where they were when a team is added.

            Examples:
              mlenv plan specs/ --host specs/dgx-01.yaml -o plan/dgx-01
              MLENV_UID=$(id -u) MLENV_GID=$(id -g) docker compose -f plan/dgx-01/compose.yaml up -d --build
            """
    )

    @Argument(help: "Spec files or folders (a host file among them is ignored in favour of --host).")
    var paths: [String]

    @Option(help: ArgumentHelp("The host inventory (kind: host).", valueName: "file"))
    var host: String

    @Option(name: [.customShort("o"), .long], help: "The folder to write the plan into.")
    var output: String

    @Option(
        name: .customLong("catalog"),
        help: ArgumentHelp("A catalog file adding images (repeatable).", valueName: "file"))
    var catalogs: [String] = []

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp(
            "A code (W302) or its name whose findings are counted as ignored, not reported (repeatable).",
            valueName: "code"))
    var ignoredCodes: [String] = []

    @Flag(help: "Replace files that mlenv did not write, or that were edited after it wrote them.")
    var force = false

    @OptionGroup var waiting: WaitOption

    func run() throws {
        let knowledge = try KnowledgeOptions.parse(
            catalogs.flatMap { ["--catalog", $0] } + ["--host", host] + ignoredCodes.flatMap { ["--ignore", $0] })
        let (options, extraSources, extraDiagnostics) = try knowledge.load()
        guard let hostSpec = options.host else { throw ExitStatus.problems }
        let sources = try SourceLoader.load(paths, limit: knowledge.maxFileSize).filter { source in
            // The host file may sit in the same folder; it is given by --host.
            !(extraSources.contains { $0.path == source.path }
                || SpecPaths.normalize(source.path) == SpecPaths.normalize(host))
        }
        // From reading the previous plan.json to the last file: two plans into one folder take
        // turns, and the second builds on the first's allocation.
        let lock = try FolderLock.acquireOrExit(output, mode: .exclusive, wait: waiting.seconds)
        defer { lock?.release() }
        let result = MLEnv.plan(
            sources, host: hostSpec, outputDirectory: output,
            workingDirectory: FileManager.default.currentDirectoryPath,
            files: DiskFiles(), options: options, previous: previousAllocations())
        let diagnostics = extraDiagnostics + result.diagnostics
        if !diagnostics.isEmpty || !result.ignored.isEmpty {
            printError(
                TextFormatter(color: wantsColor(STDERR_FILENO)).format(
                    Report(diagnostics, ignored: result.ignored, fileCount: sources.count),
                    sources: SourceLoader.texts(sources + extraSources, for: diagnostics)))
        }
        guard !result.outputs.isEmpty, !diagnostics.containsErrors else { throw ExitStatus.problems }
        // One atomic set per folder: the plan's own files, then each team's.
        var byFolder: [String: [OutputFile]] = [:]
        for file in result.outputs {
            var copy = file
            copy.path = (file.path as NSString).lastPathComponent
            byFolder[(file.path as NSString).deletingLastPathComponent, default: []].append(copy)
        }
        for folder in byFolder.keys.sorted() {
            if folder.isEmpty {
                try AtomicWriter.writeOrExit(byFolder[folder]!, into: output, force: force)
            } else {
                try AtomicWriter.writeOrExit(
                    byFolder[folder]!, into: (output as NSString).appendingPathComponent(folder), force: force,
                    wait: waiting.seconds)
            }
        }
        for team in result.plan?.teams ?? [] {
            let gpus = team.gpus.isEmpty ? "no GPUs" : "GPUs " + team.gpus.map(String.init).joined(separator: ",")
            print("\(team.name): \(gpus)" + (team.port.map { ", Jupyter on port \($0)" } ?? ""))
        }
        print(
            "wrote \(output)/compose.yaml, PLAN.md, host.svg, plan.json and \(result.plan?.teams.count ?? 0) team folders"
        )
    }

    /// The allocation of an earlier plan in the same folder, if there is one.
    func previousAllocations() -> [String: Allocation] {
        let path = (output as NSString).appendingPathComponent("plan.json")
        guard let data = FileManager.default.contents(atPath: path) else { return [:] }
        return PlanFile.read([UInt8](data))?.allocations ?? [:]
    }
}
