extension NodeDecoder {
    static let defaultJupyterPort = 8888

    /// Decodes the keys of an environment spec. Returns nil when a required part is unusable.
    mutating func environmentSpec(_ fields: inout FieldSet) -> EnvironmentSpec? {
        let name = required(&fields, "name", example: "name: my-team").flatMap { self.name($0.value) }
        let description = self.description(&fields)
        let base = required(&fields, "base", example: "base: nvcr.io/nvidia/pytorch:23.10-py3").flatMap {
            self.baseImage($0.value)
        }
        let framework = fields.take("framework").flatMap { self.framework($0.value) }
        let python = fields.take("python").flatMap { self.dottedVersion($0.value, "python", example: "\"3.10\"") }
        let cuda = fields.take("cuda").flatMap { self.cudaRequest($0.value) }
        let (pip, apt, requirements, index) =
            fields.take("packages").map { self.packages($0.value) } ?? ([], [], [], PackageIndex())
        let gpusPair = fields.take("gpus")
        let gpus = gpusPair.flatMap { self.gpuRequest($0.value) }
        let gpusShared = fields.take("gpus_shared").flatMap { self.boolean($0.value, "gpus_shared") } ?? false
        let jupyter = fields.take("jupyter").flatMap { self.jupyterSpec($0.value) }
        let sharedMemory = self.sharedMemory(&fields)
        let volumes = fields.take("volumes").map { self.volumes($0.value) } ?? []
        let env = fields.take("env").map { self.environment($0.value) } ?? []
        let secrets = fields.take("secrets").map { self.secrets($0.value, env: env) } ?? []
        let workdir = fields.take("workdir").flatMap { self.containerPath($0.value, "workdir") }
        let setup = fields.take("setup").map { self.setupCommands($0.value) } ?? []
        let project = fields.take("project").flatMap { self.project($0) }
        let files = fields.take("files").map { self.fileCopies($0.value) } ?? []
        let installer = fields.take("installer").flatMap { self.installer($0.value) } ?? .pip
        let build = fields.take("build").map { self.buildOptions($0.value) } ?? BuildOptions()
        let command = fields.take("command").flatMap { self.command($0.value) }
        let resources = fields.take("resources").map { self.resources($0.value) } ?? ResourceSpec()
        let kubernetes = fields.take("kubernetes").map { self.kubernetes($0.value) } ?? KubernetesOptions()
        let slurm = fields.take("slurm").map { self.slurm($0.value) } ?? SlurmOptions()
        let ignore = fields.take("ignore").map { self.ignoreList($0.value) } ?? []
        let devcontainer = fields.take("devcontainer").map { self.devcontainer($0.value) } ?? DevContainerOptions()

        let keyLocations = KeyLocations(fields.pairs)
        guard let name, let base else { return nil }
        let defaultGPUs: GPURequest = cuda?.value == CUDARequest.none ? .none : .all
        return EnvironmentSpec(
            file: file, name: name, description: description, base: base, framework: framework,
            python: python, cuda: cuda, pip: pip, apt: apt, requirements: requirements, index: index,
            gpus: gpus ?? Located(defaultGPUs, at: gpusPair?.value.location ?? fields.location), gpusShared: gpusShared,
            jupyter: jupyter, sharedMemory: sharedMemory, volumes: volumes, env: env, secrets: secrets,
            workdir: workdir ?? Located("/workspace", at: fields.location), setup: setup,
            project: project, files: files, installer: installer, build: build,
            command: command, resources: resources, kubernetes: kubernetes, slurm: slurm, ignore: ignore,
            keyLocations: keyLocations, devcontainer: devcontainer)
    }

    mutating func baseImage(_ node: YAMLNode) -> Located<BaseImage>? {
        guard let text = text(node, "base") else { return nil }
        if text.value == "auto" { return Located(.auto, at: text.location) }
        guard let reference = ImageReference(parsing: text.value) else {
            var fix: String?
            if text.value != text.value.lowercased(), ImageReference(parsing: text.value.lowercased()) != nil {
                fix = "image repositories are lower case: `\(text.value.lowercased())`"
            }
            report(
                .invalidImage, "`\(text.value)` is not a valid image reference ([registry/]repository[:tag][@digest])",
                at: text.location, fix: fix)
            return nil
        }
        return Located(.image(reference), at: text.location)
    }

