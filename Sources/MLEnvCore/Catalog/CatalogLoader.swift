/// Reads catalog tables (`Catalog/Data/*.yaml`, or a file given with `--catalog`).
public enum CatalogLoader {
    /// The catalog built into mlenv. Its tables are compiled in as Swift values
    /// (`BuiltInCatalog.generated.swift`) rather than parsed on every run: reading them was a
    /// third to a half of a one-spec `generate`. The YAML stays the reviewed source: a test makes
    /// the Swift file from it with this loader (`BuiltInCatalogTests`, which rewrites it under
    /// `MLENV_UPDATE_GOLDEN=1`), and fails when the compiled catalog is not the loaded one.
    /// Emitting committed Swift from a test, rather than at build time, keeps the parser in
    /// this module: a build-time tool could not depend on the module it generates code for.
    public static let builtIn: Catalog = BuiltInCatalog.catalog

    /// Reads one catalog file.
    public static func load(_ source: SourceFile) -> (Catalog, [Diagnostic]) {
        let document = YAMLReader.read(source.bytes, file: source.path)
        guard let root = document.root else { return (Catalog(), document.diagnostics) }
        var reader = CatalogReader(decoder: NodeDecoder(file: source.path))
        var catalog = reader.read(root)
        catalog.fingerprintSource = Catalog.FingerprintSource(text: source.bytes)
        return (catalog, document.diagnostics + reader.decoder.diagnostics)
    }
}

private struct CatalogReader {
    var decoder: NodeDecoder

    mutating func read(_ root: YAMLNode) -> Catalog {
        var catalog = Catalog()
        guard var fields = decoder.mapping(root, "") else { return catalog }
        guard let version = fields.take("mlenv-catalog"), decoder.integer(version.value, "mlenv-catalog")?.value == 1
        else {
            decoder.report(.invalidCatalog, "a catalog starts with `mlenv-catalog: 1`", at: fields.location)
            return catalog
        }
        defer { decoder.reportUnknownKeys(fields) }
        let name = fields.take("table").flatMap { decoder.text($0.value, "table") }?.value ?? decoder.file
        let description = fields.take("description").flatMap { decoder.text($0.value, "description") }?.value ?? ""
        var sources: [(String, String)] = []
        if let pair = fields.take("sources"), let map = decoder.mapping(pair.value, "sources") {
            for entry in map.pairs {
                if let text = decoder.text(entry.value, "sources.\(entry.key)") {
                    sources.append((entry.key, text.value))
                }
            }
        }
        catalog.tables = [
            CatalogTable(name: name, description: description, sources: sources.map { (key: $0.0, description: $0.1) })
        ]
        if let pair = fields.take("images") {
            catalog.images = entries(pair.value, "images") { $0.image(&$1, table: name) }
        }
        if let pair = fields.take("releases") {
            switch name {
            case "pytorch": catalog.pytorch = entries(pair.value, "releases") { $0.pytorch(&$1) }
            case "tensorflow": catalog.tensorflow = entries(pair.value, "releases") { $0.tensorflow(&$1) }
            case "jax": catalog.jax = entries(pair.value, "releases") { $0.jax(&$1) }
            default:
                decoder.report(
                    .invalidCatalog, "`releases` belongs to the pytorch, tensorflow or jax table, not `\(name)`",
                    at: pair.keyLocation)
            }
        }
        if let pair = fields.take("companions") {
            catalog.companions = entries(pair.value, "companions") { $0.companion(&$1) }
        }
        if let pair = fields.take("toolkits") { catalog.toolkits = entries(pair.value, "toolkits") { $0.toolkit(&$1) } }
        if let pair = fields.take("gpus") { catalog.gpus = entries(pair.value, "gpus") { $0.gpu(&$1) } }
        if let pair = fields.take("architectures") {
            catalog.architectures = entries(pair.value, "architectures") { $0.architecture(&$1) }
        }
        return catalog
    }

    mutating func entries<T>(_ node: YAMLNode, _ path: String, _ read: (inout CatalogReader, inout FieldSet) -> T?)
        -> [T]
    {
        guard let items = decoder.sequence(node, path) else { return [] }
        var result: [T] = []
        for item in items {
            guard var fields = decoder.mapping(item, "\(path)[]") else { continue }
            guard let entry = read(&self, &fields) else { continue }
            result.append(entry)
            _ = fields.take("sources")
            _ = fields.take("confidence")
            _ = fields.take("notes")
            decoder.reportUnknownKeys(fields)
        }
        return result
    }

