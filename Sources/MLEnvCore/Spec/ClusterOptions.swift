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

/// `devcontainer:` - what `--target devcontainer` adds for VS Code and the Dev Containers CLI.
public struct DevContainerOptions: Sendable {
    /// `devcontainer.extensions`: VS Code extension ids (`ms-python.python`), installed in the
    /// container (`customizations.vscode.extensions`).
    public var extensions: [Located<String>] = []
    /// `devcontainer.post_create`: a shell command run once after the container is created, as
    /// the container's user (`postCreateCommand`), e.g. `pip install -e .`.
    public var postCreate: Located<String>?

    /// No options.
    public init() {}
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

    /// Whether `slurm.image` names a file (an enroot `.sqsh`, an Apptainer `.sif`) rather than a
    /// registry image.
    static func isImageFile(_ image: String) -> Bool {
        image.hasPrefix("/") || image.hasPrefix("./") || image.hasPrefix("../") || image.hasSuffix(".sqsh")
            || image.hasSuffix(".sif")
    }
}
