import Dispatch

/// One file handed to mlenv: its path as the user named it, and its bytes.
public struct SourceFile: Sendable {
    /// The path, used in diagnostics and to resolve paths inside the spec.
    public var path: String
    /// The raw contents.
    public var bytes: [UInt8]
    /// Whether the file was found in a folder rather than named: then a YAML file that is not an
    /// mlenv file (no `mlenv:` key: a `.pre-commit-config.yaml`, a manifest) is passed over.
    public var foundInFolder = false

    /// Creates a source file.
    public init(path: String, bytes: [UInt8], foundInFolder: Bool = false) {
        self.path = path
        self.bytes = bytes
        self.foundInFolder = foundInFolder
    }

    /// A source file from text (tests and examples).
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}

/// What checking needs besides the files: the catalog and the host.
public struct CheckOptions: Sendable {
    /// The compatibility knowledge: the built-in catalog plus any `--catalog` files.
    public var catalog: Catalog
    /// The host inventory (`--host`); when nil, a single `kind: host` file among the checked
    /// files is used.
    public var host: HostSpec?
    /// Size limits for reading files.
    public var limits: YAMLLimits
    /// `--ignore`: codes whose findings are counted as ignored, in every file.
    public var ignored: Set<DiagnosticCode> = []

    /// Options with the built-in catalog, no host and the default limits.
    public init(catalog: Catalog = CatalogLoader.builtIn, host: HostSpec? = nil, limits: YAMLLimits = YAMLLimits()) {
        self.catalog = catalog
        self.host = host
        self.limits = limits
    }
}

/// The result of checking files.
public struct CheckResult: Sendable {
    /// Every diagnostic of every file, in reading order.
    public var diagnostics: [Diagnostic]
    /// The files that decoded, in the order given.
    public var files: [MLEnvFile]
    /// The environments that resolved, in the order given.
    public var environments: [ResolvedEnvironment]
    /// How many files were checked.
    public var fileCount: Int
    /// The findings `ignore:` and `--ignore` set aside.
    public var ignored: [IgnoredDiagnostic] = []
}

/// The result of generating one spec's artifacts.
public struct GenerateResult: Sendable {
    /// Every diagnostic for the spec.
    public var diagnostics: [Diagnostic]
    /// The files to write; empty whenever `diagnostics` holds an error.
    public var outputs: [OutputFile]
    /// The folder they are for, when the spec decoded as an environment.
    public var outputDirectory: String?
    /// The spec, when it decoded as an environment.
    var spec: EnvironmentSpec? = nil
    /// The findings `ignore:` and `--ignore` set aside.
    public var ignored: [IgnoredDiagnostic] = []
}

/// What `generate FOLDER` makes of a folder of specs.
public struct FolderGenerateResult: Sendable {
    /// One environment's files, for `outputDirectory`.
    public struct Environment: Sendable {
        /// The spec it comes from.
        public var source: SourceFile
        /// `OUTPUT/<name>`.
        public var outputDirectory: String
        /// The files; never empty.
        public var outputs: [OutputFile]
    }

    /// Every diagnostic, spec by spec.
    public var diagnostics: [Diagnostic]
    /// The environments to write: those without errors.
    public var environments: [Environment]
    /// The findings `ignore:` and `--ignore` set aside.
    public var ignored: [IgnoredDiagnostic] = []
}

/// The pipeline: parse, decode, check, emit. Text in, values out; no printing, no file system
/// except through the `FileSystemView` a caller passes.
public enum MLEnv {
    /// mlenv's version, written into every generated file.
    public static let version = "0.1.0"

    /// Reads and decodes one file.
    public static func load(_ source: SourceFile, limits: YAMLLimits = YAMLLimits()) -> (MLEnvFile?, [Diagnostic]) {
        let document = YAMLReader.read(source.bytes, file: source.path, limits: limits)
        guard let root = document.root else { return (nil, document.diagnostics) }
        if source.foundInFolder, !document.diagnostics.containsErrors, !isMLEnvDocument(root) {
            let note = Diagnostic(
                .notAnMLEnvFile, "`\(source.path)` has no `mlenv:` key, so it is not an mlenv file; passed over",
                file: source.path, at: root.location, fix: "name it on the command line to check it anyway")
            return (nil, [note])
        }
        let (file, diagnostics) = SpecDecoder.decode(root, file: source.path)
        return (file, document.diagnostics + diagnostics)
    }

    /// Whether a document is meant for mlenv: a mapping with the `mlenv:` key.
    static func isMLEnvDocument(_ root: YAMLNode) -> Bool {
        guard case .mapping(let pairs) = root.kind else { return false }
        return pairs.contains { $0.key == "mlenv" }
    }

