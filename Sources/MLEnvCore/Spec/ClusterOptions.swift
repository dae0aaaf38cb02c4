/// `resources:` - what the environment needs besides GPUs. Docker, Compose, Kubernetes and
/// Slurm each turn it into their own limits.
public struct ResourceSpec: Sendable, Equatable {
    /// `resources.cpus`: CPU cores.
    public var cpus: Located<Int>?
    /// `resources.memory`: memory for the whole environment.
    public var memory: Located<MemorySize>?

    /// No resource limits.
    public init(cpus: Located<Int>? = nil, memory: Located<MemorySize>? = nil) {
        self.cpus = cpus
        self.memory = memory
    }
}

/// A size such as `64g`, kept as a whole number in the largest binary unit that divides it,
/// so every target can write it in its own notation (`64Gi`, `64G`, `64g`).
public struct MemorySize: Sendable, Equatable {
    /// The amount in `unit`s.
    public var amount: Int
    /// 0 bytes, 1 KiB, 2 MiB, 3 GiB, 4 TiB.
    public var unit: Int

    /// Reads `16g`, `512m`, `1.5g`, `16gb` as Docker does; nil when it is not a size, is
    /// zero, or is beyond 1 PiB.
    public init?(parsing text: String) {
        var body = Substring(text.lowercased())
        if body.hasSuffix("b") { body = body.dropLast() }
        var unit = 0
        if let last = body.last, let index = "kmgt".firstIndex(of: last) {
            unit = "kmgt".distance(from: "kmgt".startIndex, to: index) + 1
            body = body.dropLast()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2, parts.allSatisfy({ !$0.isEmpty && $0.count <= 12 && $0.allSatisfy(\.isASCIIDigit) }),
              let whole = Int(parts[0]), whole <= (1 << 50) >> (10 * unit) else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        // Whole bytes: scale the decimal by the unit, refusing fractions of a byte.
        var bytes = whole
        for _ in 0..<unit { bytes *= 1024 }
        if !fraction.isEmpty {
            guard unit > 0, let numerator = Int(fraction) else { return nil }
            var scaled = numerator
            for _ in 0..<unit { scaled *= 1024 }
            var denominator = 1
            for _ in 0..<fraction.count { denominator *= 10 }
            guard scaled % denominator == 0 else { return nil }
            bytes += scaled / denominator
        }
        guard bytes > 0, bytes <= 1 << 50 else { return nil }
        var best = (amount: bytes, unit: 0)
        while best.unit < 4, best.amount % 1024 == 0 {
            best = (best.amount / 1024, best.unit + 1)
        }
        amount = best.amount
        self.unit = best.unit
    }

    /// Kubernetes quantity: `64Gi`.
    public var kubernetes: String { "\(amount)" + ["", "Ki", "Mi", "Gi", "Ti"][unit] }
    /// Docker and Compose: `64g` (bytes without a suffix).
    public var docker: String { "\(amount)" + ["", "k", "m", "g", "t"][unit] }
    /// Slurm's `--mem`, in whole megabytes at least: `64G`, `1536M`.
    public var slurm: String {
        if unit >= 2 { return "\(amount)" + ["", "K", "M", "G", "T"][unit] }
        let bytes = amount * (unit == 1 ? 1024 : 1)
        return "\((bytes + (1 << 20) - 1) >> 20)M"
    }
}

/// `kubernetes:` - how the environment runs on a Kubernetes cluster.
public struct KubernetesOptions: Sendable {
    /// Where volumes come from on a cluster.
    public enum Storage: String, Sendable, CaseIterable {
        /// One PersistentVolumeClaim per volume, written with the manifests.
        case pvc
        /// The node's own folders, for absolute volume paths (single-node clusters, shared file systems).
        case hostpath
    }

    /// `kubernetes.namespace`; nil means the context's namespace.
    public var namespace: Located<String>?
    /// `kubernetes.image`: the image the cluster pulls, pushed there from the local build.
    public var image: Located<String>?
    /// `kubernetes.storage`.
    public var storage: Storage = .pvc
    /// `kubernetes.storage_class` for the claims mlenv writes; nil means the cluster's default.
    public var storageClass: Located<String>?
    /// `kubernetes.storage_size` of each claim.
    public var storageSize = "10Gi"

    /// The defaults: PersistentVolumeClaims of 10Gi in the current namespace.
    public init() {}
}

/// `slurm:` - how the environment runs as a Slurm batch job.
public struct SlurmOptions: Sendable {
    /// What starts the container on the compute node.
    public enum Runtime: String, Sendable, CaseIterable {
        /// NVIDIA's pyxis plugin with enroot: `srun --container-image=...`.
        case pyxis
        /// Apptainer (Singularity) with a SIF built from the generated definition file.
        case apptainer
        /// The node's Docker or Podman engine.
        case docker, podman
    }

    /// `slurm.runtime`.
    public var runtime: Runtime = .pyxis
    /// `slurm.partition`.
    public var partition: Located<String>?
    /// `slurm.time`, in Slurm's notation (`4:00:00`, `2-00:00:00`).
    public var time: Located<String>?
    /// `slurm.account`.
    public var account: Located<String>?
    /// `slurm.image`: a registry image, an enroot `.sqsh` or an Apptainer `.sif`; by default the
    /// file made from the local build (see the script's header).
    public var image: Located<String>?

    /// The defaults: pyxis, the cluster's default partition, account and time limit.
    public init() {}
}
