/// One team's environment, decoded from a spec file (format version 1).
///
/// The fields live behind one immutable reference, so copies are a pointer: a spec is about
/// 900 bytes of fields, and checking 1,000 specs copied them into five arrays (decoded, for
/// the shared-host rule, resolved, ...), fresh memory each time. Setting a field makes a new
/// box for that copy only, so specs keep value semantics.
public struct EnvironmentSpec: Sendable {
    /// The stored fields; `EnvironmentSpec` forwards each of them.
    struct Fields: Sendable {
        var file: String
        var name: Located<String>
        var description: String?
        var base: Located<BaseImage>
        var framework: FrameworkSpec?
        var python: Located<String>?
        var cuda: Located<CUDARequest>?
        var pip: [Located<PipRequirement>]
        var apt: [Located<AptPackage>]
        var gpus: Located<GPURequest>
        var gpusShared: Bool
        var jupyter: JupyterSpec?
        var sharedMemory: SharedMemory
        var volumes: [Located<VolumeMount>]
        var env: [EnvVariable]
        var secrets: [Located<String>]
        var workdir: Located<String>
        var setup: [Located<String>]
        var build: BuildOptions
        var command: Located<[String]>?
        var resources: ResourceSpec
        var kubernetes: KubernetesOptions
        var slurm: SlurmOptions
        var keyLocations: KeyLocations
    }

    private final class Storage: Sendable {
        let fields: Fields
        init(_ fields: Fields) { self.fields = fields }
    }

    private var storage: Storage

    init(_ fields: Fields) { storage = Storage(fields) }

    /// Replaces this copy's fields with `change` applied to them.
    private mutating func update(_ change: (inout Fields) -> Void) {
        var fields = storage.fields
        change(&fields)
        storage = Storage(fields)
    }

    /// The spec's path as the user named it; paths inside the spec are relative to its folder.
    public var file: String {
        get { storage.fields.file }
        set { update { $0.file = newValue } }
    }

    /// `name:` - names the image, the container and the generated folder.
    public var name: Located<String> {
        get { storage.fields.name }
        set { update { $0.name = newValue } }
    }

    /// `description:`, folded to one line.
    public var description: String? {
        get { storage.fields.description }
        set { update { $0.description = newValue } }
    }

    /// `base:` - the image the environment starts from.
    public var base: Located<BaseImage> {
        get { storage.fields.base }
        set { update { $0.base = newValue } }
    }

    /// `framework:`.
    public var framework: FrameworkSpec? {
        get { storage.fields.framework }
        set { update { $0.framework = newValue } }
    }

    /// `python:` - major.minor[.patch].
    public var python: Located<String>? {
        get { storage.fields.python }
        set { update { $0.python = newValue } }
    }

    /// `cuda:` - toolkit version, or nil value for `cuda: none`.
    public var cuda: Located<CUDARequest>? {
        get { storage.fields.cuda }
        set { update { $0.cuda = newValue } }
    }

    /// `packages.pip:` - requirement strings in the order written.
    public var pip: [Located<PipRequirement>] {
        get { storage.fields.pip }
        set { update { $0.pip = newValue } }
    }

    /// `packages.apt:` - Debian packages in the order written.
    public var apt: [Located<AptPackage>] {
        get { storage.fields.apt }
        set { update { $0.apt = newValue } }
    }

    /// `gpus:`; when absent, all GPUs unless `cuda: none`.
    public var gpus: Located<GPURequest> {
        get { storage.fields.gpus }
        set { update { $0.gpus = newValue } }
    }

    /// `gpus_shared: true`: the team accepts sharing its GPUs with another team that agrees too.
    public var gpusShared: Bool {
        get { storage.fields.gpusShared }
        set { update { $0.gpusShared = newValue } }
    }

    /// `jupyter:`; nil when Jupyter is off.
    public var jupyter: JupyterSpec? {
        get { storage.fields.jupyter }
        set { update { $0.jupyter = newValue } }
    }

    /// `shm_size:` or `ipc:`.
    public var sharedMemory: SharedMemory {
        get { storage.fields.sharedMemory }
        set { update { $0.sharedMemory = newValue } }
    }

