/// One team's environment, decoded from a spec file (format version 1). Immutable: the plan's
/// allocation and the lock apply to what is built and run (`BuildRecipe`, `RunProfile`), never
/// to the spec. A class, so that the many copies checking 1,000 specs makes (decoded, for the
/// shared-host rule, resolved, ...) share one set of fields.
public final class EnvironmentSpec: Sendable {
    /// The spec's path as the user named it; paths inside the spec are relative to its folder.
    public let file: String

    /// `name:` - names the image, the container and the generated folder.
    public let name: Located<String>

    /// `description:`, folded to one line.
    public let description: String?

    /// `base:` - the image the environment starts from.
    public let base: Located<BaseImage>

    /// `framework:`.
    public let framework: FrameworkSpec?

    /// `python:` - major.minor[.patch].
    public let python: Located<String>?

    /// `cuda:` - toolkit version, or nil value for `cuda: none`.
    public let cuda: Located<CUDARequest>?

    /// `packages.pip:` - requirement strings in the order written.
    public let pip: [Located<PipRequirement>]

    /// `packages.apt:` - Debian packages in the order written.
    public let apt: [Located<AptPackage>]

    /// `packages.requirements:` - pip requirements files, relative to the spec's folder, in order.
    public let requirements: [Located<String>]

    /// `packages.index:` - more places pip looks for the spec's packages.
    public let index: PackageIndex

    /// `gpus:`; when absent, all GPUs unless `cuda: none`.
    public let gpus: Located<GPURequest>

    /// `gpus_shared: true`: the team accepts sharing its GPUs with another team that agrees too.
    public let gpusShared: Bool

    /// `jupyter:`; nil when Jupyter is off.
    public let jupyter: JupyterSpec?

    /// `shm_size:` or `ipc:`.
    public let sharedMemory: SharedMemory

    /// `volumes:`.
    public let volumes: [Located<VolumeMount>]

    /// `env:` in the order written.
    public let env: [EnvVariable]

    /// `secrets:` - names of variables passed from the invoking environment at run time, never
    /// written into the image or the generated files.
    public let secrets: [Located<String>]

    /// `workdir:`; `/workspace` when absent.
    public let workdir: Located<String>

    /// `setup:` - build-time shell commands, each its own layer.
    public let setup: [Located<String>]
    /// `project:` - the repository's own Python project, installed into the image.
    public let project: ProjectSpec?
    /// `files:` - files and folders copied into the image after the packages.
    public let files: [Located<FileCopy>]
    /// `installer:` - what installs the Python packages.
    public let installer: Installer

    /// The folder the image is built from when the spec copies the project's own files: the
    /// `project:` folder, else the spec's folder with `files:`; nil when the build needs neither
    /// (the output folder is then the build's folder). Relative to the working directory, or absolute.
    public var buildContextFolder: String? {
        if let project { return SpecPaths.resolve(project.path.value, relativeTo: file) }
        return files.isEmpty ? nil : SpecPaths.folder(of: file)
    }

    /// `build:`.
    public let build: BuildOptions

    /// `command:` - what a batch run executes (a Kubernetes Job, a Slurm job, Apptainer's
    /// runscript); nil for an interactive environment (Jupyter, or a shell).
    public let command: Located<[String]>?

    /// `resources:`.
    public let resources: ResourceSpec

    /// `kubernetes:`, with its defaults when absent.
    public let kubernetes: KubernetesOptions

    /// `slurm:`, with its defaults when absent.
    public let slurm: SlurmOptions

    /// `devcontainer:`, empty when absent.
    public let devcontainer: DevContainerOptions

    /// `ignore:` - codes whose findings in this spec (and its requirements files) are counted
    /// as ignored instead of reported.
    public let ignore: [Located<DiagnosticCode>]

    /// Where each top-level key is written, for notes that point at "the other side".
    public let keyLocations: KeyLocations

