/// The framework installed with pip on a base image that does not ship it.
/// A resolve decision: which wheels (and from which index) give the spec's framework, made
/// from the catalog's release tables and, when a host is given, its driver and GPUs; the build
/// recipe carries it to the renderers.
public struct FrameworkInstall: Sendable, Equatable {
    /// What the Dockerfile's comment says.
    public var description: String
    /// The words after `pip install`: the requirement, then index options.
    public var words: [String]
    /// Whether the spec named no version, so pip takes the newest release.
    public var unpinned: Bool
    /// The CUDA the wheels bring with them as `nvidia-*` wheels (PyTorch's cu126: 12.6,
    /// `jax[cuda12]`: the release's floor for CUDA 12, 12.1 from 0.4.26, or 12 where the catalog
    /// has none; TensorFlow's `and-cuda` extra: its tested CUDA): what the host's
    /// driver must run, whatever the image's toolkit is. Nil when the framework uses the image's
    /// CUDA, or runs on the CPU, or the catalog does not know.
    public var bundledCUDA: DottedVersion?
    /// The wheel variant chosen: `cu126` (PyTorch's index), `cuda12` (JAX's extra).
    public var variant: String?
    /// Why the wheels' CUDA is not the one the spec (or its image) names; nil when it is.
    public var choice: WheelChoice?

    init(
        description: String, words: [String], unpinned: Bool = false, bundledCUDA: DottedVersion? = nil,
        variant: String? = nil, choice: WheelChoice? = nil
    ) {
        self.description = description
        self.words = words
        self.unpinned = unpinned
        self.bundledCUDA = bundledCUDA
        self.variant = variant
        self.choice = choice
    }

    /// The install for an environment whose image does not ship its framework; nil when the
    /// image ships it or the spec names none.
    static func choose(_ environment: ResolvedEnvironment, catalog: Catalog, host: HostSpec?) -> FrameworkInstall? {
        guard !environment.imageShipsFramework, let framework = environment.framework,
            environment.spec.framework != nil
        else { return nil }
        let fit = WheelFit(environment, catalog: catalog, host: host)
        var install = choose(
            framework, version: environment.frameworkVersion, cuda: environment.cuda.any,
            cpuOnly: environment.cpuOnly, catalog: catalog, fit: fit)
        install?.unpinned = environment.frameworkVersion == nil
        if framework == .pytorch { install = install.map { withCompanions($0, spec: environment.spec) } }
        return install
    }

    /// torchvision and torchaudio from `packages.pip` go into PyTorch's own install, from the same
    /// index: PyTorch's index builds them for the same CUDA as torch, while PyPI's are built for
    /// PyPI's default CUDA (a torch from `whl/cu118` beside a torchvision from PyPI fails with
    /// "PyTorch and torchvision were compiled with different CUDA versions", or does not resolve).
    /// requirements.txt still lists them; pip finds them installed there.
    static func withCompanions(_ install: FrameworkInstall, spec: EnvironmentSpec) -> FrameworkInstall {
        guard let index = install.words.firstIndex(of: "--index-url"), index + 1 < install.words.count,
            install.words[index + 1].hasPrefix("https://download.pytorch.org/whl/")
        else { return install }
        let companions = spec.pip.map(\.value).filter { requirement in
            ["torchvision", "torchaudio"].contains(requirement.normalizedName) && requirement.url == nil
        }
        guard !companions.isEmpty else { return install }
        var result = install
        var texts: [String] = []
        var names: [String] = []
        for companion in companions {
            if !texts.contains(companion.text) { texts.append(companion.text) }
            if !names.contains(companion.normalizedName) { names.append(companion.normalizedName) }
        }
        result.words.insert(contentsOf: texts, at: index)
        result.description += ", with \(names.joined(separator: " and ")) from the same index"
        return result
    }

    /// Whether the framework's GPU wheels use the system's CUDA libraries instead of bringing their
    /// own: TensorFlow before 2.14, which has no `and-cuda` extra (the extra, which brings CUDA's
    /// pip wheels, exists from 2.14: tensorflow.org/install/pip).
    static func usesSystemCUDA(_ framework: FrameworkName, version: String?) -> Bool {
        guard framework == .tensorflow else { return false }
        return version.flatMap(PEP440Version.init).map { $0 < PEP440Version(release: [2, 14]) } ?? false
    }

