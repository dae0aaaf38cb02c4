import TOMLKit

extension DiagnosticCode {
    static let invalidPyProject = DiagnosticCode(
        "E166", .error, name: "invalid-pyproject", summary: "The project's `pyproject.toml` cannot be read.",
        explanation: """
            `project:` installs the folder's Python project; mlenv reads its `pyproject.toml` \
            (TOML 1.0, read with TOMLKit) for `requires-python`, `dependencies` and \
            `optional-dependencies`, as pip's build front end would. A file that is not TOML, or \
            whose `[project]` values have the wrong type, would stop pip at the install step.
            """)
    static let requiresPythonExcluded = DiagnosticCode(
        "E167", .error, name: "requires-python-excluded",
        summary: "The project's `requires-python` excludes the environment's Python.",
        explanation: """
            pip refuses to install a project whose `requires-python` does not admit the running \
            Python ("requires a different Python"). mlenv compares it with the Python the image \
            will run (the spec's `python:`, else the base image's); when that Python is unknown, \
            nothing is said.
            """)
    static let unknownProjectExtra = DiagnosticCode(
        "W168", .warning, name: "unknown-project-extra",
        summary: "`project.extras` names an extra the project does not define.",
        explanation: """
            pip installs the project without it and only warns ("does not provide the extra"), \
            so the packages the team expected are missing at run time.
            """)
    static let projectDependenciesUnknown = DiagnosticCode(
        "N169", .note, name: "project-dependencies-unknown",
        summary: "The project's dependencies are computed at build time, so mlenv cannot check or layer them.",
        explanation: """
            A project without a static `[project] dependencies` list (`dynamic = ["dependencies"]`, \
            a `setup.py` project, Poetry's `[tool.poetry]` before Poetry 2) has its dependencies \
            known only when its build backend runs. mlenv then installs the project together with \
            its dependencies in one step: they are not checked, and editing the code reinstalls them.
            """)
}

/// The project `project:` installs, as its `pyproject.toml` says.
public struct PythonProject: Sendable, Equatable {
    /// The project's folder (relative to the working directory, or absolute).
    public var folder: String
    /// `pyproject.toml`'s path, when the project has one.
    public var pyproject: String?
    /// Its bytes, part of the generated files' inputs hash.
    public var bytes: [UInt8]
    /// `[project] name`, normalised.
    public var name: String?
    /// `requires-python`, where it is written.
    public var requiresPython: Located<String>?
    /// `requires-python` as specifiers.
    public var requiresPythonSpecifiers: SpecifierSet?
    /// Whether the dependencies are static, so mlenv installs them in a layer of their own.
    public var staticDependencies: Bool
    /// The dependencies to install first: `dependencies` and the chosen extras', in order.
    public var dependencies: [PipEntry]
    /// The extras the spec asks for that the project defines.
    public var extras: [String]
    /// `[project.scripts]`: console scripts the install puts on PATH.
    public var scripts: [String]
}

/// Reads the project `project:` names: its `pyproject.toml`, with TOMLKit (toml++ underneath).
enum ProjectReader: Rule {
    static let description = RuleDescription(
        title: "the project",
        overview: """
            a `pyproject.toml` that is not TOML, `requires-python = ">=3.12"` on a Python 3.10 image, an extra the \
            project does not define, dependencies only its `setup.py` knows
            """,
        codes: [.invalidPyProject, .requiresPythonExcluded, .unknownProjectExtra, .projectDependenciesUnknown],
        triggering: [
            RuleExample(
                .invalidPyProject, spec(),
                with: [.onDisk("pyproject.toml", "[project]\nname = \"demo\"\nversion = 1.0↓.0\n")]),
            RuleExample(
                .requiresPythonExcluded, spec(),
                with: [
                    .onDisk(
                        "pyproject.toml",
                        "[project]\nname = \"demo\"\nversion = \"1.0\"\nrequires-python = ↓\">=3.12\"\n")
                ]),
            RuleExample(
                .unknownProjectExtra, spec(extras: "[↓train]"),
                with: [
                    .onDisk(
                        "pyproject.toml",
                        "[project]\nname = \"demo\"\nversion = \"1.0\"\n[project.optional-dependencies]\ndev = [\"pytest\"]\n"
                    )
                ]),
            RuleExample(
                .projectDependenciesUnknown, spec(),
                with: [
                    .onDisk(
                        "pyproject.toml",
                        "[project]\nname = \"demo\"\nversion = \"1.0\"\ndynamic = ↓[\"dependencies\"]\n")
                ]),
        ],
        passing: [
            RuleExample(
                spec(extras: "[train]"),
                with: [
                    .onDisk(
                        "pyproject.toml",
                        """
                        [build-system]
                        requires = ["setuptools>=61"]
                        build-backend = "setuptools.build_meta"

                        [project]
                        name = "demo"
                        version = "1.0"
                        requires-python = ">=3.9,<3.13"
                        dependencies = [
                          "rich==13.7.1",  # a comment
                          'tomli==2.0.1; python_version < "3.11"',
                        ]

                        [project.optional-dependencies]
                        train = ["demo[log]"]
                        log = ["tqdm==4.66.1"]

                        [project.scripts]
                        demo = "demo.cli:main"
                        """)
                ])
        ])

