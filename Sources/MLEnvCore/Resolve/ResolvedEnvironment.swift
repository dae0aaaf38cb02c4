/// A spec with everything the catalog could add: the concrete base image, and the Python, CUDA
/// and framework the environment will really have. Checks and emitters read this.
public struct ResolvedEnvironment: Sendable {
    /// The spec as written.
    public var spec: EnvironmentSpec
    /// The base image; for `base: auto`, the one mlenv chose.
    public var image: ImageReference
    /// Why mlenv chose the image, for `base: auto`.
    public var choice: String?
    /// What the catalog knows about the image, if it lists it.
    public var catalogImage: CatalogImage?
    /// What the image's name says.
    public var traits: BaseImageTraits
    /// The Python the environment runs: the spec's, else the image's.
    public var python: Fact<DottedVersion>
    /// The CUDA toolkit: the spec's, else the image's; nil for CPU-only.
    public var cuda: Fact<DottedVersion>
    /// Whether the spec says `cuda: none`.
    public var cpuOnly: Bool
    /// The framework: the spec's, else the one the image ships.
    public var framework: FrameworkName?
    /// The framework version: the spec's prefix, else the image's exact version.
    public var frameworkVersion: String?

    /// Whether the base image ships the framework (so pip must leave it alone).
    public var imageShipsFramework: Bool { shippedFramework != nil }

    /// The framework built into the base image, from the catalog or the image's name.
    public var shippedFramework: FrameworkName? { catalogImage?.framework ?? traits.framework }

    /// Whether JupyterLab is already installed in the base.
    public var imageShipsJupyter: Bool { catalogImage?.shipsJupyter ?? traits.shipsJupyter }
}
