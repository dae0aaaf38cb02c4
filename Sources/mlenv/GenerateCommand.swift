import ArgumentParser
import Foundation
import MLEnvCore

struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a Dockerfile, a run script and cluster files for a spec, or for a folder of specs.",
        discussion: """
            Writes Dockerfile, run.sh and, when needed, requirements.txt into the output folder, \
            and the files of every --target: kubernetes.yaml, job.sbatch, Apptainer.def, \
            .devcontainer/devcontainer.json. A spec with errors writes nothing. Every file is \
            written to a temporary name first and renamed into place only when all of them were \
            written. Given a folder, each spec in it is generated into a subfolder named after \
            the spec's `name` (host files are skipped). While it writes, mlenv holds the output \
            folder's lock (.mlenv-folder.lock): another mlenv writing there waits for it, up to \
            --wait seconds, then exits 3 naming the holder.

            Examples:
              mlenv generate specs/vision.yaml -o out/vision
              mlenv generate specs/vision.yaml -o out/vision --target docker,kubernetes,slurm
              mlenv generate specs -o out --target all
              out/vision/run.sh build && out/vision/run.sh up
            """
    )

    @Argument(help: "The environment spec, or a folder of specs.")
    var spec: String

    @Option(name: [.customShort("o"), .long], help: "The folder to write into (created if missing).")
    var output: String

    @Option(
        help: ArgumentHelp(
            "What to write besides the Dockerfile: a comma-separated list of docker, kubernetes, slurm, apptainer, devcontainer, or all.",
            valueName: "targets"))
    var target: TargetList = TargetList(targets: [.docker])

    @Option(help: "Report format for problems: text or json.")
    var format: ReportFormat = .text

    @Flag(help: "Fail when the spec has no lock, or its lock no longer matches it (see `mlenv lock`).")
    var locked = false

    @Flag(
        help:
            "Write nothing; exit 1 with a diff when the files in the output folder differ from what the spec (and lock) produce."
    )
    var check = false

    @Flag(help: "Replace files that mlenv did not write, or that were edited after it wrote them.")
    var force = false

    @OptionGroup var knowledge: KnowledgeOptions

    @OptionGroup var waiting: WaitOption

    func run() throws {
        try Generation(
            spec: spec, output: output, format: format, locked: locked, check: check, force: force,
            knowledge: knowledge, targets: target.targets, wait: waiting.seconds
        ).run()
    }
}

/// `--target docker,kubernetes`.
struct TargetList: ExpressibleByArgument {
    var targets: Set<Target>

    /// How `--help` shows the default: `docker`, not the Swift value.
    var defaultValueDescription: String {
        Target.allCases.filter(targets.contains).map(\.rawValue).joined(separator: ",")
    }

    init(targets: Set<Target>) {
        self.targets = targets
    }

    init?(argument: String) {
        guard case .success(let targets) = Target.parseList(argument) else { return nil }
        self.targets = targets.union([.docker])
    }

    static var defaultCompletionKind: CompletionKind {
        .list(Target.allCases.map(\.rawValue) + ["all"])
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
    var targets: Set<Target> = [.docker]
    /// How long to wait for another mlenv that holds the output folder.
    var wait: Double = 10

    func run() throws {
        MLEnv.prepareTemplates(for: targets)
        let (options, extraSources, extraDiagnostics) = try knowledge.load()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: spec, isDirectory: &isFolder), isFolder.boolValue {
            return try runFolder(options: options, extraSources: extraSources, extraDiagnostics: extraDiagnostics)
        }
        guard let source = try SourceLoader.load([spec], limit: knowledge.maxFileSize).first else {
            throw ExitStatus.cannotRun
        }
        let result = generate(source, into: output, options: options)
        let diagnostics = extraDiagnostics + result.diagnostics
        report(diagnostics, ignored: result.ignored, fileCount: 1, sources: [source] + extraSources)
        guard !result.outputs.isEmpty, !extraDiagnostics.containsErrors else { throw ExitStatus.problems }
        if check {
            let lock = try FolderLock.acquireOrExit(output, mode: .shared, wait: wait)
            defer { lock?.release() }
            try DriftCheck.compare(result.outputs, with: output)
            return
        }
        let lock = try FolderLock.acquireOrExit(output, mode: .exclusive, wait: wait)
        defer { lock?.release() }
        try AtomicWriter.writeOrExit(result.outputs, into: output, force: force)
        guard format == .text else { return }
        for file in result.outputs {
            print("wrote \((output as NSString).appendingPathComponent(file.path))")
        }
    }