    private static func spec(extras: String? = nil) -> String {
        """
        mlenv: 1
        name: team
        base: python:3.10-slim
        cuda: none
        project: \(extras.map { "{path: ., extras: \($0)}" } ?? ".")
        """
    }

    /// Reads the project of `spec`, when it names one.
    static func read(_ spec: EnvironmentSpec, files: FileSystemView) -> (PythonProject?, [Diagnostic]) {
        guard let project = spec.project else { return (nil, []) }
        guard let folder = spec.buildContextFolder else { return (nil, []) }
        let path = SpecPaths.normalize(folder + "/pyproject.toml")
        var result = PythonProject(
            folder: folder, pyproject: nil, bytes: [], name: nil, requiresPython: nil, requiresPythonSpecifiers: nil,
            staticDependencies: false, dependencies: [], extras: project.extras.map(\.value), scripts: [])
        guard let bytes = files.contents(of: path) else {
            let legacy = ["setup.py", "setup.cfg"].first {
                files.contents(of: SpecPaths.normalize(folder + "/" + $0)) != nil
            }
            guard let legacy else {
                return (
                    nil,
                    [
                        Diagnostic(
                            .missingFile,
                            "`project:` names `\(project.path.value)`, which has no pyproject.toml or setup.py (looked for `\(path)`)",
                            file: spec.file, at: project.path.location,
                            fix: "name the folder that holds the project's pyproject.toml")
                    ]
                )
            }
            return (
                result,
                [
                    Diagnostic(
                        .projectDependenciesUnknown,
                        "the project has no pyproject.toml, so its dependencies come from `\(legacy)` at build time: they are installed with the project and not checked",
                        file: spec.file, at: project.path.location,
                        fix:
                            "declare them in pyproject.toml's `[project] dependencies` to check them and keep them in a layer of their own"
                    )
                ]
            )
        }
        result.pyproject = path
        result.bytes = bytes
        var diagnostics: [Diagnostic] = []
        func problem(_ message: String, at location: SourceLocation) -> (PythonProject?, [Diagnostic]) {
            (nil, diagnostics + [Diagnostic(.invalidPyProject, message, file: path, at: location)])
        }
        let start = SourceLocation(line: 1, column: 1)
        guard let text = RequirementsReader.text(bytes) else {
            return problem("`\(path)` is not UTF-8 text", at: start)
        }
        // toml++ reads a C string: a NUL would end the text early (TOML forbids it anyway).
        if let nul = text.utf8.firstIndex(of: 0) {
            return problem(
                "`\(path)` contains a NUL byte, which TOML does not allow", at: TOMLText(text).location(of: nul))
        }
        if let header = TOMLText.malformedTableHeader(text) {
            return problem(
                "`\(MLEnv.lastComponent(path))` is not valid TOML: a table header must start with a key, and a bracket close what it opened",
                at: TOMLText(text).location(of: header))
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let at = SourceLocation(line: max(1, error.source.begin.line), column: max(1, error.source.begin.column))
            return problem("`\(MLEnv.lastComponent(path))` is not valid TOML: \(error.description)", at: at)
        } catch {
            return problem("`\(MLEnv.lastComponent(path))` is not valid TOML", at: start)
        }
        let source = TOMLText(text)
        guard let projectTable = table["project"]?.table else {
            diagnostics.append(
                Diagnostic(
                    .projectDependenciesUnknown,
                    "`\(MLEnv.lastComponent(path))` has no `[project]` table, so the project's dependencies are known only to its build backend: they are installed with the project and not checked",
                    file: path, at: start,
                    fix:
                        "declare the project's metadata in `[project]` (PEP 621), which Poetry 2, Hatch, PDM and setuptools read"
                ))
            return (result, diagnostics)
        }
        let projectHeader = source.tableHeader("project") ?? start
        result.name = projectTable["name"]?.string.map(RequirementParser.normalize)
        if let value = projectTable["requires-python"] {
            let at = source.value(ofKey: "requires-python", inTable: "project") ?? projectHeader
            guard let requires = value.string else {
                return problem("`requires-python` must be a string such as \">=3.10\"", at: at)
            }
            guard case .success(let parsed) = RequirementParser.parse("python " + requires),
                parsed.url == nil, parsed.marker == nil
            else {
                return problem(
                    "`requires-python = \"\(requires)\"` is not a version specifier such as \">=3.10\"", at: at)
            }
            result.requiresPython = Located(requires, at: at)
            result.requiresPythonSpecifiers = parsed.specifiers
        }
        let dynamic = projectTable["dynamic"]?.array?.compactMap { $0.string } ?? []
        if let scripts = projectTable["scripts"]?.table {
            result.scripts = scripts.keys.sorted()
        }
        // The project's own dependencies, and the extras' (an extra may name the project itself
        // with other extras, `all = ["demo[train,eval]"]`: those are followed, not installed).
        func strings(_ node: TOMLValueConvertible?) -> [String]? {
            guard let node else { return [] }
            guard let array = node.array else { return nil }
            var items: [String] = []
            for item in array {
                guard let text = item.string else { return nil }
                items.append(text)
            }
            return items
        }
        if dynamic.contains("dependencies") {
            let at = source.value(ofKey: "dynamic", inTable: "project") ?? projectHeader
            diagnostics.append(
                Diagnostic(
                    .projectDependenciesUnknown,
                    "the project's dependencies are `dynamic`: its build backend computes them at build time, so they are installed with the project and not checked",
                    file: path, at: at,
                    fix: "list them in `[project] dependencies` to check them and keep them in a layer of their own"))
            return (result, diagnostics)
        }
        guard let dependencies = strings(projectTable["dependencies"]) else {
            let at = source.value(ofKey: "dependencies", inTable: "project") ?? projectHeader
            return problem("`dependencies` must be a list of requirement strings", at: at)
        }
        let optional = projectTable["optional-dependencies"]?.table
        var optionalByName: [String: (key: String, items: [String])] = [:]
        if let optional {
            for key in optional.keys {
                guard let items = strings(optional[key]) else {
                    let at = source.value(ofKey: key, inTable: "project.optional-dependencies") ?? projectHeader
                    return problem("`optional-dependencies.\(key)` must be a list of requirement strings", at: at)
                }
                optionalByName[RequirementParser.normalize(key)] = (key, items)
            }
        }
        result.staticDependencies = true
        var entries: [PipEntry] = []
        var seen: Set<String> = []
        func add(_ requirement: String, table: String, key: String) {
            let at = source.string(requirement, afterKey: key, inTable: table) ?? projectHeader
            switch RequirementParser.parse(requirement) {
            case .failure(let error):
                diagnostics.append(
                    Diagnostic(
                        .invalidPipRequirement, "`\(requirement)` is not a valid requirement: \(error.message)",
                        file: path, at: at))
            case .success(let parsed):
                if let name = result.name, parsed.normalizedName == name, parsed.url == nil {
                    for extra in parsed.extras { addExtra(RequirementParser.normalize(extra)) }
                    return
                }
                entries.append(PipEntry(value: parsed, file: path, location: at, role: .requirement))
            }
        }
        func addExtra(_ name: String) {
            guard seen.insert(name).inserted, let group = optionalByName[name] else { return }
            for item in group.items { add(item, table: "project.optional-dependencies", key: group.key) }
        }
        for dependency in dependencies { add(dependency, table: "project", key: "dependencies") }
        // With static dependencies, only the extras the project defines are installed.
        result.extras = []
        for extra in project.extras {
            let name = RequirementParser.normalize(extra.value)
            guard optionalByName[name] != nil else {
                let known = optionalByName.values.map(\.key).sorted()
                diagnostics.append(
                    Diagnostic(
                        .unknownProjectExtra,
                        "the project defines no extra `\(extra.value)`; pip would install it without one and only warn",
                        file: spec.file, at: extra.location,
                        fix: known.isEmpty
                            ? "remove it: the project has no `optional-dependencies`"
                            : "use one of " + known.map { "`\($0)`" }.joined(separator: ", ")))
                continue
            }
            result.extras.append(extra.value)
            addExtra(name)
        }
        result.dependencies = entries
        return (result, diagnostics)
    }

