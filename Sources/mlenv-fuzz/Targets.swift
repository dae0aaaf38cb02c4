@_spi(Fuzzing) import MLEnvCore

/// One target per stage. Every target fails on a crash or a sanitizer report; each also asserts
/// what the stage promises for every input (diagnostics at real positions, round trips).
enum Targets {
    static let host = SourceFile(
        path: "specs/host.yaml",
        text:
            "mlenv: 1\nkind: host\nname: h\ndriver: \"535.129.03\"\ngpus: {model: A100, count: 8}\njupyter_ports: 18800-18899\n"
    )

    /// The whole pipeline: parse, check and generate one spec with a fixed host, then format
    /// the diagnostics. No files may be written when there are errors.
    static func pipeline(_ bytes: [UInt8]) {
        let spec = SourceFile(path: "specs/fuzz.yaml", bytes: bytes)
        let result = MLEnv.check([spec, host], files: InMemoryFiles())
        expectPositions(result.diagnostics)
        _ = TextFormatter().format(
            result.diagnostics, fileCount: 2, sources: ["specs/fuzz.yaml": String(decoding: bytes, as: UTF8.self)])
        _ = SARIFFormatter().format(result.diagnostics, fileCount: 2, sources: [:])
        let generated = MLEnv.generate(spec, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles())
        if generated.diagnostics.containsErrors && !generated.outputs.isEmpty {
            failure("files written despite errors")
        }
    }

    /// The YAML reader (libyaml's event API). A tree it reads without errors (keys up to 1024
    /// characters), printed again by `YAMLPrinter`, reads back as the same tree.
    static func yaml(_ bytes: [UInt8]) {
        let document = YAMLReader.read(bytes, file: "fuzz.yaml")
        expectPositions(document.diagnostics)
        guard let root = document.root, !document.diagnostics.containsErrors, keysFitOnOneLine(root) else { return }
        let printed = YAMLPrinter.print(tree(root))
        let again = YAMLReader.read(Array(printed.utf8), file: "printed.yaml")
        guard let readBack = again.root, !again.diagnostics.containsErrors else {
            failure("the printed tree does not read back: \(again.diagnostics.map(\.message))\n\(printed)")
        }
        if tree(readBack) != tree(root) { failure("the printed tree reads back differently:\n\(printed)") }
    }

    /// The spec decoder (`MLEnv.load`: reader and decoder).
    static func spec(_ bytes: [UInt8]) {
        let (file, diagnostics) = MLEnv.load(SourceFile(path: "specs/fuzz.yaml", bytes: bytes))
        expectPositions(diagnostics)
        if file == nil && !diagnostics.containsErrors { failure("no spec and no error") }
    }

    /// The requirement and version parsers: `RequirementParser`, `PEP440Version`,
    /// `VersionSpecifier` and `SpecifierSet`. A version's normalised form parses to the same
    /// version, and a set that admits one of its own versions is satisfiable (else mlenv would
    /// report a conflict that is not one).
    static func requirement(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        if case .success(let requirement) = Fuzzing.parseRequirement(text) {
            expectSatisfiable(requirement.specifiers, text)
        }
        if let version = PEP440Version(text) { expectVersionRoundTrip(version) }
        var specifiers: [VersionSpecifier] = []
        for part in text.split(separator: ",") {
            let trimmed = part.drop(while: { $0 == " " })
            let op = trimmed.prefix(while: { "<>=!~".contains($0) })
            guard let specifier = VersionSpecifier(op: String(op), version: String(trimmed.dropFirst(op.count))) else {
                continue
            }
            if let version = specifier.version { expectVersionRoundTrip(version) }
            specifiers.append(specifier)
        }
        expectSatisfiable(SpecifierSet(specifiers), text)
    }

    static let requirementsSpec = environment(
        "mlenv: 1\nname: team\nbase: python:3.11-slim\ncuda: none\npackages:\n  requirements: [requirements.txt]\n")

    /// The requirements-file parser and reader (`RequirementsFileParser`, `RequirementsReader`)
    /// over files in memory: the input is `requirements.txt`, and also `more.txt` and
    /// `constraints.txt`, which it may include (so includes and cycles are followed too).
    static func requirementsFile(_ bytes: [UInt8]) {
        let files = InMemoryFiles(["requirements.txt": bytes, "more.txt": bytes, "constraints.txt": bytes])
        let (requirements, diagnostics) = Fuzzing.readRequirements(requirementsSpec, files: files)
        expectPositions(diagnostics)
        if requirements.files.first?.path != "requirements.txt" { failure("requirements.txt was not read") }
    }

    static let projectSpec = environment("mlenv: 1\nname: team\nbase: python:3.11-slim\ncuda: none\nproject: .\n")

    /// The pyproject reader (`ProjectReader`: TOMLKit, toml++ underneath): the input is
    /// `pyproject.toml`.
    static func pyproject(_ bytes: [UInt8]) {
        let (_, diagnostics) = Fuzzing.readProject(projectSpec, files: InMemoryFiles(["pyproject.toml": bytes]))
        expectPositions(diagnostics)
    }

    /// The lock reader (`LockFile.parse`). A lock it reads, written again by `render()`, reads
    /// back as the same lock.
    static func lock(_ bytes: [UInt8]) {
        let (lock, diagnostics) = LockFile.parse(SourceFile(path: "mlenv.lock", bytes: bytes))
        expectPositions(diagnostics)
        guard let lock else { return }
        let rendered = lock.render()
        let (again, problems) = LockFile.parse(SourceFile(path: "mlenv.lock", text: rendered))
        if again != lock {
            failure("the rendered lock reads back differently: \(problems.map(\.message))\n\(rendered)")
        }
    }