    /// `volumes:`.
    public var volumes: [Located<VolumeMount>] {
        get { storage.fields.volumes }
        set { update { $0.volumes = newValue } }
    }

    /// `env:` in the order written.
    public var env: [EnvVariable] {
        get { storage.fields.env }
        set { update { $0.env = newValue } }
    }

    /// `secrets:` - names of variables passed from the invoking environment at run time, never
    /// written into the image or the generated files.
    public var secrets: [Located<String>] {
        get { storage.fields.secrets }
        set { update { $0.secrets = newValue } }
    }

    /// `workdir:`; `/workspace` when absent.
    public var workdir: Located<String> {
        get { storage.fields.workdir }
        set { update { $0.workdir = newValue } }
    }

    /// `setup:` - build-time shell commands, each its own layer.
    public var setup: [Located<String>] {
        get { storage.fields.setup }
        set { update { $0.setup = newValue } }
    }

    /// `build:`.
    public var build: BuildOptions {
        get { storage.fields.build }
        set { update { $0.build = newValue } }
    }

    /// `command:` - what a batch run executes (a Kubernetes Job, a Slurm job, Apptainer's
    /// runscript); nil for an interactive environment (Jupyter, or a shell).
    public var command: Located<[String]>? {
        get { storage.fields.command }
        set { update { $0.command = newValue } }
    }

    /// `resources:`.
    public var resources: ResourceSpec {
        get { storage.fields.resources }
        set { update { $0.resources = newValue } }
    }

    /// `kubernetes:`, with its defaults when absent.
    public var kubernetes: KubernetesOptions {
        get { storage.fields.kubernetes }
        set { update { $0.kubernetes = newValue } }
    }

    /// `slurm:`, with its defaults when absent.
    public var slurm: SlurmOptions {
        get { storage.fields.slurm }
        set { update { $0.slurm = newValue } }
    }

    /// Where each top-level key is written, for notes that point at "the other side".
    public var keyLocations: KeyLocations {
        get { storage.fields.keyLocations }
        set { update { $0.keyLocations = newValue } }
    }
}

/// Where each key of a mapping is written: a short list searched in order. A spec has a dozen
/// keys, and a dictionary for them was a quarter of the memory a 1,000-spec check used.
public struct KeyLocations: Sendable {
    struct Entry: Sendable {
        var key: String
        var location: SourceLocation
    }

    var entries: [Entry]

    init(_ pairs: [YAMLPair]) {
        entries = pairs.map { Entry(key: $0.key, location: $0.keyLocation) }
    }

    /// Where `key` is written; nil when it is not.
    public subscript(key: String) -> SourceLocation? { entries.first { $0.key == key }?.location }
}

/// `base:`: an image, or `auto` to let mlenv choose one.
public enum BaseImage: Sendable, Equatable {
    case auto
    case image(ImageReference)

    /// The image the spec names; nil for `auto`.
    public var image: ImageReference? {
        if case .image(let image) = self { return image }
        return nil
    }
}

/// The frameworks mlenv knows how to install and check.
public enum FrameworkName: String, Sendable, CaseIterable {
    case pytorch, tensorflow, jax, none

    /// The framework's name as people write it.
    public var displayName: String {
        switch self {
        case .pytorch: "PyTorch"
        case .tensorflow: "TensorFlow"
        case .jax: "JAX"
        case .none: "no framework"
        }
    }

    /// The pip distributions that make up the framework; a base image that ships the framework
    /// must not get these from pip on top.
    public var pipDistributions: [String] {
        switch self {
        case .pytorch: ["torch"]
        case .tensorflow: ["tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tf-nightly"]
        case .jax: ["jax", "jaxlib"]
        case .none: []
        }
    }

    /// The installed distributions that later pip installs must not replace: the framework
    /// and the companion packages built against it.
    public var protectedDistributions: [String] {
        switch self {
        case .pytorch: ["torch", "torchvision", "torchaudio"]
        case .tensorflow: ["tensorflow", "tensorflow-cpu", "tensorflow-gpu"]
        case .jax: ["jax", "jaxlib"]
        case .none: []
        }
    }
}