    mutating func framework(_ node: YAMLNode) -> FrameworkSpec? {
        if case .scalar = node.kind {
            guard let name = frameworkName(node, "framework") else { return nil }
            return FrameworkSpec(name: name, version: nil)
        }
        guard var fields = mapping(node, "framework") else { return nil }
        defer { reportUnknownKeys(fields) }
        guard let namePair = required(&fields, "name", example: "name: pytorch"),
            let name = frameworkName(namePair.value, "framework.name")
        else {
            _ = fields.take("version")
            return nil
        }
        var version: Located<String>?
        if let pair = fields.take("version"), let text = text(pair.value, "framework.version") {
            if Self.isReleaseVersion(text.value) {
                version = text
            } else {
                report(
                    .invalidVersion,
                    "`framework.version` must be a release number such as \"2.1\" or \"2.1.0\", not `\(text.value)`",
                    at: text.location)
            }
        }
        return FrameworkSpec(name: name, version: version)
    }

    /// A PEP 440 release with an optional pre/post/dev/local suffix (`2.1`, `2.1.0a0+32f93b1`).
    static func isReleaseVersion(_ text: String) -> Bool {
        var release = Substring(text)
        if let suffixStart = text.utf8.firstIndex(where: { !ASCII.isDigit($0) && $0 != UInt8(ascii: ".") }) {
            let suffix = text.utf8[suffixStart...]
            guard suffix.count <= 64, suffix.allSatisfy({ ASCII.isAlnum($0) || ASCII.isOne(of: "+.-_", $0) }) else {
                return false
            }
            release = release[..<suffixStart]
            if release.utf8.last == UInt8(ascii: ".") { release = release.dropLast() }
        }
        return isDottedVersion(String(release), parts: 1...4)
    }

    mutating func frameworkName(_ node: YAMLNode, _ path: String) -> Located<FrameworkName>? {
        guard let text = text(node, path) else { return nil }
        if let name = FrameworkName(rawValue: text.value.lowercased()) { return Located(name, at: text.location) }
        let aliases = ["torch": FrameworkName.pytorch, "tf": .tensorflow, "jaxlib": .jax]
        let suggestion =
            aliases[text.value.lowercased()]?.rawValue
            ?? EditDistance.closest(to: text.value, among: FrameworkName.allCases.map(\.rawValue))
        report(
            .unknownFramework, "unknown framework `\(text.value)`; mlenv knows pytorch, tensorflow, jax and none",
            at: text.location, fix: suggestion.map { "write `\($0)`" })
        return nil
    }

    mutating func dottedVersion(_ node: YAMLNode, _ path: String, example: String) -> Located<String>? {
        guard let text = text(node, path) else { return nil }
        guard Self.isDottedVersion(text.value, parts: 2...3) else {
            report(
                .invalidVersion,
                "`\(path)` must be major.minor or major.minor.patch such as \(example), not `\(text.value)`",
                at: text.location)
            return nil
        }
        return text
    }

    mutating func cudaRequest(_ node: YAMLNode) -> Located<CUDARequest>? {
        if node.scalarText == "none" { return Located(.none, at: node.location) }
        return dottedVersion(node, "cuda", example: "\"12.2\" (or none)").map {
            Located(.version($0.value), at: $0.location)
        }
    }

