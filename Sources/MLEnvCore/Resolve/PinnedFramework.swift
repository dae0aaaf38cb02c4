/// The framework pip's requirements pin when the spec has no `framework:` and the image ships
/// none: `torch==2.4.1` in requirements.txt, `jax[cuda12]==0.4.30` in pyproject.toml's
/// dependencies. The rules judge it as if `framework:` declared it, from the pin's position; mlenv
/// installs nothing for it (pip installs it with the rest of the requirements), so
/// `ResolvedEnvironment.framework` and `frameworkInstall`, which the Translator reads, stay nil.
public struct PinnedFramework: Sendable {
    /// The framework.
    public var framework: FrameworkName
    /// The pinned release: `2.4.1` for `==2.4.1` (or `==2.4.1+cu118`), `2.4` for `==2.4.*`.
    public var version: String
    /// The requirement that pins it.
    public var entry: PipEntry
    /// The wheels pip installs, described as `FrameworkInstall` describes mlenv's own (its
    /// `words` are empty: mlenv runs no install for them); nil when the wheels' CUDA is not known
    /// or they bring none.
    public var wheels: FrameworkInstall?
    /// Whether the wheels bring their own CUDA (known or not), so the image's toolkit is not what
    /// the framework runs with: PyTorch's CUDA builds, `jax[cuda12]`, `tensorflow[and-cuda]`.
    public var bringsCUDA: Bool

    /// "PyTorch 2.4.1 from requirements.txt:3".
    public var origin: String {
        "\(framework.displayName) \(version) from \(MLEnv.lastComponent(entry.file)):\(entry.location.line)"
    }

    /// The note diagnostics about it carry, at the pin.
    var note: DiagnosticNote {
        DiagnosticNote(
            "the spec has no `framework:`; mlenv judges \(origin) (`\(entry.value.text)`)", file: entry.file,
            at: entry.location)
    }

    /// The one framework that `pip` pins exactly, when the spec has no `framework:` and the image
    /// ships none; nil when none or more than one does, or the catalog does not know the release.
    /// Entries under a marker (they may not apply), with a URL, and constraints (they install
    /// nothing) are not read.
    static func find(
        _ pip: [PipEntry], requirements: ProjectRequirements, index: PackageIndex, cpuOnly: Bool,
        cuda: DottedVersion?, catalog: Catalog
    ) -> PinnedFramework? {
        var found: [(FrameworkName, String, String?, PipEntry)] = []
        for entry in pip where entry.role != .constraint && entry.value.url == nil && entry.value.marker == nil {
            guard
                let framework = [FrameworkName.pytorch, .tensorflow, .jax].first(where: {
                    $0.pipDistributions.first == entry.value.normalizedName
                }),
                entry.value.specifiers.specifiers.count == 1,
                let pin = entry.value.specifiers.specifiers.first, pin.op == .equal,
                let parsed = PEP440Version(pin.versionText)
            else { continue }
            // `==2.4.1+cu118`: the local label names the build; the release is the part before it.
            let version = String(pin.versionText.split(separator: "+", maxSplits: 1)[0])
            let local = parsed.local.isEmpty ? nil : parsed.local.joined(separator: ".")
            guard !Compatibility.releases(framework, version, in: catalog).isEmpty else { continue }
            found.append((framework, version, local, entry))
        }
        // Two pins (of one framework or two) leave the question open: PipRule reports contradictions.
        guard found.count == 1, let (framework, version, local, entry) = found.first else { return nil }
        var pinned = PinnedFramework(
            framework: framework, version: version, entry: entry, wheels: nil, bringsCUDA: false)
        guard !cpuOnly else { return pinned }
        switch framework {
        case .pytorch:
            pinned.bringsCUDA = true
            switch pytorchVariant(local: local, requirements: requirements, index: index) {
            case .cpu:
                pinned.bringsCUDA = false
            case .unknown:
                break
            case .pypi:
                // PyPI's default build for the release, when a source confirms which it is.
                pinned.wheels = FrameworkInstall.choose(
                    .pytorch, version: version, cuda: nil, cpuOnly: false, catalog: catalog)
                // Only PyPI's own wheel: a release whose PyPI build is not one of its listed variants is unknown.
                if pinned.wheels?.bundledCUDA == nil || pinned.wheels?.words.count != 1 { pinned.wheels = nil }
            case .variant(let variant):
                guard let wheelCUDA = DottedVersion(Compatibility.cudaOfVariant(variant)) else { break }
                pinned.wheels = FrameworkInstall(
                    description: "PyTorch \(version) built for CUDA \(wheelCUDA)", words: [],
                    bundledCUDA: wheelCUDA, variant: variant)
            }
        case .jax:
            // `jax[cuda12]` (and `cuda12_pip` before 0.4.26) brings CUDA 12 as pip wheels; plain
            // `jax` is CPU-only; `cuda12_local` uses the image's CUDA (JAX's installation guide).
            let extras = entry.value.extras.map { $0.lowercased() }
            if extras.contains(where: { $0.hasPrefix("cuda") && $0.hasSuffix("_local") }) { return pinned }
            let majors = extras.compactMap { extra -> Int? in
                guard extra.hasPrefix("cuda") else { return nil }
                let digits = extra.dropFirst(4).split(separator: "_", maxSplits: 1).first.map(String.init) ?? ""
                return Int(digits)
            }
            guard extras.contains(where: { $0.hasPrefix("cuda") }) else { return pinned }
            pinned.bringsCUDA = true
            let releases = catalog.jax.filter { Compatibility.matches($0.version, prefix: version) }
            guard Set(majors).count == 1, let major = majors.first,
                releases.allSatisfy({ $0.cudaMajors.contains(major) })
            else { return pinned }
            pinned.wheels = FrameworkInstall.choose(
                .jax, version: version, cuda: DottedVersion("\(major)"), cpuOnly: false, catalog: catalog)
        case .tensorflow:
            // Only the `and-cuda` extra (from 2.14) brings CUDA along; plain `tensorflow` loads the
            // image's CUDA libraries (tensorflow.org/install/pip).
            guard entry.value.extras.contains(where: { $0.lowercased() == "and-cuda" }),
                !FrameworkInstall.usesSystemCUDA(.tensorflow, version: version)
            else { return pinned }
            pinned.bringsCUDA = true
            pinned.wheels = FrameworkInstall.choose(
                .tensorflow, version: version, cuda: cuda, cpuOnly: false, catalog: catalog)
            if pinned.wheels?.bundledCUDA == nil { pinned.wheels = nil }
        case .none:
            return nil
        }
        return pinned
    }

