extension DiagnosticCode {
    static let frameworkCUDA = DiagnosticCode(
        "E202", .error, name: "framework-cuda",
        summary: "No build of the framework works with the CUDA toolkit it meets in the image.",
        explanation: """
            Framework wheels from pip bring their own CUDA (PyTorch's cu126 wheels CUDA 12.6, \
            `tensorflow[and-cuda]` and `jax[cuda12]` CUDA's pip wheels), so the image's toolkit \
            does not matter to them; the host's driver does (E206). The toolkit matters where it \
            meets the framework: CUDA code compiled in the image against PyTorch (its extension \
            builder refuses a toolkit of another CUDA major than PyTorch was built with), and \
            TensorFlow before 2.14, which loads the image's CUDA libraries. Use a base image whose \
            CUDA major a build of the release has, or a release built for your CUDA.
            """)
    static let frameworkCUDAMinor = DiagnosticCode(
        "W202", .warning, name: "framework-cuda-minor",
        summary: "The framework was built for another CUDA minor version than the image's toolkit.",
        explanation: """
            TensorFlow before 2.14 uses the image's CUDA, and its tested configuration names one \
            CUDA version; CUDA code compiled in the image against PyTorch is built with the \
            image's nvcc, and PyTorch's extension builder warns when its minor differs from \
            PyTorch's own. Within one major CUDA's minor-version compatibility usually lets it \
            run, but the combination was not tested. JAX's CUDA wheels need a minimum minor of \
            their major (jaxlib's CUDA 11 wheels from 0.4.8: 11.8); they bring it along, but XLA \
            compiles with the first `ptxas` on PATH, before the wheels' own (jax-ml/jax#17976), \
            and a `-devel` image's older ptxas cannot read the PTX XLA writes.
            """)
    static let frameworkCUDAWheels = DiagnosticCode(
        "N202", .note, name: "framework-cuda-wheels",
        summary: "The framework's wheels bring another CUDA than the spec's, and which one mlenv chose.",
        explanation: """
            PyTorch publishes wheels for a few CUDA versions per release (2.7: cu118, cu126, \
            cu128), JAX for CUDA majors (each from a minimum minor: jaxlib's CUDA 11 wheels need \
            11.8, and bring the newest 11.x along), and TensorFlow's `and-cuda` extra pins the \
            CUDA it was tested with. When none is the spec's CUDA, mlenv installs the nearest: the same major \
            first, then the nearest minor. With a host inventory the wheels must also run on its \
            driver (natively or through minor-version compatibility) and carry code for its GPUs \
            (PyTorch's wheels publish their architectures). The wheels' CUDA libraries come from \
            pip; the image's toolkit is used only by CUDA code compiled in the image.
            """)
}