    static func choose(
        _ framework: FrameworkName, version: String?, cuda: DottedVersion?, cpuOnly: Bool,
        catalog: Catalog, fit: WheelFit = WheelFit()
    ) -> FrameworkInstall? {
        let pin = version.map { $0.split(separator: ".").count >= 3 ? "==\($0)" : "==\($0).*" } ?? ""
        let versionText = version.map { " \($0)" } ?? ""
        switch framework {
        case .pytorch:
            if cpuOnly {
                return FrameworkInstall(
                    description: "PyTorch\(versionText), CPU build from PyTorch's own index",
                    words: ["torch\(pin)", "--index-url", "https://download.pytorch.org/whl/cpu"])
            }
            let releases = catalog.pytorch.filter { release in
                version.map { Compatibility.matches(release.version, prefix: $0) } ?? false
            }
            let pypi = FrameworkInstall(
                description: "PyTorch\(versionText) from PyPI (Linux wheels bundle their CUDA libraries)",
                words: ["torch\(pin)"])
            guard let newest = releases.max(by: { $0.version < $1.version }) else { return pypi }
            // Each variant with the newest release that has it: the one pip installs from its index.
            var offered: [(variant: String, cuda: DottedVersion, release: PyTorchRelease)] = []
            for release in releases.sorted(by: { $0.version > $1.version }) {
                for wheel in release.cudaWheels {
                    guard let variant = wheel.any, !offered.contains(where: { $0.variant == variant }),
                        let wheelCUDA = DottedVersion(Compatibility.cudaOfVariant(variant))
                    else { continue }
                    offered.append((variant, wheelCUDA, release))
                }
            }
            let pypiVariant = newest.pypiDefault.any
            let requested = cuda.map(Compatibility.pytorchVariant)
            // The variant to be near: the spec's CUDA, else the one PyPI's wheel has.
            let wanted = requested ?? pypiVariant
            let target = cuda ?? pypiVariant.flatMap { DottedVersion(Compatibility.cudaOfVariant($0)) }
            // Native code for the host's GPU first, then the wanted variant, then the nearest.
            func pick(_ fit: WheelFit) -> String? {
                guard let target else { return nil }
                return offered.compactMap { entry in
                    fit.rank(entry.cuda, code: entry.release.code(entry.variant)).map { rank in
                        (
                            entry.variant,
                            [rank, entry.variant == wanted ? 0 : 1] + WheelFit.distance(entry.cuda, from: target)
                        )
                    }
                }.min { $0.1.lexicographicallyPrecedes($1.1) }?.0
            }
            let unconstrained = pick(WheelFit())
            // When nothing fits the host, the variant it would get without one: the host checks judge it.
            guard let variant = pick(fit) ?? unconstrained, let entry = offered.first(where: { $0.variant == variant })
            else { return pypi }
            let choice =
                variant == wanted
                ? nil
                : WheelChoice(
                    requested: offered.contains { $0.variant == wanted } ? wanted : nil,
                    offered: offered.sorted { $0.cuda < $1.cuda }.map(\.variant), forHost: variant != unconstrained)
            if requested == nil, variant == pypiVariant {
                // PyPI's wheel; its CUDA is judged only when a source confirms which it is.
                var install = pypi
                if newest.pypiDefault.known != nil {
                    install.bundledCUDA = entry.cuda
                    install.variant = variant
                }
                return install
            }
            return FrameworkInstall(
                description: "PyTorch\(versionText) built for CUDA \(entry.cuda), from PyTorch's own index",
                words: ["torch\(pin)", "--index-url", "https://download.pytorch.org/whl/\(variant)"],
                bundledCUDA: entry.cuda, variant: variant, choice: choice)
        case .tensorflow:
            let extra = cpuOnly || usesSystemCUDA(.tensorflow, version: version) ? "" : "[and-cuda]"
            var install = FrameworkInstall(
                description: "TensorFlow\(versionText) from PyPI" + (extra.isEmpty ? "" : " with its CUDA libraries"),
                words: ["tensorflow\(extra)\(pin)"])
            if !extra.isEmpty, let version {
                let builds = catalog.tensorflow.filter {
                    $0.package == "tensorflow" && Compatibility.matches($0.version, prefix: version)
                }
                // The newest release whose CUDA is confirmed: a patch release known from PyPI carries its
                // minor's CUDA only as likely, and a likely fact never decides a check.
                install.bundledCUDA = builds.filter { $0.cuda.known != nil }.max { $0.version < $1.version }?.cuda.known
                if let bundled = install.bundledCUDA, let cuda, !bundled.hasSameMinor(as: cuda) {
                    install.choice = WheelChoice(requested: nil, offered: [], forHost: false)
                }
            }
            return install
        case .jax:
            guard !cpuOnly, let cuda else {
                return FrameworkInstall(description: "JAX\(versionText) from PyPI, CPU only", words: ["jax\(pin)"])
            }
            // JAX names its CUDA extras differently over time (`cuda12_pip` and a find-links
            // page before 0.4.26, `cuda12` after): take what the catalog says the release has.
            let releases = catalog.jax.filter { release in
                version.map { Compatibility.matches(release.version, prefix: $0) } ?? true
            }
            let extras = Set(releases.flatMap { $0.cudaExtras.compactMap(\.any) })
            // The spec's CUDA major when the release has wheels for it and the host's driver runs
            // them, else the nearest major that fits: the wheels bring their CUDA along.
            let majors = Set(releases.flatMap(\.cudaMajors)).sorted()
            // The wheels bring the newest CUDA of their major that pip finds, and at least the
            // release's floor for it (jaxlib's CUDA 11 wheels need 11.8): the driver is judged by
            // the floor of the newest release pip may take.
            func floor(_ major: Int) -> DottedVersion {
                releases.filter { $0.cudaMajors.contains(major) }.max { $0.version < $1.version }?
                    .cudaMinimum(major: major) ?? DottedVersion("\(major)")!
            }
            func pick(_ fit: WheelFit) -> Int? {
                majors.filter { fit.driverRuns(floor($0)) }
                    .min { (abs($0 - cuda.major), $0) < (abs($1 - cuda.major), $1) }
            }
            let unconstrained = pick(WheelFit())
            let major = pick(fit) ?? unconstrained ?? cuda.major
            let choice =
                major == cuda.major
                ? nil
                : WheelChoice(
                    requested: majors.contains(cuda.major) ? "cuda\(cuda.major)" : nil,
                    offered: majors.map { "cuda\($0)" },
                    forHost: major != unconstrained)
            let bundled = floor(major)
            if !extras.contains("cuda\(major)"), extras.contains("cuda\(major)_pip") {
                return FrameworkInstall(
                    description: "JAX\(versionText) with CUDA \(major) wheels from JAX's release page",
                    words: [
                        "jax[cuda\(major)_pip]\(pin)", "-f",
                        "https://storage.googleapis.com/jax-releases/jax_cuda_releases.html",
                    ],
                    bundledCUDA: bundled, variant: "cuda\(major)", choice: choice)
            }
            return FrameworkInstall(
                description: "JAX\(versionText) from PyPI with CUDA \(major) wheels",
                words: ["jax[cuda\(major)]\(pin)"], bundledCUDA: bundled, variant: "cuda\(major)",
                choice: choice)
        case .none:
            return nil
        }
    }
}

