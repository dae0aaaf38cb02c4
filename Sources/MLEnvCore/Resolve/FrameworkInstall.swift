/// The framework installed with pip on a base image that does not ship it.
/// A resolve decision: which wheels (and from which index) give the spec's framework, made
/// from the catalog's release tables; the build recipe carries it to the renderers.
public struct FrameworkInstall: Sendable, Equatable {
    /// What the Dockerfile's comment says.
    public var description: String
    /// The words after `pip install`: the requirement, then index options.
    public var words: [String]
    /// Whether the spec named no version, so pip takes the newest release.
    public var unpinned: Bool

    init(description: String, words: [String], unpinned: Bool = false) {
        self.description = description
        self.words = words
        self.unpinned = unpinned
    }

    /// The install for an environment whose image does not ship its framework; nil when the
    /// image ships it or the spec names none.
    static func choose(_ environment: ResolvedEnvironment, catalog: Catalog) -> FrameworkInstall? {
        guard !environment.imageShipsFramework, let framework = environment.framework,
              environment.spec.framework != nil else { return nil }
        var install = choose(framework, version: environment.frameworkVersion, cuda: environment.cuda.any,
                             cpuOnly: environment.cpuOnly, catalog: catalog)
        install?.unpinned = environment.frameworkVersion == nil
        return install
    }

    static func choose(_ framework: FrameworkName, version: String?, cuda: DottedVersion?, cpuOnly: Bool,
                       catalog: Catalog) -> FrameworkInstall? {
        let pin = version.map { $0.split(separator: ".").count >= 3 ? "==\($0)" : "==\($0).*" } ?? ""
        let cudaMajor = cuda.map { String($0.major) }
        let versionText = version.map { " \($0)" } ?? ""
        switch framework {
        case .pytorch:
            if cpuOnly {
                return FrameworkInstall(description: "PyTorch\(versionText), CPU build from PyTorch's own index",
                                        words: ["torch\(pin)", "--index-url", "https://download.pytorch.org/whl/cpu"])
            }
            let releases = catalog.pytorch.filter { release in version.map { Compatibility.matches(release.version, prefix: $0) } ?? false }
            if let cuda, case let variant = Compatibility.pytorchVariant(cuda),
               releases.contains(where: { $0.cudaWheels.contains { $0.any == variant } }) {
                return FrameworkInstall(description: "PyTorch\(versionText) built for CUDA \(cuda.prefix(2)), from PyTorch's own index",
                                        words: ["torch\(pin)", "--index-url", "https://download.pytorch.org/whl/\(variant)"])
            }
            return FrameworkInstall(description: "PyTorch\(versionText) from PyPI (Linux wheels bundle their CUDA libraries)",
                                    words: ["torch\(pin)"])
        case .tensorflow:
            // The `and-cuda` extra, which brings CUDA's pip wheels, exists from TensorFlow 2.14
            // (tensorflow.org/install/pip); older releases use the system's CUDA.
            let hasExtra = version.flatMap(PEP440Version.init).map { $0 >= PEP440Version(release: [2, 14]) } ?? true
            let extra = cpuOnly || !hasExtra ? "" : "[and-cuda]"
            return FrameworkInstall(description: "TensorFlow\(versionText) from PyPI" + (extra.isEmpty ? "" : " with its CUDA libraries"),
                                    words: ["tensorflow\(extra)\(pin)"])
        case .jax:
            guard !cpuOnly, let cudaMajor else {
                return FrameworkInstall(description: "JAX\(versionText) from PyPI, CPU only", words: ["jax\(pin)"])
            }
            // JAX names its CUDA extras differently over time (`cuda12_pip` and a find-links
            // page before 0.4.26, `cuda12` after): take what the catalog says the release has.
            let releases = catalog.jax.filter { release in version.map { Compatibility.matches(release.version, prefix: $0) } ?? true }
            let extras = Set(releases.flatMap { $0.cudaExtras.compactMap(\.any) })
            if !extras.contains("cuda\(cudaMajor)"), extras.contains("cuda\(cudaMajor)_pip") {
                return FrameworkInstall(description: "JAX\(versionText) with CUDA \(cudaMajor) wheels from JAX's release page",
                                        words: ["jax[cuda\(cudaMajor)_pip]\(pin)", "-f", "https://storage.googleapis.com/jax-releases/jax_cuda_releases.html"])
            }
            return FrameworkInstall(description: "JAX\(versionText) from PyPI with CUDA \(cudaMajor) wheels",
                                    words: ["jax[cuda\(cudaMajor)]\(pin)"])
        case .none:
            return nil
        }
    }
}
