/// What mlenv knows about images, frameworks, CUDA, drivers and GPUs. The built-in tables come
/// from shared/reference through `Catalog/Data/*.yaml`; `--catalog FILE` adds more.
public struct Catalog: Sendable {
    /// Images whose contents are known (NGC framework containers, and a team's own).
    public var images: [CatalogImage] = [] {
        didSet { imageIndex = Self.index(images) }
    }
    /// `images` by canonical repository and tag, first entry wins: every spec looks its base up.
    private var imageIndex: [String: Int] = [:]
    /// PyTorch releases and their wheels.
    public var pytorch: [PyTorchRelease] = []
    /// TensorFlow's tested configurations.
    public var tensorflow: [TensorFlowRelease] = []
    /// JAX releases.
    public var jax: [JAXRelease] = []
    /// What torchvision and torchaudio require of torch, and jax of jaxlib.
    public var companions: [CompanionRequirement] = []
    /// CUDA toolkits.
    public var toolkits: [CUDAToolkit] = []
    /// GPU models.
    public var gpus: [GPUModel] = [] {
        didSet { gpuKeys = gpus.map(\.key) }
    }
    /// `gpus`' matching keys, made once: every spec with a host looks its GPU up, and making a
    /// key splits and upper-cases the name.
    private var gpuKeys: [String] = []
    /// GPU architectures and when CUDA dropped them.
    public var architectures: [ArchitectureLifecycle] = []
    /// The tables read, with their sources: table name -> (source key -> description).
    public var tables: [CatalogTable] = []

    /// SHA-256 over every table's text, so a lock can say which knowledge it was made with.
    /// Computed when asked for (only `lock` asks): hashing the built-in tables was an eighth of
    /// reading them, on every run.
    public var fingerprint: String { fingerprintSource.hex }
    var fingerprintSource = FingerprintSource.empty

    /// An empty catalog.
    public init() {}

    /// Adds another catalog's entries; an image listed in both is taken from `other`.
    public mutating func merge(_ other: Catalog) {
        let replaced = Set(other.images.map(\.reference.description))
        images = images.filter { !replaced.contains($0.reference.description) } + other.images
        pytorch += other.pytorch
        tensorflow += other.tensorflow
        jax += other.jax
        companions += other.companions
        toolkits += other.toolkits
        gpus += other.gpus
        architectures += other.architectures
        tables += other.tables
        fingerprintSource = FingerprintSource(merging: fingerprintSource, other.fingerprintSource)
    }

    /// What a catalog's fingerprint is made from: the hash of nothing, of a table's text, or of
    /// two fingerprints' hex digits one after the other (a merge). A class rather than an
    /// indirect enum: LeakSanitizer cannot follow an enum box's tagged pointer, and the fuzzer
    /// reported the built-in catalog's boxes as leaked.
    final class FingerprintSource: Sendable {
        private let text: [UInt8]?
        private let merged: [FingerprintSource]
        private let digest: String?

        static let empty = FingerprintSource(text: nil, merged: [])

        private init(text: [UInt8]?, merged: [FingerprintSource], digest: String? = nil) {
            self.text = text
            self.merged = merged
            self.digest = digest
        }

        /// A table's text.
        convenience init(text: [UInt8]) { self.init(text: text, merged: []) }

        /// Two catalogs merged, `first` first.
        convenience init(merging first: FingerprintSource, _ second: FingerprintSource) {
            self.init(text: nil, merged: [first, second])
        }

        /// A fingerprint already computed: the built-in catalog's, compiled in with its tables.
        convenience init(digest: String) { self.init(text: nil, merged: [], digest: digest) }

        var hex: String {
            if let digest { return digest }
            if let text { return SHA256.hex(text) }
            if merged.count == 2 { return SHA256.hex(Array((merged[0].hex + merged[1].hex).utf8)) }
            return SHA256.hex([])
        }
    }

    /// The catalog entry for an image reference, comparing registry and repository the way
    /// Docker does (`python` is `docker.io/library/python`).
    public func image(_ reference: ImageReference) -> CatalogImage? {
        let repository = reference.canonicalRepository
        if let index = imageIndex[Self.key(repository, reference.tag)] { return images[index] }
        // `-igpu` variants ship what their plain tag ships.
        guard let tag = reference.tag, tag.hasSuffix("-igpu") else { return nil }
        return imageIndex[Self.key(repository, String(tag.dropLast(5)))].map { images[$0] }
    }

    private static func key(_ repository: String, _ tag: String?) -> String {
        repository + "\u{0}" + (tag ?? "")
    }

