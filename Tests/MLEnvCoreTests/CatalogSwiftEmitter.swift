@testable import MLEnvCore

/// Writes a catalog as Swift source: `BuiltInCatalog.generated.swift`, the built-in tables as
/// values the binary carries. One entry per line, so a changed row of a table is one changed
/// line. Versions and image references are written as their text and read back by their own
/// parsers (cheap, and the text is what a reviewer compares with the YAML);
/// `BuiltInCatalogTests` checks that every field survives the round trip.
enum CatalogSwiftEmitter {
    /// The Swift file for `catalog`.
    static func source(_ catalog: Catalog) -> String {
        var lines = [
            "// swift-format-ignore-file",
            "// Generated from Catalog/Data/*.yaml by Tests/MLEnvCoreTests/BuiltInCatalogTests.swift; do not edit. After",
            "// changing the tables: MLENV_UPDATE_GOLDEN=1 swift test --disable-swift-testing --filter BuiltInCatalogTests",
            "",
            "/// The built-in catalog, compiled in (see `CatalogLoader.builtIn`).",
            "enum BuiltInCatalog {",
            "    static let catalog: Catalog = {",
            "        var catalog = Catalog()",
        ]
        let arrays: [(name: String, type: String, elements: [String])] = [
            ("images", "CatalogImage", catalog.images.map(image)),
            ("pytorch", "PyTorchRelease", catalog.pytorch.map(pytorch)),
            ("tensorflow", "TensorFlowRelease", catalog.tensorflow.map(tensorflow)),
            ("jax", "JAXRelease", catalog.jax.map(jax)),
            ("companions", "CompanionRequirement", catalog.companions.map(companion)),
            ("toolkits", "CUDAToolkit", catalog.toolkits.map(toolkit)),
            ("gpus", "GPUModel", catalog.gpus.map(gpu)),
            ("architectures", "ArchitectureLifecycle", catalog.architectures.map(architecture)),
            ("tables", "CatalogTable", catalog.tables.map(table)),
        ]
        lines += arrays.map { "        catalog.\($0.name) = \($0.name)()" }
        lines += [
            "        catalog.fingerprintSource = Catalog.FingerprintSource(digest: \(string(catalog.fingerprint)))",
            "        return catalog",
            "    }()",
        ]
        for (name, type, elements) in arrays {
            // One statement per entry rather than one array literal: a literal is type-checked as
            // one expression, and the images' took 0.8 s to check, statements 0.06 s. (A release
            // build's optimizer takes longer over the statements, 14 s against 4 s more than
            // without the catalog; CI and everyday builds are debug builds.)
            lines += ["", "    private static func \(name)() -> [\(type)] {", "        var \(name): [\(type)] = []"]
            lines.append("        \(name).reserveCapacity(\(elements.count))")
            lines += elements.map { "        \(name).append(\($0))" }
            lines += ["        return \(name)", "    }"]
        }
        return (lines + ["}"]).joined(separator: "\n") + "\n"
    }

    private static func image(_ image: CatalogImage) -> String {
        call(
            "CatalogImage",
            [
                ("reference", "ImageReference(parsing: \(string(image.reference.description)))!"),
                ("ubuntu", fact(image.ubuntu, string)), ("python", fact(image.python, dotted)),
                ("cuda", fact(image.cuda, dotted)), ("cudnn", fact(image.cudnn, string)),
                ("framework", image.framework.map { ".\($0.rawValue)" } ?? "nil"),
                ("frameworkVersion", fact(image.frameworkVersion, pep440)),
                ("minimumDriver", fact(image.minimumDriver, dotted)),
                ("forwardCompatibleDrivers", list(image.forwardCompatibleDrivers.map(string))),
                ("shipsJupyter", "\(image.shipsJupyter)"),
                ("nvidiaRequireCUDA", image.nvidiaRequireCUDA.map(string) ?? "nil"), ("table", string(image.table)),
                ("sources", list(image.sources.map(string))),
            ])
    }

    private static func pytorch(_ release: PyTorchRelease) -> String {
        let code = release.wheelCode.map {
            call(
                "PyTorchWheelCode",
                [
                    ("variant", string($0.variant)), ("cubins", fact($0.cubins, integers)),
                    ("ptx", fact($0.ptx, integers)),
                ])
        }
        return call(
            "PyTorchRelease",
            [
                ("version", pep440(release.version)), ("pythonMinimum", fact(release.pythonMinimum, dotted)),
                ("pythonMaximum", fact(release.pythonMaximum, dotted)),
                ("cudaWheels", list(release.cudaWheels.map { fact($0, string) })),
                ("pypiDefault", fact(release.pypiDefault, string)), ("wheelCode", list(code)),
            ])
    }

