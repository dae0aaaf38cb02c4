/// `base: auto`: the newest catalog image that satisfies every constraint of the spec and host.
enum AutoBase {
    static func choose(_ spec: EnvironmentSpec, catalog: Catalog, host: HostSpec?) -> (ResolvedEnvironment?, [Diagnostic]) {
        let framework = spec.framework?.name.value
        let candidates = catalog.images.filter { framework == nil || framework == FrameworkName.none || $0.framework == framework }
        let frameworkMatches = spec.framework?.version.map { Compatibility.matcher($0.value) }
        let scored = candidates.map { ($0, problems(with: $0, for: spec, catalog: catalog, host: host, frameworkMatches: frameworkMatches)) }
        let fitting = scored.filter { $0.1.isEmpty }.map(\.0)
        if let best = fitting.max(by: { order($0) < order($1) }) {
            let reason = "`base: auto` chose `\(best.reference)`, the newest catalog image with " + constraints(spec, host: host)
            let environment = Resolver.environment(spec, image: best.reference, catalog: catalog, choice: reason)
            return (environment, [Diagnostic(.autoBaseChosen, reason, file: spec.file, at: spec.base.location)])
        }
        let nearest = scored.sorted { a, b in
            a.1.count != b.1.count ? a.1.count < b.1.count : order(a.0) > order(b.0)
        }.prefix(3)
        let notes = nearest.map { entry, problems in
            DiagnosticNote("`\(entry.reference)` would need " + problems.joined(separator: " and "))
        }
        let message = candidates.isEmpty
            ? "`base: auto` found no catalog image for \(framework?.displayName ?? "this spec"); name a base image"
            : "`base: auto` found no catalog image with " + constraints(spec, host: host)
        return (nil, [Diagnostic(.autoBaseUnavailable, message, file: spec.file, at: spec.base.location, notes: Array(notes),
                                 fix: nearest.first.map { "change the spec as noted, or name a base such as `\($0.0.reference)`" })])
    }

    /// What an image would need changed to fit; empty when it fits. Unknown facts do not fit:
    /// auto must not choose an image it cannot vouch for.
    /// `frameworkMatches` is the spec's framework version as a matcher, parsed once for all images.
    static func problems(with image: CatalogImage, for spec: EnvironmentSpec, catalog: Catalog, host: HostSpec?,
                         frameworkMatches: ((PEP440Version) -> Bool)?) -> [String] {
        var problems: [String] = []
        if let prefix = spec.framework?.version?.value, let framework = image.framework, let frameworkMatches {
            switch image.frameworkVersion.known {
            case let version? where frameworkMatches(version): break
            case let version?: problems.append("\(framework.displayName) \(prefix) (it has \(version))")
            case nil: problems.append("a confirmed \(framework.displayName) version")
            }
        }
        if let python = spec.python.flatMap({ DottedVersion($0.value) }) {
            switch image.python.known {
            case let shipped? where Compatibility.minor(shipped) == Compatibility.minor(python): break
            case let shipped?: problems.append("Python \(python) (your spec asks for it; it comes with \(shipped))")
            case nil: problems.append("a confirmed Python version")
            }
        }
        var toolkit = image.cuda.known
        if case .version(let text)? = spec.cuda?.value, let cuda = DottedVersion(text) {
            switch image.cuda.known {
            case let shipped? where shipped.starts(with: cuda): break
            case let shipped?: problems.append("CUDA \(cuda) (it has \(shipped))")
            case nil: problems.append("a confirmed CUDA version")
            }
            toolkit = toolkit ?? cuda
        }
        if host != nil, toolkit == nil, spec.gpus.value != GPURequest.none {
            problems.append("a confirmed CUDA version to check against the host")
        }
        if let host, let toolkit {
            let gpu = host.gpuModel.flatMap { catalog.gpu(named: $0.value) }
            if let driver = host.driver.flatMap({ DottedVersion($0.value) }),
               case .tooOld(let required) = Compatibility.driver(driver, runs: toolkit, catalog: catalog, image: image, gpu: gpu) {
                problems.append("driver \(required) (\(host.name.value) has \(driver))")
            }
            if let gpu {
                switch Compatibility.toolkit(toolkit, supports: gpu, catalog: catalog) {
                case .tooNew, .dropped: problems.append("GPUs its CUDA \(toolkit) supports (\(host.name.value) has \(gpu.name))")
                default: break
                }
            }
        }
        return problems
    }

    /// Newer NGC releases sort later: `24.03-py3` after `23.10-py3`.
    static func order(_ image: CatalogImage) -> DottedVersion {
        let tag = image.reference.tag ?? ""
        return DottedVersion(String(tag.prefix { $0.isASCIIDigit || $0 == "." })) ?? DottedVersion("0")!
    }

    static func constraints(_ spec: EnvironmentSpec, host: HostSpec?) -> String {
        var parts: [String] = []
        if let framework = spec.framework, framework.name.value != .none {
            parts.append(framework.name.value.displayName + (framework.version.map { " \($0.value)" } ?? ""))
        }
        if let python = spec.python { parts.append("Python \(python.value)") }
        if case .version(let cuda)? = spec.cuda?.value { parts.append("CUDA \(cuda)") }
        if let host { parts.append("\(host.name.value)'s driver and GPUs") }
        return parts.isEmpty ? "the spec's framework" : parts.joined(separator: ", ")
    }
}
