import Foundation
import XCTest

@testable import MLEnvCore

final class CatalogTests: XCTestCase {
    let catalog = CatalogLoader.builtIn

    func testBuiltInCatalogLoadsEveryTable() throws {
        // Every NGC PyTorch row of the table is loaded (the table itself follows the reference).
        let table = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Sources/MLEnvCore/Catalog/Data/ngc_images.yaml"),
            encoding: .utf8)
        let rows = table.split(separator: "\n").filter { $0.hasPrefix("  - image: \"nvcr.io/nvidia/pytorch:") }.count
        XCTAssertGreaterThan(rows, 70)
        XCTAssertEqual(catalog.images.filter { $0.reference.repository == "nvidia/pytorch" }.count, rows)
        XCTAssertGreaterThan(catalog.images.filter { $0.reference.repository == "nvidia/tensorflow" }.count, 20)
        XCTAssertGreaterThan(catalog.pytorch.count, 30)
        XCTAssertGreaterThan(catalog.tensorflow.count, 30)
        XCTAssertGreaterThan(catalog.jax.count, 50)
        XCTAssertGreaterThan(catalog.toolkits.count, 60)
        XCTAssertGreaterThan(catalog.gpus.count, 30)
        XCTAssertEqual(
            Set(catalog.tables.map(\.name)),
            ["ngc_images", "pytorch", "tensorflow", "jax", "companions", "cuda", "gpus"])
        XCTAssertGreaterThan(catalog.companions.count, 70)
        XCTAssertTrue(catalog.tables.allSatisfy { !$0.sources.isEmpty }, "every table names its sources")
        let image = catalog.image(ImageReference(parsing: "nvcr.io/nvidia/pytorch:23.10-py3")!)
        XCTAssertEqual(image?.python, .known(DottedVersion("3.10")!))
        XCTAssertEqual(image?.cuda, .known(DottedVersion("12.2.2")!))
        XCTAssertEqual(image?.frameworkVersion.known?.description, "2.1.0a0+32f93b1")
        XCTAssertEqual(image?.minimumDriver.isLikely, true)
        XCTAssertNotNil(
            catalog.image(ImageReference(parsing: "nvcr.io/nvidia/pytorch:24.12-py3-igpu")!), "-igpu variants")
    }

    /// The committed tables are what the converter makes of shared/reference today.
    func testCatalogMatchesTheReferenceTables() throws {
        let reference = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared/reference")
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: reference.path), "shared/reference is beside the repository")
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-catalog-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: output) }
        let result = try runProcess(
            try requiredTool("python3"),
            [
                repositoryRoot.appendingPathComponent("Tests/Tools/catalog_from_reference.py").path,
                reference.path, output.path,
            ])
        XCTAssertEqual(result.status, 0, result.output)
        let committed = repositoryRoot.appendingPathComponent("Sources/MLEnvCore/Catalog/Data")
        for name in try FileManager.default.contentsOfDirectory(atPath: committed.path) {
            XCTAssertEqual(
                try Data(contentsOf: output.appendingPathComponent(name)),
                try Data(contentsOf: committed.appendingPathComponent(name)),
                "\(name) is stale: rerun Tests/Tools/catalog_from_reference.py")
        }
    }

    /// The catalog's Python ranges are PyPI's (Tests/Tools/pypi_wheels.csv): every torch,
    /// tensorflow and jax release with wheels there is in the catalog, its newest Python is the
    /// newest with a wheel (jax: jaxlib's of the same version), and so is its oldest above the
    /// table's floor of 3.8 (below it the table cannot see, so the catalog may know more).
    func testPythonRangesAgreeWithPyPIsWheels() throws {
        let text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("Tests/Tools/pypi_wheels.csv"), encoding: .utf8)
        var wheels: [String: [String: [DottedVersion]]] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("package,") {
            let cells = line.split(separator: ",").map(String.init)
            guard cells.count == 4, cells[3] == "x86_64", let python = DottedVersion(cells[2]) else { continue }
            wheels[cells[0], default: [:]][cells[1], default: []].append(python)
        }
        XCTAssertGreaterThan(wheels["torch"]?.count ?? 0, 40)
        let floor = DottedVersion("3.8")!
        var compared = 0
        func check(
            _ label: String, _ minors: [DottedVersion], minimum: Fact<DottedVersion>, maximum: Fact<DottedVersion>
        ) {
            compared += 1
            let low = minors.min()!
            let high = minors.max()!
            XCTAssertEqual(maximum.known, high, "\(label): PyPI's newest wheel is for Python \(high)")
            if low > floor {
                XCTAssertEqual(minimum.known, low, "\(label): PyPI's oldest wheel is for Python \(low)")
            } else if let known = minimum.known {
                XCTAssertLessThanOrEqual(known, floor, "\(label): PyPI has wheels for Python 3.8")
            }
        }
        for (version, minors) in wheels["torch"] ?? [:] {
            guard let release = catalog.pytorch.first(where: { $0.version.description == version }) else {
                XCTFail("torch \(version) is on PyPI but not in the catalog")
                continue
            }
            check("torch \(version)", minors, minimum: release.pythonMinimum, maximum: release.pythonMaximum)
        }
        for (version, minors) in wheels["tensorflow"] ?? [:] {
            guard
                let release = catalog.tensorflow.first(where: {
                    $0.package == "tensorflow" && $0.version.description == version
                })
            else {
                XCTFail("tensorflow \(version) is on PyPI but not in the catalog")
                continue
            }
            check("tensorflow \(version)", minors, minimum: release.pythonMinimum, maximum: release.pythonMaximum)
        }
        for version in (wheels["jax"] ?? [:]).keys {
            guard let release = catalog.jax.first(where: { $0.version.description == version }) else {
                XCTFail("jax \(version) is on PyPI but not in the catalog")
                continue
            }
            if let minors = wheels["jaxlib"]?[version] {
                check("jax \(version) (jaxlib)", minors, minimum: release.pythonMinimum, maximum: release.pythonMaximum)
            }
        }
        XCTAssertGreaterThan(compared, 140)
    }

    /// E201's fix names the nearest release line that supports the spec's Python, not the newest.
    func testPythonFixNamesTheNearestRelease() throws {
        let cases: [(framework: String, version: String, python: String, expected: String)] = [
            ("tensorflow", "2.15", "3.12", "TensorFlow 2.16"),
            ("pytorch", "1.13", "3.12", "PyTorch 2.2"),
            ("pytorch", "2.5", "3.8", "PyTorch 2.4"),
        ]
        for item in cases {
            let spec =
                "mlenv: 1\nname: t\nbase: python:\(item.python)-slim\nframework: {name: \(item.framework), version: \"\(item.version)\"}\ncuda: none\n"
            let result = MLEnv.check([SourceFile(path: "t.yaml", text: spec)], files: InMemoryFiles())
            let error = try XCTUnwrap(
                result.diagnostics.first { $0.code.id == "E201" }, "\(item): \(result.diagnostics.map(\.message))")
            XCTAssertTrue(
                error.fix?.hasPrefix("use \(item.expected), which supports Python \(item.python), or a base with")
                    ?? false,
                "\(item): \(error.fix ?? "")")
        }
    }

    /// `base: auto` for a CPU spec: `python:X.Y-slim` and CPU wheels, not a CUDA framework image.
    func testAutoBaseForTheCPUIsAPythonImage() throws {
        let cases: [(spec: String, image: String)] = [
            ("framework: {name: pytorch, version: \"2.5\"}\ncuda: none\n", "python:3.13-slim"),
            ("framework: {name: tensorflow, version: \"2.15\"}\npython: \"3.11\"\ncuda: none\n", "python:3.11-slim"),
            ("python: \"3.12\"\ncuda: none\n", "python:3.12-slim"),
        ]
        for item in cases {
            let source = SourceFile(path: "t.yaml", text: "mlenv: 1\nname: t\nbase: auto\n" + item.spec)
            let result = MLEnv.check([source], files: InMemoryFiles())
            XCTAssertFalse(result.diagnostics.containsErrors, "\(item.spec): \(result.diagnostics.map(\.message))")
            XCTAssertEqual(result.environments.first?.image.description, item.image, item.spec)
            XCTAssertEqual(result.environments.first?.cpuOnly, true)
        }
        // A GPU spec still gets the newest framework image that fits.
        let gpu = MLEnv.check(
            [
                SourceFile(
                    path: "g.yaml",
                    text: "mlenv: 1\nname: g\nbase: auto\nframework: {name: pytorch, version: \"2.5\"}\n")
            ],
            files: InMemoryFiles())
        XCTAssertEqual(gpu.environments.first?.image.repository, "nvidia/pytorch")
    }

    /// Release notes that call a Python "experimental" while PyPI has its wheels: supported.
    func testExperimentalPythonWithWheelsIsSupported() throws {
        let release = try XCTUnwrap(catalog.pytorch.first { $0.version.description == "2.2.0" })
        XCTAssertEqual(release.pythonMaximum.known, DottedVersion("3.12"))
        let spec =
            "mlenv: 1\nname: t\nbase: python:3.12-slim\nframework: {name: pytorch, version: \"2.2\"}\ncuda: none\n"
        let result = MLEnv.check([SourceFile(path: "t.yaml", text: spec)], files: InMemoryFiles())
        XCTAssertFalse(result.diagnostics.contains { $0.code.id == "E201" }, "\(result.diagnostics.map(\.message))")
        XCTAssertTrue(
            catalog.tensorflow.contains { $0.package == "tensorflow" && $0.version.description == "1.15.0" },
            "TensorFlow 1.x GPU builds (tensorflow-gpu) are known as framework tensorflow")
    }

    /// Every NGC image the catalog knows, described exactly by a spec, gives no error.
    func testEveryCatalogImageDescribedExactlyHasNoErrors() {
        for image in catalog.images {
            var spec = "mlenv: 1\nname: exact\nbase: \(image.reference)\n"
            if let framework = image.framework {
                spec += "framework: {name: \(framework.rawValue)"
                if let version = image.frameworkVersion.known {
                    spec += ", version: \"\(version.release.prefix(2).map(String.init).joined(separator: "."))\""
                }
                spec += "}\n"
            }
            if let python = image.python.known { spec += "python: \"\(python.prefix(2))\"\n" }
            if let cuda = image.cuda.known { spec += "cuda: \"\(cuda)\"\n" }
            let errors = diagnostics(spec).filter { $0.severity == .error }
            XCTAssertEqual(errors.map(\.message), [], "\(image.reference)")
        }
    }

    /// The GPU code of PyTorch's wheels comes from Tests/Tools/pytorch_wheel_archs.csv, with its sources.
    func testPyTorchWheelsSayWhichArchitecturesTheyCarry() throws {
        let release = try XCTUnwrap(catalog.pytorch.first { $0.version.description == "2.7.0" })
        XCTAssertEqual(release.code("cu128").cubins, .known([75, 80, 86, 90, 100, 120]))
        XCTAssertEqual(release.code("cu118").cubins, .likely([37, 50, 60, 70, 75, 80, 86, 90]))
        XCTAssertEqual(release.code("cu126").ptx, .unknown)
        XCTAssertEqual(release.code("cu999").cubins, .unknown)
        let older = try XCTUnwrap(catalog.pytorch.first { $0.version.description == "2.1.2" })
        XCTAssertEqual(older.code("cu121").ptx, .known([]))
        XCTAssertEqual(catalog.pytorch.first { $0.version.description == "2.12.0" }?.code("cu130").ptx, .known([120]))
        let sources = try XCTUnwrap(catalog.tables.first { $0.name == "pytorch" }).sources
        XCTAssertTrue(
            sources.contains {
                $0.key == "W14" && $0.description.contains("https://github.com/pytorch/pytorch/pull/147607")
            })
    }

    func testGPUModelsMatchHostNames() {
        XCTAssertEqual(catalog.gpu(named: "A100-SXM4-80GB")?.name, "NVIDIA A100")
        XCTAssertEqual(catalog.gpu(named: "NVIDIA H100 80GB HBM3")?.name, "NVIDIA H100")
        XCTAssertEqual(catalog.gpu(named: "A10")?.name, "NVIDIA A10")
        XCTAssertEqual(catalog.gpu(named: "Tesla V100-SXM2-32GB")?.name, "NVIDIA V100")
        XCTAssertEqual(catalog.gpu(named: "GeForce RTX 4090")?.name, "GeForce RTX 4090")
        XCTAssertNil(catalog.gpu(named: "Radeon MI300X"))
    }

    func host(driver: String, model: String) -> SourceFile {
        SourceFile(
            path: "host.yaml",
            text: "mlenv: 1\nkind: host\nname: dgx\ndriver: \"\(driver)\"\ngpus: {model: \(model), count: 8}\n")
    }

    func check(_ spec: String, host: SourceFile) -> [String] {
        let result = MLEnv.check([SourceFile(path: "spec.yaml", text: spec), host], files: InMemoryFiles())
        return result.diagnostics.map { "\($0.file):\($0.code.id)@\($0.location.line):\($0.location.column)" }
    }

    func testDriverRules() {
        let spec =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.2.2-runtime-ubuntu22.04\npython: \"3.10\"\ncuda: \"12.2.2\"\n"
        XCTAssertEqual(check(spec, host: host(driver: "535.129.03", model: "A100-SXM4-80GB")), [])
        // Minor-version compatibility would run CUDA 12.2.2 on R530, but NVIDIA's 12.2.2 images
        // except only R470 and R525 from their `cuda>=12.2`: the container toolkit refuses them.
        XCTAssertEqual(
            check(spec, host: host(driver: "530.30.02", model: "A100-SXM4-80GB")),
            ["spec.yaml:E210@3:7", "spec.yaml:W206@5:7"])
        XCTAssertEqual(check(spec, host: host(driver: "470.57.02", model: "A100-SXM4-80GB")), ["spec.yaml:E206@5:7"])
        let result = MLEnv.check(
            [SourceFile(path: "spec.yaml", text: spec), host(driver: "470.57.02", model: "A100")],
            files: InMemoryFiles())
        XCTAssertEqual(result.diagnostics.first?.notes.first?.file, "host.yaml")
        XCTAssertEqual(result.diagnostics.first?.notes.first?.location, SourceLocation(line: 4, column: 9))
        // NGC 22.10 (CUDA 11.8) lists R470 among its forward-compatible branches: fine on an A100, not on a GeForce.
        let ngc = "mlenv: 1\nname: t\nbase: nvcr.io/nvidia/pytorch:22.10-py3\n"
        // (R440 also predates the A100, whose CUDA 11.0 came with R450: W211 on the host.)
        XCTAssertEqual(
            check(ngc, host: host(driver: "440.33.01", model: "A100")), ["host.yaml:W211@4:9", "spec.yaml:E206@3:7"])
        XCTAssertEqual(check(ngc, host: host(driver: "470.57.02", model: "A100")), ["spec.yaml:W206@3:7"])
        XCTAssertEqual(check(ngc, host: host(driver: "520.61.05", model: "A100")), [])
        let cpu = "mlenv: 1\nname: t\nbase: python:3.11\ncuda: none\n"
        XCTAssertEqual(
            check(cpu, host: host(driver: "390.1", model: "A100")), ["host.yaml:W211@4:9"],
            "CPU-only specs need no driver; the host's own driver still predates its A100")
    }

    func testGPURules() {
        let old = "mlenv: 1\nname: t\nbase: nvidia/cuda:11.7.1-runtime-ubuntu22.04\npython: \"3.10\"\ncuda: \"11.7\"\n"
        // CUDA 11.7 has no sm_9x: its code reaches an H100 only as PTX, if the build embeds it (W207, not an error).
        XCTAssertEqual(check(old, host: host(driver: "550.54.14", model: "H100-SXM5-80GB")), ["spec.yaml:W207@5:7"])
        let new = "mlenv: 1\nname: t\nbase: nvidia/cuda:13.0.0-runtime-ubuntu24.04\npython: \"3.12\"\ncuda: \"13.0\"\n"
        XCTAssertEqual(
            check(new, host: host(driver: "580.65.06", model: "Tesla V100-SXM2-32GB")), ["spec.yaml:E207@5:7"])
        let message =
            MLEnv.check(
                [SourceFile(path: "spec.yaml", text: new), host(driver: "580.65.06", model: "V100")],
                files: InMemoryFiles()
            )
            .diagnostics.first?.message ?? ""
        XCTAssertTrue(message.contains("no longer supports Volta") && message.contains("CUDA 12.9"), message)
        XCTAssertEqual(check(new, host: host(driver: "580.65.06", model: "H100")), [])
        // A toolkit builds for a GPU when it targets an architecture of the GPU's major at or below it:
        // CUDA 11.0's sm_80 cubins run on an A10 (sm_86), CUDA 12.8's sm_100 on a B300 (sm_103).
        let ampere =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:11.0.3-runtime-ubuntu20.04\npython: \"3.8\"\ncuda: \"11.0\"\n"
        XCTAssertEqual(check(ampere, host: host(driver: "460.32.03", model: "A10")), [])
        let blackwell =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.8.1-runtime-ubuntu24.04\npython: \"3.12\"\ncuda: \"12.8\"\n"
        XCTAssertEqual(check(blackwell, host: host(driver: "575.57.08", model: "B300")), [])
    }

    func testAutoBaseHonoursTheHost() {
        let spec = "mlenv: 1\nname: t\nbase: auto\nframework: pytorch\n"
        let result = MLEnv.check(
            [SourceFile(path: "spec.yaml", text: spec), host(driver: "535.129.03", model: "A100")],
            files: InMemoryFiles())
        let chosen = result.environments.first?.image.description ?? ""
        // The newest image whose CUDA a 535 driver runs (12.x through minor-version compatibility).
        XCTAssertTrue(
            chosen.hasPrefix("nvcr.io/nvidia/pytorch:25.0") || chosen.hasPrefix("nvcr.io/nvidia/pytorch:25.06"), chosen)
        let none = MLEnv.check(
            [SourceFile(path: "spec.yaml", text: spec + "python: \"3.7\"\n")], files: InMemoryFiles())
        XCTAssertEqual(none.diagnostics.first?.code, .autoBaseUnavailable)
        XCTAssertEqual(none.diagnostics.first?.notes.count, 4)
        let notes = none.diagnostics.first?.notes.map(\.message) ?? []
        XCTAssertTrue(
            notes.prefix(3).allSatisfy { $0.hasPrefix("`nvcr.io/nvidia/pytorch:") && $0.contains("` would need ") },
            "\(notes)")
        // nvidia/cuda with `pip install torch`: pip would take a release older than any mlenv can name.
        XCTAssertEqual(
            notes.last,
            "`nvidia/cuda:13.0.0-runtime-ubuntu24.04` would need a PyTorch version: its newest release has no wheels for Python 3.7, so pip would take an older one mlenv cannot name"
        )
        XCTAssertTrue(
            notes.contains { $0.contains("would need Python 3.7 (your spec asks for it; it comes with 3.") }
                || notes.contains { $0.contains("would need a confirmed Python version") }, "\(notes)")
    }

    func testUserCatalogAddsImages() throws {
        let text = """
            mlenv-catalog: 1
            table: corp
            sources: {IT1: "platform team notes"}
            images:
              - image: registry.corp/ml/base:2024.1
                python: "3.11"
                cuda: "12.2.2"
                framework: pytorch
                framework_version: "2.1.2"
                jupyter: true
                sources: [IT1]
            """
        let (corp, problems) = CatalogLoader.load(SourceFile(path: "corp.yaml", text: text))
        XCTAssertEqual(problems, [])
        var merged = catalog
        merged.merge(corp)
        let options = CheckOptions(catalog: merged)
        let spec =
            "mlenv: 1\nname: t\nbase: registry.corp/ml/base:2024.1\nframework: {name: pytorch, version: \"2.1\"}\npython: \"3.10\"\n"
        let result = MLEnv.check([SourceFile(path: "spec.yaml", text: spec)], files: InMemoryFiles(), options: options)
        XCTAssertEqual(triples(result.diagnostics), ["E203@5:9"])
        XCTAssertEqual(result.environments.first?.imageShipsFramework, true)
        let without = MLEnv.check([SourceFile(path: "spec.yaml", text: spec)], files: InMemoryFiles())
        XCTAssertEqual(triples(without.diagnostics), ["N101@3:7"])
    }

    func testMalformedUserCatalogIsReportedAtItsPosition() {
        let (_, problems) = CatalogLoader.load(
            SourceFile(
                path: "c.yaml", text: "mlenv-catalog: 1\nimages:\n  - image: Not An Image\n  - python: \"3.1x\"\n"))
        XCTAssertEqual(triples(problems), ["E140@3:12", "E140@4:5"])
        let (_, missing) = CatalogLoader.load(SourceFile(path: "c.yaml", text: "images: []\n"))
        XCTAssertEqual(triples(missing), ["E140@1:1"])
    }

    func testGenerateInstallsThePyTorchWheelForTheBaseCUDA() {
        let outputs = generate(
            "mlenv: 1\nname: t\nbase: nvidia/cuda:11.8.0-runtime-ubuntu22.04\npython: \"3.10\"\nframework: {name: pytorch, version: \"2.1\"}\n"
        )
        XCTAssertTrue(
            outputs["Dockerfile"]!.contains(
                "python3 -m pip install 'torch==2.1.*' --index-url https://download.pytorch.org/whl/cu118"),
            outputs["Dockerfile"]!)
    }
}
