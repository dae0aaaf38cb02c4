/// `base: auto`'s second road for a GPU spec: NVIDIA's plain `nvidia/cuda` image with Python and
/// the framework's pip wheels installed on top. The wheels bring their own CUDA runtime (PyTorch's
/// `cu128`, `jax[cuda12]`, TensorFlow's `and-cuda`), so the image's toolkit matters only for what
/// the spec compiles and for whether NVIDIA's container toolkit starts it on the host's driver.
///
/// Only the tags NVIDIA lists as supported (the catalog's `image_tags`, from
/// gitlab.com/nvidia/container-images/cuda doc/supported-tags.md) are candidates. Each candidate
/// is judged by the same rules `check` runs, so the one chosen passes them.
enum CUDABase {
    /// One `nvidia/cuda` tag with the environment it would give.
    struct Candidate {
        var environment: ResolvedEnvironment
        var toolkit: DottedVersion
        /// The errors and warnings the rules report on it.
        var errors: [Diagnostic]
        var warnings: [Diagnostic]
        /// Whether the container toolkit starts it on the host's driver without a brand exception.
        var startsNatively: Bool
        /// Whether the image's CUDA minor is the one the framework's wheels bring (or there are no wheels).
        var matchesWheels: Bool
        /// Why this flavour and operating system.
        var why: String
        /// Why mlenv cannot vouch for it although the rules find nothing.
        var refusal: String?

        var fits: Bool { errors.isEmpty && refusal == nil }

        /// Lower is better: no errors, fewer warnings, started without an exception, the wheels'
        /// own CUDA; then the newest toolkit.
        var rank: [Int] {
            [errors.count + (refusal == nil ? 0 : 1), warnings.count, startsNatively ? 0 : 1, matchesWheels ? 0 : 1]
        }

        func precedes(_ other: Candidate) -> Bool {
            rank != other.rank ? rank.lexicographicallyPrecedes(other.rank) : toolkit > other.toolkit
        }

        /// Why the winner's CUDA version: the spec's, else what put it first among the tags that pass.
        func toolkitReason(pinned: Bool, host: String?) -> String {
            if pinned { return "CUDA \(toolkit), the spec's CUDA" }
            var criteria: [String] = []
            if let host, startsNatively { criteria.append("\(host)'s driver starts without a brand exception") }
            if matchesWheels, let install = environment.frameworkInstall, let bundled = install.bundledCUDA {
                let major = install.variant?.hasPrefix("cuda") ?? false
                criteria.append("has the wheels' CUDA \(major ? "\(bundled.major)" : bundled.description)")
            }
            return "CUDA \(toolkit), the newest "
                + (criteria.isEmpty ? "supported tag" : "that " + criteria.joined(separator: " and "))
        }

        /// What the note says when it lost: its first error, else why it ranks lower than `winner`.
        func lost(to winner: Candidate?) -> String {
            if let error = errors.first { return "would give \(error.code.id): \(error.message)" }
            if let refusal { return refusal }
            if let warning = warnings.first, warnings.count > (winner?.warnings.count ?? 0) {
                return "fits, but gives \(warning.code.id): \(warning.message)"
            }
            if !startsNatively, winner?.startsNatively ?? false {
                return
                    "fits, but starts on the host's driver only through a brand exception of its `NVIDIA_REQUIRE_CUDA`"
            }
            if !matchesWheels, let install = environment.frameworkInstall, let bundled = install.bundledCUDA {
                let wheels = install.variant?.hasPrefix("cuda") ?? false ? "CUDA \(bundled.major)" : "the \(bundled)"
                return "fits, but its CUDA \(toolkit) is not \(wheels) the framework's wheels bring"
            }
            return "fits; an older toolkit"
        }
    }