    private static func index(_ images: [CatalogImage]) -> [String: Int] {
        var index: [String: Int] = [:]
        for (position, image) in images.enumerated() {
            let key = key(image.reference.canonicalRepository, image.reference.tag)
            if index[key] == nil { index[key] = position }
        }
        return index
    }

    /// The toolkit entry for a CUDA version: the exact release, else the newest update of the
    /// same major.minor (so `12.2` means the latest 12.2.x listed).
    public func toolkit(_ version: DottedVersion) -> CUDAToolkit? {
        if let exact = toolkits.first(where: { $0.version == version && $0.version.parts.count >= version.parts.count })
        {
            return exact
        }
        return toolkits.filter { $0.version.hasSameMinor(as: version) }.max { $0.version < $1.version }
    }

    /// The GPU model a host inventory names (`A100-SXM4-80GB` is the A100).
    public func gpu(named model: String) -> GPUModel? {
        let wanted = GPUModel.key(model)
        var best: Int?
        for (index, key) in gpuKeys.enumerated() where wanted.hasPrefix(key) {
            let rest = wanted.dropFirst(key.count)
            guard rest.first.map({ !$0.isASCIIAlnum }) ?? true else { continue }
            if best.map({ gpuKeys[$0].count < key.count }) ?? true { best = index }
        }
        return best.map { gpus[$0] }
    }
}

/// A catalog table as read: its name and the sources it names.
public struct CatalogTable: Sendable {
    /// The table's name (`ngc_images`, or a user catalog's file).
    public var name: String
    /// What the table holds.
    public var description: String
    /// Source key -> description.
    public var sources: [(key: String, description: String)]
}

/// One image whose contents are known.
public struct CatalogImage: Sendable {
    /// The image.
    public var reference: ImageReference
    /// Ubuntu release, e.g. `22.04`.
    public var ubuntu: Fact<String>
    /// The Python it ships.
    public var python: Fact<DottedVersion>
    /// The CUDA toolkit it ships.
    public var cuda: Fact<DottedVersion>
    /// cuDNN.
    public var cudnn: Fact<String>
    /// The framework built into the image, if any.
    public var framework: FrameworkName?
    /// That framework's exact version (NVIDIA's builds are pre-releases: `2.1.0a0+32f93b1`).
    public var frameworkVersion: Fact<PEP440Version>
    /// The minimum driver the image's notes state.
    public var minimumDriver: Fact<DottedVersion>
    /// Data-center driver branches the image runs on through CUDA forward compatibility.
    public var forwardCompatibleDrivers: [String]
    /// Whether JupyterLab is installed.
    public var shipsJupyter: Bool
    /// What NVIDIA's container toolkit checks before it starts the image with GPUs: its
    /// `NVIDIA_REQUIRE_CUDA` (NGC images: `cuda>=9.0`); empty when the image asks nothing, nil
    /// when not known.
    public var nvidiaRequireCUDA: String? = nil
    /// The table the entry comes from, and its source keys.
    public var table: String
    public var sources: [String]
}

/// A PyTorch release.
public struct PyTorchRelease: Sendable {
    public var version: PEP440Version
    public var pythonMinimum: Fact<DottedVersion>
    public var pythonMaximum: Fact<DottedVersion>
    /// `cu118`, `cu121`... with whether each is only likely.
    public var cudaWheels: [Fact<String>]
    /// The CUDA variant `pip install torch` gets on Linux x86_64.
    public var pypiDefault: Fact<String>
    /// The GPU code each CUDA variant's Linux x86_64 wheels carry, where known.
    public var wheelCode: [PyTorchWheelCode] = []

    /// The GPU code of one variant's wheels; unknown when the catalog does not say.
    public func code(_ variant: String) -> (cubins: Fact<[Int]>, ptx: Fact<[Int]>) {
        guard let entry = wheelCode.first(where: { $0.variant == variant }) else { return (.unknown, .unknown) }
        return (entry.cubins, entry.ptx)
    }
}

/// The GPU code one CUDA variant of a PyTorch release carries: the `TORCH_CUDA_ARCH_LIST` its
/// wheels were built with.
public struct PyTorchWheelCode: Sendable {
    /// `cu128`.
    public var variant: String
    /// The cubins, `sm_XY` written XY (`sm_120` is 120).
    public var cubins: Fact<[Int]>
    /// The PTX embedded, `compute_XY` written XY; known and empty when there is none.
    public var ptx: Fact<[Int]>
}