    init(
        file: String, name: Located<String>, description: String?, base: Located<BaseImage>,
        framework: FrameworkSpec?, python: Located<String>?, cuda: Located<CUDARequest>?,
        pip: [Located<PipRequirement>], apt: [Located<AptPackage>], requirements: [Located<String>],
        index: PackageIndex, gpus: Located<GPURequest>, gpusShared: Bool,
        jupyter: JupyterSpec?, sharedMemory: SharedMemory, volumes: [Located<VolumeMount>], env: [EnvVariable],
        secrets: [Located<String>], workdir: Located<String>, setup: [Located<String>],
        project: ProjectSpec? = nil, files: [Located<FileCopy>] = [], installer: Installer = .pip,
        build: BuildOptions,
        command: Located<[String]>?, resources: ResourceSpec, kubernetes: KubernetesOptions, slurm: SlurmOptions,
        ignore: [Located<DiagnosticCode>], keyLocations: KeyLocations,
        devcontainer: DevContainerOptions = DevContainerOptions()
    ) {
        self.file = file
        self.name = name
        self.description = description
        self.base = base
        self.framework = framework
        self.python = python
        self.cuda = cuda
        self.pip = pip
        self.apt = apt
        self.requirements = requirements
        self.index = index
        self.gpus = gpus
        self.gpusShared = gpusShared
        self.jupyter = jupyter
        self.sharedMemory = sharedMemory
        self.volumes = volumes
        self.env = env
        self.secrets = secrets
        self.workdir = workdir
        self.setup = setup
        self.project = project
        self.files = files
        self.installer = installer
        self.build = build
        self.command = command
        self.resources = resources
        self.kubernetes = kubernetes
        self.slurm = slurm
        self.ignore = ignore
        self.keyLocations = keyLocations
        self.devcontainer = devcontainer
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

/// `project:` - a Python project (a folder with `pyproject.toml`) installed into the image: its
/// dependencies in a layer of their own, then its code with `--no-deps`.
public struct ProjectSpec: Sendable, Equatable {
    /// The project's folder, relative to the spec's folder (`.` by default).
    public var path: Located<String>
    /// `extras`: optional-dependency groups installed with it.
    public var extras: [Located<String>]
    /// `editable`: installed with `pip install -e`.
    public var editable: Bool
    /// Where the `project:` key is written.
    public var location: SourceLocation
}

/// `installer:` - the program that installs the Python packages in the build.
public enum Installer: String, Sendable, Equatable {
    /// pip, as the image has it.
    case pip
    /// Astral's uv (`uv pip install`), installed from PyPI first.
    case uv

    /// The uv release mlenv installs: the newest on PyPI on 2026-12-01 (`pip index versions uv`).
    public static let uvVersion = "0.13.9"
}

/// One `files:` entry, `source:target`: a file or folder of the repository copied into the image.
public struct FileCopy: Sendable, Equatable {
    /// The file or folder, relative to the spec's folder.
    public var source: String
    /// The absolute path in the image.
    public var target: String
}

/// One `env:` entry.
public struct EnvVariable: Sendable {
    /// The variable's name, a POSIX name.
    public var name: Located<String>
    /// The value, exactly as written.
    public var value: Located<String>
    /// The value as the image gets it: text, and the variable's previous value where it says
    /// `${NAME}`.
    public var parts: [EnvPart] = []
}

/// `build:`.
public struct BuildOptions: Sendable {
    /// A PEM file, relative to the spec's folder, added to the image's trusted certificates.
    public var caBundle: Located<String>?
    /// A PyPI mirror used at build time.
    public var pipIndexURL: Located<String>?
    /// `build.env`: set for the build's steps (`TORCH_CUDA_ARCH_LIST`, `MAX_JOBS`), not in the image.
    public var env: [EnvVariable] = []

    /// No build options.
    public init(caBundle: Located<String>? = nil, pipIndexURL: Located<String>? = nil, env: [EnvVariable] = []) {
        self.caBundle = caBundle
        self.pipIndexURL = pipIndexURL
        self.env = env
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

/// `packages.index`: indexes and link pages pip also reads for `packages.pip` and
/// `packages.requirements` (the per-CUDA PyTorch index, a company mirror), never for the
/// framework mlenv installs.
public struct PackageIndex: Sendable, Equatable {
    /// `extra_urls`: PEP 503 indexes besides the main one (`--extra-index-url`).
    public var extraURLs: [Located<String>] = []
    /// `find_links`: pages of links to archives (`--find-links`).
    public var findLinks: [Located<String>] = []
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
