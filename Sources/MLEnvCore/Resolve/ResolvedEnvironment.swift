/// A spec with everything the catalog (and the lock, when one is used) could add: the concrete
/// base image, and the Python, CUDA and framework the environment will really have. The rules
/// check this, and `Translator` turns it into what is built and how it runs.
public struct ResolvedEnvironment: Sendable {
    /// The spec as written.
    public let spec: EnvironmentSpec
    /// The base image; for `base: auto`, the one mlenv chose.
    public var image: ImageReference
    /// Why mlenv chose the image, for `base: auto`.
    public var choice: String?
    /// For `base: auto`, the images that came next and why each lost.
    public var runnersUp: [String] = []
    /// What the catalog knows about the image, if it lists it.
    public var catalogImage: CatalogImage?
    /// What the image's name says.
    public var traits: BaseImageTraits
    /// The Python the image itself comes with (the catalog's, else its tag's), whatever the spec says.
    public var imagePython: Fact<DottedVersion>
    /// The CUDA toolkit the image itself comes with (the catalog's, else its tag's).
    public var imageCUDA: Fact<DottedVersion>
    /// The Python the environment runs: the spec's, else the image's.
    public var python: Fact<DottedVersion>
    /// The CUDA toolkit: the spec's, else the image's; nil for CPU-only.
    public var cuda: Fact<DottedVersion>
    /// Whether the spec says `cuda: none`.
    public var cpuOnly: Bool
    /// The framework: the spec's, else the one the image ships.
    public var framework: FrameworkName?
    /// The framework version: the lock's exact release, else the spec's prefix, else the image's
    /// exact version.
    public var frameworkVersion: String?
    /// How pip installs the framework, when the image does not ship it.
    public var frameworkInstall: FrameworkInstall?
    /// The framework pip's requirements pin, when the spec has no `framework:` and the image
    /// ships none: judged by the rules, installed by pip with the rest (never by mlenv).
    public var pinnedFramework: PinnedFramework?
    /// What shows that the image compiles CUDA code, when the spec does.
    public var cudaCompilation: CUDACompilation?
    /// `packages.requirements`, as pip reads them.
    public var requirements: ProjectRequirements
    /// Every pip requirement and constraint pip is given: the requirements files' in pip's
    /// order, then `packages.pip`.
    public var pip: [PipEntry]

    /// The framework the rules judge: the spec's or the image's, else the one pip's requirements pin.
    var judgedFramework: FrameworkName? { framework ?? pinnedFramework?.framework }

    /// The version of `judgedFramework`.
    var judgedFrameworkVersion: String? { framework == nil ? pinnedFramework?.version : frameworkVersion }

    /// The wheels of `judgedFramework`: mlenv's install, else the pinned framework's wheels.
    var judgedInstall: FrameworkInstall? { frameworkInstall ?? (framework == nil ? pinnedFramework?.wheels : nil) }

    /// `project:`, as its pyproject.toml says.
    public var project: PythonProject? { requirements.project }

    /// Whether the base image ships the framework (so pip must leave it alone).
    public var imageShipsFramework: Bool { shippedFramework != nil }

    /// The framework built into the base image, from the catalog or the image's name.
    public var shippedFramework: FrameworkName? { catalogImage?.framework ?? traits.framework }

    /// Whether JupyterLab is already installed in the base.
    public var imageShipsJupyter: Bool { catalogImage?.shipsJupyter ?? traits.shipsJupyter }
}