/// The framework build against the CUDA it runs with, for frameworks mlenv installs with pip
/// (an NGC image's own build is matched to its CUDA by NVIDIA; `BaseImageRule` checks those).
enum FrameworkCUDARule: Rule {
    static let description = RuleDescription(
        title: "framework vs CUDA",
        overview: """
            PyTorch 2.7 has no cu124 wheel: its cu126 wheel brings CUDA 12.6 along; an extension compiled with CUDA 13 \
            against PyTorch 2.1 (built for 12.1); TensorFlow 2.13 on a CUDA 11.7 image
            """,
        codes: [.frameworkCUDA, .frameworkCUDAMinor, .frameworkCUDAWheels],
        triggering: [
            RuleExample(
                .frameworkCUDA,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:13.0.0-devel-ubuntu24.04
                framework: {name: pytorch, version: "2.1"}
                python: "3.10"
                cuda: ↓"13.0"
                env: {TORCH_CUDA_ARCH_LIST: "8.0;9.0"}
                """),
            RuleExample(
                .frameworkCUDA,
                """
                mlenv: 1
                name: team
                base: ↓nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04
                framework: {name: tensorflow, version: "2.13"}
                python: "3.10"
                """),
            RuleExample(
                .frameworkCUDAMinor,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:11.7.1-cudnn8-runtime-ubuntu22.04
                framework: {name: tensorflow, version: "2.13"}
                python: "3.10"
                cuda: ↓"11.7"
                """),
            RuleExample(
                .frameworkCUDAMinor,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-devel-ubuntu22.04
                framework: {name: pytorch, version: "2.7"}
                python: "3.11"
                cuda: ↓"12.4"
                setup: ["pip install --no-build-isolation flash-attn==2.7.4.post1"]
                """),
            RuleExample(
                .frameworkCUDAWheels,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-base-ubuntu22.04
                framework: {name: pytorch, version: ↓"2.7"}
                python: "3.11"
                """),
            RuleExample(
                .frameworkCUDAWheels,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-runtime-ubuntu22.04
                framework: {name: tensorflow, version: ↓"2.15"}
                python: "3.10"
                """),
            // jaxlib's CUDA 11 wheels need 11.8; a -devel image's ptxas 11.4 comes first on PATH.
            RuleExample(
                .frameworkCUDAMinor,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:11.4.3-cudnn8-devel-ubuntu20.04
                framework: {name: jax, version: "0.4.20"}
                python: "3.10"
                cuda: ↓"11.4"
                """),
            RuleExample(
                .frameworkCUDAWheels,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:11.4.3-cudnn8-runtime-ubuntu20.04
                framework: {name: jax, version: ↓"0.4.20"}
                python: "3.10"
                """),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.1.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.1"}
                python: "3.10"
                cuda: "12.1"
                """),
            // An extension compiled with CUDA 11.8: mlenv installs PyTorch 2.7's cu118 wheels.
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:11.8.0-devel-ubuntu22.04
                framework: {name: pytorch, version: "2.7"}
                python: "3.10"
                setup: ["pip install --no-build-isolation flash-attn==2.7.4.post1"]
                """),
        ])

    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        guard !environment.imageShipsFramework, !environment.cpuOnly, let framework = environment.judgedFramework,
            let prefix = environment.judgedFrameworkVersion
        else { return }
        let declared = context.spec.cuda?.location ?? context.spec.base.location
        var notes: [DiagnosticNote] = []
        if let location = context.spec.framework?.version?.location {
            notes.append(
                DiagnosticNote("\(framework.displayName) \(prefix) is asked for here", file: context.file, at: location)
            )
        }
        // A framework pinned in pip's requirements: where it was taken from, and where the
        // diagnostics about its wheels point.
        let pinned = environment.framework == nil ? environment.pinnedFramework : nil
        if let pinned { notes.append(pinned.note) }
        let wheelsAt =
            context.spec.framework?.version?.location ?? context.spec.framework?.name.location
            ?? context.spec.base.location
        func reportAtWheels(_ code: DiagnosticCode, _ message: String, _ context: inout RuleContext) {
            if let pinned {
                context.report(code, message, at: pinned.entry, notes: [pinned.note])
            } else {
                context.report(code, message, at: wheelsAt)
            }
        }
        if let install = environment.judgedInstall, let bundled = install.bundledCUDA {
            if framework == .pytorch, let compilation = environment.cudaCompilation,
                let toolkit = environment.imageCUDA.known,
                bundled.parts.count >= 2
            {
                let evidence = DiagnosticNote(
                    "CUDA code is compiled in the image: \(compilation.evidence)", file: context.file,
                    at: compilation.location)
                if toolkit.major != bundled.major {
                    context.report(
                        .frameworkCUDA, Message.extensionMajor(prefix: prefix, toolkit: toolkit, built: bundled),
                        at: declared, notes: [evidence] + notes,
                        fix: fixForMajor(context, toolkit.major, prefix: prefix, built: bundled))
                    return
                }
                if toolkit.minor != bundled.minor {
                    context.report(
                        .frameworkCUDAMinor, Message.extensionMinor(prefix: prefix, toolkit: toolkit, built: bundled),
                        at: declared, notes: [evidence] + notes, fix: "use a CUDA \(bundled) base image")
                    return
                }
            }
            if framework == .jax, install.choice == nil, let cuda = environment.cuda.known,
                cuda.major == bundled.major, bundled.parts.count >= 2, cuda.prefix(2) < bundled
            {
                // The wheels bring at least their floor along; a -devel image's older ptxas still
                // comes first on PATH.
                if environment.traits.family == .cuda, environment.traits.cudaFlavor == "devel",
                    let toolkit = environment.imageCUDA.known, toolkit.major == bundled.major,
                    toolkit.prefix(2) < bundled
                {
                    context.report(
                        .frameworkCUDAMinor, Message.jaxPTXAS(prefix: prefix, toolkit: toolkit, floor: bundled),
                        at: declared, notes: notes,
                        fix:
                            "use a CUDA \(bundled) or newer image, or a `-runtime` or `-base` one: JAX's wheels bring their own ptxas"
                    )
                } else {
                    reportAtWheels(
                        .frameworkCUDAWheels,
                        Message.jaxFloor(context, prefix: prefix, install: install, floor: bundled),
                        &context)
                }
                return
            }
            if let choice = install.choice {
                reportAtWheels(
                    .frameworkCUDAWheels,
                    Message.wheels(
                        context, framework: framework, prefix: prefix, install: install,
                        bundled: bundled, choice: choice), &context)
            }
            return
        }
        // TensorFlow before 2.14 loads the image's CUDA libraries (a pinned one, only then: a
        // later one's CUDA, with its `and-cuda` extra or without, is not judged here).
        guard framework == .tensorflow, let cuda = environment.cuda.known,
            pinned == nil || FrameworkInstall.usesSystemCUDA(.tensorflow, version: prefix)
        else { return }
        let builds = context.catalog.tensorflow.filter { [matches = Compatibility.matcher(prefix)] in
            $0.package == "tensorflow" && matches($0.version)
        }
        .compactMap(\.cuda.known)
        guard let built = builds.max() else { return }
        if builds.contains(where: { $0.major == cuda.major && $0.minor == cuda.minor }) { return }
        if !builds.contains(where: { $0.major == cuda.major }) {
            context.report(
                .frameworkCUDA,
                "TensorFlow \(prefix) was built for CUDA \(built), not CUDA \(cuda.major); before 2.14 it loads the image's CUDA libraries",
                at: declared, notes: notes,
                fix: tensorFlowFix(context, prefix: prefix, built: built))
        } else {
            context.report(
                .frameworkCUDAMinor,
                "TensorFlow \(prefix) was built and tested with CUDA \(built); the spec says \(cuda)",
                at: declared, notes: notes, fix: "use CUDA \(built)")
        }
    }

    /// A base of the CUDA major PyTorch was built for, or the nearest release with wheels for the
    /// toolkit's major that also fits the Python and the host.
    static func fixForMajor(_ context: RuleContext, _ major: Int, prefix: String, built: DottedVersion) -> String {
        var fix = "use a CUDA \(built.major).x base image (PyTorch \(prefix) is built for CUDA \(built))"
        // ReleaseConstraints' WheelFit already asks for the toolkit's major: CUDA code is compiled here.
        if let release = Compatibility.nearestRelease(
            .pytorch, near: prefix, satisfying: ReleaseConstraints(context), catalog: context.catalog)
        {
            fix += ", or \(release.named(.pytorch)), which has CUDA \(major) wheels (\(release.variant ?? "?"))"
        } else {
            fix += "; no PyTorch release in mlenv's catalog has CUDA \(major) wheels that fit the rest of the spec"
        }
        return fix
    }

    /// TensorFlow before 2.14 loads the image's CUDA: the build's CUDA, or the nearest release
    /// from 2.14 on, whose `and-cuda` extra brings its own, that fits the Python and the host.
    static func tensorFlowFix(_ context: RuleContext, prefix: String, built: DottedVersion) -> String {
        let release = Compatibility.nearestRelease(
            .tensorflow, near: prefix, satisfying: ReleaseConstraints(context), catalog: context.catalog,
            also: { $0 >= PEP440Version(release: [2, 14]) })
        guard let release else {
            return
                "use CUDA \(built); no TensorFlow release from 2.14 on (whose `and-cuda` extra brings its CUDA along) "
                + "in mlenv's catalog fits the rest of the spec"
        }
        return "use CUDA \(built), or \(release.named(.tensorflow)), whose `and-cuda` extra brings its CUDA along"
    }
}

extension FrameworkCUDARule {
    /// The rule's messages, worded in one place.
    enum Message {
        static func extensionMajor(prefix: String, toolkit: DottedVersion, built: DottedVersion) -> String {
            "the image's CUDA \(toolkit) compiles CUDA code against PyTorch \(prefix), built for CUDA \(built): PyTorch's extension "
                + "builder refuses a toolkit of another major, and PyTorch \(prefix) has no CUDA \(toolkit.major) wheel"
        }

        static func extensionMinor(prefix: String, toolkit: DottedVersion, built: DottedVersion) -> String {
            "the image's CUDA \(toolkit) compiles CUDA code against PyTorch \(prefix), built for CUDA \(built) "
                + "(PyTorch's extension builder warns of the minor-version mismatch; it usually works)"
        }

        static func jaxPTXAS(prefix: String, toolkit: DottedVersion, floor: DottedVersion) -> String {
            "JAX \(prefix)'s CUDA \(floor.major) wheels need CUDA \(floor) or newer; this `-devel` image's ptxas is CUDA "
                + "\(toolkit)'s, and XLA compiles with the ptxas on PATH before the one the wheels bring"
        }

        static func jaxFloor(_ context: RuleContext, prefix: String, install: FrameworkInstall, floor: DottedVersion)
            -> String
        {
            let cuda = context.environment.cuda.known.map { "\($0)" } ?? "?"
            let whose = context.spec.cuda == nil ? "the image's" : "the spec's"
            return
                "JAX \(prefix)'s `jax[\(install.variant ?? "cuda\(floor.major)")]` wheels need CUDA \(floor) or newer and "
                + "bring it along as pip wheels; \(whose) CUDA \(cuda) matters only to CUDA code compiled in the image"
        }

        static func wheels(
            _ context: RuleContext, framework: FrameworkName, prefix: String, install: FrameworkInstall,
            bundled: DottedVersion, choice: WheelChoice
        ) -> String {
            let environment = context.environment
            let theirs =
                environment.cuda.known.map { cuda in
                    (context.spec.cuda == nil ? "the image's CUDA \(cuda)" : "the spec's CUDA \(cuda)")
                        + " matters only to CUDA code compiled in the image"
                } ?? "no CUDA toolkit is needed in the image unless CUDA code is compiled there"
            let host =
                context.host.map { host in
                    "\(host.name.value) ("
                        + [host.driver.map { "driver \($0.value)" }, host.gpuModel.map(\.value)].compactMap { $0 }
                        .joined(separator: ", ") + ")"
                } ?? "the host"
            let variant = install.variant ?? ""
            switch framework {
            case .tensorflow:
                return "TensorFlow \(prefix)'s `and-cuda` extra brings CUDA \(bundled) along as pip wheels; \(theirs)"
            case .jax:
                let asked = environment.cuda.known.map { "CUDA \($0.major)" } ?? "the spec's CUDA"
                let why =
                    choice.requested.map { "\(host) does not run JAX \(prefix)'s `jax[\($0)]` wheels" }
                    ?? "JAX \(prefix) has no wheels for \(asked) (it has \(choice.offered.map { "`jax[\($0)]`" }.joined(separator: ", ")))"
                let brought = bundled.parts.count >= 2 ? "CUDA \(bundled) or newer" : "CUDA \(bundled)"
                return "\(why); mlenv installs `jax[\(variant)]`, which brings \(brought) along; \(theirs)"
            default:
                let offered = choice.offered.joined(separator: ", ")
                var why: String
                if let requested = choice.requested {
                    why =
                        (environment.cuda.known == nil
                            ? "PyPI's PyTorch \(prefix) wheel (\(requested))"
                            : "PyTorch \(prefix)'s \(requested) wheel")
                        + " does not run on \(host)"
                } else {
                    why =
                        "PyTorch \(prefix) has no wheel for CUDA \(environment.cuda.known.map { "\($0.prefix(2))" } ?? "?") (it has \(offered))"
                }
                why +=
                    "; mlenv installs the \(variant) wheel"
                    + (choice.forHost
                        ? ", the nearest that runs " + (choice.requested == nil ? "on \(host)" : "there") : "")
                return why + ", which brings CUDA \(bundled) along; \(theirs)"
            }
        }
    }
}