    mutating func packages(_ node: YAMLNode) -> (
        [Located<PipRequirement>], [Located<AptPackage>], [Located<String>], PackageIndex
    ) {
        guard var fields = mapping(node, "packages") else { return ([], [], [], PackageIndex()) }
        defer { reportUnknownKeys(fields) }
        var pip: [Located<PipRequirement>] = []
        var apt: [Located<AptPackage>] = []
        if let pair = fields.take("pip"), let items = sequence(pair.value, "packages.pip") {
            var seen: [String: Located<PipRequirement>] = [:]
            for item in items {
                guard let text = text(item, "packages.pip"), plainText(text, "packages.pip", allowNewlines: false)
                else { continue }
                switch RequirementParser.parse(text.value) {
                case .success(let requirement):
                    // Other entries of one project merge in pip (PipRule reports those that contradict each
                    // other); a repeat is written once, which pip before 20.3 also accepts.
                    let identity = requirement.identity
                    if let first = seen[identity] {
                        report(
                            .repeatedRequirement,
                            "`\(requirement.text)` repeats `\(first.value.text)`; requirements.txt lists it once",
                            at: text.location,
                            notes: [DiagnosticNote("first listed here", file: file, at: first.location)],
                            fix: "remove the second entry")
                        continue
                    }
                    let located = Located(requirement, at: text.location)
                    seen[identity] = located
                    pip.append(located)
                case .failure(let error):
                    report(
                        .invalidPipRequirement, "`\(text.value)` is not a valid pip requirement: \(error.message)",
                        at: text.location)
                }
            }
        }
        if let pair = fields.take("apt"), let items = sequence(pair.value, "packages.apt") {
            var seen: [String: SourceLocation] = [:]
            for item in items {
                guard let text = text(item, "packages.apt") else { continue }
                guard let package = Self.aptPackage(text.value) else {
                    report(
                        .invalidAptPackage, "`\(text.value)` is not a Debian package name (optionally `name=version`)",
                        at: text.location)
                    continue
                }
                if let first = seen[package.name] {
                    report(
                        .duplicateEntry, "apt package `\(package.name)` is listed twice", at: text.location,
                        notes: [DiagnosticNote("first listed here", file: file, at: first)],
                        fix: "remove one of the entries")
                    continue
                }
                seen[package.name] = text.location
                apt.append(Located(package, at: text.location))
            }
        }
        var requirements: [Located<String>] = []
        if let pair = fields.take("requirements"), let items = sequence(pair.value, "packages.requirements") {
            var seen: [String: SourceLocation] = [:]
            for item in items {
                guard let path = text(item, "packages.requirements"),
                    plainText(path, "packages.requirements", allowNewlines: false)
                else { continue }
                if path.value.hasPrefix("~") || path.value.isEmpty {
                    report(
                        .invalidPath,
                        "`packages.requirements`: `\(path.value)` is not a path relative to the spec's folder",
                        at: path.location)
                    continue
                }
                let key = SpecPaths.normalize(path.value)
                if let first = seen[key] {
                    report(
                        .duplicateEntry, "`\(path.value)` is listed twice in `packages.requirements`",
                        at: path.location, notes: [DiagnosticNote("first listed here", file: file, at: first)],
                        fix: "remove one of the entries")
                    continue
                }
                seen[key] = path.location
                requirements.append(path)
            }
        }
        let index = fields.take("index").map { packageIndex($0.value) } ?? PackageIndex()
        return (pip, apt, requirements, index)
    }

    /// Debian policy 5.6.1 (names) and 5.6.12 (versions), with `:arch` qualifiers; read as bytes.
    static func aptPackage(_ text: String) -> AptPackage? {
        let parts = text.parts(splitAt: UInt8(ascii: "="), maxSplits: 1)
        var name = parts[0]
        if let colon = name.utf8.firstIndex(of: UInt8(ascii: ":")) {
            let arch = name[name.utf8.index(after: colon)...]
            guard !arch.isEmpty, arch.allBytes({ ASCII.isLowerAlnum($0) || $0 == UInt8(ascii: "-") }) else {
                return nil
            }
            name = name[..<colon]
        }
        guard name.utf8.count >= 2, let first = name.utf8.first, ASCII.isLowerAlnum(first),
            name.allBytes({ ASCII.isLowerAlnum($0) || ASCII.isOne(of: "+-.", $0) })
        else { return nil }
        var version: String?
        if parts.count == 2 {
            let text = parts[1]
            guard let first = text.utf8.first, ASCII.isDigit(first), text.utf8.count <= 128,
                text.allBytes({ ASCII.isAlnum($0) || ASCII.isOne(of: ".+~:-", $0) })
            else { return nil }
            version = String(text)
        }
        return AptPackage(name: String(parts[0]), version: version)
    }