/// Why the framework's wheels bring another CUDA than the spec (or its image) names.
public struct WheelChoice: Sendable, Equatable {
    /// The variant the spec's CUDA names, when the release has it (and the host made mlenv take
    /// another).
    public var requested: String?
    /// The variants the release has, oldest CUDA first.
    public var offered: [String]
    /// Whether the host's driver or GPUs decided it.
    public var forHost: Bool
}

/// What a wheel variant must do on the host: run on its driver (natively or through CUDA
/// minor-version compatibility), carry code for its GPUs, and, when the image compiles CUDA code
/// against the framework, match the toolkit's major (PyTorch's extension builder refuses another).
struct WheelFit {
    var driver: DottedVersion?
    var gpu: Int?
    var toolkitMajor: Int?
    var catalog: Catalog?

    /// No constraint: every variant fits.
    init() {}

    init(_ environment: ResolvedEnvironment, catalog: Catalog, host: HostSpec?) {
        self.catalog = catalog
        if environment.spec.gpus.value != GPURequest.none {
            driver = host?.driver.flatMap { DottedVersion($0.value) }
            gpu = host?.gpuModel.flatMap { catalog.gpu(named: $0.value) }?.computeCapability.known.map(Compatibility.sm)
        }
        if environment.cudaCompilation != nil, environment.judgedFramework == .pytorch {
            toolkitMajor = environment.imageCUDA.known?.major
        }
    }

    /// Whether the host's driver runs CUDA `cuda` (a major, or major.minor) at all; true when
    /// it is not known.
    func driverRuns(_ cuda: DottedVersion) -> Bool { driverVerdict(cuda) != .tooOld }

    private enum DriverFit { case native, minorCompatible, tooOld }

    private func driverVerdict(_ cuda: DottedVersion) -> DriverFit {
        guard let driver, let catalog else { return .native }
        // The first release of the minor: the wheels' exact patch level is not known.
        let release = DottedVersion("\(cuda.major).\(cuda.minor).0")!
        switch Compatibility.driver(driver, runs: release, catalog: catalog, image: nil, gpu: nil) {
        case .supported, .unknown, .forwardCompatible: return .native
        case .minorVersionCompatible: return .minorCompatible
        case .tooOld: return .tooOld
        }
    }

    /// nil when the variant does not fit; else its rank, lower first: native code for the GPU
    /// before PTX JIT or unknown code.
    func rank(_ cuda: DottedVersion, code: (cubins: Fact<[Int]>, ptx: Fact<[Int]>)) -> Int? {
        if let toolkitMajor, toolkitMajor != cuda.major { return nil }
        let driverFit = driverVerdict(cuda)
        if driverFit == .tooOld { return nil }
        guard let gpu else { return 0 }
        switch Compatibility.kernels(cubins: code.cubins, ptx: code.ptx, on: gpu).any {
        case .native?: return 0
        // PTX JIT needs a driver at least as new as the toolkit that wrote the PTX.
        case .jit?: return driverFit == .minorCompatible ? nil : 1
        case nil: return 1
        case .none?: return nil
        }
    }

    /// How far CUDA `cuda` is from `target`: the same major first, then the nearest minor (the
    /// older of two equally near); of another major, the nearest end of it.
    static func distance(_ cuda: DottedVersion, from target: DottedVersion) -> [Int] {
        let majors = cuda.major - target.major
        if majors == 0 { return [0, abs(cuda.minor - target.minor), cuda.minor] }
        return [abs(majors), majors < 0 ? -cuda.minor : cuda.minor, 0]
    }
}
