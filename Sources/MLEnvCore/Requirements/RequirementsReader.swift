extension DiagnosticCode {
    static let invalidRequirementsLine = DiagnosticCode(
        "E160", .error, name: "invalid-requirements-line", summary: "pip cannot read a line of a requirements file.",
        explanation: """
            mlenv reads `packages.requirements` files as pip does: comments after `#`, lines \
            continued with `\\`, `-r`/`-c` includes, `-e`, per-requirement `--hash`, and the \
            options pip allows in a file (`--index-url`, `--extra-index-url`, `--find-links`, \
            `--no-index`, `--pre`, `--prefer-binary`, `--only-binary`, `--no-binary`, \
            `--require-hashes`, `--trusted-host`, `--use-feature`, `--config-settings`, \
            `--global-option`). An option pip does not know, one without its value, an open \
            quote or a malformed `--hash` would stop the build at that line; mlenv stops first.
            """)
    static let requirementsIncludeCycle = DiagnosticCode(
        "E161", .error, name: "requirements-include-cycle",
        summary: "Requirements files include each other in a circle.",
        explanation: """
            `-r` and `-c` paths are relative to the file that names them. A file that includes \
            itself, directly or through others, makes pip recurse until it fails. Remove the \
            include that closes the circle.
            """)
    static let localRequirement = DiagnosticCode(
        "E162", .error, name: "local-requirement",
        summary: "A requirement names a local path that the image's build cannot see.",
        explanation: """
            The build copies the requirements files into the image and runs pip there, so \
            `-e .`, `./src/pkg`, `wheels/x.whl`, `file:` URLs, a local `--find-links` folder and \
            absolute `-r` paths name paths that do not exist inside the build. Depend on a \
            released version, a URL, or a `git+https://` reference instead; the repository's \
            own project (`-e .`) is what `project:` installs.
            """)
    static let ignoredRequirementOption = DiagnosticCode(
        "W163", .warning, name: "ignored-requirement-option",
        summary: "pip ignores an index option written on a requirement's line.",
        explanation: """
            On a line that holds a requirement, pip applies only `--hash`, `--config-settings` \
            and `--global-option`; `torch==2.1.0 --index-url URL` installs torch from the \
            default index. Put `--index-url`/`--extra-index-url` on a line of its own (it then \
            applies to the whole file).
            """)
    static let unsetRequirementsVariable = DiagnosticCode(
        "W164", .warning, name: "unset-requirements-variable",
        summary: "A `${NAME}` in a requirements file is not set during the build.",
        explanation: """
            pip replaces `${NAME}` with the variable's value from its environment and leaves it \
            as written when there is none. During the build, only `build.env` sets variables \
            for pip, so any other name stays literal text in a URL or a requirement. Set it in \
            `build.env` (not for secrets: build arguments are recorded in the image's history), \
            or write the value.
            """)
    static let remoteRequirements = DiagnosticCode(
        "N165", .note, name: "remote-requirements",
        summary: "An `-r`/`-c` include names a URL, which mlenv does not fetch or check.",
        explanation: """
            pip fetches `-r https://...` at build time; mlenv never uses the network, so the \
            requirements in it are not checked, and the build depends on that server.
            """)
}

/// The requirements files a spec names in `packages.requirements`, read through the file system
/// view as pip reads them, includes followed: the files to copy into the build, and every
/// requirement and constraint in pip's order, each at its own line.
public struct ProjectRequirements: Sendable {
    /// Every file read, spec's files and their includes, each once, in the order pip meets them.
    public var files: [RequirementsFile] = []
    /// `packages.requirements`, in order.
    public var roots: [Root] = []
    /// The requirements and constraints of every file, in pip's order.
    public var entries: [PipEntry] = []
    /// `project:`, as its pyproject.toml says.
    public var project: PythonProject?
    /// Whether the folder the spec builds from (with `project:` or `files:`) has a `.dockerignore`.
    public var contextHasIgnoreFile = false
    /// The options of every file that tell pip where to look (`--index-url`, `--extra-index-url`,
    /// `--find-links`, `--no-index`), in pip's order: pip applies them to the whole run.
    public var indexOptions: [IndexOption] = []

    /// One option of a requirements file that tells pip where to look for packages.
    public struct IndexOption: Sendable, Equatable {
        /// The option's long name: `--index-url`.
        public var name: String
        /// Its URL or path; nil for `--no-index`.
        public var value: String?
    }