    enum PyTorchVariant: Equatable {
        /// PyPI's default build: no other index.
        case pypi
        /// A build PyTorch's index names: `cu118`.
        case variant(String)
        case cpu
        /// An index or link page mlenv cannot read the build from.
        case unknown
    }

    /// Which PyTorch build pip installs: the pin's local label (`+cu118`) names it; else the one
    /// PyTorch's index at `https://download.pytorch.org/whl/cu118` serves, alone or beside PyPI
    /// (its `2.4.1+cu118` sorts above PyPI's `2.4.1`, PEP 440, so pip takes it); else PyPI's. Any
    /// other index, link page or `--no-index` makes it unknown.
    static func pytorchVariant(local: String?, requirements: ProjectRequirements, index: PackageIndex)
        -> PyTorchVariant
    {
        func named(_ label: String) -> PyTorchVariant {
            if label == "cpu" { return .cpu }
            guard label.hasPrefix("cu"), label.count >= 5, label.dropFirst(2).allSatisfy(\.isNumber) else {
                return .unknown
            }
            return .variant(label)
        }
        if let local { return named(local) }
        let urls: [String?] =
            requirements.indexOptions.map(\.value) + index.extraURLs.map { $0.value } + index.findLinks.map { $0.value }
        var variants: [PyTorchVariant] = []
        for url in urls {
            let prefix = "https://download.pytorch.org/whl/"
            guard let url, url.hasPrefix(prefix) else { return .unknown }
            var label = String(url.dropFirst(prefix.count))
            while label.hasSuffix("/") { label.removeLast() }
            let variant = named(label)
            if !variants.contains(variant) { variants.append(variant) }
        }
        guard let only = variants.first else { return .pypi }
        return variants.count == 1 ? only : .unknown
    }
}

extension PinnedFramework {
    /// A fix-it's way to reach `release`: the pinned release from another PyTorch index, else
    /// another pin.
    func fix(_ release: SuggestedRelease) -> String {
        if framework == .pytorch, let variant = release.variant, variant.hasPrefix("cu"),
            Compatibility.matches(release.release, prefix: version)
        {
            return "have pip take `\(entry.value.text)` from PyTorch's \(variant) index "
                + "(`--index-url https://download.pytorch.org/whl/\(variant)`)"
        }
        return "pin \(release.named(framework)) in \(entry.place) instead of `\(entry.value.text)`"
    }
}
