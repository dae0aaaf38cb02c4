/// What a spec must say to run on the targets asked for: a cluster scheduler counts GPUs and
/// cannot mount every kind of volume the Docker host can.
enum ClusterRule: Rule {
    static let description = RuleDescription(
        title: "cluster targets",
        overview:
            "`gpus: all` for Kubernetes or Slurm, device indices there, a relative volume with `hostpath` storage, a Service name starting with a digit",
        codes: [.gpuCountNeeded, .gpuIndicesIgnored, .volumeUnsupported, .serviceName],
        triggering: [
            RuleExample(
                .gpuCountNeeded,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                gpus: ↓all
                """, command: .generate(targets: [.docker, .kubernetes])),
            RuleExample(
                .gpuIndicesIgnored,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                gpus: ↓[2, 3]
                """, command: .generate(targets: [.slurm])),
            RuleExample(
                .volumeUnsupported,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                gpus: 1
                volumes: [↓"./data:/data"]
                kubernetes: {storage: hostpath}
                """, command: .generate(targets: [.kubernetes])),
            RuleExample(
                .volumeUnsupported,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                gpus: 1
                volumes: [↓"cache:/cache"]
                """, command: .generate(targets: [.slurm])),
            RuleExample(
                .serviceName,
                """
                mlenv: 1
                name: ↓3d-vision
                base: nvcr.io/nvidia/pytorch:23.10-py3
                gpus: 1
                jupyter: true
                """, command: .generate(targets: [.kubernetes])),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: vision-3d
                base: nvcr.io/nvidia/pytorch:23.10-py3
                gpus: 2
                jupyter: true
                volumes: ["./data:/data", "cache:/cache"]
                slurm: {runtime: docker}
                """, command: .generate(targets: Set(Target.allCases)))
        ])

    static func check(_ spec: EnvironmentSpec, targets: Set<Target>) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let file = spec.file
        let schedulers = [Target.kubernetes, .slurm].filter(targets.contains)
        if let first = schedulers.first {
            let names = schedulers.map(\.rawValue).joined(separator: " and ")
            switch spec.gpus.value {
            case .all:
                diagnostics.append(
                    Diagnostic(
                        .gpuCountNeeded,
                        Message.gpuCountNeeded(on: names, gpusWritten: spec.keyLocations["gpus"] != nil),
                        file: file, at: spec.gpus.location,
                        fix: (spec.keyLocations["gpus"] == nil ? "add" : "write")
                            + " the number of GPUs, such as `gpus: 8`, or "
                            + "`gpus: none`; or generate without `--target \(schedulers.map(\.rawValue).joined(separator: ","))`"
                    ))
            case .devices(let devices):
                diagnostics.append(
                    Diagnostic(
                        .gpuIndicesIgnored, Message.gpuIndicesIgnored(scheduler: first, on: names, devices: devices),
                        file: file, at: spec.gpus.location, fix: "write `gpus: \(devices.count)` if any GPUs will do"))
            default:
                break
            }
        }
        if targets.contains(.kubernetes), spec.command == nil, spec.jupyter != nil,
            spec.name.value.first?.isASCIIDigit == true
        {
            diagnostics.append(
                Diagnostic(
                    .serviceName, Message.serviceName(spec.name.value),
                    file: file, at: spec.name.location, fix: "start the name with a letter"))
        }
        for volume in spec.volumes {
            let mount = volume.value
            if targets.contains(.kubernetes), spec.kubernetes.storage == .hostpath,
                case .relativePath(let path) = mount.source
            {
                diagnostics.append(
                    Diagnostic(
                        .volumeUnsupported, Message.relativeVolumeOnHostPath(path),
                        file: file, at: volume.location,
                        fix: "use an absolute path that every node has, or `kubernetes.storage: pvc`"))
            }
            if targets.contains(.slurm), [.pyxis, .apptainer].contains(spec.slurm.runtime),
                case .named(let name) = mount.source
            {
                diagnostics.append(
                    Diagnostic(
                        .volumeUnsupported, Message.namedVolume(name, runtime: spec.slurm.runtime.rawValue),
                        file: file, at: volume.location,
                        fix: "mount a folder instead, such as `/scratch/\(name):\(mount.target)`"))
            }
        }
        return diagnostics
    }
}

extension ClusterRule {
    /// The rule's messages, worded in one place.
    enum Message {
        static func gpuCountNeeded(on targets: String, gpusWritten: Bool) -> String {
            (gpusWritten ? "`gpus: all`" : "the spec has no `gpus:`, which means all GPUs, and that")
                + " has no meaning on \(targets): the scheduler hands out a number of GPUs"
        }

        static func gpuIndicesIgnored(scheduler: Target, on targets: String, devices: [Int]) -> String {
            let who = scheduler == .kubernetes ? "Kubernetes" : "Slurm"
            let list = devices.map(String.init).joined(separator: ",")
            return
                "\(who) chooses the devices itself: the \(targets) files ask for \(devices.count) GPU\(devices.count == 1 ? "" : "s"), not for GPUs \(list)"
        }

        static func serviceName(_ name: String) -> String {
            "Kubernetes Service names start with a letter; `\(name)` names the Jupyter Service"
        }

        static func relativeVolumeOnHostPath(_ path: String) -> String {
            "volume `\(path)` is relative to the spec's folder, which does not exist on a cluster node (`kubernetes.storage: hostpath`)"
        }

        static func namedVolume(_ name: String, runtime: String) -> String {
            "named volume `\(name)` is an engine volume, which \(runtime) cannot mount"
        }
    }
}

extension DiagnosticCode {
    static let gpuCountNeeded = DiagnosticCode(
        "E401", .error, name: "gpu-count-needed", summary: "A cluster target needs a number of GPUs, not `all`.",
        explanation: """
            On one Docker host `gpus: all` means every GPU of that host. Kubernetes \
            (`nvidia.com/gpu`) and Slurm (`--gres=gpu:N`) hand out GPUs by count, and "all" has \
            no meaning on a cluster of mixed nodes. Write the count the job needs, e.g. \
            `gpus: 8`. Leaving out `gpus:` means `all` unless `cuda: none`.
            """)
    static let gpuIndicesIgnored = DiagnosticCode(
        "W402", .warning, name: "gpu-indices-ignored",
        summary: "A cluster target gets a GPU count; the device indices are not honoured.",
        explanation: """
            `gpus: [0, 1]` pins devices on one host. Kubernetes and Slurm choose the devices \
            themselves, so the generated manifests ask for as many GPUs as the list names. \
            Write a count (`gpus: 2`) to say that any GPUs will do.
            """)
    static let serviceName = DiagnosticCode(
        "E404", .error, name: "service-name", summary: "The spec's name cannot name a Kubernetes Service.",
        explanation: """
            The Jupyter Service is named after the spec, and Kubernetes Service names are DNS \
            labels that start with a letter (RFC 1035), unlike image and pod names, which may \
            start with a digit. Rename the spec, e.g. `3d-vision` to `vision-3d`.
            """)
    static let volumeUnsupported = DiagnosticCode(
        "E403", .error, name: "volume-unsupported",
        summary: "A volume cannot be mounted the way the target runs containers.",
        explanation: """
            A path relative to the spec's folder exists on the machine where the spec is; a \
            Kubernetes node with `kubernetes.storage: hostpath` does not have it. An engine's \
            named volume exists only for Docker or Podman; pyxis/enroot and Apptainer mount \
            folders. Use an absolute path every node has (a shared file system), or a \
            PersistentVolumeClaim (`kubernetes.storage: pvc`).
            """)
}