    /// A text fact: `"3.10"` known, `"3.10?"` likely, absent unknown.
    mutating func fact<T>(_ fields: inout FieldSet, _ key: String, _ parse: (String) -> T?) -> Fact<T> {
        guard let pair = fields.take(key), let text = decoder.text(pair.value, fields.path(of: key)) else {
            return .unknown
        }
        let likely = text.value.hasSuffix("?")
        let body = likely ? String(text.value.dropLast()) : text.value
        guard let value = parse(body) else {
            decoder.report(
                .invalidCatalog, "`\(fields.path(of: key))`: `\(text.value)` cannot be read", at: text.location)
            return .unknown
        }
        return likely ? .likely(value) : .known(value)
    }

    mutating func list(_ fields: inout FieldSet, _ key: String) -> [String] {
        guard let pair = fields.take(key), let items = decoder.sequence(pair.value, fields.path(of: key)) else {
            return []
        }
        return items.compactMap { decoder.text($0, fields.path(of: key))?.value }
    }

    mutating func image(_ fields: inout FieldSet, table: String) -> CatalogImage? {
        guard let pair = fields.take("image"), let text = decoder.text(pair.value, "images[].image") else {
            decoder.report(.invalidCatalog, "an image entry needs `image:`", at: fields.location)
            return nil
        }
        guard let reference = ImageReference(parsing: text.value), reference.tag != nil || reference.digest != nil
        else {
            decoder.report(.invalidCatalog, "`\(text.value)` is not an image reference with a tag", at: text.location)
            return nil
        }
        var framework: FrameworkName?
        if let pair = fields.take("framework"), let name = decoder.text(pair.value, "images[].framework") {
            framework = FrameworkName(rawValue: name.value)
            if framework == nil {
                decoder.report(.invalidCatalog, "unknown framework `\(name.value)`", at: name.location)
            }
        }
        let ngc = ["nvcr.io/nvidia/pytorch", "nvcr.io/nvidia/tensorflow"].contains(reference.canonicalRepository)
        let jupyter = fields.take("jupyter").flatMap { decoder.boolean($0.value, "images[].jupyter") } ?? ngc
        let sources = list(&fields, "sources")
        let requirement = self.text(&fields, "nvidia_require_cuda")
        var image = CatalogImage(
            reference: reference, ubuntu: fact(&fields, "ubuntu") { $0 },
            python: fact(&fields, "python", DottedVersion.init),
            cuda: fact(&fields, "cuda", DottedVersion.init), cudnn: fact(&fields, "cudnn") { $0 },
            framework: framework == FrameworkName.none ? nil : framework,
            frameworkVersion: fact(&fields, "framework_version", PEP440Version.init),
            minimumDriver: fact(&fields, "min_driver", DottedVersion.init),
            forwardCompatibleDrivers: list(&fields, "forward_compat"), shipsJupyter: jupyter, table: table,
            sources: sources)
        image.nvidiaRequireCUDA = requirement
        return image
    }

    mutating func version(_ fields: inout FieldSet) -> PEP440Version? {
        fact(&fields, "version", PEP440Version.init).any
    }

    mutating func pytorch(_ fields: inout FieldSet) -> PyTorchRelease? {
        guard let version = version(&fields) else { return nil }
        let wheels = list(&fields, "cuda_wheels").map {
            $0.hasSuffix("?") ? Fact.likely(String($0.dropLast())) : .known($0)
        }
        var release = PyTorchRelease(
            version: version, pythonMinimum: fact(&fields, "python_min", DottedVersion.init),
            pythonMaximum: fact(&fields, "python_max", DottedVersion.init), cudaWheels: wheels,
            pypiDefault: fact(&fields, "pypi_default") { $0 })
        if let pair = fields.take("wheel_code") {
            release.wheelCode = entries(pair.value, "wheel_code") { $0.wheelCode(&$1) }
        }
        return release
    }

    mutating func wheelCode(_ fields: inout FieldSet) -> PyTorchWheelCode? {
        guard let variant = fields.take("variant").flatMap({ decoder.text($0.value, "wheel_code[].variant") })?.value
        else {
            decoder.report(.invalidCatalog, "a wheel_code entry needs `variant:`", at: fields.location)
            return nil
        }
        return PyTorchWheelCode(
            variant: variant, cubins: architectures(&fields, "sm"), ptx: architectures(&fields, "ptx"))
    }

