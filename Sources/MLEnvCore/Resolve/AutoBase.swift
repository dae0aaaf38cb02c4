/// `base: auto`: the newest catalog image that satisfies every constraint of the spec and host;
/// else NVIDIA's `nvidia/cuda` image with the framework's wheels (`CUDABase`); for a CPU spec, the
/// official `python` image. The note names the runners-up and why each lost.
enum AutoBase {
    static func choose(
        _ spec: EnvironmentSpec, catalog: Catalog, host: HostSpec?, requirements: ProjectRequirements
    ) -> (
        ResolvedEnvironment?, [Diagnostic]
    ) {
        let framework = spec.framework?.name.value
        // `framework: none` asks for no framework: an image built around one does not fit it
        // (nvidia/cuda does); a spec that names none takes what an image ships.
        func isCandidate(_ image: CatalogImage) -> Bool {
            framework == nil || image.framework == (framework == FrameworkName.none ? nil : framework)
        }
        // What the spec asks for, parsed once for every candidate image.
        let wanted = Wanted(spec: spec, host: host, catalog: catalog)
        if spec.cuda?.value == CUDARequest.none, let python = cpuPython(spec, catalog: catalog) {
            return cpuImage(
                spec, python: python, catalog: catalog, host: host, isCandidate: isCandidate, wanted: wanted,
                requirements: requirements)
        }
        // Every catalog image that fits, newest first (the first of equals first), found without
        // copying the catalog's images: every `base: auto` spec looks at all of them.
        let images = catalog.images
        let fitting = images.indices
            .filter { isCandidate(images[$0]) && problems(with: images[$0], wanted: wanted).isEmpty }
            .map { ($0, order(images[$0])) }
            .sorted { a, b in a.1 != b.1 ? a.1 > b.1 : a.0 < b.0 }.map(\.0)
        // NVIDIA's plain CUDA images with the framework's wheels: the second road.
        let cudaBases = CUDABase.candidates(
            spec, wanted: wanted, catalog: catalog, host: host, requirements: requirements)
        let bestCUDA = cudaBases.first { $0.fits }
        if let index = fitting.first {
            // A framework image that fits wins: NVIDIA built and tested its framework with its CUDA,
            // and nothing is installed over it.
            let best = images[index]
            let reason =
                "`base: auto` chose `\(best.reference)`, the newest catalog image with " + constraints(spec, host: host)
                + (best.framework.map { ": it ships \($0.displayName) built for its CUDA, so no wheels go on top" }
                    ?? "")
            var runnersUp = fitting.dropFirst().prefix(1).map { "`\(images[$0].reference)`: an older release" }
            if let bestCUDA {
                runnersUp.append(
                    "`\(bestCUDA.environment.image)`" + wheelsText(bestCUDA.environment)
                        + ": more moving parts (Python"
                        + (bestCUDA.environment.frameworkInstall == nil ? "" : " and the framework's wheels")
                        + " installed on a plain CUDA image)")
            }
            return chosen(
                spec, image: best.reference, reason: reason, runnersUp: runnersUp, catalog: catalog, host: host,
                requirements: requirements)
        }
        let scored = catalog.images.filter(isCandidate).map { ($0, problems(with: $0, wanted: wanted)) }
        let nearest = scored.map { ($0.0, $0.1, order($0.0)) }.sorted { a, b in
            a.1.count != b.1.count ? a.1.count < b.1.count : a.2 > b.2
        }
        let nearestNotes = nearest.map { entry, problems, _ in
            "`\(entry.reference)` would need " + problems.map { $0.text(wanted) }.joined(separator: " and ")
        }
        if let bestCUDA {
            var environment = bestCUDA.environment
            let reason =
                "`base: auto` chose `\(environment.image)`" + wheelsText(environment) + ": "
                + (framework == FrameworkName.none
                    ? "the spec asks for no framework, and the catalog's images are built around one"
                    : scored.isEmpty
                        ? "the catalog has no \(framework?.displayName ?? "framework") image"
                        : "no catalog image has " + constraints(spec, host: host))
                + "; "
                + bestCUDA.toolkitReason(pinned: wanted.cuda != nil, host: host?.name.value) + "; \(bestCUDA.why)"
            let others = cudaBases.filter { $0.environment.image != environment.image }.prefix(2)
            let runnersUp =
                Array(nearestNotes.prefix(2)) + others.map { "`\($0.environment.image)` \($0.lost(to: bestCUDA))" }
            environment.choice = reason
            environment.runnersUp = runnersUp
            return (environment, [chosenNote(spec, reason: reason, runnersUp: runnersUp)])
        }
        let notes =
            nearestNotes.prefix(3).map { DiagnosticNote($0) }
            + cudaBases.prefix(1).map { DiagnosticNote("`\($0.environment.image)` \($0.lost(to: nil))") }
        let message =
            scored.isEmpty && cudaBases.isEmpty
            ? "`base: auto` found no image for \(framework.flatMap { $0 == .none ? nil : $0.displayName } ?? "this spec"); name a base image"
            : "`base: auto` found no image with " + constraints(spec, host: host)
        let named = nearest.first.map { "`\($0.0.reference)`" } ?? cudaBases.first.map { "`\($0.environment.image)`" }
        return (
            nil,
            [
                Diagnostic(
                    .autoBaseUnavailable, message, file: spec.file, at: spec.base.location, notes: notes,
                    fix: named.map { "change the spec as noted, or name a base such as \($0)" })
            ]
        )
    }

