/// One file handed to mlenv: its path as the user named it, and its bytes.
public struct SourceFile: Sendable {
    /// The path, used in diagnostics and to resolve paths inside the spec.
    public var path: String
    /// The raw contents.
    public var bytes: [UInt8]

    /// Creates a source file.
    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    /// A source file from text (tests and examples).
    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }
}

/// The result of checking files.
public struct CheckResult: Sendable {
    /// Every diagnostic of every file, in reading order.
    public var diagnostics: [Diagnostic]
    /// The files that decoded, in the order given.
    public var files: [MLEnvFile]
    /// How many files were checked.
    public var fileCount: Int
}

/// The result of generating one spec's artifacts.
public struct GenerateResult: Sendable {
    /// Every diagnostic for the spec.
    public var diagnostics: [Diagnostic]
    /// The files to write; empty whenever `diagnostics` holds an error.
    public var outputs: [OutputFile]
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
        let (file, diagnostics) = SpecDecoder.decode(root, file: source.path)
        return (file, document.diagnostics + diagnostics)
    }

    /// Checks every file and reports every problem.
    public static func check(_ sources: [SourceFile], files: FileSystemView) -> CheckResult {
        var diagnostics: [Diagnostic] = []
        var decoded: [MLEnvFile] = []
        for source in sources {
            let (file, found) = load(source)
            diagnostics += found
            guard let file else { continue }
            decoded.append(file)
            if case .environment(let spec) = file {
                diagnostics += checkEnvironment(spec, files: files)
            }
        }
        return CheckResult(diagnostics: diagnostics.sortedForDisplay(), files: decoded, fileCount: sources.count)
    }

    /// The checks that need more than the file's own syntax.
    static func checkEnvironment(_ spec: EnvironmentSpec, files: FileSystemView) -> [Diagnostic] {
        var diagnostics = FileReferenceRule.check(spec, files: files)
        if case .image(let image) = spec.base.value {
            diagnostics += BaseImageRule.check(spec, image: image, traits: BaseImageTraits.of(image))
        }
        return diagnostics
    }

    /// Checks one spec and, when it has no errors, returns the files to write into
    /// `outputDirectory`. Both paths are as the user named them; `workingDirectory` is the
    /// absolute folder they are relative to, so the run script can find the spec's folder.
    public static func generate(_ source: SourceFile, outputDirectory: String, workingDirectory: String,
                                files: FileSystemView) -> GenerateResult {
        let result = check([source], files: files)
        var diagnostics = result.diagnostics
        guard let file = result.files.first else { return GenerateResult(diagnostics: diagnostics, outputs: []) }
        guard case .environment(let spec) = file else {
            diagnostics.append(Diagnostic(.notAnEnvironment, "`\(source.path)` describes a host, not an environment; `generate` takes an environment spec",
                                          file: source.path, at: SourceLocation(line: 1, column: 1)))
            return GenerateResult(diagnostics: diagnostics, outputs: [])
        }
        guard !diagnostics.containsErrors, case .image(let image) = spec.base.value else {
            return GenerateResult(diagnostics: diagnostics, outputs: [])
        }
        let absolute = { (path: String) in SpecPaths.normalize(path.hasPrefix("/") ? path : workingDirectory + "/" + path) }
        let specFolder = SpecPaths.folder(of: absolute(source.path))
        let specFolderFromOutput = SpecPaths.relativePath(from: absolute(outputDirectory), to: specFolder) ?? specFolder
        let header = GeneratedHeader(mlenvVersion: version, specName: lastComponent(source.path), specHash: SHA256.hex(source.bytes))
        let traits = BaseImageTraits.of(image)

        var outputs: [OutputFile] = []
        let requirements = RequirementsEmitter.render(spec, traits: traits, header: header)
        outputs.append(OutputFile(path: GeneratedFiles.dockerfile, contents: .text(
            DockerfileEmitter.render(spec, image: image, traits: traits, header: header, hasRequirements: requirements != nil))))
        outputs.append(OutputFile(path: GeneratedFiles.runScript, contents: .text(
            RunScriptEmitter.render(spec, header: header, specFolderFromOutput: specFolderFromOutput)), executable: true))
        if let requirements {
            outputs.append(OutputFile(path: GeneratedFiles.requirements, contents: .text(requirements)))
        }
        if let bundle = spec.build.caBundle {
            outputs.append(OutputFile(path: GeneratedFiles.caBundle, contents: .copy(of: SpecPaths.resolve(bundle.value, relativeTo: source.path))))
        }
        return GenerateResult(diagnostics: diagnostics, outputs: outputs)
    }

    static func lastComponent(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

extension DiagnosticCode {
    static let notAnEnvironment = DiagnosticCode(
        "E132", .error, name: "not-an-environment", summary: "`generate` was given a host file.",
        explanation: """
            `mlenv generate` builds one environment from its spec. Host files (`kind: host`) \
            describe a server and are used by `check --host` and `plan`.
            """)
}
