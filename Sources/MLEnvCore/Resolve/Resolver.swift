extension DiagnosticCode {
    static let autoBaseUnavailable = DiagnosticCode(
        "E127", .error, name: "auto-base-unavailable", summary: "`base: auto` found no image that fits.",
        explanation: """
            `base: auto` asks mlenv to pick an image that satisfies the spec's framework, \
            framework version, Python and CUDA (and the host's driver and GPUs when a host is \
            given): a catalog image (NGC), else NVIDIA's `nvidia/cuda` image with the framework's \
            wheels. When none does, the notes name the nearest catalog images and what each \
            would need changed, and the nearest `nvidia/cuda` image with the error it would \
            give. Change the spec, or name a base image yourself.
            """)
    /// The note `mlenv resolve` shows with its answer.
    public static let autoBaseChosen = DiagnosticCode(
        "N127", .note, name: "auto-base-chosen", summary: "Which image `base: auto` chose, why, and the runners-up.",
        explanation: """
            `base: auto` picks the newest catalog image (NGC) that satisfies the spec's \
            framework, framework version, Python and CUDA, and the host's driver and GPUs when a \
            host is given: it ships the framework built for its CUDA. When none does, it picks \
            NVIDIA's `nvidia/cuda` image (a tag NVIDIA lists as supported) with Python and the \
            framework's wheels installed on top, judged by the same rules as `check`: the \
            `runtime` flavour (`devel` when the spec compiles CUDA code), the CUDA the spec names \
            or else one the host's driver starts without a brand exception and the wheels bring, \
            on the Ubuntu whose own Python fits. A CPU spec gets `python:X.Y-slim`. The note \
            says what was matched, and names each runner-up with why it lost. Run \
            `mlenv resolve SPEC` to see the result, and `mlenv lock` to pin it.
            """)
}

/// Turns a checked spec into a `ResolvedEnvironment`, choosing an image for `base: auto`, or
/// taking the lock's choices when a lock is used: the rules then check what is really built.
public enum Resolver {
    /// Resolves `spec`; nil (with an error) when `base: auto` finds no image.
    public static func resolve(
        _ spec: EnvironmentSpec, catalog: Catalog, host: HostSpec?,
        lock: LockFile? = nil, requirements: ProjectRequirements = .none
    ) -> (ResolvedEnvironment?, [Diagnostic]) {
        if let lock, let image = ImageReference(parsing: lock.base) {
            let choice: String? = image == spec.base.value.image ? nil : "locked in \(lock.spec)"
            // The Python `base: auto` chose for an image without one, as the lock records it.
            let python = choice == nil ? nil : lock.python.flatMap(DottedVersion.init)
            return (
                environment(
                    spec, image: image, catalog: catalog, host: host, choice: choice, python: python, lock: lock,
                    requirements: requirements), []
            )
        }
        switch spec.base.value {
        case .image(let image):
            return (
                environment(
                    spec, image: image, catalog: catalog, host: host, choice: nil, requirements: requirements), []
            )
        case .auto:
            return AutoBase.choose(spec, catalog: catalog, host: host, requirements: requirements)
        }
    }

    static func environment(
        _ spec: EnvironmentSpec, image: ImageReference, catalog: Catalog, host: HostSpec?, choice: String?,
        python chosen: DottedVersion? = nil, lock: LockFile? = nil, requirements: ProjectRequirements
    ) -> ResolvedEnvironment {
        let entry = catalog.image(image)
        let traits = BaseImageTraits.of(image)
        let imagePython = entry?.python ?? traits.pythonFromTag.flatMap(DottedVersion.init).map(Fact.known) ?? .unknown
        let imageCUDA = entry?.cuda ?? traits.cudaFromTag.flatMap(DottedVersion.init).map(Fact.known) ?? .unknown
        var python: Fact<DottedVersion> = spec.python.flatMap { DottedVersion($0.value) }.map(Fact.known) ?? imagePython
        if spec.python == nil, entry == nil, traits.family == .unknown { python = .unknown }
        // `base: auto`'s Python for an image without one, when the spec names none.
        if spec.python == nil, let chosen, entry == nil, traits.shipsPython == false { python = .known(chosen) }
        let cpuOnly = spec.cuda?.value == CUDARequest.none
        var cuda: Fact<DottedVersion> = .unknown
        if case .version(let text)? = spec.cuda?.value, let version = DottedVersion(text) {
            cuda = .known(version)
        } else if !cpuOnly {
            cuda = imageCUDA
        }
        let shipped = entry?.framework ?? traits.framework
        var framework = spec.framework?.name.value
        if framework == FrameworkName.none { framework = nil }
        var version = spec.framework?.version?.value
        if framework == nil, spec.framework == nil { framework = shipped }
        if version == nil, framework != nil, framework == shipped { version = entry?.frameworkVersion.any?.description }
        // The lock's exact release, when mlenv installs the framework the lock names.
        if shipped == nil, let lock, let locked = lock.frameworkVersion, framework?.rawValue == lock.frameworkName {
            version = locked
        }
        var resolved = ResolvedEnvironment(
            spec: spec, image: image, choice: choice, catalogImage: entry, traits: traits,
            imagePython: imagePython, imageCUDA: imageCUDA, python: python, cuda: cuda,
            cpuOnly: cpuOnly, framework: framework, frameworkVersion: version, requirements: requirements,
            pip: requirements.entries + (requirements.project?.dependencies ?? [])
                + spec.pip.map { PipEntry(value: $0.value, file: spec.file, location: $0.location, role: .spec) })
        resolved.cudaCompilation = CUDACompilation.of(spec)
        resolved.frameworkInstall = FrameworkInstall.choose(resolved, catalog: catalog, host: host)
        if spec.framework == nil, shipped == nil {
            resolved.pinnedFramework = PinnedFramework.find(
                resolved.pip, requirements: requirements, index: spec.index, cpuOnly: cpuOnly, cuda: cuda.known,
                catalog: catalog)
        }
        return resolved
    }
}