    /// ` with PyTorch 2.7 built for CUDA 12.8, from PyTorch's own index`: what pip installs on the image.
    static func wheelsText(_ environment: ResolvedEnvironment) -> String {
        environment.frameworkInstall.map { " with \($0.description)" } ?? ""
    }

    /// The environment on the chosen image, with the note that says why.
    static func chosen(
        _ spec: EnvironmentSpec, image: ImageReference, reason: String, runnersUp: [String], catalog: Catalog,
        host: HostSpec?, requirements: ProjectRequirements
    ) -> (ResolvedEnvironment?, [Diagnostic]) {
        var environment = Resolver.environment(
            spec, image: image, catalog: catalog, host: host, choice: reason, requirements: requirements)
        environment.runnersUp = runnersUp
        return (environment, [chosenNote(spec, reason: reason, runnersUp: runnersUp)])
    }

    /// N127, with a note for each runner-up and why it lost.
    static func chosenNote(_ spec: EnvironmentSpec, reason: String, runnersUp: [String]) -> Diagnostic {
        Diagnostic(
            .autoBaseChosen, reason, file: spec.file, at: spec.base.location,
            notes: runnersUp.map { DiagnosticNote("runner-up " + $0) })
    }

    /// A spec that runs on the CPU (`cuda: none`) gets the official `python:X.Y-slim` image and
    /// the framework's CPU wheels: an NGC image would bring gigabytes of CUDA it never uses.
    static func cpuImage(
        _ spec: EnvironmentSpec, python: DottedVersion, catalog: Catalog, host: HostSpec?,
        isCandidate: (CatalogImage) -> Bool, wanted: Wanted, requirements: ProjectRequirements
    ) -> (ResolvedEnvironment?, [Diagnostic]) {
        let reference = ImageReference(parsing: "python:\(python)-slim")!
        var reason = "`base: auto` chose `\(reference)`: the spec runs on the CPU (`cuda: none`), "
        if let framework = spec.framework?.name.value, framework != .none {
            let version = spec.framework?.version.map { " \($0.value)" } ?? ""
            reason += "so \(framework.displayName)\(version) installs as CPU wheels on Python \(python)"
        } else {
            reason += "on Python \(python)"
        }
        // The framework image that would have been chosen, named as the runner-up.
        let runnerUp = catalog.images.indices
            .filter { isCandidate(catalog.images[$0]) && catalog.images[$0].framework != nil }
            .filter { problems(with: catalog.images[$0], wanted: wanted).isEmpty }
            .max { order(catalog.images[$0]) < order(catalog.images[$1]) }
        let runnersUp =
            runnerUp.map {
                ["`\(catalog.images[$0].reference)`: it ships gigabytes of CUDA the spec does not use"]
            } ?? []
        return chosen(
            spec, image: reference, reason: reason, runnersUp: runnersUp, catalog: catalog, host: host,
            requirements: requirements)
    }

    /// The Python of a CPU spec's image: the spec's, else the newest the framework version's
    /// known ranges reach (the ranges come from PyPI's wheels); nil when neither says.
    static func cpuPython(_ spec: EnvironmentSpec, catalog: Catalog) -> DottedVersion? {
        if let python = spec.python.flatMap({ DottedVersion($0.value) }) { return Compatibility.minor(python) }
        return pythonRanges(spec, catalog: catalog).compactMap(\.maximum).max().map(Compatibility.minor)
    }

    /// The Python ranges of the spec's framework releases (the newest final release when it names
    /// no version); empty without a framework.
    static func pythonRanges(_ spec: EnvironmentSpec, catalog: Catalog) -> [FrameworkPythonRule.PythonRange] {
        guard let framework = spec.framework?.name.value, framework != .none else { return [] }
        if let prefix = spec.framework?.version?.value {
            return FrameworkPythonRule.pythonRanges(framework, prefix, catalog: catalog)
        }
        let newest = Compatibility.releases(framework, nil, in: catalog).filter { !$0.isPrerelease }.max()
        return newest.map { FrameworkPythonRule.pythonRanges(framework, $0.description, catalog: catalog) } ?? []
    }

