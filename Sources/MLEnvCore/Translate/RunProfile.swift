/// How to run one environment: every fact run.sh, job.sbatch, kubernetes.yaml, compose.yaml and
/// devcontainer.json need, decided once by `Translator` (after the plan's allocation, when there
/// is one). No renderer reads the spec or the catalog; each reads this and writes its notation.
public struct RunProfile: Sendable {
    /// The spec's name: the hostname, and the root of every other name.
    public var name: String
    /// The image the local build makes: `mlenv/NAME:latest`.
    public var localImage: String
    /// The container run.sh and compose start: `mlenv-NAME`.
    public var container: String
    /// The GPUs the environment gets, after the plan's allocation.
    public var gpus: GPURequest
    /// Shared memory, in the one size type every target writes in its own notation.
    public var sharedMemory: SharedMemorySetting
    /// CPU and memory limits.
    public var resources: ResourceSpec
    /// The volumes, with their sources resolved.
    public var mounts: [Mount]
    /// Jupyter, when the environment serves it (and runs no `command`).
    public var jupyter: JupyterRun?
    /// The names of the secrets passed through from the starting user's environment.
    public var secrets: [String]
    /// `command:`, when the environment is a batch job.
    public var command: [String]?
    /// The working folder inside the container.
    public var workdir: String
    /// The spec's folder as seen from the output folder (relative volume sources start there).
    public var specFolderFromOutput: String
    /// The folder the engine builds from, relative to the output folder (`.` unless the spec
    /// has `project:` or `files:`).
    public var buildContextFromOutput = "."
    /// `kubernetes:` options.
    public var kubernetes: KubernetesOptions
    /// `slurm:` options.
    public var slurm: SlurmOptions
    /// `devcontainer:`: VS Code extension ids, and the command run once after the container is created.
    public var devcontainer: (extensions: [String], postCreate: String?) = ([], nil)

    /// Whether the environment uses GPUs at all.
    public var usesGPUs: Bool { gpus != .none }

    /// The number of GPUs to ask a scheduler for (`nvidia.com/gpu`, `--gres=gpu:N`): nil for
    /// none and for `all`, whose count only the node knows.
    public var gpuCount: Int? {
        switch gpus {
        case .none, .all: nil
        case .count(let count): count
        case .devices(let devices): devices.count
        }
    }

    /// The ulimits NVIDIA documents for its containers (pinned memory for NCCL and CUDA IPC, a
    /// larger stack), set whenever GPUs are used.
    public var nvidiaUlimits: [Ulimit] {
        usesGPUs ? [Ulimit(name: "memlock", value: -1), Ulimit(name: "stack", value: 67_108_864)] : []
    }

    /// Whether any volume's source is relative to the spec's folder.
    public var hasSpecRelativeMounts: Bool {
        mounts.contains {
            if case .specRelative = $0.source { return true }
            return false
        }
    }
}

/// `shm_size` / `ipc` as the container gets it.
public enum SharedMemorySetting: Sendable, Equatable {
    /// A `/dev/shm` of this size (NVIDIA's default for NGC containers, 1g, when the spec names none).
    case size(MemorySize)
    /// The host's IPC namespace.
    case hostIPC

    /// NVIDIA's documented default for NGC containers.
    public static let defaultSize = MemorySize(parsing: "1g")!

    /// The setting for what the spec says.
    public init(_ spec: SharedMemory) {
        switch spec {
        case .defaultSize: self = .size(Self.defaultSize)
        case .size(let size): self = .size(size)
        case .hostIPC: self = .hostIPC
        }
    }

    /// The engine flag: `--shm-size=1g` or `--ipc=host`.
    public var engineFlag: String {
        switch self {
        case .size(let size): "--shm-size=\(size.docker)"
        case .hostIPC: "--ipc=host"
        }
    }
}

/// One ulimit, as `--ulimit NAME=VALUE` and Compose's `ulimits:` write it.
public struct Ulimit: Sendable, Equatable {
    /// `memlock`, `stack`.
    public var name: String
    /// `-1` for unlimited, else a number.
    public var value: Int
}

/// A volume with its source resolved.
public struct Mount: Sendable, Equatable {
    /// Where the data comes from.
    public enum Source: Sendable, Equatable {
        /// An absolute host folder, normalised.
        case hostPath(String)
        /// A folder relative to the spec's folder, normalised.
        case specRelative(String)
        /// A named engine volume.
        case named(String)
    }

    /// Where the data comes from.
    public var source: Source
    /// The absolute path inside the container.
    public var target: String
    /// Whether the container may only read it.
    public var readOnly: Bool
    /// The source as the spec writes it, for comments that quote the spec.
    public var writtenSource: String

    /// `ro` or `rw`.
    public var mode: String { readOnly ? "ro" : "rw" }
}

/// Jupyter as it runs: where it is published, which app, and where its page is.
public struct JupyterRun: Sendable, Equatable {
    /// The port Jupyter listens on inside the container; every target publishes the host port
    /// onto this one.
    public static let containerPort = 8888

    /// JupyterLab or the classic Notebook.
    public enum App: String, Sendable, Equatable {
        case lab, notebook

        /// The path of the app's page: `/lab` or `/tree`.
        public var urlPath: String { self == .lab ? "lab" : "tree" }
        /// The app's name as people write it.
        public var label: String { self == .lab ? "JupyterLab" : "Jupyter Notebook" }
    }

    /// The host port, after the plan's allocation.
    public var hostPort: Int
    /// The host address it is bound to.
    public var bind: String
    /// Which app.
    public var app: App

    /// `jupyter lab --ip=0.0.0.0 --port=8888 --no-browser`: the server as the image starts it.
    public var serverCommand: [String] {
        ["jupyter", app.rawValue, "--ip=0.0.0.0", "--port=\(Self.containerPort)", "--no-browser"]
    }
}