    /// Every supported `nvidia/cuda` tag's candidate (one per CUDA version) for a GPU spec, best
    /// first; empty for a CPU spec.
    static func candidates(
        _ spec: EnvironmentSpec, wanted: AutoBase.Wanted, catalog: Catalog, host: HostSpec?,
        requirements: ProjectRequirements
    ) -> [Candidate] {
        guard spec.cuda?.value != CUDARequest.none else { return [] }
        let compiles = CUDACompilation.of(spec)
        let framework = spec.framework.map(\.name.value).flatMap { $0 == FrameworkName.none ? nil : $0 }
        let systemCUDA =
            framework.map { FrameworkInstall.usesSystemCUDA($0, version: spec.framework?.version?.value) } ?? false
        let kind = compiles != nil ? "devel" : "runtime"
        // `runtime`, or `cudnn-runtime` (`cudnn8-runtime` before CUDA 12.4) for a framework on the system's CUDA.
        func isWanted(_ words: String) -> Bool {
            guard systemCUDA else { return words == kind }
            let parts = words.split(separator: "-")
            return parts.count == 2 && parts[0].hasPrefix("cudnn") && parts[1] == kind
        }
        let ranges = AutoBase.pythonRanges(spec, catalog: catalog)
        // Without a framework version pip takes the newest release that has wheels for the Python;
        // mlenv vouches only for a Python the newest release supports.
        var refusal: String?
        if let framework, spec.framework?.version == nil, let python = wanted.python, !ranges.isEmpty,
            !supports(ranges, Compatibility.minor(python))
        {
            refusal =
                "would need a \(framework.displayName) version: its newest release has no wheels for Python "
                + "\(Compatibility.minor(python)), so pip would take an older one mlenv cannot name"
        }
        let judged: ContainerRequirement.Host? = wanted.driver.map {
            ContainerRequirement.Host(
                driver: $0, cuda: Compatibility.cudaSupported(by: $0, catalog: catalog),
                capability: wanted.gpu?.computeCapability.known)
        }
        var found: [Candidate] = []
        for toolkit in catalog.toolkits where !toolkit.imageTags.isEmpty {
            if let cuda = wanted.cuda, !toolkit.version.starts(with: cuda) { continue }
            // devel only when the spec compiles CUDA code (it needs nvcc and the headers); the
            // cuDNN flavour only when the framework uses the system's CUDA libraries.
            let tags = toolkit.imageTags.compactMap { tag -> (tag: String, os: String)? in
                let traits = BaseImageTraits.cudaTraits(tag: tag)
                let words = tag.split(separator: "-").dropFirst().dropLast().joined(separator: "-")
                guard let os = traits.operatingSystem, isWanted(words)
                else { return nil }
                return (tag, os)
            }.sorted { $0.os > $1.os }
            guard let chosen = choose(tags, python: wanted.python, ranges: ranges) else { continue }
            guard let image = ImageReference(parsing: "nvidia/cuda:\(chosen.tag)") else { continue }
            let environment = Resolver.environment(
                spec, image: image, catalog: catalog, host: host, choice: nil, python: chosen.python,
                requirements: requirements)
            // The rules of MLEnv.checkEnvironment that judge the base, its Python and CUDA against
            // the spec and host. The package rules (PipRule, CompanionRule, HygieneRule) judge the
            // same whatever the base, so an error of theirs must not turn every candidate away.
            var context = RuleContext(environment: environment, catalog: catalog, host: host)
            BaseImageRule.check(&context)
            FrameworkPythonRule.check(&context)
            FrameworkCUDARule.check(&context)
            HostRule.check(&context)
            ContainerToolkitRule.check(&context)
            GPUCodeRule.check(&context)
            var starts = true
            if let judged, let text = toolkit.imageRequirement, let requirement = ContainerRequirement(parsing: text),
                spec.gpus.value != GPURequest.none
            {
                if case .startsFor = requirement.verdict(on: judged) { starts = false }
            }
            var why = "the `\(kind)` flavour"
            if let compiles {
                why += ", as the spec compiles CUDA code (\(compiles.evidence))"
            } else if !systemCUDA, framework != nil {
                why += ", as the wheels bring their own CUDA libraries"
            }
            if systemCUDA { why += " with cuDNN, as TensorFlow before 2.14 loads the system's CUDA and cuDNN" }
            why += ", on \(chosen.os)" + chosen.reason
            found.append(
                Candidate(
                    environment: environment, toolkit: toolkit.version,
                    errors: context.diagnostics.filter { $0.severity == .error },
                    warnings: context.diagnostics.filter { $0.severity == .warning }, startsNatively: starts,
                    matchesWheels: matches(toolkit.version, environment.frameworkInstall), why: why, refusal: refusal))
        }
        return found.sorted { $0.precedes($1) }
    }

    /// Whether one of the ranges holds the Python minor `version`.
    static func supports(_ ranges: [FrameworkPythonRule.PythonRange], _ version: DottedVersion) -> Bool {
        ranges.contains { range in
            (range.minimum.map { Compatibility.minor($0) <= version } ?? true)
                && (range.maximum.map { version <= Compatibility.minor($0) } ?? true)
        }
    }

    /// Whether the image's CUDA is the one the wheels bring: the same minor for a variant built for
    /// one (PyTorch's `cu128`, TensorFlow's tested CUDA), the same major for JAX's `cuda12`, which
    /// takes the newest CUDA 12 wheels pip finds.
    static func matches(_ toolkit: DottedVersion, _ install: FrameworkInstall?) -> Bool {
        guard let install, let bundled = install.bundledCUDA else { return true }
        if install.variant?.hasPrefix("cuda") ?? false { return toolkit.major == bundled.major }
        return toolkit.hasSameMinor(as: bundled)
    }

    /// The operating system and Python: the spec's Python on the Ubuntu that ships it, else on the
    /// newest Ubuntu (deadsnakes); without a Python in the spec, the newest Ubuntu whose own Python
    /// the framework release supports, else the newest Python the release supports.
    static func choose(
        _ tags: [(tag: String, os: String)], python: DottedVersion?, ranges: [FrameworkPythonRule.PythonRange]
    ) -> (tag: String, os: String, python: DottedVersion?, reason: String)? {
        guard let newest = tags.first else { return nil }
        func native(_ os: String) -> DottedVersion? { BaseImageTraits.ubuntuPython(os).flatMap(DottedVersion.init) }
        if let python {
            if let match = tags.first(where: { native($0.os).map { $0.hasSameMinor(as: python) } ?? false }) {
                return (match.tag, match.os, nil, ", whose own Python is \(Compatibility.minor(python))")
            }
            return (
                newest.tag, newest.os, nil,
                ", the newest Ubuntu this CUDA has a tag for, with Python \(Compatibility.minor(python)) from deadsnakes"
            )
        }
        for entry in tags {
            if let own = native(entry.os), ranges.isEmpty {
                return (entry.tag, entry.os, own, ", whose own Python is \(own)")
            }
            if let own = native(entry.os), supports(ranges, own) {
                return (entry.tag, entry.os, own, ", whose own Python \(own) the framework supports")
            }
        }
        guard let highest = ranges.compactMap(\.maximum).max().map(Compatibility.minor) else { return nil }
        return (
            newest.tag, newest.os, highest,
            ", with Python \(highest) (the newest the framework supports) from deadsnakes"
        )
    }
}