    /// Checks every file and reports every problem.
    public static func check(_ sources: [SourceFile], files: FileSystemView, options: CheckOptions = CheckOptions())
        -> CheckResult
    {
        check(sources, files: files, options: options, locks: [:])
    }

    /// `check`, with the lock (by spec path) each spec is built from: the rules then judge the
    /// environment the lock makes, not a fresh resolution.
    static func check(
        _ sources: [SourceFile], files: FileSystemView, options: CheckOptions,
        locks: [String: LockFile]
    ) -> CheckResult {
        var diagnostics: [Diagnostic] = []
        var ignored: [IgnoredDiagnostic] = []
        let suppression = Suppression(commandLine: options.ignored)
        var decoded: [MLEnvFile] = []
        decoded.reserveCapacity(sources.count)
        // Files are read, and specs checked, independently: on every core, results in order.
        let limits = options.limits
        for (file, found) in sources.parallelMap({ load($0, limits: limits) }) {
            var spec: EnvironmentSpec?
            if case .environment(let decodedSpec)? = file { spec = decodedSpec }
            let (reported, set) = suppression.apply(found, spec: spec)
            diagnostics += reported
            ignored += set
            if let file { decoded.append(file) }
        }
        let hosts = decoded.compactMap { file -> HostSpec? in
            if case .host(let host) = file { return host }
            return nil
        }
        let host = options.host ?? (hosts.count == 1 ? hosts[0] : nil)
        // Each host file is judged once by itself: its driver against its own GPUs.
        for inventory in hosts
            + [options.host].compactMap({ $0 }).filter({ given in
                !hosts.contains { $0.file == given.file }
            })
        {
            diagnostics += HostGPURule.check(inventory, catalog: options.catalog)
        }
        var environments: [ResolvedEnvironment] = []
        environments.reserveCapacity(decoded.count)
        let specs = decoded.compactMap { file -> EnvironmentSpec? in
            if case .environment(let spec) = file { return spec }
            return nil
        }
        if specs.count > 1 || host != nil {
            let bySpec = Dictionary(specs.map { ($0.file, $0) }, uniquingKeysWith: { first, _ in first })
            for diagnostic in SharedHostRule.check(specs, host: host) {
                let (reported, set) = suppression.apply([diagnostic], spec: bySpec[diagnostic.file])
                diagnostics += reported
                ignored += set
            }
        }
        let catalog = options.catalog
        let checked = specs.parallelMap {
            checkEnvironment($0, files: files, catalog: catalog, host: host, lock: locks[$0.file])
        }
        for (spec, (environment, found)) in zip(specs, checked) {
            let (reported, set) = suppression.apply(found, spec: spec)
            diagnostics += reported
            ignored += set
            if let environment { environments.append(environment) }
        }
        return CheckResult(
            diagnostics: diagnostics.sortedForDisplay(), files: decoded, environments: environments,
            fileCount: sources.count, ignored: ignored)
    }

    /// Resolves a spec and runs every check rule on it.
    static func checkEnvironment(
        _ spec: EnvironmentSpec, files: FileSystemView, catalog: Catalog,
        host: HostSpec?, lock: LockFile? = nil
    ) -> (ResolvedEnvironment?, [Diagnostic]) {
        var diagnostics = FileReferenceRule.check(spec, files: files)
        var (requirements, unreadable) = RequirementsReader.read(spec, files: files)
        diagnostics += unreadable
        let (project, projectProblems) = ProjectReader.read(spec, files: files)
        requirements.project = project
        requirements.contextHasIgnoreFile = FileReferenceRule.contextHasIgnoreFile(spec, files: files)
        diagnostics += projectProblems
        let (resolved, found) = Resolver.resolve(
            spec, catalog: catalog, host: host, lock: lock, requirements: requirements)
        diagnostics += found
        guard let resolved else { return (nil, diagnostics) }
        var context = RuleContext(environment: resolved, catalog: catalog, host: host)
        BaseImageRule.check(&context)
        FrameworkPythonRule.check(&context)
        FrameworkCUDARule.check(&context)
        PipRule.check(&context)
        CompanionRule.check(&context)
        HostRule.check(&context)
        ContainerToolkitRule.check(&context)
        GPUCodeRule.check(&context)
        HygieneRule.check(&context)
        ProjectReader.check(&context)
        return (resolved, diagnostics + context.diagnostics)
    }

    /// Starts making the built-in catalog on another thread: a caller that reads its specs
    /// meanwhile finds it ready (compiled in, it is still a quarter of checking one spec: its
    /// versions and image references are read from their text).
    public static func prepareCatalog() {
        DispatchQueue.global(qos: .userInitiated).async { _ = CatalogLoader.builtIn }
    }

