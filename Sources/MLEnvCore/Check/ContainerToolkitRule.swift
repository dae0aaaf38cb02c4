extension DiagnosticCode {
    static let containerRefused = DiagnosticCode(
        "E210", .error, name: "container-refused",
        summary: "NVIDIA's container toolkit refuses to start the image on the host's driver.",
        explanation: """
            Before a container with GPUs starts, NVIDIA's container toolkit checks the image's \
            `NVIDIA_REQUIRE_CUDA`: `cuda>=12.4` (the CUDA the host's driver supports) or one of \
            its exceptions, `brand=tesla,driver>=535,driver<536`, which let older driver branches \
            of some GPU brands start it (data-center GPUs, through the image's CUDA \
            forward-compatibility libraries). When none holds, `docker run --gpus` fails with \
            "nvidia-container-cli: requirement error: unsatisfied condition: cuda>=12.4, please \
            update your driver to a newer version, or use an earlier cuda container". mlenv knows \
            the requirement of `nvidia/cuda` images (from NVIDIA's own Dockerfiles), of the NGC \
            images whose environment was read, of images written by `mlenv catalog probe`, and \
            the one the spec's `env` sets. Upgrade the driver, or use an older image; \
            `NVIDIA_DISABLE_REQUIRE=true` in `env` skips the check, which helps only where the \
            image's forward-compatibility libraries serve the driver (data-center GPUs).
            """)
    static let containerBrandException = DiagnosticCode(
        "W210", .warning, name: "container-brand-exception",
        summary: "The container toolkit starts the image on this driver only for some GPU brands, not GeForce.",
        explanation: """
            The host's driver supports an older CUDA than the image asks for, and the image \
            lets that driver branch start it only on GPUs of certain brands (CUDA 12.5 and newer \
            images: data-center, professional and virtual GPUs). GeForce cards are not among \
            them, so on a GeForce GPU the container does not start ("unsatisfied condition"). \
            mlenv does not know the brand NVML reports for a GPU, so this is a warning. Upgrade \
            the driver, or use an image of the CUDA the driver supports.
            """)
}

/// Whether NVIDIA's container toolkit lets the image start on the host: its
/// `NVIDIA_REQUIRE_CUDA` judged as the toolkit judges it (`ContainerRequirement`), against the
/// host inventory's driver and GPU.
enum ContainerToolkitRule: Rule {
    static let description = RuleDescription(
        title: "image vs the container toolkit",
        overview: """
            `nvidia/cuda:11.8.0` on driver 440.33.01: unsatisfied condition: cuda>=11.8; `nvidia/cuda:12.9.1` starts on \
            driver 570 only for data-center and professional GPUs, not a GeForce RTX 3090 Ti
            """,
        codes: [.containerRefused, .containerBrandException],
        triggering: [
            // NVIDIA/nvidia-container-toolkit#214: driver 440.33.01 (CUDA 10.2) refused the 11.8.0 images.
            RuleExample(
                .containerRefused,
                spec(base: "↓nvidia/cuda:11.8.0-cudnn8-devel-ubuntu20.04"),
                with: [.host(host(driver: "440.33.01", gpu: "Tesla V100-PCIE-32GB"))]),
            // TabbyML/tabby#4309: an RTX 3090 Ti on 570.169 (CUDA 12.8) and a CUDA 12.9 image.
            RuleExample(
                .containerBrandException,
                spec(base: "↓nvidia/cuda:12.9.1-runtime-ubuntu24.04"),
                with: [.host(host(driver: "570.169", gpu: "GeForce RTX 3090 Ti"))]),
            // The spec's own requirement is judged where it is written.
            RuleExample(
                .containerRefused,
                spec(base: "nvidia/cuda:12.2.2-runtime-ubuntu22.04") + "env: {NVIDIA_REQUIRE_CUDA: ↓\"cuda>=12.4\"}\n",
                with: [.host(host(driver: "535.129.03", gpu: "A100-SXM4-80GB"))]),
        ],
        passing: [
            // rapidsai/devcontainers#332: `nvidia/cuda:12.5.0-base-ubuntu22.04` works on driver 535.
            RuleExample(
                spec(base: "nvidia/cuda:12.5.0-base-ubuntu22.04"),
                with: [.host(host(driver: "535.161.08", gpu: "A100-SXM4-80GB"))]),
            RuleExample(
                spec(base: "nvidia/cuda:11.8.0-cudnn8-devel-ubuntu20.04") + "env: {NVIDIA_DISABLE_REQUIRE: \"true\"}\n",
                with: [.host(host(driver: "440.33.01", gpu: "Tesla V100-PCIE-32GB"))]),
            // NGC images ask only for `cuda>=9.0`: their own entry point handles compatibility.
            RuleExample(
                "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\n",
                with: [.host(host(driver: "470.57.02", gpu: "A100-SXM4-80GB"))]),
        ])