    mutating func gpuRequest(_ node: YAMLNode) -> Located<GPURequest>? {
        switch node.kind {
        case .scalar(let text, .plain) where text == "all": return Located(.all, at: node.location)
        case .scalar(let text, .plain) where text == "none": return Located(.none, at: node.location)
        case .scalar(let text, _) where !text.isEmpty && text.allBytes(ASCII.isDigit):
            guard let count = Int(text), count >= 1, count <= 4096 else {
                report(
                    .invalidGPUs, "`gpus: \(text)` is not a GPU count from 1 up; write `gpus: none` for no GPUs",
                    at: node.location,
                    fix: text.allSatisfy { $0 == "0" } ? "write `gpus: none`" : nil)
                return nil
            }
            return Located(.count(count), at: node.location)
        case .sequence(let items):
            var devices: [Int] = []
            var seen: [Int: SourceLocation] = [:]
            var valid = !items.isEmpty
            if items.isEmpty {
                report(
                    .invalidGPUs, "`gpus: []` names no device; write `gpus: none` for no GPUs", at: node.location,
                    fix: "write `gpus: none`")
            }
            for item in items {
                guard let index = integer(item, "gpus[]") else {
                    valid = false
                    continue
                }
                if let first = seen[index.value] {
                    report(
                        .invalidGPUs, "GPU \(index.value) is listed twice", at: index.location,
                        notes: [DiagnosticNote("first listed here", file: file, at: first)])
                    valid = false
                    continue
                }
                seen[index.value] = index.location
                devices.append(index.value)
            }
            return valid ? Located(.devices(devices), at: node.location) : nil
        default:
            report(
                .invalidGPUs,
                "`gpus` must be all, none, a count such as 2, or device indices such as [0, 1]; not \(node.kindDescription)",
                at: node.location)
            return nil
        }
    }

    mutating func jupyterSpec(_ node: YAMLNode) -> JupyterSpec? {
        if case .scalar = node.kind {
            guard boolean(node, "jupyter") == true else { return nil }
            return JupyterSpec(
                port: Located(Self.defaultJupyterPort, at: node.location), portIsExplicit: false,
                bind: Located("127.0.0.1", at: node.location), lab: true, location: node.location)
        }
        guard var fields = mapping(node, "jupyter") else { return nil }
        defer { reportUnknownKeys(fields) }
        var port = Located(Self.defaultJupyterPort, at: node.location)
        let portPair = fields.take("port")
        if let pair = portPair, let value = integer(pair.value, "jupyter.port") {
            if (1...65535).contains(value.value) {
                port = value
            } else {
                report(.invalidPort, "`jupyter.port` must be from 1 to 65535, not \(value.value)", at: value.location)
            }
        }
        var bind = Located("127.0.0.1", at: node.location)
        if let pair = fields.take("bind"), let value = text(pair.value, "jupyter.bind") {
            if IPAddress.isValid(value.value) {
                bind = value
            } else {
                report(
                    .invalidAddress,
                    "`jupyter.bind` must be an IP address of the host such as 127.0.0.1, not `\(value.value)`",
                    at: value.location, fix: value.value == "localhost" ? "write `127.0.0.1`" : nil)
            }
        }
        let lab = fields.take("lab").flatMap { boolean($0.value, "jupyter.lab") } ?? true
        return JupyterSpec(port: port, portIsExplicit: portPair != nil, bind: bind, lab: lab, location: node.location)
    }

    mutating func sharedMemory(_ fields: inout FieldSet) -> SharedMemory {
        let sizePair = fields.take("shm_size")
        let ipcPair = fields.take("ipc")
        var result = SharedMemory.defaultSize
        if let pair = sizePair, let text = text(pair.value, "shm_size") {
            if let size = MemorySize(parsing: text.value) {
                result = .size(size)
            } else {
                report(
                    .invalidSize, "`shm_size` must be a size such as 16g or 512m, not `\(text.value)`",
                    at: text.location)
            }
        }
        if let pair = ipcPair, let text = text(pair.value, "ipc") {
            if text.value != "host" {
                report(.wrongType, "`ipc` can only be `host`, not `\(text.value)`", at: text.location)
            } else if let sizePair {
                report(
                    .sharedMemoryConflict, "`ipc: host` and `shm_size` exclude each other", at: pair.keyLocation,
                    notes: [DiagnosticNote("`shm_size` is set here", file: file, at: sizePair.keyLocation)],
                    fix: "keep one of the two")
            } else {
                result = .hostIPC
            }
        }
        return result
    }