/// A TensorFlow release's tested configuration.
public struct TensorFlowRelease: Sendable {
    public var package: String
    public var version: PEP440Version
    public var pythonMinimum: Fact<DottedVersion>
    public var pythonMaximum: Fact<DottedVersion>
    /// The CUDA it was built and tested with.
    public var cuda: Fact<DottedVersion>
}

/// A JAX release.
public struct JAXRelease: Sendable {
    public var version: PEP440Version
    public var pythonMinimum: Fact<DottedVersion>
    /// The newest Python jaxlib of the same version has wheels for (jax itself is pure Python).
    public var pythonMaximum: Fact<DottedVersion> = .unknown
    /// CUDA majors with `jax[cudaN]` wheels.
    public var cudaMajors: [Int]
    /// The lowest CUDA of each major the wheels accept (jaxlib's CUDA 11 wheels from 0.4.8 need
    /// 11.8), where the reference states it.
    public var cudaMinimums: [DottedVersion] = []
    /// The pip extras that bring CUDA (`cuda12`, or before 0.4.26 `cuda12_pip`).
    public var cudaExtras: [Fact<String>]

    /// The lowest CUDA of `major` the release's wheels accept, when known.
    public func cudaMinimum(major: Int) -> DottedVersion? { cudaMinimums.first { $0.major == major } }
}

/// What one release (or, for torchvision and torchaudio, one minor line) of a package requires of
/// its partner, from the wheel's `Requires-Dist`: torchvision 0.16 needs torch `==2.1.*`.
public struct CompanionRequirement: Sendable {
    /// `torchvision`, `torchaudio`, `jax`.
    public var package: String
    /// The release, or the minor line (`0.16`) for torchvision and torchaudio.
    public var version: PEP440Version
    /// `torch`, `jaxlib`.
    public var partner: String
    /// The partner versions it accepts.
    public var requires: SpecifierSet

    /// Whether the entry is for a minor line rather than one release.
    var isLine: Bool { package == "torchvision" || package == "torchaudio" }

    /// The versions of its package the entry describes: the line's (`0.16` is `==0.16.*`: 0.16.0,
    /// 0.16.2, 0.16.0rc1), or the one release.
    var region: VersionInterval {
        let release = version.withoutLocal
        guard isLine else {
            return VersionInterval(lower: .init(release, inclusive: true), upper: .init(release, inclusive: true))
        }
        return .prefix(Array(release.release.prefix(2)), epoch: release.epoch)
    }

    /// Whether the entry describes `version` of its package (a local label is the same release).
    func describes(_ candidate: PEP440Version) -> Bool { region.contains(candidate.withoutLocal) }
}

/// A CUDA toolkit release.
public struct CUDAToolkit: Sendable {
    public var version: DottedVersion
    /// The minimum Linux driver for the full toolkit.
    public var minimumDriver: Fact<DottedVersion>
    /// The driver branch (`R535`).
    public var branch: String?
    /// The lowest driver that runs it through minor-version compatibility.
    public var minorCompatibilityDriver: Fact<DottedVersion>
    /// Lowest and highest `sm_NN` nvcc compiles for.
    public var minimumSM: Fact<Int>
    public var maximumSM: Fact<Int>
    /// The `NVIDIA_REQUIRE_CUDA` of NVIDIA's `nvidia/cuda:VERSION-*` images (linux/amd64), when known.
    public var imageRequirement: String? = nil
    /// The `nvidia/cuda` tags of this version NVIDIA lists as supported (`12.8.1-runtime-ubuntu24.04`):
    /// the only ones `base: auto` chooses.
    public var imageTags: [String] = []
}

/// A GPU model.
public struct GPUModel: Sendable {
    public var name: String
    public var computeCapability: Fact<DottedVersion>
    public var architecture: String
    /// The first CUDA toolkit with native code for it.
    public var minimumCUDA: Fact<DottedVersion>

    /// The model without vendor words, upper-cased, for matching (`NVIDIA A100` -> `A100`).
    var key: String { Self.key(name) }

    static func key(_ name: String) -> String {
        var words = name.uppercased().split(whereSeparator: { $0 == " " || $0 == "_" }).map(String.init)
        while let first = words.first, ["NVIDIA", "TESLA", "GEFORCE", "QUADRO"].contains(first) { words.removeFirst() }
        return words.joined(separator: " ").split(separator: "(").first.map { String($0).trimmingSpaces } ?? ""
    }
}

/// An architecture and the CUDA release that dropped it.
public struct ArchitectureLifecycle: Sendable {
    public var architecture: String
    public var computeCapabilities: [DottedVersion]
    /// The last toolkit that compiles for it; nil while supported.
    public var lastCUDA: Fact<DottedVersion>
    public var lastDriverBranch: String?
}