    /// A spec on `base`.
    private static func spec(base: String) -> String {
        "mlenv: 1\nname: team\nbase: \(base)\npython: \"3.10\"\n"
    }

    /// A host inventory with one driver and eight GPUs of one model.
    private static func host(driver: String, gpu: String) -> String {
        "mlenv: 1\nkind: host\nname: dgx\ndriver: \"\(driver)\"\ngpus: {model: \(gpu), count: 8}\n"
    }

    static func check(_ context: inout RuleContext) {
        guard let host = context.host, context.spec.gpus.value != GPURequest.none, let driver = context.hostDriver,
            !isTegra(context)
        else { return }
        let env = context.spec.env
        if let disable = env.last(where: { $0.name.value == "NVIDIA_DISABLE_REQUIRE" }),
            ContainerRequirement.disabling.contains(disable.value.value)
        {
            return
        }
        guard let (text, location, origin) = requirement(context), let requirement = ContainerRequirement(parsing: text)
        else { return }
        let gpu = context.hostGPU
        let judged = ContainerRequirement.Host(
            driver: driver, cuda: Compatibility.cudaSupported(by: driver, catalog: context.catalog),
            capability: gpu?.computeCapability.known)
        let image = context.environment.image
        let driverNote = context.hostNote(
            "the host's driver is \(driver)\(Message.supports(judged.cuda))",
            at: host.driver?.location)
        switch requirement.verdict(on: judged) {
        case .starts, .unknown:
            return
        case .refused:
            context.report(
                .containerRefused,
                Message.refused(image: image, origin: origin, host: host.name.value, requirement: requirement),
                at: location, notes: [driverNote].compactMap { $0 },
                fix: fix(context, requirement: requirement, on: judged))
        case .startsFor(let brands):
            // A GeForce card is refused; which brand NVML reports for the GPU is not known.
            let model = host.gpuModel?.value ?? gpu?.name ?? ""
            let name = (gpu?.name ?? model).uppercased()
            guard name.contains("GEFORCE") || name.contains("TITAN"),
                requirement.holds(on: judged, brand: "geforce") == false
            else { return }
            context.report(
                .containerBrandException,
                Message.brands(
                    image: image, origin: origin, host: host.name.value, driver: driver, gpu: model,
                    requirement: requirement, brands: brands),
                at: location, notes: [driverNote].compactMap { $0 },
                fix: fix(context, requirement: requirement, on: judged))
        }
    }

    /// Jetson and Thor hosts run the toolkit's CSV mode, which judges other requirements.
    static func isTegra(_ context: RuleContext) -> Bool {
        let model = (context.hostGPU?.name ?? context.host?.gpuModel?.value ?? "").uppercased()
        return model.contains("JETSON") || model.contains("THOR")
    }

    /// Where the container's `NVIDIA_REQUIRE_CUDA` comes from: the spec's `env` (which the
    /// Dockerfile sets over the image's), the catalog's entry for the image, or NVIDIA's
    /// `nvidia/cuda` images of the tag's CUDA version.
    static func requirement(_ context: RuleContext) -> (String, SourceLocation, String)? {
        if let own = context.spec.env.last(where: { $0.name.value == "NVIDIA_REQUIRE_CUDA" }) {
            // `${NVIDIA_REQUIRE_CUDA}` extends the image's value, which is then not known here.
            guard own.parts.allSatisfy({ if case .literal = $0 { return true } else { return false } }) else {
                return nil
            }
            return (own.value.value, own.value.location, "the spec's `NVIDIA_REQUIRE_CUDA`")
        }
        let environment = context.environment
        if let known = environment.catalogImage?.nvidiaRequireCUDA {
            return (known, context.spec.base.location, "its `NVIDIA_REQUIRE_CUDA`")
        }
        guard environment.traits.family == .cuda,
            let version = environment.traits.cudaFromTag.flatMap(DottedVersion.init),
            let toolkit = context.catalog.toolkits.first(where: {
                $0.version == version && $0.version.parts.count == version.parts.count
            }), let text = toolkit.imageRequirement
        else { return nil }
        return (text, context.spec.base.location, "its `NVIDIA_REQUIRE_CUDA`")
    }

    /// Upgrade the driver (to the first of the CUDA asked for), or an older image that starts.
    static func fix(_ context: RuleContext, requirement: ContainerRequirement, on host: ContainerRequirement.Host)
        -> String
    {
        var ways: [String] = []
        let wanted = requirement.alternatives.first?.first { $0.property == .cuda && $0.comparator == .greaterEqual }
            .flatMap { DottedVersion($0.value) }
        if let wanted, let toolkit = context.catalog.toolkit(DottedVersion("\(wanted.major).\(wanted.minor).0")!),
            let floor = toolkit.minimumDriver.known ?? toolkit.branch.flatMap({ DottedVersion(String($0.dropFirst())) })
        {
            ways.append("upgrade the host's driver to \(floor) or newer (CUDA \(wanted.prefix(2))'s)")
        } else {
            ways.append("upgrade the host's driver")
        }
        if let older = olderImage(context, on: host) {
            ways.append("use `\(older)`, the newest older image it starts that keeps the spec's versions")
        }
        ways.append(
            "set `NVIDIA_DISABLE_REQUIRE: \"true\"` in `env` only where the image's CUDA forward-compatibility libraries serve this driver (data-center GPUs)"
        )
        return ways.joined(separator: "; or ")
    }