/// `framework:`.
public struct FrameworkSpec: Sendable {
    /// Which framework.
    public var name: Located<FrameworkName>
    /// The version prefix asked for (`2.1` means any 2.1.x), when given.
    public var version: Located<String>?
}

/// `cuda:`.
public enum CUDARequest: Sendable, Equatable {
    /// `cuda: none`: a CPU-only environment.
    case none
    /// A toolkit version such as `12.2` or `12.2.2`.
    case version(String)
}

/// `gpus:`.
public enum GPURequest: Sendable, Equatable {
    case none
    case all
    /// Any N GPUs.
    case count(Int)
    /// These device indices.
    case devices([Int])
}

/// `jupyter:` when enabled.
public struct JupyterSpec: Sendable {
    /// The host port Jupyter is published on.
    public var port: Located<Int>
    /// Whether the spec names the port (otherwise `mlenv plan` may choose one).
    public var portIsExplicit: Bool
    /// The host address the port is bound to.
    public var bind: Located<String>
    /// JupyterLab (true) or the classic Notebook (false).
    public var lab: Bool
    /// Where `jupyter:` is written.
    public var location: SourceLocation
}

/// `shm_size:` / `ipc:`.
public enum SharedMemory: Sendable, Equatable {
    /// Neither given: NVIDIA's documented default for NGC containers, `--shm-size=1g`.
    case defaultSize
    /// `shm_size: 16g`.
    case size(MemorySize)
    /// `ipc: host`.
    case hostIPC
}

/// One `volumes:` entry, `source:target[:ro|rw]`.
public struct VolumeMount: Sendable, Equatable {
    /// Where the data comes from.
    public enum Source: Sendable, Equatable {
        /// An absolute host path.
        case absolutePath(String)
        /// A host path relative to the spec's folder.
        case relativePath(String)
        /// A named engine volume (no `/` in it).
        case named(String)
    }

    /// The host side.
    public var source: Source
    /// The absolute path inside the container.
    public var target: String
    /// `:ro`.
    public var readOnly: Bool
}

/// One `env:` entry.
public struct EnvVariable: Sendable {
    /// The variable's name, a POSIX name.
    public var name: Located<String>
    /// The value, exactly as written.
    public var value: Located<String>
}

/// `build:`.
public struct BuildOptions: Sendable {
    /// A PEM file, relative to the spec's folder, added to the image's trusted certificates.
    public var caBundle: Located<String>?
    /// A PyPI mirror used at build time.
    public var pipIndexURL: Located<String>?

    /// No build options.
    public init(caBundle: Located<String>? = nil, pipIndexURL: Located<String>? = nil) {
        self.caBundle = caBundle
        self.pipIndexURL = pipIndexURL
    }
}

/// One `packages.pip` entry: a PEP 508 requirement, kept as written.
public struct PipRequirement: Sendable, Equatable {
    /// The text as written (trimmed), which is what goes into requirements.txt.
    public var text: String
    /// The distribution name, normalised as PEP 503 says (`Foo_Bar` -> `foo-bar`).
    public var normalizedName: String
    /// `[extra1, extra2]`, as written.
    public var extras: [String] = []
    /// The version specifiers (empty when unpinned or given by URL).
    public var specifiers = SpecifierSet([])
    /// `@ URL`, when the requirement names one.
    public var url: String?
    /// The environment marker after `;`, when there is one.
    public var marker: String?

    /// Whether the requirement pins one version (`==1.2.3`, `===x` or a URL).
    public var isPinned: Bool {
        url != nil || specifiers.specifiers.contains { ($0.op == .equal && !$0.wildcard) || $0.op == .arbitrary }
    }
}

/// One `packages.apt` entry: a Debian package, optionally `name=version`.
public struct AptPackage: Sendable, Equatable {
    /// The package name.
    public var name: String
    /// The pinned version, when given.
    public var version: String?

    /// `name` or `name=version`, as apt-get takes it.
    public var argument: String { version.map { "\(name)=\($0)" } ?? name }
}