    /// The spec's constraints, parsed once.
    struct Wanted {
        var frameworkPrefix: String?
        var frameworkMatches: ((PEP440Version) -> Bool)?
        var python: DottedVersion?
        var cuda: DottedVersion?
        var usesGPUs: Bool
        var host: HostSpec?
        var gpu: GPUModel?
        var driver: DottedVersion?
        var catalog: Catalog

        init(spec: EnvironmentSpec, host: HostSpec?, catalog: Catalog) {
            frameworkPrefix = spec.framework?.version?.value
            frameworkMatches = frameworkPrefix.map(Compatibility.matcher)
            python = spec.python.flatMap { DottedVersion($0.value) }
            if case .version(let text)? = spec.cuda?.value { cuda = DottedVersion(text) }
            usesGPUs = spec.gpus.value != GPURequest.none
            self.host = host
            gpu = host?.gpuModel.flatMap { catalog.gpu(named: $0.value) }
            driver = host?.driver.flatMap { DottedVersion($0.value) }
            self.catalog = catalog
        }
    }

    /// One thing an image would need changed; its text is written only for the images a
    /// diagnostic names.
    enum Problem {
        case framework(FrameworkName, has: PEP440Version?)
        case python(has: DottedVersion?)
        case cuda(has: DottedVersion?)
        case cudaForHost
        case driver(required: DottedVersion)
        case gpus(toolkit: DottedVersion)

        func text(_ wanted: Wanted) -> String {
            let hostName = wanted.host?.name.value ?? "the host"
            switch self {
            case .framework(let framework, let version?):
                return "\(framework.displayName) \(wanted.frameworkPrefix ?? "") (it has \(version))"
            case .framework(let framework, nil): return "a confirmed \(framework.displayName) version"
            case .python(let shipped?):
                return "Python \(wanted.python.map { "\($0)" } ?? "") (your spec asks for it; it comes with \(shipped))"
            case .python(nil): return "a confirmed Python version"
            case .cuda(let shipped?): return "CUDA \(wanted.cuda.map { "\($0)" } ?? "") (it has \(shipped))"
            case .cuda(nil): return "a confirmed CUDA version"
            case .cudaForHost: return "a confirmed CUDA version to check against the host"
            case .driver(let required):
                return "driver \(required) (\(hostName) has \(wanted.driver.map { "\($0)" } ?? "?"))"
            case .gpus(let toolkit):
                return "GPUs its CUDA \(toolkit) supports (\(hostName) has \(wanted.gpu?.name ?? "?"))"
            }
        }
    }

    /// What an image would need changed to fit; empty when it fits. Unknown facts do not fit:
    /// auto must not choose an image it cannot vouch for.
    static func problems(with image: CatalogImage, wanted: Wanted) -> [Problem] {
        var problems: [Problem] = []
        if let frameworkMatches = wanted.frameworkMatches, let framework = image.framework {
            switch image.frameworkVersion.known {
            case let version? where frameworkMatches(version): break
            case let version?: problems.append(.framework(framework, has: version))
            case nil: problems.append(.framework(framework, has: nil))
            }
        }
        if let python = wanted.python {
            switch image.python.known {
            case let shipped? where shipped.hasSameMinor(as: python): break
            case let shipped?: problems.append(.python(has: shipped))
            case nil: problems.append(.python(has: nil))
            }
        }
        var toolkit = image.cuda.known
        if let cuda = wanted.cuda {
            switch image.cuda.known {
            case let shipped? where shipped.starts(with: cuda): break
            case let shipped?: problems.append(.cuda(has: shipped))
            case nil: problems.append(.cuda(has: nil))
            }
            toolkit = toolkit ?? cuda
        }
        if wanted.host != nil, toolkit == nil, wanted.usesGPUs {
            problems.append(.cudaForHost)
        }
        if wanted.host != nil, let toolkit {
            if let driver = wanted.driver,
                case .tooOld(let required) = Compatibility.driver(
                    driver, runs: toolkit, catalog: wanted.catalog, image: image, gpu: wanted.gpu)
            {
                problems.append(.driver(required: required))
            }
            if let gpu = wanted.gpu {
                // NVIDIA built the image's framework with its toolkit; whether that build embeds PTX
                // for newer GPUs is not known, so only native code counts.
                switch Compatibility.toolkit(toolkit, reaches: gpu, catalog: wanted.catalog) {
                case .ptxOnly, .dropped: problems.append(.gpus(toolkit: toolkit))
                case .native, .unknown: break
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
