/// `mlenv catalog probe IMAGE`: what an image really holds, asked of the image itself, as a
/// catalog entry in the `--catalog` format. The CLI runs the engine; this reads its answers.
///
/// Two answers are read. The engine's inspection (`docker image inspect`: JSON) gives the
/// image's digest and environment, where NGC and `nvidia/cuda` images publish their facts
/// (`CUDA_VERSION`, `CUDNN_VERSION`, `PYTORCH_BUILD_VERSION`, `TENSORFLOW_VERSION`,
/// `JAX_VERSION`, `NVIDIA_REQUIRE_CUDA`). A short run of `ImageProbe.script` in the image gives
/// its OS, Python and the installed framework and Jupyter distributions. What neither says stays
/// unknown; nothing is guessed.
public enum ImageProbe {
    /// A POSIX shell script printing `key=value` lines: `os=ID VERSION_ID`, `python=X.Y.Z`, and
    /// `dist:NAME=VERSION` for each framework or Jupyter distribution installed.
    public static let script = #"""
        if [ -r /etc/os-release ]; then . /etc/os-release; echo "os=${ID:-} ${VERSION_ID:-}"; fi
        for py in python3 python; do
          if command -v "$py" >/dev/null 2>&1; then
            "$py" -c 'import platform, sys
        print("python=" + platform.python_version())
        try:
            from importlib import metadata
            version = metadata.version
        except ImportError:
            import pkg_resources
            version = lambda name: pkg_resources.get_distribution(name).version
        for name in ("torch", "tensorflow", "tensorflow-gpu", "tensorflow-cpu", "jax", "jaxlib", "jupyterlab", "notebook", "jupyter-server"):
            try:
                print("dist:" + name + "=" + version(name))
            except Exception:
                pass'
            break
          fi
        done
        """#

    /// What the probe found.
    public struct Facts: Sendable, Equatable {
        public var reference: ImageReference
        public var digest: String?
        public var os: String?
        public var python: DottedVersion?
        public var cuda: DottedVersion?
        public var cudnn: String?
        public var framework: FrameworkName?
        public var frameworkVersion: String?
        public var jupyter: Bool
        /// The driver branches `NVIDIA_REQUIRE_CUDA` accepts below the CUDA's own minimum
        /// (`brand=tesla,driver>=470,driver<471`: data-center forward compatibility).
        public var forwardCompatible: [String]
        /// What NVIDIA's container toolkit checks before it starts the image (its
        /// `nvidia_require_cuda`), read as the toolkit reads it
        /// (nvidia-container-toolkit `internal/config/image/cuda_image.go`): nothing when
        /// `NVIDIA_DISABLE_REQUIRE` is true, else `NVIDIA_REQUIRE_CUDA`, else for a "legacy"
        /// image with only `CUDA_VERSION`, `cuda>=MAJOR.MINOR`; nil when the image names none.
        /// Other `NVIDIA_REQUIRE_*` variables, which the toolkit checks as well, are not recorded.
        public var requirement: String? = nil
    }

    /// Reads the engine's inspection of `image` and the script's output. The error is a
    /// sentence for the user when the inspection is not what an engine prints.
    public static func facts(image: String, inspection: [UInt8], run output: String) -> Result<Facts, ProbeError> {
        guard let reference = ImageReference(parsing: image) else {
            return .failure(ProbeError("`\(image)` is not an image reference"))
        }
        let document = YAMLReader.read(inspection, file: "inspect")
        // `image inspect` prints a list with one object (Docker and Podman alike).
        guard let root = document.root else { return .failure(ProbeError("the engine's inspection is not JSON")) }
        let object: YAMLNode
        if case .sequence(let items) = root.kind, let first = items.first { object = first } else { object = root }
        guard case .mapping(let fields) = object.kind else {
            return .failure(ProbeError("the engine's inspection is not an image object"))
        }
        let field = { (node: YAMLNode, key: String) -> YAMLNode? in
            if case .mapping(let pairs) = node.kind { return pairs.first { $0.key == key }?.value }
            return nil
        }
        var environment: [String: String] = [:]
        if let config = fields.first(where: { $0.key == "Config" })?.value,
            case .sequence(let items)? = field(config, "Env")?.kind
        {
            for item in items {
                guard let text = item.scalarText, let equals = text.firstIndex(of: "=") else { continue }
                environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
        }
        var digest: String?
        if case .sequence(let items)? = fields.first(where: { $0.key == "RepoDigests" })?.value.kind {
            let digests = items.compactMap(\.scalarText).compactMap { text -> (String, String)? in
                guard let at = text.firstIndex(of: "@") else { return nil }
                return (String(text[..<at]), String(text[text.index(after: at)...]))
            }
            let repository = reference.canonicalRepository
            digest =
                (digests.first { ImageReference(parsing: $0.0)?.canonicalRepository == repository } ?? digests.first)?.1
        }
        digest = reference.digest ?? digest

        var lines: [String: String] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            lines[String(line[..<equals])] = String(line[line.index(after: equals)...]).trimmingSpaces
        }
        let distributions = lines.filter { $0.key.hasPrefix("dist:") }
        func dist(_ name: String) -> String? { distributions["dist:" + name] }

        var facts = Facts(
            reference: reference, digest: digest, os: lines["os"].flatMap { $0.isEmpty ? nil : $0 },
            python: lines["python"].flatMap(DottedVersion.init), jupyter: false, forwardCompatible: [])
        facts.cuda =
            environment["CUDA_VERSION"].flatMap(DottedVersion.init)
            ?? environment["NVIDIA_REQUIRE_CUDA"].flatMap(requiredCUDA)
        facts.cudnn = environment["CUDNN_VERSION"].flatMap { $0.isEmpty ? nil : $0 }
        facts.forwardCompatible = environment["NVIDIA_REQUIRE_CUDA"].map(forwardCompatibleBranches) ?? []
        facts.requirement = requirement(environment)
        facts.jupyter = dist("jupyterlab") != nil || dist("notebook") != nil || dist("jupyter-server") != nil
        // The framework the image is built around: the one it names in its environment, else
        // the one installed (PyTorch, TensorFlow, JAX in that order).
        let installed: [(FrameworkName, String?)] = [
            (.pytorch, dist("torch") ?? environment["PYTORCH_BUILD_VERSION"] ?? environment["PYTORCH_VERSION"]),
            (
                .tensorflow,
                dist("tensorflow") ?? dist("tensorflow-gpu") ?? dist("tensorflow-cpu")
                    ?? environment["TENSORFLOW_VERSION"]
            ),
            (.jax, dist("jax") ?? environment["JAX_VERSION"]),
        ]
        let named: FrameworkName? =
            environment["NVIDIA_PYTORCH_VERSION"] != nil
            ? .pytorch
            : environment["NVIDIA_TENSORFLOW_VERSION"] != nil
                ? .tensorflow : environment["JAX_VERSION"] != nil ? .jax : nil
        if let match = installed.first(where: { $0.0 == named && $0.1 != nil })
            ?? installed.first(where: { $0.1 != nil })
        {
            facts.framework = match.0
            facts.frameworkVersion = match.1
        }
        return .success(facts)
    }

    /// The requirement the toolkit takes from an image's environment (`GetRequirements`).
    static func requirement(_ environment: [String: String]) -> String? {
        if let disable = environment["NVIDIA_DISABLE_REQUIRE"], ContainerRequirement.disabling.contains(disable) {
            return ""
        }
        // An empty NVIDIA_REQUIRE_CUDA makes the image "legacy" too (`IsLegacy`).
        if let text = environment["NVIDIA_REQUIRE_CUDA"], !text.isEmpty { return text }
        guard let cuda = environment["CUDA_VERSION"].flatMap(DottedVersion.init), cuda.parts.count >= 2 else {
            return nil
        }
        return "cuda>=\(cuda.prefix(2))"
    }

    /// `cuda>=12.2 brand=tesla,driver>=470,driver<471 ...` -> 12.2.
    static func requiredCUDA(_ text: String) -> DottedVersion? {
        text.split(separator: " ").first { $0.hasPrefix("cuda>=") }.flatMap { DottedVersion(String($0.dropFirst(6))) }
    }

    /// The driver branches a `NVIDIA_REQUIRE_CUDA` admits by exception (`driver>=470,driver<471`
    /// -> `470`), in order, once each.
    static func forwardCompatibleBranches(_ text: String) -> [String] {
        var branches: [String] = []
        for word in text.split(separator: " ") where word.hasPrefix("brand=") {
            for part in word.split(separator: ",") where part.hasPrefix("driver>=") {
                let branch = String(part.dropFirst(8))
                if !branch.isEmpty, !branches.contains(branch) { branches.append(branch) }
            }
        }
        return branches
    }

    /// A `--catalog` file holding the probed image, dated `date` (`2026-12-01`).
    public static func catalogText(_ facts: Facts, engine: String, date: String) -> String {
        var image = facts.reference.description
        if facts.reference.digest == nil, let digest = facts.digest { image += "@" + digest }
        let ubuntu: String? = facts.os.flatMap { os in os.hasPrefix("ubuntu ") ? String(os.dropFirst(7)) : nil }
        let entry = Document.mapping([
            "image": .string(image),
            "ubuntu": ubuntu.map(Document.string),
            "python": facts.python.map { .string(Compatibility.minor($0).description) },
            "cuda": facts.cuda.map { .string($0.description) },
            "cudnn": facts.cudnn.map(Document.string),
            "framework": .string(facts.framework?.rawValue ?? "none"),
            "framework_version": facts.frameworkVersion.map(Document.string),
            "forward_compat": facts.forwardCompatible.isEmpty ? nil : .strings(facts.forwardCompatible, .flow),
            "nvidia_require_cuda": facts.requirement.map(Document.string),
            "jupyter": .bool(facts.jupyter),
            "sources": .strings(["PROBE"], .flow),
        ])
        let os = facts.os.map { " (OS: \($0))" } ?? ""
        return YAMLPrinter.print(
            .mapping([
                "mlenv-catalog": .integer(1),
                "table": .string("probed"),
                "description": .string("What `mlenv catalog probe` read from the image itself\(os)"),
                "sources": .mapping([
                    "PROBE": .string(
                        "`\(engine) image inspect` and a run of the image on \(date), by mlenv \(MLEnv.version)")
                ]),
                "images": .sequence([entry], .block),
            ]),
            header: [
                "Written by `mlenv catalog probe \(facts.reference.description)` on \(date). Pass it with --catalog; commit it beside the specs."
            ])
    }
}

/// Why a probe's answers could not be read.
public struct ProbeError: Error, Sendable, Equatable {
    public var message: String
    init(_ message: String) { self.message = message }
}