    /// Starts parsing the templates `targets` need, in the background: a caller about to
    /// generate saves their parsing time (most of a one-spec `generate`) by calling this first.
    public static func prepareTemplates(for targets: Set<Target>) {
        TemplateRenderer.shared.prepare(targets.union([.docker]).flatMap { $0.renderer.templates })
    }

    /// Checks one spec and, when it has no errors, returns the files to write into
    /// `outputDirectory`. Both paths are as the user named them; `workingDirectory` is the
    /// absolute folder they are relative to, so the run script can find the spec's folder.
    public static func generate(
        _ source: SourceFile, outputDirectory: String, workingDirectory: String,
        files: FileSystemView, options: CheckOptions = CheckOptions(),
        lock: SourceFile? = nil, locked: Bool = false, targets: Set<Target> = [.docker]
    ) -> GenerateResult {
        generate(
            source, outputDirectoryFor: { _ in outputDirectory }, workingDirectory: workingDirectory, files: files,
            options: options, lock: lock, locked: locked, targets: targets)
    }

    /// `generate` into a folder chosen from the decoded spec (`generate FOLDER` names each
    /// subfolder after the spec's `name`), so the spec is read once.
    public static func generate(
        _ source: SourceFile, outputDirectoryFor: (EnvironmentSpec) -> String, workingDirectory: String,
        files: FileSystemView, options: CheckOptions = CheckOptions(),
        lock: SourceFile? = nil, locked: Bool = false, targets: Set<Target> = [.docker]
    ) -> GenerateResult {
        // The lock is read first: resolve takes its choices, so the rules check what is built.
        let (lockFile, lockProblems) = usableLock(lock, for: source, locked: locked)
        let result = check([source], files: files, options: options, locks: lockFile.map { [source.path: $0] } ?? [:])
        var diagnostics = result.diagnostics
        var ignored = result.ignored
        let suppression = Suppression(commandLine: options.ignored)
        for case .environment(let spec) in result.files {
            let (reported, set) = suppression.apply(
                ClusterRule.check(spec, targets: targets) + lockProblems, spec: spec)
            diagnostics += reported
            ignored += set
        }
        if result.files.isEmpty { diagnostics += lockProblems }
        guard let file = result.files.first else {
            return GenerateResult(diagnostics: diagnostics, outputs: [], ignored: ignored)
        }
        guard case .environment(let spec) = file else {
            diagnostics.append(
                Diagnostic(
                    .notAnEnvironment,
                    "`\(source.path)` describes a host, not an environment; `generate` takes an environment spec",
                    file: source.path, at: SourceLocation(line: 1, column: 1)))
            return GenerateResult(diagnostics: diagnostics + lockProblems, outputs: [], ignored: ignored)
        }
        let outputDirectory = outputDirectoryFor(spec)
        if let environment = result.environments.first {
            let (reported, set) = suppression.apply(
                BuildContextRule.check(
                    environment, outputDirectory: outputDirectory,
                    absolute: { SpecPaths.absolute($0, in: workingDirectory) }),
                spec: spec)
            diagnostics += reported
            ignored += set
        }
        guard !diagnostics.containsErrors, let environment = result.environments.first else {
            return GenerateResult(
                diagnostics: diagnostics, outputs: [], outputDirectory: outputDirectory, spec: nil, ignored: ignored)
        }
        let outputs = artifacts(
            environment, source: source, extraInputs: lockFile == nil ? nil : lock, outputDirectory: outputDirectory,
            workingDirectory: workingDirectory, targets: targets, lock: locked ? lockFile : nil)
        return GenerateResult(
            diagnostics: diagnostics, outputs: outputs, outputDirectory: outputDirectory, spec: spec, ignored: ignored)
    }

    /// `generate FOLDER`: each environment spec (with its lock, when it has one) into
    /// `outputFolder/<name>`, on every core. Host files and catalogs beside the specs are
    /// passed over; specs with errors, and specs that share a name (E305), write nothing.
    public static func generateFolder(
        _ specs: [(source: SourceFile, lock: SourceFile?)], outputFolder: String, workingDirectory: String,
        files: FileSystemView, options: CheckOptions = CheckOptions(), locked: Bool = false,
        targets: Set<Target> = [.docker]
    ) -> FolderGenerateResult {
        let folder = outputFolder.hasSuffix("/") ? outputFolder : outputFolder + "/"
        let results = specs.parallelMap { spec in
            generate(
                spec.source, outputDirectoryFor: { folder + $0.name.value }, workingDirectory: workingDirectory,
                files: files,
                options: options, lock: spec.lock, locked: locked, targets: targets)
        }
        var diagnostics = results.flatMap { $0.diagnostics.filter { $0.code != .notAnEnvironment } }
        let clashes = SharedHostRule.nameClashes(results.compactMap(\.spec))
        diagnostics += clashes
        let clashing = Set(clashes.flatMap { clash in [clash.file] + clash.notes.compactMap(\.file) })
        let environments = zip(specs, results).compactMap { spec, result -> FolderGenerateResult.Environment? in
            guard let directory = result.outputDirectory, !result.outputs.isEmpty, !clashing.contains(spec.source.path)
            else { return nil }
            return FolderGenerateResult.Environment(
                source: spec.source, outputDirectory: directory, outputs: result.outputs)
        }
        return FolderGenerateResult(
            diagnostics: diagnostics, environments: environments, ignored: results.flatMap(\.ignored))
    }

