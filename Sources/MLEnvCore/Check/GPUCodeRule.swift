extension DiagnosticCode {
    static let gpuUnsupported = DiagnosticCode(
        "E207", .error, name: "gpu-unsupported", summary: "The environment's GPU code cannot run on the host's GPUs.",
        explanation: """
            A cubin built for sm_XY runs on GPUs of compute capability X.Z with Z >= Y (sm_80 \
            code runs on sm_86 and sm_89); PTX for compute_XY is JIT-compiled by the driver for \
            any newer GPU. Code with neither for the host's GPU fails at its first kernel with \
            "no kernel image is available for execution on the device": PyTorch 2.5's wheels \
            stop at sm_90 and carry no PTX, so they do not run on an RTX 5090 (sm_120); CUDA 13 \
            compiles nothing for Volta. PTX JIT also fails on a driver older than the toolkit \
            that wrote the PTX (CUDA minor-version compatibility does not cover it). Use a \
            framework build that lists the GPU's architecture, or a toolkit that supports it.
            """)
    static let gpuCodeJIT = DiagnosticCode(
        "W207", .warning, name: "gpu-code-jit",
        summary: "The host's GPUs get only PTX: the driver compiles it on first use, if the build has it.",
        explanation: """
            The build has no cubin for the GPU's architecture, only PTX of an older one (or, when \
            its toolkit predates the GPU, at best PTX). The driver compiles PTX on the first run, \
            which takes minutes for a framework, and keeps the result in its JIT cache \
            (CUDA_CACHE_PATH, ~/.nv/ComputeCache; CUDA_CACHE_MAXSIZE): mount it as a volume, or \
            every new container compiles again. A build without PTX does not run at all. Prefer \
            a build with native code for the GPU.
            """)
    static let cudaCompiler = DiagnosticCode(
        "E208", .error, name: "cuda-compiler",
        summary: "The image's nvcc cannot compile the CUDA code the spec builds.",
        explanation: """
            CUDA code compiled in the image is built by the base image's toolkit: `nvidia/cuda` \
            `-base` and `-runtime` images have no nvcc (only `-devel` ones do), and each toolkit \
            compiles for a range of architectures (CUDA 12.4 up to sm_90, CUDA 13 from sm_75 on). \
            An architecture outside it in TORCH_CUDA_ARCH_LIST stops the build with "nvcc fatal: \
            Unsupported gpu architecture". Use a `-devel` image whose CUDA compiles for the list.
            """)
}

