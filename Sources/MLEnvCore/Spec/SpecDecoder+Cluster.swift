/// `command:`, `resources:`, `kubernetes:` and `slurm:`: what the environment needs to run
/// as a batch job and on a cluster.
extension NodeDecoder {
    /// `command: python train.py` (run by bash) or `command: [python, train.py]` (run as is).
    mutating func command(_ node: YAMLNode) -> Located<[String]>? {
        if case .scalar = node.kind {
            guard let text = text(node, "command"), plainText(text, "command", allowNewlines: true) else { return nil }
            guard !text.value.trimmingSpaces.isEmpty else {
                report(
                    .invalidText, "`command` is empty", at: text.location,
                    fix: "remove `command` for an interactive environment")
                return nil
            }
            return Located(["/bin/bash", "-c", text.value], at: text.location)
        }
        guard let items = sequence(node, "command") else { return nil }
        var words: [String] = []
        for item in items {
            guard let word = text(item, "command[]"), plainText(word, "command[]", allowNewlines: false) else {
                return nil
            }
            words.append(word.value)
        }
        guard let first = words.first, !first.isEmpty else {
            report(
                .invalidText, "`command` names no program", at: node.location,
                fix: "write `command: [python, train.py]`")
            return nil
        }
        return Located(words, at: node.location)
    }

    mutating func resources(_ node: YAMLNode) -> ResourceSpec {
        guard var fields = mapping(node, "resources") else { return ResourceSpec() }
        defer { reportUnknownKeys(fields) }
        var resources = ResourceSpec()
        if let pair = fields.take("cpus"), let cpus = integer(pair.value, "resources.cpus") {
            if (1...4096).contains(cpus.value) {
                resources.cpus = cpus
            } else {
                report(
                    .invalidClusterSetting, "`resources.cpus` must be from 1 to 4096, not \(cpus.value)",
                    at: cpus.location)
            }
        }
        if let pair = fields.take("memory"), let text = text(pair.value, "resources.memory") {
            if let size = MemorySize(parsing: text.value) {
                resources.memory = Located(size, at: text.location)
            } else {
                report(
                    .invalidSize, "`resources.memory` must be a size such as 64g or 512m, not `\(text.value)`",
                    at: text.location)
            }
        }
        return resources
    }

    mutating func kubernetes(_ node: YAMLNode) -> KubernetesOptions {
        var options = KubernetesOptions()
        guard var fields = mapping(node, "kubernetes") else { return options }
        defer { reportUnknownKeys(fields) }
        if let pair = fields.take("namespace"), let text = text(pair.value, "kubernetes.namespace") {
            if Self.isDNSLabel(text.value) {
                options.namespace = text
            } else {
                report(
                    .invalidClusterSetting,
                    "`kubernetes.namespace` must be a DNS label (lower-case letters, digits and `-`, at most 63), not `\(text.value)`",
                    at: text.location, fix: Self.suggestedName(text.value).map { "write `\($0)`" })
            }
        }
        if let pair = fields.take("image"), let text = text(pair.value, "kubernetes.image") {
            if ImageReference(parsing: text.value) != nil {
                options.image = text
            } else {
                report(
                    .invalidImage,
                    "`kubernetes.image` is not a valid image reference ([registry/]repository[:tag][@digest]): `\(text.value)`",
                    at: text.location)
            }
        }
        if let pair = fields.take("storage"), let text = text(pair.value, "kubernetes.storage") {
            if let storage = KubernetesOptions.Storage(rawValue: text.value.lowercased()) {
                options.storage = storage
            } else {
                report(
                    .invalidClusterSetting, "`kubernetes.storage` must be pvc or hostpath, not `\(text.value)`",
                    at: text.location)
            }
        }
        if let pair = fields.take("storage_class"), let text = text(pair.value, "kubernetes.storage_class") {
            if Self.isDNSSubdomain(text.value) {
                options.storageClass = text
            } else {
                report(
                    .invalidClusterSetting,
                    "`kubernetes.storage_class` must be a Kubernetes object name such as fast-ssd, not `\(text.value)`",
                    at: text.location)
            }
        }
        if let pair = fields.take("storage_size"), let text = text(pair.value, "kubernetes.storage_size") {
            if Self.isQuantity(text.value) {
                options.storageSize = text.value
            } else {
                report(
                    .invalidClusterSetting,
                    "`kubernetes.storage_size` must be a Kubernetes quantity such as 50Gi, not `\(text.value)`",
                    at: text.location, fix: MemorySize(parsing: text.value).map { "write `\($0.kubernetes)`" })
            }
        }
        return options
    }