    /// A folder of specs: each into `output/<name>`. Specs with errors write nothing; the others
    /// are written, and the exit status says whether any had errors.
    func runFolder(options: CheckOptions, extraSources: [SourceFile], extraDiagnostics: [Diagnostic]) throws {
        let sources = try SourceLoader.load([spec], limit: knowledge.maxFileSize)
        let specs = sources.map { (source: $0, lock: Self.lock(for: $0, limit: knowledge.maxFileSize)) }
        let result = MLEnv.generateFolder(
            specs, outputFolder: output, workingDirectory: FileManager.default.currentDirectoryPath,
            files: DiskFiles(), options: options, locked: locked, targets: targets)
        let diagnostics = extraDiagnostics + result.diagnostics
        report(diagnostics, ignored: result.ignored, fileCount: sources.count, sources: sources + extraSources)
        var drifted = false
        // Two runs into the same folder write one after the other: each team's folder is whole
        // and from one run, and so is the set of them.
        let lock =
            check || result.environments.isEmpty
            ? nil : try FolderLock.acquireOrExit(output, mode: .exclusive, wait: wait)
        defer { lock?.release() }
        for environment in result.environments {
            if check {
                let folderLock = try FolderLock.acquireOrExit(
                    environment.outputDirectory, mode: .shared, wait: wait)
                defer { folderLock?.release() }
                do { try DriftCheck.compare(environment.outputs, with: environment.outputDirectory) } catch let status
                    as ExitCode where status == ExitStatus.problems
                { drifted = true }
            } else {
                try AtomicWriter.writeOrExit(
                    environment.outputs, into: environment.outputDirectory, force: force, wait: wait)
            }
        }
        if format == .text && !check {
            print(
                "wrote \(result.environments.count) environment\(result.environments.count == 1 ? "" : "s") into \(output)"
            )
        }
        if drifted || diagnostics.containsErrors || result.environments.isEmpty { throw ExitStatus.problems }
    }

    func generate(_ source: SourceFile, into folder: String, options: CheckOptions) -> GenerateResult {
        Self.generate(
            source, into: { _ in folder }, options: options, limit: knowledge.maxFileSize, locked: locked,
            targets: targets)
    }

    /// One spec, with its lock when there is one beside it, into the folder `into` chooses.
    static func generate(
        _ source: SourceFile, into folder: (EnvironmentSpec) -> String, options: CheckOptions, limit: Int, locked: Bool,
        targets: Set<Target>
    ) -> GenerateResult {
        MLEnv.generate(
            source, outputDirectoryFor: folder, workingDirectory: FileManager.default.currentDirectoryPath,
            files: DiskFiles(), options: options, lock: lock(for: source, limit: limit), locked: locked,
            targets: targets)
    }

    /// The lock beside a spec, when there is one.
    static func lock(for source: SourceFile, limit: Int) -> SourceFile? {
        let lockPath = LockFile.path(forSpec: source.path)
        return FileManager.default.fileExists(atPath: lockPath)
            ? (try? SourceLoader.load([lockPath], limit: limit))?.first : nil
    }

    /// JSON is the command's output (on standard output, alone); text reports are for people.
    func report(_ diagnostics: [Diagnostic], ignored: [IgnoredDiagnostic], fileCount: Int, sources: [SourceFile]) {
        let report = Report(diagnostics, ignored: ignored, fileCount: fileCount)
        if format == .json {
            FileHandle.standardOutput.write(Data(JSONFormatter().format(report, sources: [:]).utf8))
        } else if !diagnostics.isEmpty || !ignored.isEmpty {
            printError(
                TextFormatter(color: wantsColor(STDERR_FILENO)).format(
                    report, sources: SourceLoader.texts(sources, for: diagnostics)))
        }
    }
}
