/// The compatibility questions that several rules and `base: auto` ask, answered from the
/// catalog. Every answer says when a fact is unknown, so callers never turn that into an error.
enum Compatibility {
    /// Whether a driver runs a CUDA toolkit.
    enum DriverVerdict: Equatable {
        /// At or above the toolkit's own minimum.
        case supported
        /// Below the toolkit's minimum but within CUDA minor-version compatibility (no PTX JIT).
        case minorVersionCompatible(toolkitMinimum: DottedVersion)
        /// Below both, but the image ships NVIDIA's forward-compatibility libraries for this
        /// driver branch (data-center GPUs only).
        case forwardCompatible(branch: String)
        /// Too old.
        case tooOld(required: DottedVersion)
        /// The catalog does not know.
        case unknown
    }

    static func driver(
        _ driver: DottedVersion, runs toolkit: DottedVersion, catalog: Catalog,
        image: CatalogImage?, gpu: GPUModel?
    ) -> DriverVerdict {
        guard let entry = catalog.toolkit(toolkit) else { return .unknown }
        // A branch-only entry (13.3: "R610") still gives a floor: the branch number.
        let minimum = entry.minimumDriver.known ?? entry.branch.flatMap { DottedVersion(String($0.dropFirst())) }
        guard let minimum else { return .unknown }
        if driver >= minimum { return .supported }
        if let floor = entry.minorCompatibilityDriver.known, driver >= floor {
            return .minorVersionCompatible(toolkitMinimum: minimum)
        }
        if let image, gpu.map(isDataCenter) ?? false {
            let branch = String(driver.major)
            if let match = image.forwardCompatibleDrivers.first(where: {
                $0.hasPrefix(branch) || $0.contains("R\(branch)")
            }) {
                return .forwardCompatible(branch: match)
            }
        }
        return .tooOld(required: minimum)
    }

    /// Data-center GPUs are the ones CUDA forward compatibility supports.
    static func isDataCenter(_ gpu: GPUModel) -> Bool {
        let key = gpu.key
        return
            !(key.hasPrefix("RTX") || key.hasPrefix("GTX") || gpu.name.contains("GeForce")
            || gpu.name.contains("Jetson"))
    }

    /// `cu121` for CUDA 12.1.
    static func pytorchVariant(_ cuda: DottedVersion) -> String { "cu\(cuda.major)\(cuda.minor)" }

    /// The CUDA version of a PyTorch wheel variant (`cu118` -> 11.8).
    static func cudaOfVariant(_ variant: String) -> String {
        let digits = variant.dropFirst(2)
        guard digits.count >= 3 else { return variant }
        return "\(digits.dropLast()).\(digits.suffix(1))"
    }

    /// Releases of `framework` whose version starts with `prefix` (all releases when nil).
    static func releases(_ framework: FrameworkName, _ prefix: String?, in catalog: Catalog) -> [PEP440Version] {
        let versions: [PEP440Version]
        switch framework {
        case .pytorch: versions = catalog.pytorch.map(\.version)
        case .tensorflow: versions = catalog.tensorflow.filter { $0.package == "tensorflow" }.map(\.version)
        case .jax: versions = catalog.jax.map(\.version)
        case .none: versions = []
        }
        guard let prefix, let wanted = PEP440Version(prefix) else { return versions }
        return versions.filter { $0.hasReleasePrefix(wanted.release) }
    }

    /// Whether `version` (a framework version such as NGC's `2.1.0a0+32f93b1`) is the release
    /// the spec asks for with `prefix` (`2.1` means any 2.1.x).
    static func matches(_ version: PEP440Version, prefix: String) -> Bool {
        matcher(prefix)(version)
    }

    /// `matches` with the prefix parsed once, for filtering a catalog table.
    static func matcher(_ prefix: String) -> (PEP440Version) -> Bool {
        guard let wanted = PEP440Version(prefix)?.release else { return { _ in false } }
        return { $0.hasReleasePrefix(wanted) }
    }

    /// `major.minor` of a Python version.
    static func minor(_ version: DottedVersion) -> DottedVersion { version.prefix(2) }
}