    mutating func slurm(_ node: YAMLNode) -> SlurmOptions {
        var options = SlurmOptions()
        guard var fields = mapping(node, "slurm") else { return options }
        defer { reportUnknownKeys(fields) }
        if let pair = fields.take("runtime"), let text = text(pair.value, "slurm.runtime") {
            if let runtime = SlurmOptions.Runtime(rawValue: text.value.lowercased()) {
                options.runtime = runtime
            } else {
                let known = SlurmOptions.Runtime.allCases.map(\.rawValue)
                let suggestion =
                    text.value.lowercased() == "enroot"
                    ? "pyxis"
                    : text.value.lowercased() == "singularity"
                        ? "apptainer" : EditDistance.closest(to: text.value, among: known)
                report(
                    .invalidClusterSetting,
                    "`slurm.runtime` must be pyxis, apptainer, docker or podman, not `\(text.value)`",
                    at: text.location, fix: suggestion.map { "write `\($0)`" })
            }
        }
        for (key, keyPath) in [("partition", \SlurmOptions.partition), ("account", \SlurmOptions.account)] {
            guard let pair = fields.take(key), let text = text(pair.value, "slurm.\(key)") else { continue }
            if !text.value.isEmpty, text.value.count <= 64,
                text.value.allSatisfy({ $0.isASCIIAlnum || "_.-".contains($0) })
            {
                options[keyPath: keyPath] = text
            } else {
                report(
                    .invalidClusterSetting,
                    "`slurm.\(key)` must be a Slurm name (letters, digits, `_`, `.` and `-`), not `\(text.value)`",
                    at: text.location)
            }
        }
        if let pair = fields.take("time"), let text = text(pair.value, "slurm.time") {
            if Self.isSlurmTime(text.value) {
                options.time = text
            } else {
                report(
                    .invalidClusterSetting,
                    "`slurm.time` must be a Slurm time limit such as \"4:00:00\" or \"2-00:00:00\", not `\(text.value)`",
                    at: text.location,
                    fix: "quote it: YAML reads 4:00:00 unquoted as text too, but 90 as a number of minutes")
            }
        }
        if let pair = fields.take("image"), let text = text(pair.value, "slurm.image") {
            let isFile = SlurmOptions.isImageFile(text.value)
            let reference = isFile ? nil : ImageReference(parsing: text.value)
            let plain =
                !text.value.isEmpty && text.value.count <= 1024
                && text.value.unicodeScalars.allSatisfy({
                    $0.value > 0x20 && $0.value < 0x7F && !"\"'`$\\,;".unicodeScalars.contains($0)
                })
            if !plain {
                report(
                    .invalidClusterSetting,
                    "`slurm.image` must be an image reference or a file path without spaces, quotes or commas, not `\(text.value)`",
                    at: text.location)
            } else if !isFile && reference == nil {
                report(
                    .invalidClusterSetting,
                    "`slurm.image` is neither an image reference nor a `.sqsh`/`.sif` file: `\(text.value)`",
                    at: text.location)
            } else if options.runtime == .pyxis, reference?.digest != nil {
                report(
                    .invalidClusterSetting, "pyxis (enroot) cannot pull an image by digest: `\(text.value)`",
                    at: text.location,
                    fix: "name a tag, or import the image once with `enroot import` and give the .sqsh file")
            } else if isFile && [.docker, .podman].contains(options.runtime) {
                report(
                    .invalidClusterSetting,
                    "`slurm.image` names a file, which \(options.runtime.rawValue) cannot run: `\(text.value)`",
                    at: text.location,
                    fix: "name an image reference, or use `runtime: pyxis` (.sqsh) or `runtime: apptainer` (.sif)")
            } else {
                options.image = text
            }
        }
        return options
    }