    /// `requires-python` against the Python the environment runs, once the image is known.
    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        guard let project = environment.project, let requires = project.requiresPython,
            let specifiers = project.requiresPythonSpecifiers, let python = environment.python.known
        else { return }
        // The image's Python is known to its minor (3.10), and pip compares the full version
        // (3.10.12): the minor is excluded only when none of its patch releases is admitted.
        let admitted =
            python.parts.count >= 3
            ? PEP440Version(python.description).map(specifiers.contains) ?? true
            : (0...99).contains {
                PEP440Version("\(python.major).\(python.minor).\($0)").map(specifiers.contains) ?? true
            }
        guard !admitted else { return }
        context.report(
            Diagnostic(
                .requiresPythonExcluded,
                "the project requires Python `\(requires.value)`, and the environment runs Python \(python)",
                file: project.pyproject ?? environment.spec.file, at: requires.location,
                fix: "choose a Python the project supports (`python:` or the base image), or widen `requires-python`"))
    }
}

/// Positions in a TOML text, for diagnostics: TOMLKit gives values, not where they are written,
/// so mlenv finds them by their table header, key and literal text.
struct TOMLText {
    let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The line and column of the byte at `index` of the text.
    func location(of index: String.UTF8View.Index) -> SourceLocation {
        var line = 1
        for candidate in lines {
            let start = candidate.utf8.startIndex
            if index >= start && index <= candidate.utf8.endIndex {
                return SourceLocation(line: line, column: candidate.utf8.distance(from: start, to: index) + 1)
            }
            line += 1
        }
        return SourceLocation(line: 1, column: 1)
    }

