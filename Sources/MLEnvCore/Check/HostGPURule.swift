extension DiagnosticCode {
    static let driverDroppedGPU = DiagnosticCode(
        "E211", .error, name: "driver-dropped-gpu",
        summary: "The host's driver branch no longer supports the architecture of its GPUs.",
        explanation: """
            New driver branches drop old GPU architectures: R470 was the last branch for Kepler \
            (Tesla K80), R580 the last for Maxwell, Pascal and Volta (V100), R390 for Fermi \
            (NVIDIA's data-center driver documentation, "CUDA Toolkit, Driver, and Architecture \
            Matrix"). A newer driver does not drive those GPUs at all: `nvidia-smi` finds no \
            device and every container sees none. Install the architecture's last branch, or \
            describe the host's real driver in the inventory.
            """)
    static let driverPredatesGPU = DiagnosticCode(
        "W211", .warning, name: "driver-predates-gpu",
        summary: "The host's driver is older than the first driver branch for its GPUs' architecture.",
        explanation: """
            A driver knows the GPUs that existed when its branch was made. The catalog knows the \
            first CUDA toolkit with native code for each GPU (the RTX 5090, Blackwell sm_120: \
            CUDA 12.8) and the driver branch that toolkit came with (R570); a driver of an older \
            branch likely does not know the GPU ("No devices were found"). This is inferred \
            from the two tables rather than stated by NVIDIA for each GPU, so it is a warning.
            """)
}

/// A host inventory's driver against its own GPUs: the last driver branch of each architecture
/// (arch_lifecycle.csv, A1) and, inferred, the first branch that knows it. Judged once per host
/// file, on its `driver:` line, whatever specs are checked with it.
enum HostGPURule: Rule {
    static let description = RuleDescription(
        title: "host's driver vs its GPUs",
        overview: """
            a Tesla K80 (Kepler) on driver 535: R470 was Kepler's last branch; an RTX 5090 on driver 560, older than \
            R570, the branch of CUDA 12.8, Blackwell's first toolkit
            """,
        codes: [.driverDroppedGPU, .driverPredatesGPU],
        triggering: [
            // jax-ml/jax#15961: a Tesla K80 "does not support the latest drivers than 470".
            RuleExample(.driverDroppedGPU, spec, with: [.host(host(driver: "↓\"535.129.03\"", gpu: "Tesla K80"))]),
            RuleExample(
                .driverDroppedGPU, spec, with: [.host(host(driver: "↓\"590.44.01\"", gpu: "Tesla V100-SXM2-32GB"))]),
            // NVIDIA/open-gpu-kernel-modules#872: the RTX 5090 needs a 570 driver.
            RuleExample(
                .driverPredatesGPU, spec, with: [.host(host(driver: "↓\"560.35.03\"", gpu: "GeForce RTX 5090"))]),
        ],
        passing: [
            RuleExample(spec, with: [.host(host(driver: "\"470.182.03\"", gpu: "Tesla K80"))]),
            RuleExample(spec, with: [.host(host(driver: "\"580.65.06\"", gpu: "Tesla V100-SXM2-32GB"))]),
            RuleExample(spec, with: [.host(host(driver: "\"570.124.06\"", gpu: "GeForce RTX 5090"))]),
        ])

    private static let spec = "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: none\n"

    /// A host inventory; `driver` as written in YAML.
    private static func host(driver: String, gpu: String) -> String {
        "mlenv: 1\nkind: host\nname: dgx\ndriver: \(driver)\ngpus: {model: \(gpu), count: 8}\n"
    }

    /// What the host's driver cannot do for its GPUs.
    static func check(_ host: HostSpec, catalog: Catalog) -> [Diagnostic] {
        guard let written = host.driver, let driver = DottedVersion(written.value), let model = host.gpuModel,
            let gpu = catalog.gpu(named: model.value), !gpu.name.uppercased().contains("JETSON"),
            let capability = gpu.computeCapability.known
        else { return [] }
        let gpuNote = DiagnosticNote("the host's GPUs are \(model.value)", file: host.file, at: model.location)
        let lifecycle = catalog.architectures.first { $0.computeCapabilities.contains(capability) }
        if let lifecycle, let last = lifecycle.lastDriverBranch.flatMap(branchNumber), driver.major > last {
            return [
                Diagnostic(
                    .driverDroppedGPU,
                    "\(model.value) (\(lifecycle.architecture)) is supported up to driver branch R\(last); "
                        + "\(host.name.value)'s driver \(written.value) is of branch R\(driver.major), which no longer drives it",
                    file: host.file, at: written.location, notes: [gpuNote],
                    fix: "install a driver of branch R\(last), the last for \(lifecycle.architecture)")
            ]
        }
        if let first = gpu.minimumCUDA.known, let floor = firstDriver(of: first, catalog: catalog),
            driver.major < floor.major
        {
            return [
                Diagnostic(
                    .driverPredatesGPU,
                    "\(model.value) (\(gpu.architecture), compute capability \(capability)) first appears in CUDA "
                        + "\(first.prefix(2)), whose driver branch is R\(floor.major); \(host.name.value)'s driver "
                        + "\(written.value) is older and likely does not know the GPU",
                    file: host.file, at: written.location, notes: [gpuNote],
                    fix: "install a driver of branch R\(floor.major) or newer")
            ]
        }
        return []
    }

    /// `R470` -> 470.
    static func branchNumber(_ branch: String) -> Int? {
        branch.hasPrefix("R") ? Int(branch.dropFirst()) : nil
    }

    /// The minimum driver of the first release of CUDA `version`'s minor (12.8: 570.26), or its
    /// branch where only that is known.
    static func firstDriver(of version: DottedVersion, catalog: Catalog) -> DottedVersion? {
        catalog.toolkits.filter { $0.version.hasSameMinor(as: version) }.compactMap { toolkit in
            toolkit.minimumDriver.known ?? toolkit.branch.flatMap { DottedVersion(String($0.dropFirst())) }
        }.min()
    }
}