    mutating func devcontainer(_ node: YAMLNode) -> DevContainerOptions {
        var options = DevContainerOptions()
        guard var fields = mapping(node, "devcontainer") else { return options }
        defer { reportUnknownKeys(fields) }
        if let pair = fields.take("extensions"), let items = sequence(pair.value, "devcontainer.extensions") {
            for item in items {
                guard let text = text(item, "devcontainer.extensions") else { continue }
                if Self.isExtensionID(text.value) {
                    options.extensions.append(text)
                } else {
                    report(
                        .invalidClusterSetting,
                        "`devcontainer.extensions` takes VS Code extension ids (publisher.name, e.g. ms-python.python), not `\(text.value)`",
                        at: text.location)
                }
            }
        }
        if let pair = fields.take("post_create"), let text = text(pair.value, "devcontainer.post_create") {
            if text.value.allSatisfy({ $0 == " " || $0 == "\t" }) {
                report(.invalidClusterSetting, "`devcontainer.post_create` is empty", at: text.location)
            } else {
                options.postCreate = text
            }
        }
        return options
    }

    /// A VS Code extension id as VS Code reads it (`EXTENSION_IDENTIFIER_PATTERN` in
    /// vscode's extensionManagement.ts: publisher and name of letters, digits and `-`, neither
    /// starting with `-`), with an optional `@version`.
    static func isExtensionID(_ text: String) -> Bool {
        let id = text.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false)
        guard id.count == 1 || (id.count == 2 && !id[1].isEmpty && !id[1].contains(where: \.isWhitespace)) else {
            return false
        }
        let parts = id[0].split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 2
            && parts.allSatisfy { part in
                guard let first = part.first, first != "-" else { return false }
                return part.allSatisfy { $0.isASCIIAlnum || $0 == "-" }
            }
    }

    /// RFC 1123 label, as Kubernetes names namespaces; spec names follow the same rule.
    static func isDNSLabel(_ text: String) -> Bool { isDNSLabel(Substring(text)) }

    /// RFC 1123 label, read as bytes.
    static func isDNSLabel(_ text: Substring) -> Bool {
        let bytes = text.utf8
        guard (1...63).contains(bytes.count), let first = bytes.first, let last = bytes.last else { return false }
        return ASCII.isLowerAlnum(first) && ASCII.isLowerAlnum(last)
            && text.allBytes { ASCII.isLowerAlnum($0) || $0 == UInt8(ascii: "-") }
    }

    /// RFC 1123 subdomain, as Kubernetes names most objects.
    static func isDNSSubdomain(_ text: String) -> Bool {
        text.utf8.count <= 253 && text.parts(splitAt: UInt8(ascii: ".")).allSatisfy { isDNSLabel($0) }
    }

    /// A Kubernetes quantity for storage: a whole or decimal number and a unit.
    static func isQuantity(_ text: String) -> Bool {
        let units = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "k", "M", "G", "T", "P", "E", ""]
        guard let unit = units.first(where: { text.hasSuffix($0) }) else { return false }
        let number = text.dropLast(unit.count)
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        return !number.isEmpty && parts.count <= 2
            && parts.allSatisfy { !$0.isEmpty && $0.count <= 12 && $0.allSatisfy(\.isASCIIDigit) }
            && number.contains { $0 != "0" && $0 != "." }
    }

    /// Slurm's time formats: minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS, or UNLIMITED.
    static func isSlurmTime(_ text: String) -> Bool {
        if ["UNLIMITED", "INFINITE"].contains(text.uppercased()) { return true }
        let dayParts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard dayParts.count <= 2 else { return false }
        let clock = dayParts.last!.split(separator: ":", omittingEmptySubsequences: false)
        let numbers = dayParts.dropLast() + clock
        guard numbers.allSatisfy({ !$0.isEmpty && $0.count <= 6 && $0.allSatisfy(\.isASCIIDigit) }) else {
            return false
        }
        return (1...3).contains(clock.count)
    }
}

extension DiagnosticCode {
    static let invalidClusterSetting = DiagnosticCode(
        "E133", .error, name: "invalid-cluster-setting",
        summary: "A `resources:`, `kubernetes:`, `slurm:` or `devcontainer:` value is not valid.",
        explanation: """
            These sections say how the environment runs beyond one Docker host. Their values \
            end up in Kubernetes manifests and sbatch scripts, so mlenv checks them as the \
            cluster would: namespaces and storage classes are Kubernetes names, `storage_size` \
            is a quantity such as `50Gi`, `slurm.time` is a Slurm time limit such as \
            `"4:00:00"`, `slurm.runtime` is pyxis, apptainer, docker or podman, and \
            `resources.cpus` is a whole number of cores. `devcontainer.extensions` are VS Code \
            extension ids (`ms-python.python`) and `devcontainer.post_create` is a command.
            """)
}