/// The environment's GPU code against the host's GPUs and the image's compiler: framework wheels
/// by the architectures they publish, code compiled in the image by TORCH_CUDA_ARCH_LIST or the
/// toolkit's range, the image's own CUDA (an NGC framework, its libraries) by the toolkit's range.
enum GPUCodeRule: Rule {
    static let description = RuleDescription(
        title: "GPU code vs the host's GPUs",
        overview: """
            PyTorch 2.5's cu124 wheels carry no code for an RTX 5090 (sm_120); CUDA 13 no longer supports Volta; CUDA 11.7 \
            reaches an H100 only through PTX JIT; nvcc of CUDA 12.4 cannot compile for 12.0, and a `-runtime` image has \
            no nvcc
            """,
        codes: [.gpuUnsupported, .gpuCodeJIT, .cudaCompiler],
        triggering: [
            RuleExample(
                .gpuUnsupported,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: ↓"2.5"}
                python: "3.11"
                """, with: [.host(host(driver: "570.124.06", gpu: "GeForce RTX 5090"))]),
            RuleExample(
                .gpuUnsupported,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:13.0.0-runtime-ubuntu24.04
                python: "3.12"
                cuda: ↓"13.0"
                """, with: [.host(host(driver: "580.65.06", gpu: "Tesla V100-SXM2-32GB"))]),
            RuleExample(
                .gpuUnsupported,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.6.3-devel-ubuntu22.04
                framework: {name: pytorch, version: "2.7"}
                python: "3.11"
                env: {TORCH_CUDA_ARCH_LIST: ↓"8.0;8.6"}
                """, with: [.host(host(driver: "560.35.05", gpu: "H100-SXM5-80GB"))]),
            RuleExample(
                .gpuCodeJIT,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:11.7.1-runtime-ubuntu22.04
                python: "3.10"
                cuda: ↓"11.7"
                """, with: [.host(host(driver: "550.54.14", gpu: "H100-SXM5-80GB"))]),
            RuleExample(
                .cudaCompiler,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-devel-ubuntu22.04
                framework: {name: pytorch, version: "2.4"}
                python: "3.11"
                env: {TORCH_CUDA_ARCH_LIST: ↓"8.0;9.0;12.0"}
                """),
            RuleExample(
                .cudaCompiler,
                """
                mlenv: 1
                name: team
                base: ↓nvidia/cuda:12.4.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.4"}
                python: "3.11"
                setup: ["pip install --no-build-isolation flash-attn==2.6.3"]
                """),
        ],
        passing: [
            // PyPI's PyTorch 2.7 wheel (cu126) stops at sm_90: mlenv installs the cu128 one, with sm_120.
            RuleExample(
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                framework: {name: pytorch, version: "2.7"}
                """, with: [.host(host(driver: "570.124.06", gpu: "GeForce RTX 5090"))]),
            // sm_80 cubins run on an A10 (sm_86).
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.6.3-devel-ubuntu22.04
                framework: {name: pytorch, version: "2.7"}
                python: "3.11"
                env: {TORCH_CUDA_ARCH_LIST: "8.0;9.0"}
                """, with: [.host(host(driver: "560.35.05", gpu: "A10"))]),
        ])

    /// A host inventory with one driver and two GPUs of one model.
    private static func host(driver: String, gpu: String) -> String {
        "mlenv: 1\nkind: host\nname: dgx\ndriver: \"\(driver)\"\ngpus: {model: \(gpu), count: 2}\n"
    }

    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        guard !environment.cpuOnly else { return }
        if let compilation = environment.cudaCompilation { checkCompiler(compilation, &context) }
        guard let host = context.host, context.spec.gpus.value != GPURequest.none, let gpu = context.hostGPU,
            let model = host.gpuModel, let capability = gpu.computeCapability.known
        else { return }
        let sm = Compatibility.sm(capability)
        let gpuNote =
            context.hostNote(
                "\(host.name.value) has \(model.value) (\(gpu.architecture), compute capability \(gpu.computeCapability.text))",
                at: model.location
            ).map { [$0] } ?? []
        for use in CUDAInUse.of(context) {
            // NGC's forward-compatibility libraries bring a newer driver stack, which can JIT.
            let driverFits = context.hostDriver.map { driver in
                Compatibility.driver(
                    driver, runs: use.release, catalog: context.catalog,
                    image: use.origin.isToolkit ? environment.catalogImage : nil, gpu: gpu)
            }
            let jitImpossible: Bool = {
                if case .minorVersionCompatible? = driverFits { return true }
                return false
            }()
            if case .toolkit = use.origin, let list = environment.cudaCompilation?.architectures {
                let verdict = Compatibility.kernels(
                    cubins: .known(list.cubins), ptx: .known(list.ptx), exact: list.exact, on: sm)
                report(
                    verdict, what: "the CUDA code compiled in the image (TORCH_CUDA_ARCH_LIST \"\(list.text)\")",
                    model: model.value, sm: sm,
                    jitImpossible: jitImpossible, at: list.location, notes: gpuNote,
                    fix: "add \(capability.major).\(capability.minor) to TORCH_CUDA_ARCH_LIST",
                    &context)
                continue
            }
            // A confirmed architecture list decides; else what the toolkit that built the code can
            // reach bounds it. A likely list reports nothing: only confirmed facts do.
            let verdict = use.kernels(on: gpu)
            let fix =
                use.origin.isPyTorchWheels
                ? wheelFix(context, sm: sm, prefix: environment.judgedFrameworkVersion) : nil
            if case .known = verdict {
                report(
                    verdict, what: use.build, model: model.value, sm: sm, jitImpossible: jitImpossible,
                    at: use.location, in: use.file, notes: gpuNote + use.notes,
                    fix: fix, &context)
                continue
            }
            let reach =
                use.cuda.parts.count >= 2
                ? Compatibility.toolkit(use.cuda, reaches: gpu, catalog: context.catalog) : .unknown
            switch reach {
            case .native, .unknown:
                break
            case .ptxOnly(_, let first):
                context.report(
                    .gpuCodeJIT,
                    Message.ptxOnly(use.build, toolkit: use.cuda, model: model.value, sm: sm, first: first),
                    at: use.location, in: use.file, notes: gpuNote + use.notes,
                    fix: fix ?? toolkitFix(context, from: use.cuda, gpu: gpu, sm: sm))
            case .dropped(_, let last):
                context.report(
                    .gpuUnsupported,
                    Message.dropped(
                        use.build, toolkit: use.cuda, architecture: gpu.architecture, model: model.value,
                        sm: sm, last: last),
                    at: use.location, in: use.file, notes: gpuNote + use.notes,
                    fix: fix ?? toolkitFix(context, from: use.cuda, gpu: gpu, sm: sm))
            }
        }
    }

    /// A build's verdict on the host's GPU, when the facts behind it are confirmed.
    static func report(
        _ verdict: Fact<Compatibility.KernelVerdict>, what: String, model: String, sm: Int, jitImpossible: Bool,
        at location: SourceLocation, in file: String? = nil, notes: [DiagnosticNote], fix: String?,
        _ context: inout RuleContext
    ) {
        switch verdict {
        case .known(.none):
            context.report(
                .gpuUnsupported, Message.noKernel(what, model: model, sm: sm), at: location, in: file, notes: notes,
                fix: fix)
        case .known(.jit(let ptx)) where jitImpossible:
            context.report(
                .gpuUnsupported, Message.jitImpossible(what, model: model, sm: sm, ptx: ptx), at: location,
                in: file, notes: notes,
                fix: "upgrade the host's driver, or use a build with native code for sm_\(sm)")
        case .known(.jit(let ptx)):
            context.report(
                .gpuCodeJIT, Message.jit(what, model: model, sm: sm, ptx: ptx), at: location, in: file, notes: notes,
                fix: fix)
        case .known(.native), .likely, .unknown:
            break
        }
    }

    /// The nearest CUDA with native code for the GPU that the host's driver runs.
    static func toolkitFix(_ context: RuleContext, from cuda: DottedVersion, gpu: GPUModel, sm: Int) -> String {
        guard
            let toolkit = Compatibility.nearestToolkit(
                to: cuda, driver: context.hostDriver, gpu: gpu, catalog: context.catalog)
        else {
            return "no CUDA toolkit in mlenv's catalog has native code for sm_\(sm)"
                + (context.hostDriver == nil ? "" : " and runs on the host's driver")
        }
        return "use CUDA \(toolkit.prefix(2)), the nearest with native code for sm_\(sm)"
            + (context.hostDriver == nil ? "" : " that the host's driver runs")
    }

    /// The nearest PyTorch wheels with native code for `sm` that also fit the Python, the host's
    /// driver and the image: another variant of the release, else the nearest release.
    static func wheelFix(_ context: RuleContext, sm: Int, prefix: String?) -> String {
        var constraints = ReleaseConstraints(context)
        constraints.nativeCodeFor = sm
        guard
            let release = Compatibility.nearestRelease(
                .pytorch, near: prefix, satisfying: constraints, catalog: context.catalog),
            let variant = release.variant
        else {
            return "no PyTorch wheels in mlenv's catalog carry code for sm_\(sm) and fit the rest of the spec"
        }
        if context.environment.framework == nil, let pinned = context.environment.pinnedFramework {
            return pinned.fix(release) + ", whose \(variant) wheels carry code for sm_\(sm)"
        }
        if let prefix, Compatibility.matches(release.release, prefix: prefix) {
            return "use PyTorch \(prefix)'s \(variant) wheels, which carry code for sm_\(sm)"
        }
        return "use \(release.named(.pytorch)), whose \(variant) wheels carry code for sm_\(sm)"
    }

    /// The first toolkit after `toolkit` whose nvcc compiles every architecture in the list, of a
    /// CUDA major PyTorch's release has wheels for when it is the framework (its extension builder
    /// refuses another major).
    static func newerCompiler(_ context: RuleContext, for architectures: [Int], after toolkit: DottedVersion)
        -> DottedVersion?
    {
        let environment = context.environment
        let majors: Set<Int>? =
            environment.judgedFramework == .pytorch && !environment.imageShipsFramework
            ? environment.judgedFrameworkVersion.map { prefix in
                Set(
                    context.catalog.pytorch.filter { Compatibility.matches($0.version, prefix: prefix) }
                        .flatMap(\.cudaWheels).compactMap {
                            $0.known.flatMap { DottedVersion(Compatibility.cudaOfVariant($0)) }?.major
                        })
            } : nil
        return Nearest.pick(
            context.catalog.toolkits,
            fit: { candidate in
                guard candidate.version > toolkit, let maximum = candidate.maximumSM.known,
                    let minimum = candidate.minimumSM.known,
                    architectures.allSatisfy({ $0 >= minimum && $0 <= maximum }),
                    majors.map({ $0.contains(candidate.version.major) }) ?? true
                else { return nil }
                return .confirmed
            }, distance: { $0.version.parts }
        )?.candidate.version
    }

    /// What the image's nvcc can compile: is there one, and does it know every architecture asked for?
    static func checkCompiler(_ compilation: CUDACompilation, _ context: inout RuleContext) {
        let environment = context.environment
        let evidence = DiagnosticNote(
            "CUDA code is compiled in the image: \(compilation.evidence)", file: context.file, at: compilation.location)
        // nvcc from apt or pip on top of the image.
        let installsNVCC =
            context.spec.apt.contains { package in
                ["cuda-nvcc", "cuda-toolkit", "nvidia-cuda-toolkit"].contains { package.value.name.hasPrefix($0) }
            } || context.environment.pip.contains { $0.value.normalizedName.hasPrefix("nvidia-cuda-nvcc") }
        if let flavor = environment.traits.cudaFlavor, flavor != "devel", !installsNVCC {
            let devel = "`" + environment.image.description.replacing("-\(flavor)-", with: "-devel-") + "`"
            context.report(
                .cudaCompiler,
                "`\(environment.image)` has no nvcc: `nvidia/cuda` \(flavor) images carry no compiler, only -devel ones do",
                at: context.spec.base.location, notes: [evidence], fix: "use \(devel)")
            return
        }
        guard let list = compilation.architectures, let toolkit = environment.imageCUDA.known,
            let entry = context.catalog.toolkit(toolkit)
        else { return }
        if let maximum = entry.maximumSM.known, let beyond = list.all.filter({ $0 > maximum }).first {
            let drop = "drop \(beyond / 10).\(beyond % 10)"
            context.report(
                .cudaCompiler, Message.beyondCompiler(toolkit: toolkit, sm: beyond, maximum: maximum),
                at: list.location, notes: [evidence],
                fix: newerCompiler(context, for: list.all, after: toolkit).map {
                    "use a CUDA \($0.prefix(2)) or newer -devel image, or \(drop)"
                } ?? "\(drop); no CUDA toolkit in mlenv's catalog compiles every architecture listed")
        } else if let minimum = entry.minimumSM.known, let below = list.all.filter({ $0 < minimum }).first {
            context.report(
                .cudaCompiler, Message.belowCompiler(toolkit: toolkit, sm: below, minimum: minimum),
                at: list.location, notes: [evidence], fix: "drop \(below / 10).\(below % 10), or use an older CUDA")
        }
    }
}

extension GPUCodeRule {
    /// The rule's messages, worded in one place.
    enum Message {
        static func noKernel(_ what: String, model: String, sm: Int) -> String {
            "no code for \(model) (sm_\(sm)) in \(what): neither a cubin of its architecture nor PTX; every kernel fails with "
                + "\"no kernel image is available for execution on the device\""
        }

        static func jit(_ what: String, model: String, sm: Int, ptx: Int) -> String {
            "\(model) (sm_\(sm)) gets only PTX for compute_\(ptx) from \(what): the driver compiles it on first use, for minutes, "
                + "and keeps it in its JIT cache (CUDA_CACHE_PATH), which a new container starts without"
        }

        static func jitImpossible(_ what: String, model: String, sm: Int, ptx: Int) -> String {
            "\(model) (sm_\(sm)) gets only PTX for compute_\(ptx) from \(what), and a driver that runs their CUDA only through "
                + "minor-version compatibility cannot compile PTX"
        }

        static func ptxOnly(_ what: String, toolkit: DottedVersion, model: String, sm: Int, first: DottedVersion?)
            -> String
        {
            "no native code for \(model) (sm_\(sm)) in \(what): CUDA \(toolkit) predates it"
                + (first.map { " (the first toolkit with it is CUDA \($0))" } ?? "")
                + "; it runs there only as PTX the driver compiles on first use (minutes, kept in its JIT cache), and not at all without PTX"
        }

        static func dropped(
            _ what: String, toolkit: DottedVersion, architecture: String, model: String, sm: Int, last: DottedVersion?
        ) -> String {
            "CUDA \(toolkit) no longer supports \(architecture) GPUs such as \(model) (sm_\(sm))"
                + (last.map { "; the last toolkit for them is CUDA \($0)" } ?? "")
                + (what.hasPrefix("CUDA ") ? "" : ": nothing in \(what) runs on them")
        }

        static func beyondCompiler(toolkit: DottedVersion, sm: Int, maximum: Int) -> String {
            "nvcc of CUDA \(toolkit) compiles up to sm_\(maximum), not for \(sm / 10).\(sm % 10) (sm_\(sm)): the build stops with "
                + "\"Unsupported gpu architecture 'compute_\(sm)'\""
        }

        static func belowCompiler(toolkit: DottedVersion, sm: Int, minimum: Int) -> String {
            "nvcc of CUDA \(toolkit) compiles from sm_\(minimum) on, not for \(sm / 10).\(sm % 10) (sm_\(sm)): the build stops with "
                + "\"Unsupported gpu architecture 'compute_\(sm)'\""
        }
    }
}