    /// One `packages.requirements` entry.
    public struct Root: Sendable, Equatable {
        /// The file's path (relative to the working directory, or absolute).
        public var path: String
        /// Whether it, or a file it includes, has `--hash` or `--require-hashes`: pip then runs
        /// in hash-checking mode, which needs every requirement of its run hashed.
        public var usesHashes: Bool
    }

    /// No requirements files.
    public static let none = ProjectRequirements()
}

/// One requirements file as read.
public struct RequirementsFile: Sendable, Equatable {
    /// Its path (relative to the working directory, or absolute).
    public var path: String
    /// Its contents, copied into the build as they are.
    public var bytes: [UInt8]
}

/// Where a pip requirement is written: `packages.pip`, or a line of a requirements file.
public struct PipEntry: Sendable, Equatable {
    /// What the line means to pip.
    public enum Role: Sendable, Equatable {
        /// `packages.pip`.
        case spec
        /// A requirement of a requirements file.
        case requirement
        /// A line of a constraints file (`-c`): limits versions, installs nothing.
        case constraint
    }

    /// The requirement.
    public var value: PipRequirement
    /// The file it is written in.
    public var file: String
    /// Where.
    public var location: SourceLocation
    /// What the line means to pip.
    public var role: Role

    /// Where to edit it, as a fix names it: `packages.pip`, or the file's name.
    var place: String { role == .spec ? "packages.pip" : "`\(MLEnv.lastComponent(file))`" }
}