    mutating func volumes(_ node: YAMLNode) -> [Located<VolumeMount>] {
        guard let items = sequence(node, "volumes") else { return [] }
        var result: [Located<VolumeMount>] = []
        var targets: [String: SourceLocation] = [:]
        for item in items {
            guard let text = text(item, "volumes"), plainText(text, "volumes", allowNewlines: false) else { continue }
            guard let mount = volume(text) else { continue }
            if let first = targets[mount.target] {
                report(
                    .duplicateEntry, "two volumes are mounted on `\(mount.target)`", at: text.location,
                    notes: [DiagnosticNote("the first one is here", file: file, at: first)])
                continue
            }
            targets[mount.target] = text.location
            result.append(Located(mount, at: text.location))
        }
        return result
    }

    mutating func volume(_ text: Located<String>) -> VolumeMount? {
        let parts = text.value.parts(splitAt: UInt8(ascii: ":"))
        func invalid(_ why: String, fix: String? = nil) -> VolumeMount? {
            report(.invalidVolume, "volume `\(text.value)`: \(why)", at: text.location, fix: fix)
            return nil
        }
        guard parts.count == 2 || parts.count == 3 else {
            return invalid("expected `source:target` or `source:target:ro`")
        }
        var readOnly = false
        if parts.count == 3 {
            guard parts[2] == "ro" || parts[2] == "rw" else {
                return invalid("the mode must be `ro` or `rw`, not `\(parts[2])`")
            }
            readOnly = parts[2] == "ro"
        }
        let sourceText = String(parts[0])
        let target = String(parts[1])
        guard let first = sourceText.utf8.first else { return invalid("the source is empty") }
        let slash = UInt8(ascii: "/")
        let dot = UInt8(ascii: ".")
        guard first == slash || first == dot || !sourceText.containsWhitespace else {
            return invalid("the source contains spaces")
        }
        let source: VolumeMount.Source
        if first == UInt8(ascii: "~") {
            return invalid(
                "`~` is not expanded", fix: "write the absolute path, or a path relative to the spec's folder")
        } else if sourceText.containsByte(UInt8(ascii: "$")) {
            // `$HOME/data` would be a folder named `$HOME` beside the spec: nothing expands it.
            return invalid(
                "`$` is not expanded in a volume source: `\(sourceText)` would be a folder of that name",
                fix: "write the absolute path, or a path relative to the spec's folder")
        } else if first == slash {
            source = .absolutePath(sourceText)
        } else if sourceText.containsByte(slash) || sourceText == "." || sourceText == ".." {
            source = .relativePath(sourceText)
        } else {
            guard ASCII.isAlnum(first), sourceText.allBytes({ ASCII.isAlnum($0) || ASCII.isOne(of: "_.-", $0) }) else {
                return invalid(
                    "a named volume is letters, digits, `_`, `.` and `-`; write `./\(sourceText)` for a folder beside the spec"
                )
            }
            source = .named(sourceText)
        }
        guard Self.isContainerPath(target) else {
            return invalid(
                "the target must be an absolute path in the container such as /workspace/data, not `\(target)`")
        }
        return VolumeMount(source: source, target: target, readOnly: readOnly)
    }

    static func isContainerPath(_ text: String) -> Bool {
        // Bytes, not Characters: every spec has several paths, and Character tests are slow.
        let allowed = text.allBytes { ASCII.isAlnum($0) || ASCII.isOne(of: "._-+@/", $0) }
        return allowed && text.utf8.first == UInt8(ascii: "/") && text.utf8.count <= 4096
            && !text.parts(splitAt: UInt8(ascii: "/")).contains("..")
    }

    mutating func containerPath(_ node: YAMLNode, _ path: String) -> Located<String>? {
        guard let text = text(node, path) else { return nil }
        guard Self.isContainerPath(text.value) else {
            report(
                .invalidPath,
                "`\(path)` must be an absolute path of letters, digits and `._-+@/` such as /workspace, not `\(text.value)`",
                at: text.location)
            return nil
        }
        guard !Self.isSystemPath(text.value) else {
            report(
                .invalidPath,
                "`\(path)` cannot be the system folder `\(text.value)`: mlenv makes the working folder writable for every user",
                at: text.location, fix: "use a folder of its own, such as /workspace")
            return nil
        }
        return text
    }