    /// The files for one checked environment. `extraInputs` (a lock, or a plan's allocation) is
    /// named in the headers and hashed with the spec; `allocation` is the plan's.
    static func artifacts(
        _ environment: ResolvedEnvironment, source: SourceFile, extraInputs: SourceFile?,
        outputDirectory: String, workingDirectory: String, targets: Set<Target> = [.docker],
        allocation: Allocation? = nil, lock: LockFile? = nil
    ) -> [OutputFile] {
        let absolute = { (path: String) in SpecPaths.absolute(path, in: workingDirectory) }
        let specFolder = SpecPaths.folder(of: absolute(source.path))
        let specFolderFromOutput = SpecPaths.relativePath(from: absolute(outputDirectory), to: specFolder) ?? specFolder
        let header = GeneratedHeader(
            mlenvVersion: version, specName: lastComponent(source.path), specHash: SHA256.hex(source.bytes),
            inputsHash: SHA256.hex(
                source.bytes + (extraInputs?.bytes ?? []) + environment.requirements.files.flatMap(\.bytes)
                    + (environment.project?.bytes ?? [])),
            lockName: extraInputs.map { lastComponent($0.path) },
            specPathFromOutput: printable(
                SpecPaths.relativePath(from: absolute(outputDirectory), to: absolute(source.path))
                    ?? absolute(source.path)))
        let context = BuildContextRule.context(environment, outputDirectory: outputDirectory, absolute: absolute)
        let (recipe, run) = Translator.translate(
            environment, header: header, specFolderFromOutput: specFolderFromOutput,
            workingDirectory: workingDirectory, allocation: allocation, context: context, lock: lock)
        let input = RenderInput(
            recipe: recipe, run: run, header: header,
            intoDevContainerFolder: GeneratedFiles.isDevContainerFolder(absolute(outputDirectory)))
        // Every target in a fixed order (the Dockerfile's first), each by its own renderer.
        let chosen = Target.allCases.filter { $0 == .docker || targets.contains($0) }
        return Seal.seal(chosen.flatMap { $0.renderer.render(input) })
    }

    /// The lock to build from: one whose spec hash matches. A stale lock is a warning, or with
    /// `--locked` an error, as is a missing one.
    static func usableLock(_ lock: SourceFile?, for source: SourceFile, locked: Bool) -> (LockFile?, [Diagnostic]) {
        let start = SourceLocation(line: 1, column: 1)
        guard let lock else {
            return (
                nil,
                locked
                    ? [
                        Diagnostic(
                            .lockMissing,
                            "`--locked` needs \(LockFile.path(forSpec: source.path)), which does not exist",
                            file: source.path, at: start, fix: "run `mlenv lock \(source.path)`")
                    ] : []
            )
        }
        let (parsed, problems) = LockFile.parse(lock)
        guard let parsed else { return (nil, problems) }
        if parsed.specSHA256 == SHA256.hex(source.bytes) { return (parsed, problems) }
        let note = DiagnosticNote(
            "the lock records spec sha256 \(parsed.specSHA256.prefix(12))…", file: lock.path, at: start)
        let message = "`\(source.path)` changed after it was locked"
        if locked {
            return (
                nil,
                problems + [
                    Diagnostic(
                        .lockMismatch, message + "; `--locked` refuses the stale lock", file: source.path, at: start,
                        notes: [note], fix: "run `mlenv lock \(source.path)` and commit the lock")
                ]
            )
        }
        return (
            nil,
            problems + [
                Diagnostic(
                    .lockStale, message + "; generating from the spec alone", file: source.path, at: start,
                    notes: [note], fix: "run `mlenv lock \(source.path)`")
            ]
        )
    }

    /// The spec's file name as generated files show it, in comments too: control characters
    /// (a newline in a file name would start a new Dockerfile instruction) become `?`.
    static func lastComponent(_ path: String) -> String {
        printable(path.split(separator: "/").last.map(String.init) ?? path)
    }

    /// `text` with control characters and line separators replaced by `?`.
    static func printable(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    scalar.properties.generalCategory == .control || scalar.value == 0x2028 || scalar.value == 0x2029
                        ? "?" : scalar
                }))
    }
}