/// Reads `packages.requirements`.
enum RequirementsReader: Rule {
    static let description = RuleDescription(
        title: "requirements files",
        overview: """
            an include circle, `-e .` (not inside the build), an option pip does not know, `--index-url` on a \
            requirement's line, `${TOKEN}` the build does not set
            """,
        codes: [
            .invalidRequirementsLine, .requirementsIncludeCycle, .localRequirement, .ignoredRequirementOption,
            .unsetRequirementsVariable, .remoteRequirements,
        ],
        triggering: [
            RuleExample(
                .invalidRequirementsLine, spec,
                with: [
                    .onDisk(
                        "requirements.txt", "numpy==1.26.4 ↓--hash=md5:0cc175b9c0f1b6a831c399e269772661\n↓--upgrade\n")
                ]),
            RuleExample(
                .requirementsIncludeCycle, spec,
                with: [
                    .onDisk("requirements.txt", "numpy==1.26.4\n-r base/common.txt\n"),
                    .onDisk("base/common.txt", "scipy==1.11.4\n↓-r ../requirements.txt\n"),
                ]),
            RuleExample(
                .localRequirement, spec,
                with: [.onDisk("requirements.txt", "-e ↓.\n↓./vendor/tool-1.0-py3-none-any.whl\n")]),
            RuleExample(
                .ignoredRequirementOption, spec,
                with: [
                    .onDisk("requirements.txt", "torch==2.1.0 ↓--index-url https://download.pytorch.org/whl/cu121\n")
                ]),
            RuleExample(
                .unsetRequirementsVariable, spec,
                with: [
                    .onDisk(
                        "requirements.txt", "tool @ git+https://↓${GITHUB_TOKEN}@github.com/org/tool.git@v1.2\n")
                ]),
            RuleExample(
                .remoteRequirements, spec,
                with: [.onDisk("requirements.txt", "↓-r https://example.org/requirements.txt\n")]),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                cuda: none
                build:
                  env: {TOOL_VERSION: "1.2"}
                packages:
                  requirements: [requirements/train.txt]
                """,
                with: [
                    .onDisk(
                        "requirements/train.txt",
                        """
                        # training
                        --extra-index-url https://download.pytorch.org/whl/cpu
                        -r base.txt
                        -c ../constraints.txt
                        torch==2.1.0  # the CPU build
                        tool @ https://example.org/tool-${TOOL_VERSION}.tar.gz
                        peft @ git+https://github.com/huggingface/peft.git@v0.7.1
                        transformers==4.35.2 \\
                            --hash=sha256:4a0ac5b0f0ad0b5ed1f6d2d1e5b9e5b6f8b2fd5c3e2c0d7d0a5a4c2d3d6e4f1a \\
                            --hash=sha256:1b4b2a5f0e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f0e9d8c7b
                        """),
                    .onDisk("requirements/base.txt", "numpy==1.26.4\n"),
                    .onDisk("constraints.txt", "scipy<1.12\n"),
                ])
        ])

    private static let spec = """
        mlenv: 1
        name: team
        base: python:3.11-slim
        cuda: none
        packages:
          requirements: [requirements.txt]
        """

    /// Reads every file `spec` names in `packages.requirements`, with their includes.
    static func read(_ spec: EnvironmentSpec, files: FileSystemView) -> (ProjectRequirements, [Diagnostic]) {
        guard !spec.requirements.isEmpty else { return (.none, []) }
        var reader = Reading(files: files, buildVariables: Set(spec.build.env.map(\.name.value)))
        for root in spec.requirements {
            let path = SpecPaths.resolve(root.value, relativeTo: spec.file)
            guard reader.files.contents(of: path) != nil else {
                reader.diagnostics.append(
                    Diagnostic(
                        .missingFile,
                        "`packages.requirements` names `\(root.value)`, which does not exist (looked for `\(path)`)",
                        file: spec.file, at: root.location))
                continue
            }
            reader.usesHashes = false
            reader.visit(path, constraints: false, chain: [])
            reader.result.roots.append(ProjectRequirements.Root(path: path, usesHashes: reader.usesHashes))
        }
        return (reader.result, reader.diagnostics)
    }

    /// The state of one reading.
    private struct Reading {
        let files: FileSystemView
        let buildVariables: Set<String>
        var result = ProjectRequirements()
        var diagnostics: [Diagnostic] = []
        var usesHashes = false
        /// Files already read, whose requirements are in `result.entries`.
        var seen: Set<String> = []

        /// Reads `path` (whose existence the caller checked) and what it includes.
        mutating func visit(_ path: String, constraints: Bool, chain: [(file: String, at: SourceLocation)]) {
            guard let bytes = files.contents(of: path) else { return }
            let firstTime = seen.insert(path).inserted
            if firstTime { result.files.append(RequirementsFile(path: path, bytes: bytes)) }
            guard let text = RequirementsReader.text(bytes) else {
                if firstTime {
                    diagnostics.append(
                        Diagnostic(
                            .invalidRequirementsLine, "`\(path)` is not UTF-8 text", file: path,
                            at: SourceLocation(line: 1, column: 1)))
                }
                return
            }
            let parsed = RequirementsFileParser.parse(text)
            for item in parsed.items {
                switch item {
                case .requirement(let line):
                    if !line.hashes.isEmpty { usesHashes = true }
                    if firstTime { requirement(line, in: path, constraints: constraints) }
                case .include(let included, let isConstraints, let location):
                    // A file read before is followed again (its hashes count for this root), but
                    // what its includes are was said the first time.
                    include(
                        included, constraints: isConstraints, from: path, at: location, chain: chain,
                        report: firstTime)
                case .option(let name, let value, let location):
                    if name == "--require-hashes" { usesHashes = true }
                    if firstTime { option(name, value, in: path, at: location) }
                }
            }
            guard firstTime else { return }
            for problem in parsed.problems {
                diagnostics.append(
                    Diagnostic(
                        .invalidRequirementsLine, problem.message, file: path, at: problem.location,
                        fix: "write the line as pip's requirements-file format allows"))
            }
            for variable in parsed.variables
            where !buildVariables.contains(variable.name) && !RequirementsReader.mayBeInTheImage(variable.name) {
                diagnostics.append(
                    Diagnostic(
                        .unsetRequirementsVariable,
                        "pip leaves `${\(variable.name)}` as written: nothing sets \(variable.name) during the build",
                        file: path, at: variable.location,
                        fix: "set \(variable.name) in `build.env` if it is not a secret, or write its value"))
            }
        }

        mutating func include(
            _ included: String, constraints: Bool, from path: String, at location: SourceLocation,
            chain: [(file: String, at: SourceLocation)], report: Bool
        ) {
            let option = constraints ? "-c" : "-r"
            var diagnostics: [Diagnostic] = []
            defer { if report { self.diagnostics += diagnostics } }
            if let scheme = RequirementsReader.urlScheme(included), scheme != "file" {
                diagnostics.append(
                    Diagnostic(
                        .remoteRequirements,
                        "`\(option) \(included)` is fetched by pip at build time; mlenv does not read or check it",
                        file: path, at: location))
                return
            }
            guard !included.hasPrefix("/"), RequirementsReader.urlScheme(included) == nil else {
                diagnostics.append(
                    Diagnostic(
                        .localRequirement,
                        "`\(option) \(included)` names a file by absolute path, which does not exist inside the build",
                        file: path, at: location, fix: "name it by a path relative to `\(MLEnv.lastComponent(path))`"))
                return
            }
            let target = SpecPaths.resolve(included, relativeTo: path)
            let links = chain + [(path, location)]
            if let start = links.firstIndex(where: { $0.file == target }) {
                let circle = links[start...].map { MLEnv.lastComponent($0.file) } + [MLEnv.lastComponent(target)]
                diagnostics.append(
                    Diagnostic(
                        .requirementsIncludeCycle,
                        "`\(option) \(included)` closes a circle of includes: \(circle.joined(separator: " -> "))",
                        file: path, at: location,
                        notes: links[start...].dropLast().map {
                            DiagnosticNote(
                                "`\(MLEnv.lastComponent($0.file))` includes the next file here", file: $0.file,
                                at: $0.at)
                        },
                        fix: "remove the include that closes the circle"))
                return
            }
            guard files.contents(of: target) != nil else {
                diagnostics.append(
                    Diagnostic(
                        .missingFile,
                        "`\(option) \(included)` names a file that does not exist (looked for `\(target)`)",
                        file: path, at: location))
                return
            }
            visit(target, constraints: constraints, chain: links)
        }

        mutating func requirement(_ line: RequirementsFileParser.RequirementLine, in path: String, constraints: Bool) {
            for ignored in line.ignoredOptions {
                diagnostics.append(
                    Diagnostic(
                        .ignoredRequirementOption,
                        "pip ignores `\(ignored.name)` on the line of a requirement: `\(line.text)` comes from the file's indexes",
                        file: path, at: ignored.location,
                        fix: "put `\(ignored.name)` on a line of its own, where it applies to the whole file"))
            }
            let role: PipEntry.Role = constraints ? .constraint : .requirement
            if let url = RequirementsReader.urlWithCredentials(line.text) {
                diagnostics.append(
                    Diagnostic(
                        .invalidURL,
                        "`\(url)` carries credentials, which the image's layers would keep: the file is copied into the image",
                        file: path, at: line.location,
                        fix: "remove them from the URL and give pip its credentials through a netrc file"))
            }
            switch RequirementsReader.classify(line.text, editable: line.editable) {
            case .local:
                let what = line.editable ? "`-e \(line.text)`" : "`\(line.text)`"
                diagnostics.append(
                    Diagnostic(
                        .localRequirement,
                        "\(what) names a local path; the build copies only the requirements files, so it does not exist there",
                        file: path, at: line.location,
                        fix: line.text == "." || line.text == "./"
                            ? "remove the line and install the project with `project: .` in the spec"
                            : "depend on a released version, a URL or a `git+https://` reference instead"))
            case .url(let name):
                guard let name else { return }
                let requirement = PipRequirement(
                    text: line.text, normalizedName: RequirementParser.normalize(name), url: line.text)
                result.entries.append(PipEntry(value: requirement, file: path, location: line.location, role: role))
            case .specifier:
                switch RequirementParser.parse(line.text) {
                case .success(let requirement):
                    result.entries.append(
                        PipEntry(value: requirement, file: path, location: line.location, role: role))
                case .failure(let error):
                    diagnostics.append(
                        Diagnostic(
                            .invalidPipRequirement, "`\(line.text)` is not a valid pip requirement: \(error.message)",
                            file: path, at: line.location))
                }
            }
        }

        mutating func option(_ name: String, _ value: String?, in path: String, at location: SourceLocation) {
            if ["--index-url", "--extra-index-url", "--find-links", "--no-index"].contains(name) {
                result.indexOptions.append(ProjectRequirements.IndexOption(name: name, value: value))
            }
            guard let value, ["--index-url", "--extra-index-url", "--find-links"].contains(name) else { return }
            if let scheme = RequirementsReader.urlScheme(value), scheme == "http" || scheme == "https" {
                if RequirementsReader.hasCredentials(value) {
                    diagnostics.append(
                        Diagnostic(
                            .invalidURL,
                            "`\(name)` carries credentials, which the image's layers would keep: the file is copied into the image",
                            file: path, at: location,
                            fix: "remove `user:password@` and give pip its credentials through a netrc file"))
                }
                return
            }
            guard name == "--find-links" || RequirementsReader.urlScheme(value) == "file" else { return }
            diagnostics.append(
                Diagnostic(
                    .localRequirement,
                    "`\(name) \(value)` names a local folder, which does not exist inside the build", file: path,
                    at: location, fix: "serve the folder over http(s), or name an index URL"))
        }

    }

    /// UTF-8 text, without a byte-order mark; nil when the bytes are not UTF-8.
    static func text(_ bytes: [UInt8]) -> String? {
        var content = bytes[...]
        if content.starts(with: [0xEF, 0xBB, 0xBF]) { content = content.dropFirst(3) }
        var text = ""
        var decoder = UTF8()
        var iterator = content.makeIterator()
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar): text.unicodeScalars.append(scalar)
            case .emptyInput: return text
            case .error: return nil
            }
        }
    }

    /// What a requirement's text is to pip (`parse_req_from_line`).
    enum Kind: Equatable {
        /// A PEP 508 specifier (`name[extras] op version ; marker` or `name @ URL`).
        case specifier
        /// A URL: its project name from `#egg=` or the wheel's file name, when it has one.
        case url(name: String?)
        /// A path on the machine that runs pip.
        case local
    }

    static func classify(_ text: String, editable: Bool) -> Kind {
        // For URLs pip cuts the marker at "; ", for the rest at ";".
        let withoutMarker = String(text.split(separator: ";", maxSplits: 1).first ?? "").trimmingSpaces
        if let scheme = urlScheme(text) {
            if scheme == "file" { return .local }
            let url = String(text.split(separator: " ", maxSplits: 1).first ?? "")
            return .url(name: projectName(ofURL: url))
        }
        if editable { return .local }
        if withoutMarker.contains("@") { return .specifier }
        let archive = [".whl", ".tar.gz", ".tgz", ".tar.bz2", ".tbz", ".tar.xz", ".txz", ".tar", ".zip"]
        if withoutMarker.contains("/") || withoutMarker.hasPrefix(".")
            || archive.contains(where: { withoutMarker.lowercased().hasSuffix($0) })
        {
            return .local
        }
        return .specifier
    }

    /// `http`, `git+https`, `file` ...: the scheme of a URL pip installs from, lower-cased.
    static func urlScheme(_ text: String) -> String? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let scheme = text[..<colon].lowercased()
        let known = ["http", "https", "file"]
        let vcs = ["git", "hg", "svn", "bzr"]
        if known.contains(scheme) { return scheme }
        let parts = scheme.split(separator: "+", maxSplits: 1)
        if parts.count == 2, vcs.contains(String(parts[0])) { return scheme }
        if vcs.contains(scheme), text[colon...].hasPrefix("://") { return scheme }
        return nil
    }

    /// `#egg=name`, else the project name of a wheel or source archive's file name.
    static func projectName(ofURL url: String) -> String? {
        if let fragment = url.split(separator: "#", maxSplits: 1).dropFirst().first {
            for part in fragment.split(separator: "&") where part.hasPrefix("egg=") {
                let name = part.dropFirst(4)
                return name.isEmpty ? nil : String(name)
            }
        }
        let path = url.split(separator: "#").first.map { $0.split(separator: "?").first ?? $0 } ?? ""
        guard let file = path.split(separator: "/").last, file.lowercased().hasSuffix(".whl") else { return nil }
        return file.split(separator: "-").first.map(String.init)
    }

    /// Variables a base image commonly sets in its environment, which pip then expands: no
    /// warning for them (`${CUDA_VERSION}` on an `nvidia/cuda` image is real).
    static func mayBeInTheImage(_ name: String) -> Bool {
        ["HOME", "PATH", "USER", "HOSTNAME", "LANG", "PYTHON_VERSION", "CUDA_VERSION", "CUDA_HOME", "VIRTUAL_ENV"]
            .contains(name) || name.hasPrefix("NVIDIA_") || name.hasPrefix("PYTORCH_") || name.hasPrefix("PIP_")
    }

    /// The URL in a requirement line whose address carries a user or password (a token is often
    /// the user), unless that part is only a `${NAME}` pip fills in at build time; `git@` of
    /// ssh URLs is no secret.
    static func urlWithCredentials(_ text: String) -> String? {
        for word in text.split(separator: " ") {
            let url = String(word)
            guard let scheme = urlScheme(url), scheme.hasSuffix("http") || scheme.hasSuffix("https"),
                hasCredentials(url)
            else { continue }
            let authority = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)[2]
            let user = authority.split(separator: "@", omittingEmptySubsequences: false).dropLast().joined(
                separator: "@")
            if user.hasPrefix("${"), user.hasSuffix("}"), !user.dropFirst(2).contains("$") { continue }
            return url
        }
        return nil
    }

    /// Whether a URL has `user:password@` or a token before its host.
    static func hasCredentials(_ url: String) -> Bool {
        let parts = url.split(separator: "/", maxSplits: 3, omittingEmptySubsequences: false)
        // `scheme:` `` `authority` ...
        guard parts.count >= 3, parts[0].hasSuffix(":"), parts[1].isEmpty else { return false }
        let authority = parts[2].prefix { $0 != "?" && $0 != "#" }
        return authority.contains("@")
    }
}