    /// Folders of the operating system that must never become world-writable.
    static func isSystemPath(_ path: String) -> Bool {
        let system: Set<Substring> = [
            "bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "root", "run",
            "sbin", "sys", "usr", "var", "tmp", "opt", "home", "mnt", "media", "srv",
        ]
        let parts = path.parts(splitAt: UInt8(ascii: "/")).filter { !$0.isEmpty }
        guard let first = parts.first else { return true }
        // Top-level folders are system folders; below them only the OS's own trees are.
        if parts.count == 1 { return system.contains(first) }
        return ["bin", "boot", "dev", "etc", "lib", "lib32", "lib64", "libx32", "proc", "sbin", "sys", "usr"].contains(
            first)
    }

    mutating func environment(_ node: YAMLNode, key: String = "env") -> [EnvVariable] {
        guard let fields = mapping(node, key) else { return [] }
        var result: [EnvVariable] = []
        for pair in fields.pairs {
            let name = Located(pair.key, at: pair.keyLocation)
            let validName = Self.isVariableName(pair.key)
            if !validName {
                let suggestion = String(pair.key.map { $0.isASCIIAlnum ? $0 : "_" }).uppercased()
                report(
                    .invalidEnvName,
                    "`\(pair.key)` is not a valid environment variable name (letters, digits and `_`, not starting with a digit)",
                    at: pair.keyLocation, fix: suggestion.first?.isASCIIDigit == false ? "write `\(suggestion)`" : nil)
            }
            let value: Located<String>?
            if case .scalar(let text, _) = pair.value.kind {
                value = Located(pair.value.isNull ? "" : text, at: pair.value.location)
            } else {
                wrongType("\(key).\(pair.key)", expected: "text", got: pair.value)
                value = nil
            }
            guard validName, let value, plainText(value, "\(key).\(pair.key)", allowNewlines: false),
                noTrailingBackslash(value, "\(key).\(pair.key)")
            else { continue }
            switch EnvValue.parts(value.value, name: pair.key) {
            case .success(let parts):
                result.append(EnvVariable(name: name, value: value, parts: parts))
            case .failure(let problem):
                // The column of the `$`, inside a quoted scalar after its opening quote.
                let quoted = { if case .scalar(_, .plain) = pair.value.kind { return 0 } else { return 1 } }()
                let location = SourceLocation(
                    line: value.location.line, column: value.location.column + quoted + problem.offset)
                report(.invalidEnvReference, problem.message, at: location, fix: problem.fix)
            }
        }
        return result
    }

    /// Letters, digits and `_`, not starting with a digit.
    static func isVariableName(_ text: String) -> Bool {
        guard let first = text.utf8.first, !ASCII.isDigit(first) else { return false }
        return text.allBytes { ASCII.isAlnum($0) || $0 == UInt8(ascii: "_") }
    }

    /// An http(s) URL pip reads packages from, without credentials: the build records it.
    mutating func indexURL(_ node: YAMLNode, _ key: String) -> Located<String>? {
        guard let url = text(node, key) else { return nil }
        let lower = url.value.lowercased()
        let valid =
            (lower.hasPrefix("https://") || lower.hasPrefix("http://")) && url.value.count > 8
            && url.value.unicodeScalars.allSatisfy {
                $0.value > 0x20 && $0.value < 0x7F && !"\"'<>\\`^{}|".unicodeScalars.contains($0)
            }
        if valid && RequirementsReader.hasCredentials(url.value) {
            report(
                .invalidURL, "`\(key)` carries credentials, which the image's history would record",
                at: url.location, fix: "remove `user:password@` and give pip its credentials through a netrc file")
            return nil
        }
        guard valid else {
            report(
                .invalidURL, "`\(key)` must be an http(s) URL without spaces or quotes, not `\(url.value)`",
                at: url.location)
            return nil
        }
        return url
    }

    /// `packages.index: {extra_urls: [...], find_links: [...]}`.
    mutating func packageIndex(_ node: YAMLNode) -> PackageIndex {
        guard var fields = mapping(node, "packages.index") else { return PackageIndex() }
        defer { reportUnknownKeys(fields) }
        var index = PackageIndex()
        for (key, path) in [("extra_urls", \PackageIndex.extraURLs), ("find_links", \PackageIndex.findLinks)] {
            guard let pair = fields.take(key), let items = sequence(pair.value, "packages.index.\(key)") else {
                continue
            }
            index[keyPath: path] = items.compactMap { indexURL($0, "packages.index.\(key)") }
        }
        return index
    }