    /// The first place toml++ would abort on: a table header whose key does not start as a key can (`[)x]`, `[` then a line
    /// break), at that character. toml++ 3.4 asserts there (`parse_table_header` calls
    /// `parse_key`, which assumes a key character or a quote), which aborts mlenv instead of
    /// reporting an error; found by the `pyproject` fuzz target. A header is a `[` at the start of a
    /// line outside strings, comments and values: a `[` or `{` opened in an array or an inline
    /// table, and every string, is skipped. A `}` that closes a `[` (`s = [}`), or a `]` that
    /// closes a `{`, is never TOML either, and toml++ asserts on it too (`parse_value`).
    static func malformedTableHeader(_ text: String) -> String.UTF8View.Index? {
        let bytes = Array(text.utf8)
        var i = 0
        var open: [UInt8] = []
        var lineStart = true
        func at(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        func skip(while predicate: (UInt8) -> Bool) { while let byte = at(i), predicate(byte) { i += 1 } }
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        while let byte = at(i) {
            switch byte {
            case UInt8(ascii: "\n"):
                lineStart = true
                i += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
            case UInt8(ascii: "#"):
                skip { $0 != UInt8(ascii: "\n") }
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                lineStart = false
                let triple = at(i + 1) == byte && at(i + 2) == byte
                i += triple ? 3 : 1
                while let next = at(i) {
                    if !triple && next == UInt8(ascii: "\n") { break }
                    if byte == UInt8(ascii: "\"") && next == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if next == byte && (!triple || (at(i + 1) == byte && at(i + 2) == byte)) {
                        i += triple ? 3 : 1
                        break
                    }
                    i += 1
                }
            case UInt8(ascii: "[") where lineStart && open.isEmpty:
                i += 1
                let start = i
                skip(while: isBlank)
                if at(i) == UInt8(ascii: "["), i == start {
                    i += 1
                    skip(while: isBlank)
                }
                if let first = at(i), first != UInt8(ascii: "]"),
                    !(first.isTOMLBareKeyByte || first == UInt8(ascii: "\"") || first == UInt8(ascii: "'"))
                {
                    return text.utf8.index(text.utf8.startIndex, offsetBy: i)
                }
                // The rest of the header line is the key (strings in it hold no line break).
                skip { $0 != UInt8(ascii: "\n") }
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                lineStart = false
                open.append(byte)
                i += 1
            case UInt8(ascii: "]"), UInt8(ascii: "}"):
                lineStart = false
                if let last = open.popLast(), (last == UInt8(ascii: "[")) != (byte == UInt8(ascii: "]")) {
                    return text.utf8.index(text.utf8.startIndex, offsetBy: i)
                }
                i += 1
            default:
                lineStart = false
                i += 1
            }
        }
        return nil
    }

    /// The line index of `[name]`.
    private func headerLine(_ name: String) -> Int? {
        lines.firstIndex { line in
            let trimmed = String(line).trimmingSpaces
            guard trimmed.hasPrefix("[") && !trimmed.hasPrefix("[[") else { return false }
            let inside = trimmed.dropFirst().prefix { $0 != "]" }
            return inside.split(separator: ".").map { String($0).trimmingSpaces }
                == name.split(separator: ".").map(String.init)
        }
    }

    /// Where `[name]` is written.
    func tableHeader(_ name: String) -> SourceLocation? {
        headerLine(name).map { SourceLocation(line: $0 + 1, column: 1) }
    }

    /// The line index of `key = ...` inside `[table]`, and the column after `=`.
    private func keyLine(_ key: String, inTable table: String) -> (line: Int, column: Int)? {
        guard let header = headerLine(table) else { return nil }
        var index = header + 1
        while index < lines.count {
            let line = lines[index]
            let trimmed = String(line).trimmingSpaces
            if trimmed.hasPrefix("[") { return nil }
            for spelling in [key, "\"\(key)\"", "'\(key)'"] where trimmed.hasPrefix(spelling) {
                let rest = trimmed.dropFirst(spelling.count).drop { $0 == " " || $0 == "\t" }
                guard rest.first == "=" else { continue }
                let afterEquals = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
                let column = line.utf8.count - afterEquals.utf8.count + 1
                return (index, column)
            }
            index += 1
        }
        return nil
    }

    /// Where the value of `key` in `[table]` starts.
    func value(ofKey key: String, inTable table: String) -> SourceLocation? {
        keyLine(key, inTable: table).map { SourceLocation(line: $0.line + 1, column: $0.column) }
    }

    /// Where the string `value` is written after `key = ` in `[table]`: the first character
    /// inside its quotes. Nil when it is written with escapes mlenv does not undo.
    func string(_ value: String, afterKey key: String, inTable table: String) -> SourceLocation? {
        guard let start = keyLine(key, inTable: table) else { return nil }
        var index = start.line
        var fromColumn = start.column
        while index < lines.count {
            let line = lines[index]
            if index > start.line && String(line).trimmingSpaces.hasPrefix("[") && !line.contains("\"") { break }
            let utf8 = Array(line.utf8)
            for quote in ["\"", "'"] {
                let needle = Array((quote + value + quote).utf8)
                var position = max(0, fromColumn - 1)
                while position + needle.count <= utf8.count {
                    if Array(utf8[position..<position + needle.count]) == needle {
                        return SourceLocation(line: index + 1, column: position + 2)
                    }
                    position += 1
                }
            }
            index += 1
            fromColumn = 1
        }
        return nil
    }
}

extension UInt8 {
    /// A character of a TOML 1.0 bare key: `A-Za-z0-9_-`.
    fileprivate var isTOMLBareKeyByte: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "_")
            || self == UInt8(ascii: "-")
    }
}