    /// `"75 80 86"`, `"none"` (known to be empty), with `?` likely; `"?"` or absent unknown.
    mutating func architectures(_ fields: inout FieldSet, _ key: String) -> Fact<[Int]> {
        guard let pair = fields.take(key), let text = decoder.text(pair.value, fields.path(of: key)) else {
            return .unknown
        }
        let likely = text.value.hasSuffix("?")
        let body = likely ? String(text.value.dropLast()) : text.value
        if body.isEmpty { return .unknown }
        let words = body.split(separator: " ")
        let numbers = body == "none" ? [] : words.compactMap { Int($0) }
        guard body == "none" || numbers.count == words.count else {
            decoder.report(
                .invalidCatalog, "`\(fields.path(of: key))`: `\(text.value)` is not a list of architectures",
                at: text.location)
            return .unknown
        }
        return likely ? .likely(numbers) : .known(numbers)
    }

    mutating func tensorflow(_ fields: inout FieldSet) -> TensorFlowRelease? {
        let package = fields.take("package").flatMap { decoder.text($0.value, "package") }?.value ?? "tensorflow"
        guard let version = version(&fields) else { return nil }
        _ = fields.take("cudnn")
        return TensorFlowRelease(
            package: package, version: version, pythonMinimum: fact(&fields, "python_min", DottedVersion.init),
            pythonMaximum: fact(&fields, "python_max", DottedVersion.init),
            cuda: fact(&fields, "cuda", DottedVersion.init))
    }

    mutating func text(_ fields: inout FieldSet, _ key: String) -> String? {
        fields.take(key).flatMap { decoder.text($0.value, key) }?.value
    }

    mutating func companion(_ fields: inout FieldSet) -> CompanionRequirement? {
        guard let package = text(&fields, "package"), let version = version(&fields),
            let partner = text(&fields, "partner"),
            let written = text(&fields, "requires"),
            case .success(let requirement) = RequirementParser.parse(partner + written)
        else { return nil }
        return CompanionRequirement(
            package: package, version: version, partner: partner, requires: requirement.specifiers)
    }

    mutating func jax(_ fields: inout FieldSet) -> JAXRelease? {
        guard let version = version(&fields) else { return nil }
        _ = fields.take("min_compute_capability")
        let extras = list(&fields, "cuda_extras").map {
            $0.hasSuffix("?") ? Fact.likely(String($0.dropLast())) : .known($0)
        }
        return JAXRelease(
            version: version, pythonMinimum: fact(&fields, "python_min", DottedVersion.init),
            pythonMaximum: fact(&fields, "python_max", DottedVersion.init),
            cudaMajors: list(&fields, "cuda_majors").compactMap { Int($0) },
            cudaMinimums: list(&fields, "cuda_min").compactMap(DottedVersion.init), cudaExtras: extras)
    }

    mutating func toolkit(_ fields: inout FieldSet) -> CUDAToolkit? {
        guard let version = fact(&fields, "version", DottedVersion.init).any else { return nil }
        let branch = fields.take("branch").flatMap { decoder.text($0.value, "branch") }?.value
        return CUDAToolkit(
            version: version, minimumDriver: fact(&fields, "min_driver", DottedVersion.init), branch: branch,
            minorCompatibilityDriver: fact(&fields, "minor_compat_min_driver", DottedVersion.init),
            minimumSM: fact(&fields, "min_sm") { Int($0) }, maximumSM: fact(&fields, "max_sm") { Int($0) },
            imageRequirement: text(&fields, "nvidia_require_cuda"), imageTags: list(&fields, "image_tags"))
    }

    mutating func gpu(_ fields: inout FieldSet) -> GPUModel? {
        guard let name = fields.take("name").flatMap({ decoder.text($0.value, "gpus[].name") })?.value else {
            return nil
        }
        let architecture = fields.take("architecture").flatMap { decoder.text($0.value, "architecture") }?.value ?? "?"
        return GPUModel(
            name: name, computeCapability: fact(&fields, "compute_capability", DottedVersion.init),
            architecture: architecture, minimumCUDA: fact(&fields, "min_cuda", DottedVersion.init))
    }

    mutating func architecture(_ fields: inout FieldSet) -> ArchitectureLifecycle? {
        guard let name = fields.take("architecture").flatMap({ decoder.text($0.value, "architecture") })?.value else {
            return nil
        }
        let capabilities = list(&fields, "compute_capabilities").compactMap(DottedVersion.init)
        let branch = fields.take("last_driver_branch").flatMap { decoder.text($0.value, "last_driver_branch") }?.value
        return ArchitectureLifecycle(
            architecture: name, computeCapabilities: capabilities,
            lastCUDA: fact(&fields, "last_cuda", DottedVersion.init), lastDriverBranch: branch)
    }
}