    private static func tensorflow(_ release: TensorFlowRelease) -> String {
        call(
            "TensorFlowRelease",
            [
                ("package", string(release.package)), ("version", pep440(release.version)),
                ("pythonMinimum", fact(release.pythonMinimum, dotted)),
                ("pythonMaximum", fact(release.pythonMaximum, dotted)), ("cuda", fact(release.cuda, dotted)),
            ])
    }

    private static func jax(_ release: JAXRelease) -> String {
        call(
            "JAXRelease",
            [
                ("version", pep440(release.version)), ("pythonMinimum", fact(release.pythonMinimum, dotted)),
                ("pythonMaximum", fact(release.pythonMaximum, dotted)),
                ("cudaMajors", list(release.cudaMajors.map(String.init))),
                ("cudaMinimums", list(release.cudaMinimums.map(dotted))),
                ("cudaExtras", list(release.cudaExtras.map { fact($0, string) })),
            ])
    }

    private static func companion(_ requirement: CompanionRequirement) -> String {
        let specifiers = requirement.requires.specifiers.map {
            let version = $0.versionText + ($0.wildcard ? ".*" : "")
            return "VersionSpecifier(op: \(string($0.op.rawValue)), version: \(string(version)))!"
        }
        return call(
            "CompanionRequirement",
            [
                ("package", string(requirement.package)), ("version", pep440(requirement.version)),
                ("partner", string(requirement.partner)), ("requires", "SpecifierSet(\(list(specifiers)))"),
            ])
    }

    private static func toolkit(_ toolkit: CUDAToolkit) -> String {
        call(
            "CUDAToolkit",
            [
                ("version", dotted(toolkit.version)), ("minimumDriver", fact(toolkit.minimumDriver, dotted)),
                ("branch", toolkit.branch.map(string) ?? "nil"),
                ("minorCompatibilityDriver", fact(toolkit.minorCompatibilityDriver, dotted)),
                ("minimumSM", fact(toolkit.minimumSM, String.init)),
                ("maximumSM", fact(toolkit.maximumSM, String.init)),
                ("imageRequirement", toolkit.imageRequirement.map(string) ?? "nil"),
                ("imageTags", list(toolkit.imageTags.map(string))),
            ])
    }

    private static func gpu(_ gpu: GPUModel) -> String {
        call(
            "GPUModel",
            [
                ("name", string(gpu.name)), ("computeCapability", fact(gpu.computeCapability, dotted)),
                ("architecture", string(gpu.architecture)), ("minimumCUDA", fact(gpu.minimumCUDA, dotted)),
            ])
    }

    private static func architecture(_ lifecycle: ArchitectureLifecycle) -> String {
        call(
            "ArchitectureLifecycle",
            [
                ("architecture", string(lifecycle.architecture)),
                ("computeCapabilities", list(lifecycle.computeCapabilities.map(dotted))),
                ("lastCUDA", fact(lifecycle.lastCUDA, dotted)),
                ("lastDriverBranch", lifecycle.lastDriverBranch.map(string) ?? "nil"),
            ])
    }

    /// A table on several lines, one source per line: the sources are long.
    private static func table(_ table: CatalogTable) -> String {
        let sources = table.sources.map {
            "\n                (key: \(string($0.key)), description: \(string($0.description))),"
        }
        return "CatalogTable(\n            name: \(string(table.name)), description: \(string(table.description)),"
            + "\n            sources: [" + sources.joined() + "\n            ])"
    }

    private static func call(_ type: String, _ arguments: [(label: String, value: String)]) -> String {
        "\(type)(" + arguments.map { "\($0.label): \($0.value)" }.joined(separator: ", ") + ")"
    }

    private static func list(_ elements: [String]) -> String { "[" + elements.joined(separator: ", ") + "]" }

    private static func fact<Value>(_ fact: Fact<Value>, _ literal: (Value) -> String) -> String {
        switch fact {
        case .known(let value): ".known(\(literal(value)))"
        case .likely(let value): ".likely(\(literal(value)))"
        case .unknown: ".unknown"
        }
    }

    private static func dotted(_ version: DottedVersion) -> String { "DottedVersion(\(string(version.description)))!" }

    private static func pep440(_ version: PEP440Version) -> String { "PEP440Version(\(string(version.description)))!" }

    private static func integers(_ numbers: [Int]) -> String { list(numbers.map(String.init)) }

    /// A Swift string literal: `debugDescription` is Swift's own literal form (quotes,
    /// backslashes and controls escaped, other text as written, so the sources' `–` and `…` stay
    /// readable).
    private static func string(_ text: String) -> String { text.debugDescription }
}