    /// `ignore: [W302, unpinned-apt]`: the codes, as ids.
    mutating func ignoreList(_ node: YAMLNode) -> [Located<DiagnosticCode>] {
        guard let items = sequence(node, "ignore") else { return [] }
        var codes: [Located<DiagnosticCode>] = []
        for item in items {
            guard let text = text(item, "ignore") else { continue }
            guard let code = DiagnosticCode.named(text.value) else {
                report(
                    .invalidIgnore, "`\(text.value)` is not a diagnostic code (see `mlenv explain`)", at: text.location)
                continue
            }
            guard code.isIgnorable else {
                report(
                    .invalidIgnore, "\(code.id) cannot be ignored: a spec with it has nothing left to check",
                    at: text.location)
                continue
            }
            codes.append(Located(code, at: text.location))
        }
        return codes
    }

    mutating func secrets(_ node: YAMLNode, env: [EnvVariable]) -> [Located<String>] {
        guard let items = sequence(node, "secrets") else { return [] }
        var names: [Located<String>] = []
        var seen: [String: SourceLocation] = [:]
        let baked = Dictionary(env.map { ($0.name.value, $0.name.location) }, uniquingKeysWith: { first, _ in first })
        for item in items {
            guard let name = text(item, "secrets") else { continue }
            guard Self.isVariableName(name.value) else {
                report(
                    .invalidEnvName,
                    "`\(name.value)` is not a valid environment variable name (letters, digits and `_`, not starting with a digit)",
                    at: name.location)
                continue
            }
            if let other = seen[name.value] ?? baked[name.value] {
                report(
                    .duplicateEntry,
                    "`\(name.value)` is listed twice"
                        + (baked[name.value] != nil ? ": once in `env`, which would bake it into the image" : ""),
                    at: name.location, notes: [DiagnosticNote("also here", file: file, at: other)],
                    fix: baked[name.value] != nil ? "remove it from `env`" : "remove one entry")
                continue
            }
            seen[name.value] = name.location
            names.append(name)
        }
        return names
    }

    mutating func setupCommands(_ node: YAMLNode) -> [Located<String>] {
        guard let items = sequence(node, "setup") else { return [] }
        var commands: [Located<String>] = []
        for item in items {
            guard let text = text(item, "setup") else { continue }
            // Scalar by scalar, as Foundation's whitespacesAndNewlines (Unicode's White_Space):
            // a space with a combining mark is not blank.
            guard text.value.unicodeScalars.contains(where: { !$0.properties.isWhitespace }) else {
                report(.invalidText, "a `setup` command is empty", at: text.location, fix: "remove the entry")
                continue
            }
            if plainText(text, "setup", allowNewlines: true) { commands.append(text) }
        }
        return commands
    }

    /// `installer: pip` or `installer: uv`.
    mutating func installer(_ node: YAMLNode) -> Installer? {
        guard let text = text(node, "installer") else { return nil }
        guard let installer = Installer(rawValue: text.value) else {
            report(.wrongType, "`installer` is `pip` or `uv`, not `\(text.value)`", at: text.location)
            return nil
        }
        return installer
    }

    /// `project: .` or `project: {path: ., extras: [train], editable: true}`.
    mutating func project(_ pair: YAMLPair) -> ProjectSpec? {
        let node = pair.value
        if case .scalar = node.kind {
            guard let path = projectPath(node) else { return nil }
            return ProjectSpec(path: path, extras: [], editable: false, location: pair.keyLocation)
        }
        guard var fields = mapping(node, "project") else { return nil }
        defer { reportUnknownKeys(fields) }
        let path = fields.take("path").map { projectPath($0.value) } ?? Located(".", at: node.location)
        var extras: [Located<String>] = []
        if let extrasPair = fields.take("extras"), let items = sequence(extrasPair.value, "project.extras") {
            for item in items {
                guard let extra = text(item, "project.extras") else { continue }
                // PEP 685: an extra is a name; pip compares them normalised.
                guard let first = extra.value.utf8.first, ASCII.isAlnum(first),
                    extra.value.allBytes({ ASCII.isAlnum($0) || ASCII.isOne(of: "._-", $0) })
                else {
                    report(
                        .invalidText, "`project.extras`: `\(extra.value)` is not an extra's name", at: extra.location)
                    continue
                }
                if extras.contains(where: {
                    RequirementParser.normalize($0.value) == RequirementParser.normalize(extra.value)
                }) {
                    report(.duplicateEntry, "`\(extra.value)` is listed twice in `project.extras`", at: extra.location)
                    continue
                }
                extras.append(extra)
            }
        }
        let editable = fields.take("editable").flatMap { boolean($0.value, "project.editable") } ?? false
        guard let path else { return nil }
        return ProjectSpec(path: path, extras: extras, editable: editable, location: pair.keyLocation)
    }

