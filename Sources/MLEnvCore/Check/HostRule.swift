extension DiagnosticCode {
    static let driverTooOld = DiagnosticCode(
        "E206", .error, name: "driver-too-old", summary: "The host's NVIDIA driver cannot run the environment's CUDA.",
        explanation: """
            Each CUDA toolkit needs a minimum driver (CUDA 12.2.2: 535.104.05). Since CUDA 11, \
            minor-version compatibility lets a toolkit run on any driver of its major's first \
            release (12.x: 525.60.13), without PTX JIT; NGC images also ship forward-compatibility \
            libraries for some older data-center driver branches. Below all of those, CUDA \
            calls fail at start-up. Upgrade the driver or pick an older CUDA / image.
            """)
    static let driverCompatibility = DiagnosticCode(
        "W206", .warning, name: "driver-compatibility",
        summary: "The host's driver runs the CUDA only through a compatibility mode.",
        explanation: """
            The driver is below the toolkit's own minimum but inside CUDA minor-version \
            compatibility or NGC forward compatibility. Most programs work; PTX JIT compilation \
            (and with forward compatibility, non-data-center GPUs) does not.
            """)
}

/// The CUDA the environment runs with against the host's driver, given a host inventory: the
/// image's toolkit, and the CUDA that framework wheels bring along (`CUDAInUse`).
enum HostRule: Rule {
    static let description = RuleDescription(
        title: "CUDA vs the host's driver",
        overview: """
            CUDA 12.2.2 needs 535.104.05; 530 runs it through minor-version compatibility; NGC forward compatibility on \
            data-center GPUs; PyTorch 2.8's wheels bring CUDA 12.6 or newer, which driver 470 cannot run
            """,
        codes: [.driverTooOld, .driverCompatibility],
        triggering: [
            RuleExample(.driverTooOld, cuda12, with: [.host(host(driver: "470.57.02", gpu: "A100-SXM4-80GB"))]),
            RuleExample(.driverCompatibility, cuda12, with: [.host(host(driver: "530.30.02", gpu: "A100-SXM4-80GB"))]),
            RuleExample(
                .driverTooOld,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-base-ubuntu22.04
                framework: {name: pytorch, version: ↓"2.8"}
                python: "3.11"
                """, with: [.host(host(driver: "470.57.02", gpu: "A100-SXM4-80GB"))]),
        ],
        passing: [
            RuleExample(
                cuda12.replacing("↓", with: ""), with: [.host(host(driver: "535.129.03", gpu: "A100-SXM4-80GB"))])
        ])

    /// A spec on CUDA 12.2.2, the version its examples' hosts are judged against.
    private static let cuda12 = """
        mlenv: 1
        name: team
        base: nvidia/cuda:12.2.2-runtime-ubuntu22.04
        python: "3.10"
        cuda: ↓"12.2.2"
        """

    /// A host inventory with one driver and eight GPUs of one model.
    private static func host(driver: String, gpu: String) -> String {
        "mlenv: 1\nkind: host\nname: dgx\ndriver: \"\(driver)\"\ngpus: {model: \(gpu), count: 8}\n"
    }

    static func check(_ context: inout RuleContext) {
        guard let host = context.host, context.spec.gpus.value != GPURequest.none, let driver = context.hostDriver
        else { return }
        let gpu = context.hostGPU
        let hostDriverNote = context.hostNote("the host's driver is \(driver)", at: host.driver?.location)
        for use in CUDAInUse.of(context) {
            // NGC's forward-compatibility libraries serve the image's own CUDA only.
            let image = use.origin.isToolkit ? context.environment.catalogImage : nil
            switch Compatibility.driver(driver, runs: use.release, catalog: context.catalog, image: image, gpu: gpu) {
            case .supported, .unknown:
                break
            case .minorVersionCompatible(let minimum):
                // Wheels with native code for the GPU need no PTX JIT, the one thing minor-version
                // compatibility cannot do (GPUCodeRule reports wheels that need it).
                if !use.origin.isToolkit, let gpu, case .native? = use.kernels(on: gpu).any { continue }
                context.report(
                    .driverCompatibility,
                    Message.minorVersionCompatible(use.name, minimum: minimum, host: host.name.value, driver: driver),
                    at: use.location, in: use.file, notes: [hostDriverNote].compactMap { $0 } + use.notes)
            case .forwardCompatible(let branch):
                context.report(
                    .driverCompatibility,
                    Message.forwardCompatible(
                        use.name, host: host.name.value, driver: driver,
                        image: context.environment.image, branch: branch),
                    at: use.location, in: use.file, notes: [hostDriverNote].compactMap { $0 } + use.notes)
            case .tooOld(let required):
                context.report(
                    .driverTooOld,
                    Message.driverTooOld(use.name, required: required, host: host.name.value, driver: driver),
                    at: use.location, in: use.file, notes: [hostDriverNote].compactMap { $0 } + use.notes,
                    fix: use.origin.isToolkit
                        ? toolkitFix(context, from: use.cuda, driver: driver, gpu: gpu) : wheelsFix(context))
            }
        }
    }
}

extension HostRule {
    /// Upgrade the driver, or the nearest CUDA toolkit that the driver runs natively and that has
    /// code for the host's GPUs.
    static func toolkitFix(_ context: RuleContext, from cuda: DottedVersion, driver: DottedVersion, gpu: GPUModel?)
        -> String
    {
        guard let toolkit = Compatibility.nearestToolkit(to: cuda, driver: driver, gpu: gpu, catalog: context.catalog)
        else {
            return
                "upgrade the host's driver; no CUDA toolkit in mlenv's catalog runs on its driver and has code for its GPUs"
        }
        return "upgrade the host's driver, or use CUDA \(toolkit.prefix(2)), the nearest CUDA its driver supports"
    }

    /// Upgrade the driver, or the nearest release of the framework with wheels the driver runs
    /// (and that fit the Python and the GPUs).
    static func wheelsFix(_ context: RuleContext) -> String {
        let environment = context.environment
        guard let framework = environment.judgedFramework else { return "upgrade the host's driver" }
        guard
            let release = Compatibility.nearestRelease(
                framework, near: environment.judgedFrameworkVersion, satisfying: ReleaseConstraints(context),
                catalog: context.catalog)
        else {
            return "upgrade the host's driver; no \(framework.displayName) release in mlenv's catalog has wheels "
                + "its driver runs that fit the rest of the spec"
        }
        let wheels = release.variant.map { framework == .jax ? "`jax[\($0)]` wheels" : "\($0) wheels" } ?? "wheels"
        if environment.framework == nil, let pinned = environment.pinnedFramework {
            return "upgrade the host's driver, or " + pinned.fix(release) + ", whose \(wheels) its driver runs"
        }
        return "upgrade the host's driver, or use \(release.named(framework)), whose \(wheels) its driver runs"
    }

    /// The rule's messages, worded in one place.
    enum Message {
        static func minorVersionCompatible(_ cuda: String, minimum: DottedVersion, host: String, driver: DottedVersion)
            -> String
        {
            "\(cuda) wants driver \(minimum) or newer; \(host)'s \(driver) runs it only through minor-version compatibility (no PTX JIT)"
        }

        static func forwardCompatible(
            _ cuda: String, host: String, driver: DottedVersion, image: ImageReference, branch: String
        ) -> String {
            "\(host)'s driver \(driver) is older than \(cuda) needs; `\(image)` supports it through forward compatibility (\(branch))"
        }

        static func driverTooOld(_ cuda: String, required: DottedVersion, host: String, driver: DottedVersion) -> String
        {
            "\(cuda) needs NVIDIA driver \(required) or newer; \(host) has \(driver)"
        }
    }
}
