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
            the spec's `name` (host files are skipped).

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

    @Option(help: ArgumentHelp("What to write besides the Dockerfile: a comma-separated list of docker, kubernetes, slurm, apptainer, devcontainer, or all.",
                               valueName: "targets"))
    var target: TargetList = TargetList(targets: [.docker])

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
        try Generation(spec: spec, output: output, format: format, locked: locked, check: check, force: force,
                       knowledge: knowledge, targets: target.targets).run()
    }
}

/// `--target docker,kubernetes`.
struct TargetList: ExpressibleByArgument {
    var targets: Set<Target>

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

    func run() throws {
        MLEnv.prepareTemplates(for: targets)
        let (options, extraSources, extraDiagnostics) = try knowledge.load()
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: spec, isDirectory: &isFolder), isFolder.boolValue {
            return try runFolder(options: options, extraSources: extraSources, extraDiagnostics: extraDiagnostics)
        }
        guard let source = try SourceLoader.load([spec], limit: knowledge.maxFileSize).first else { throw ExitStatus.cannotRun }
        let result = generate(source, into: output, options: options)
        let diagnostics = extraDiagnostics + result.diagnostics
        report(diagnostics, fileCount: 1, sources: [source] + extraSources)
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

    /// A folder of specs: each into `output/<name>`. Specs with errors write nothing; the others
    /// are written, and the exit status says whether any had errors.
    func runFolder(options: CheckOptions, extraSources: [SourceFile], extraDiagnostics: [Diagnostic]) throws {
        let sources = try SourceLoader.load([spec], limit: knowledge.maxFileSize)
        var diagnostics = extraDiagnostics
        var planned: [(name: String, source: SourceFile, outputs: [OutputFile])] = []
        // Specs are independent: generate them on every core, keeping their order.
        let (output, limit, locked, targets) = (output, knowledge.maxFileSize, locked, targets)
        let results = sources.parallelMap { source -> (String?, GenerateResult) in
            // Each spec into a folder named after it.
            let result = Self.generate(source, into: { spec in (output as NSString).appendingPathComponent(spec.name.value) },
                                       options: options, limit: limit, locked: locked, targets: targets)
            return (result.outputDirectory.map { ($0 as NSString).lastPathComponent }, result)
        }
        for (source, (name, result)) in zip(sources, results) {
            // Host files and catalog files live beside specs; they are not environments to build.
            diagnostics += result.diagnostics.filter { $0.code.id != "E132" }
            if let name, !result.outputs.isEmpty { planned.append((name, source, result.outputs)) }
        }
        var firstByName: [String: String] = [:]
        var clashes: [String] = []
        for entry in planned {
            if let first = firstByName[entry.name] {
                clashes.append("\(first) and \(entry.source.path) are both named `\(entry.name)`")
            } else {
                firstByName[entry.name] = entry.source.path
            }
        }
        report(diagnostics, fileCount: sources.count, sources: sources + extraSources)
        if !clashes.isEmpty {
            printError("mlenv: error: each spec is generated into a folder named after it: " + clashes.joined(separator: "; "))
            throw ExitStatus.problems
        }
        var drifted = false
        for entry in planned {
            let folder = (output as NSString).appendingPathComponent(entry.name)
            if check {
                do { try DriftCheck.compare(entry.outputs, with: folder) } catch let status as ExitCode where status == ExitStatus.problems { drifted = true }
            } else {
                try AtomicWriter.writeOrExit(entry.outputs, into: folder, force: force)
            }
        }
        if format == .text && !check {
            print("wrote \(planned.count) environment\(planned.count == 1 ? "" : "s") into \(output)")
        }
        if drifted || diagnostics.containsErrors || planned.isEmpty { throw ExitStatus.problems }
    }

    func generate(_ source: SourceFile, into folder: String, options: CheckOptions) -> GenerateResult {
        Self.generate(source, into: { _ in folder }, options: options, limit: knowledge.maxFileSize, locked: locked, targets: targets)
    }

    /// One spec, with its lock when there is one beside it, into the folder `into` chooses.
    static func generate(_ source: SourceFile, into folder: (EnvironmentSpec) -> String, options: CheckOptions, limit: Int, locked: Bool,
                         targets: Set<Target>) -> GenerateResult {
        let lockPath = LockFile.path(forSpec: source.path)
        let lock = FileManager.default.fileExists(atPath: lockPath)
            ? (try? SourceLoader.load([lockPath], limit: limit))?.first : nil
        return MLEnv.generate(source, outputDirectoryFor: folder, workingDirectory: FileManager.default.currentDirectoryPath,
                              files: DiskFiles(), options: options, lock: lock, locked: locked, targets: targets)
    }

    /// JSON is the command's output (on standard output, alone); text reports are for people.
    func report(_ diagnostics: [Diagnostic], fileCount: Int, sources: [SourceFile]) {
        if format == .json {
            FileHandle.standardOutput.write(Data(JSONFormatter().format(diagnostics, fileCount: fileCount, sources: [:]).utf8))
        } else if !diagnostics.isEmpty {
            printError(TextFormatter(color: wantsColor(STDERR_FILENO)).format(diagnostics, fileCount: fileCount, sources: SourceLoader.texts(sources, for: diagnostics)))
        }
    }
}