    /// A folder relative to the spec's folder.
    mutating func projectPath(_ node: YAMLNode) -> Located<String>? {
        guard let path = text(node, "project.path"), plainText(path, "project.path", allowNewlines: false) else {
            return nil
        }
        let value = path.value
        if value.isEmpty || value.hasPrefix("/") || value.hasPrefix("~") || value.containsByte(UInt8(ascii: "$")) {
            report(
                .invalidPath, "`project.path`: `\(value)` is not a folder relative to the spec's folder",
                at: path.location, fix: "write the project's folder relative to the spec, such as `.` or `..`")
            return nil
        }
        return path
    }

    /// `files: ["assets:/opt/assets", ...]`.
    mutating func fileCopies(_ node: YAMLNode) -> [Located<FileCopy>] {
        guard let items = sequence(node, "files") else { return [] }
        var copies: [Located<FileCopy>] = []
        var targets: [String: SourceLocation] = [:]
        for item in items {
            guard let text = text(item, "files"), plainText(text, "files", allowNewlines: false) else { continue }
            let parts = text.value.parts(splitAt: UInt8(ascii: ":"))
            func invalid(_ why: String, fix: String? = nil) {
                report(.invalidPath, "`files`: `\(text.value)`: \(why)", at: text.location, fix: fix)
            }
            guard parts.count == 2 else {
                invalid("expected `source:target`, such as `assets:/opt/assets`")
                continue
            }
            let source = String(parts[0])
            let target = String(parts[1])
            if source.isEmpty || source.hasPrefix("/") || source.hasPrefix("~")
                || source.containsByte(UInt8(ascii: "$"))
            {
                invalid(
                    "the source must be a file or folder relative to the spec's folder (the build sees only the project)",
                    fix: "copy it into the repository, or mount it with `volumes:`")
                continue
            }
            if source.containsWhitespace || source.utf8.contains(where: { ASCII.isOne(of: "*?[", $0) }) {
                invalid("the source has spaces or wildcards, which `COPY` would read differently")
                continue
            }
            guard Self.isContainerPath(target), target != "/" else {
                invalid("the target must be an absolute path in the image such as /opt/assets, not `\(target)`")
                continue
            }
            let key = SpecPaths.normalize(target)
            if let first = targets[key] {
                report(
                    .duplicateEntry, "two `files` entries are copied to `\(target)`", at: text.location,
                    notes: [DiagnosticNote("the first one is here", file: file, at: first)])
                continue
            }
            targets[key] = text.location
            copies.append(Located(FileCopy(source: source, target: target), at: text.location))
        }
        return copies
    }

    mutating func buildOptions(_ node: YAMLNode) -> BuildOptions {
        guard var fields = mapping(node, "build") else { return BuildOptions() }
        defer { reportUnknownKeys(fields) }
        var options = BuildOptions()
        if let pair = fields.take("ca_bundle"), let path = text(pair.value, "build.ca_bundle"),
            plainText(path, "build.ca_bundle", allowNewlines: false)
        {
            if path.value.hasPrefix("~") {
                report(
                    .invalidPath, "`build.ca_bundle`: `~` is not expanded; write a path relative to the spec's folder",
                    at: path.location)
            } else {
                options.caBundle = path
            }
        }
        if let pair = fields.take("pip_index_url") {
            options.pipIndexURL = indexURL(pair.value, "build.pip_index_url")
        }
        if let pair = fields.take("env") { options.env = environment(pair.value, key: "build.env") }
        return options
    }
}
