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
        "W206", .warning, name: "driver-compatibility", summary: "The host's driver runs the CUDA only through a compatibility mode.",
        explanation: """
            The driver is below the toolkit's own minimum but inside CUDA minor-version \
            compatibility or NGC forward compatibility. Most programs work; PTX JIT compilation \
            (and with forward compatibility, non-data-center GPUs) does not.
            """)
    static let gpuUnsupported = DiagnosticCode(
        "E207", .error, name: "gpu-unsupported", summary: "The CUDA toolkit does not support the host's GPUs.",
        explanation: """
            A toolkit compiles for a range of GPU architectures: a Hopper H100 (sm_90) needs \
            CUDA 11.8 or newer, and CUDA 13 dropped Maxwell, Pascal and Volta (a V100 needs \
            CUDA 12.x or older). Kernels built outside that range fail with "no kernel image \
            is available".
            """)
}

/// The environment's CUDA against the host's driver and GPUs, given a
/// host inventory.
enum HostRule: Rule {
    static let description = RuleDescription(
        title: "CUDA vs the host's driver and GPUs",
        overview: """
            CUDA 12.2.2 needs 535.104.05; 530 runs it through minor-version compatibility; NGC forward compatibility on \
            data-center GPUs; CUDA 11.7 cannot build for H100 (sm_90); CUDA 13 no longer supports Volta
            """,
        codes: [.driverTooOld, .driverCompatibility, .gpuUnsupported],
        triggering: [
            RuleExample(.driverTooOld, cuda12, with: [.host(host(driver: "470.57.02", gpu: "A100-SXM4-80GB"))]),
            RuleExample(.driverCompatibility, cuda12, with: [.host(host(driver: "530.30.02", gpu: "A100-SXM4-80GB"))]),
            RuleExample(.gpuUnsupported, """
                mlenv: 1
                name: team
                base: nvidia/cuda:11.7.1-runtime-ubuntu22.04
                python: "3.10"
                cuda: ↓"11.7"
                """, with: [.host(host(driver: "550.54.14", gpu: "H100-SXM5-80GB"))]),
        ],
        passing: [
            RuleExample(cuda12.replacing("↓", with: ""), with: [.host(host(driver: "535.129.03", gpu: "A100-SXM4-80GB"))]),
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
        guard let host = context.host, context.spec.gpus.value != GPURequest.none, !context.environment.cpuOnly,
              let cuda = context.environment.cuda.known else { return }
        let cudaLocation = context.spec.cuda?.location ?? context.spec.base.location
        let gpu = context.hostGPU
        if let driver = context.hostDriver {
            let hostDriverNote = context.hostNote("the host's driver is \(driver)", at: host.driver?.location)
            switch Compatibility.driver(driver, runs: cuda, catalog: context.catalog, image: context.environment.catalogImage, gpu: gpu) {
            case .supported, .unknown:
                break
            case .minorVersionCompatible(let minimum):
                context.report(.driverCompatibility, Message.minorVersionCompatible(cuda: cuda, minimum: minimum, host: host.name.value, driver: driver),
                               at: cudaLocation, notes: [hostDriverNote].compactMap { $0 })
            case .forwardCompatible(let branch):
                context.report(.driverCompatibility, Message.forwardCompatible(cuda: cuda, host: host.name.value, driver: driver,
                                                                               image: context.environment.image, branch: branch),
                               at: cudaLocation, notes: [hostDriverNote].compactMap { $0 })
            case .tooOld(let required):
                context.report(.driverTooOld, Message.driverTooOld(cuda: cuda, required: required, host: host.name.value, driver: driver),
                               at: cudaLocation, notes: [hostDriverNote].compactMap { $0 },
                               fix: "upgrade the host's driver, or use a CUDA version its driver supports")
            }
        }
        if let gpu, let model = host.gpuModel {
            let gpuNote = context.hostNote("\(host.name.value) has \(model.value) (\(gpu.architecture), compute capability \(gpu.computeCapability.text))", at: model.location)
            switch Compatibility.toolkit(cuda, reaches: gpu, catalog: context.catalog) {
            case .native, .unknown:
                break
            case .ptxOnly(let sm, let first):
                context.report(.gpuUnsupported, Message.gpuTooNew(cuda: cuda, model: model.value, sm: sm, firstToolkit: first),
                               at: cudaLocation, notes: [gpuNote].compactMap { $0 }, fix: first.map { "use CUDA \($0) or newer" })
            case .dropped(let sm, let last):
                context.report(.gpuUnsupported, Message.gpuDropped(cuda: cuda, architecture: gpu.architecture, model: model.value, sm: sm,
                                                                      lastToolkit: last),
                               at: cudaLocation, notes: [gpuNote].compactMap { $0 }, fix: last.map { "use CUDA \($0) or older" })
            }
        }
    }
}

extension HostRule {
    /// The rule's messages, worded in one place.
    enum Message {
        static func minorVersionCompatible(cuda: DottedVersion, minimum: DottedVersion, host: String, driver: DottedVersion) -> String {
            "CUDA \(cuda) wants driver \(minimum) or newer; \(host)'s \(driver) runs it only through minor-version compatibility (no PTX JIT)"
        }

        static func forwardCompatible(cuda: DottedVersion, host: String, driver: DottedVersion, image: ImageReference, branch: String) -> String {
            "\(host)'s driver \(driver) is older than CUDA \(cuda) needs; `\(image)` supports it through forward compatibility (\(branch))"
        }

        static func driverTooOld(cuda: DottedVersion, required: DottedVersion, host: String, driver: DottedVersion) -> String {
            "CUDA \(cuda) needs NVIDIA driver \(required) or newer; \(host) has \(driver)"
        }

        static func gpuTooNew(cuda: DottedVersion, model: String, sm: Int, firstToolkit: DottedVersion?) -> String {
            "CUDA \(cuda) cannot build for \(model) (sm_\(sm))" + (firstToolkit.map { "; it needs CUDA \($0) or newer" } ?? "")
        }

        static func gpuDropped(cuda: DottedVersion, architecture: String, model: String, sm: Int, lastToolkit: DottedVersion?) -> String {
            "CUDA \(cuda) no longer supports \(architecture) GPUs such as \(model) (sm_\(sm))"
                + (lastToolkit.map { "; the last toolkit for them is CUDA \($0)" } ?? "")
        }
    }
}