    /// The catalog reader (`CatalogLoader.load`).
    static func catalog(_ bytes: [UInt8]) {
        let (_, diagnostics) = CatalogLoader.load(SourceFile(path: "catalog.yaml", bytes: bytes))
        expectPositions(diagnostics)
    }

    /// `YAMLPrinter`'s quoting: the input as a value, a key (up to YAML's 1024 characters), a
    /// block and a flow list item, read back by mlenv's own reader, is the input.
    static func quoteYAML(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        var documents: [Document] = [
            .mapping(entries: [Document.Entry("k", .string(text))]),
            .sequence([.string(text)], .block),
            .mapping(entries: [Document.Entry("k", .sequence([.string(text), .string(text)], .flow))]),
        ]
        // YAML allows an implicit key of at most 1024 characters; the printer writes every key
        // implicitly (mlenv's keys are names), so only keys within the limit are held to it.
        if YAMLPrinter.scalar(text).unicodeScalars.count <= 1024 {
            documents.append(.mapping(entries: [Document.Entry(text, .integer(1))]))
            documents.append(
                .mapping(entries: [Document.Entry("k", .mapping(entries: [Document.Entry(text, .string(text))], .flow))]
                ))
        }
        for document in documents {
            let printed = YAMLPrinter.print(document)
            let read = YAMLReader.read(Array(printed.utf8), file: "printed.yaml")
            guard let root = read.root, !read.diagnostics.containsErrors else {
                failure(
                    "\(debug(text)) printed as YAML does not read back: \(read.diagnostics.map(\.message))\n\(printed)")
            }
            if tree(root) != shape(document) {
                failure("\(debug(text)) printed as YAML reads back as something else:\n\(printed)")
            }
        }
    }

    /// `Quoting.dockerfile` (ENV, LABEL and ARG values): the word, read as BuildKit's
    /// Dockerfile lexer reads a double-quoted word, is the input with line breaks folded to
    /// spaces (they cannot be written in these instructions; callers refuse them before).
    static func quoteDockerfile(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        let quoted = Quoting.dockerfile(text)
        if quoted.contains(where: { $0 == "\n" || $0 == "\r" }) { failure("\(debug(text)): a line break in \(quoted)") }
        var expected = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            expected.append(["\n", "\r", "\u{2028}", "\u{2029}", "\u{85}"].contains(scalar) ? " " : scalar)
        }
        switch BuildKitWord.readDoubleQuoted(quoted) {
        case .success(let value):
            if value != String(expected) { failure("\(debug(text)) reads back as \(debug(value)) from \(quoted)") }
        case .failure(let problem): failure("\(debug(text)) quoted as \(quoted): \(problem)")
        }
    }

    // MARK: - Assertions

    static func expectPositions(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics where diagnostic.location.line < 1 || diagnostic.location.column < 1 {
            failure("a diagnostic at \(diagnostic.location.line):\(diagnostic.location.column): \(diagnostic.message)")
        }
    }

    static func expectVersionRoundTrip(_ version: PEP440Version) {
        guard let again = PEP440Version(version.description) else {
            failure("the normalised version \(version.description) does not parse")
        }
        if again != version || again.description != version.description {
            failure("\(version.description) parses as \(again.description)")
        }
    }

    static func expectSatisfiable(_ set: SpecifierSet, _ text: String) {
        guard !set.isSatisfiable else { return }
        for version in set.specifiers.compactMap(\.version) where set.contains(version) {
            failure("\(set) admits \(version) but is reported unsatisfiable (input \(debug(text)))")
        }
    }

    // MARK: - Helpers

    /// A YAML tree as a `Document` of strings: what the printer writes and what to compare.
    static func tree(_ node: YAMLNode) -> Document {
        switch node.kind {
        case .scalar(let text, _): .string(text)
        case .sequence(let items): .sequence(items.map(tree), .block)
        case .mapping(let pairs): .mapping(entries: pairs.map { Document.Entry($0.key, tree($0.value)) })
        }
    }

    /// Whether every key is within YAML's 1024 characters for an implicit key (see `quoteYAML`).
    static func keysFitOnOneLine(_ node: YAMLNode) -> Bool {
        switch node.kind {
        case .scalar: true
        case .sequence(let items): items.allSatisfy(keysFitOnOneLine)
        case .mapping(let pairs):
            pairs.allSatisfy { YAMLPrinter.scalar($0.key).unicodeScalars.count <= 1024 && keysFitOnOneLine($0.value) }
        }
    }

    /// `document` as `tree` reads it back: text, block layout.
    static func shape(_ document: Document) -> Document {
        switch document {
        case .integer(let value): .string(String(value))
        case .bool(let value): .string(String(value))
        case .sequence(let items, _): .sequence(items.map(shape), .block)
        case .mapping(let entries, _): .mapping(entries: entries.map { Document.Entry($0.key, shape($0.value)) })
        case .commented(_, let value): shape(value)
        case .string, .null: document
        }
    }

    /// The environment spec in `text`.
    static func environment(_ text: String) -> EnvironmentSpec {
        guard case (.environment(let spec)?, _) = MLEnv.load(SourceFile(path: "mlenv.yaml", text: text)) else {
            failure("the fixed spec does not load:\n\(text)")
        }
        return spec
    }

    static func debug(_ text: String) -> String { String(reflecting: text) }
}