    /// The newest image older than the spec's that the toolkit starts on the host: another
    /// `nvidia/cuda` version of the same flavour and OS, or a catalog image of the same
    /// repository; nil when the catalog knows none.
    static func olderImage(_ context: RuleContext, on host: ContainerRequirement.Host) -> String? {
        let environment = context.environment
        let image = environment.image
        let starts = { (text: String?) in
            text.flatMap(ContainerRequirement.init(parsing:))?.verdict(on: host) == .starts
        }
        if environment.traits.family == .cuda, let tag = image.tag,
            let version = environment.traits.cudaFromTag.flatMap(DottedVersion.init)
        {
            // The spec's `cuda:` still holds for it (`cuda: "12.4"` keeps to 12.4.x images).
            let declared = context.spec.cuda.flatMap { cuda -> DottedVersion? in
                if case .version(let text) = cuda.value { return DottedVersion(text) }
                return nil
            }
            guard
                let older = Nearest.pick(
                    context.catalog.toolkits,
                    fit: {
                        $0.version < version && $0.version.parts.count == 3 && starts($0.imageRequirement)
                            && (declared.map($0.version.starts(with:)) ?? true) ? .confirmed : nil
                    },
                    distance: { $0.version.parts.map { -$0 } }
                )?.candidate
            else { return nil }
            let rest = tag.dropFirst(environment.traits.cudaFromTag?.count ?? 0)
            var reference = image
            reference.tag = older.version.description + rest
            reference.digest = nil
            return reference.description
        }
        // Another catalog image that keeps the spec's framework version, Python and CUDA.
        let wanted = AutoBase.Wanted(spec: context.spec, host: nil, catalog: context.catalog)
        let repository = image.canonicalRepository
        let cuda = environment.imageCUDA.any
        return context.catalog.images.filter { candidate in
            candidate.reference.canonicalRepository == repository && starts(candidate.nvidiaRequireCUDA)
                && (cuda.map { current in candidate.cuda.any.map { $0 < current } ?? false } ?? false)
                && AutoBase.problems(with: candidate, wanted: wanted).isEmpty
        }.max { ($0.cuda.any!, $0.reference.description) < ($1.cuda.any!, $1.reference.description) }?
        .reference.description
    }
}

extension ContainerToolkitRule {
    /// The rule's messages, worded in one place.
    enum Message {
        static func refused(image: ImageReference, origin: String, host: String, requirement: ContainerRequirement)
            -> String
        {
            "the NVIDIA container toolkit refuses to start `\(image)` on \(host): unsatisfied condition: "
                + "\(requirement.headline) (\(origin), \(exceptions(requirement)))"
        }

        static func brands(
            image: ImageReference, origin: String, host: String, driver: DottedVersion, gpu: String,
            requirement: ContainerRequirement, brands: [String]
        ) -> String {
            "the NVIDIA container toolkit starts `\(image)` on \(host)'s driver \(driver) only for GPUs of brand "
                + "\(brands.joined(separator: ", ")), not GeForce: a \(gpu) gets \"unsatisfied condition: "
                + "\(requirement.headline)\" (\(origin))"
        }

        /// `no exceptions`, `exceptions for driver branches 470, 525 and 535`.
        static func exceptions(_ requirement: ContainerRequirement) -> String {
            var branches: [String] = []
            for alternative in requirement.alternatives where alternative.contains(where: { $0.property == .brand }) {
                for condition in alternative
                where condition.property == .driver && condition.comparator == .greaterEqual {
                    if !branches.contains(condition.value) { branches.append(condition.value) }
                }
            }
            guard let last = branches.last else { return "no exceptions for older drivers" }
            let list = branches.count == 1 ? last : branches.dropLast().joined(separator: ", ") + " and " + last
            return "exceptions for driver branch\(branches.count == 1 ? "" : "es") \(list) on some GPU brands"
        }

        /// `, which supports CUDA 12.3`, `, which supports CUDA below 12.8` or nothing: what the
        /// driver supports, as far as the catalog tells.
        static func supports(_ cuda: (lowest: DottedVersion?, below: DottedVersion?)) -> String {
            guard let below = cuda.below else { return "" }
            guard let lowest = cuda.lowest else { return ", which supports CUDA below \(below)" }
            if lowest.major == below.major, lowest.minor + 1 == below.minor { return ", which supports CUDA \(lowest)" }
            return ", which supports CUDA \(lowest) or newer, below \(below)"
        }
    }
}
