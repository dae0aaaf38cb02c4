import Foundation
import XCTest

@testable import MLEnvCore

/// `mlenv catalog probe`: the engine's answers read into a catalog entry, and the command run
/// against a stand-in engine that runs the probe script on this machine for real.
final class ImageProbeTests: XCTestCase {
    /// An inspection in the shape `docker image inspect` prints for an NGC PyTorch image.
    static let ngcInspection = #"""
        [
            {
                "Id": "sha256:5f0e0bd1c3a7d2b0b5c2d6e1f1b2c3d4e5f60718293a4b5c6d7e8f9012345678",
                "RepoTags": ["nvcr.io/nvidia/pytorch:26.10-py3"],
                "RepoDigests": ["nvcr.io/nvidia/pytorch@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"],
                "Config": {
                    "Env": [
                        "PATH=/usr/local/nvidia/bin:/usr/local/cuda/bin:/usr/bin",
                        "CUDA_VERSION=13.5.0.037",
                        "CUDNN_VERSION=9.30.0.12",
                        "NVIDIA_REQUIRE_CUDA=cuda>=9.0 brand=tesla,driver>=535,driver<536 brand=tesla,driver>=570,driver<571 brand=geforce,driver>=570,driver<571",
                        "NVIDIA_PYTORCH_VERSION=26.10",
                        "PYTORCH_BUILD_VERSION=2.15.0a0+abcdef0",
                        "TORCH_CUDA_ARCH_LIST=8.0 8.6 9.0 10.0 12.0+PTX",
                        "EMPTY="
                    ],
                    "Entrypoint": ["/opt/nvidia/nvidia_entrypoint.sh"]
                }
            }
        ]
        """#

    func testAnNGCImageIsReadFromItsInspectionAndItsRun() throws {
        let run = "os=ubuntu 24.04\npython=3.12.3\ndist:torch=2.15.0a0+abcdef0\ndist:jupyterlab=4.4.1\n"
        let facts = try ImageProbe.facts(
            image: "nvcr.io/nvidia/pytorch:26.10-py3", inspection: Array(Self.ngcInspection.utf8), run: run
        ).get()
        XCTAssertEqual(facts.digest, "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
        XCTAssertEqual(facts.cuda?.description, "13.5.0.037")
        XCTAssertEqual(facts.python?.description, "3.12.3")
        XCTAssertEqual(facts.framework, .pytorch)
        XCTAssertEqual(facts.frameworkVersion, "2.15.0a0+abcdef0")
        XCTAssertTrue(facts.jupyter)
        XCTAssertEqual(facts.forwardCompatible, ["535", "570"])
        XCTAssertEqual(facts.requirement?.hasPrefix("cuda>=9.0 brand=tesla,driver>=535,driver<536"), true)
        let text = ImageProbe.catalogText(facts, engine: "docker", date: "2026-12-01")
        // The file is a catalog mlenv reads, and the image is then known exactly.
        let (catalog, problems) = CatalogLoader.load(SourceFile(path: "probed.yaml", text: text))
        XCTAssertEqual(problems.map(\.message), [], text)
        let image = try XCTUnwrap(catalog.images.first, text)
        XCTAssertEqual(image.reference.digest, facts.digest)
        XCTAssertEqual(image.python, .known(DottedVersion("3.12")!))
        XCTAssertEqual(image.ubuntu, .known("24.04"))
        XCTAssertEqual(image.frameworkVersion.known?.description, "2.15.0a0+abcdef0")
        XCTAssertEqual(image.cudnn, .known("9.30.0.12"))
        XCTAssertEqual(image.nvidiaRequireCUDA, facts.requirement, "the toolkit's requirement is recorded verbatim")
        XCTAssertTrue(
            text.contains("sources:\n  PROBE: \"`docker image inspect` and a run of the image on 2026-12-01"), text)
    }

    func testWhatTheImageDoesNotSayStaysUnknown() throws {
        let inspection = #"[{"Id": "sha256:ab", "RepoDigests": [], "Config": {"Env": null}}]"#
        let facts = try ImageProbe.facts(image: "corp/base:1", inspection: Array(inspection.utf8), run: "").get()
        XCTAssertNil(facts.digest)
        XCTAssertNil(facts.python)
        XCTAssertNil(facts.cuda)
        XCTAssertNil(facts.framework)
        let (catalog, problems) = CatalogLoader.load(
            SourceFile(path: "p.yaml", text: ImageProbe.catalogText(facts, engine: "podman", date: "d")))
        XCTAssertEqual(problems.map(\.message), [])
        XCTAssertEqual(catalog.images.first?.python, .unknown)
        XCTAssertEqual(catalog.images.first?.cuda, .unknown)
        for broken in ["", "not json {", "[]", "[1]", "{\"Config\": 3}"] {
            let result = ImageProbe.facts(image: "corp/base:1", inspection: Array(broken.utf8), run: "")
            if case .success(let facts) = result { XCTAssertNil(facts.cuda, broken) }
        }
        XCTAssertThrowsError(try ImageProbe.facts(image: "Not An Image", inspection: [], run: "").get())
        XCTAssertNil(facts.requirement)
        XCTAssertNil(catalog.images.first?.nvidiaRequireCUDA)
    }

    /// What the toolkit checks, read as it reads it (internal/config/image/cuda_image.go): a
    /// "legacy" image with only CUDA_VERSION requires `cuda>=MAJOR.MINOR`; NVIDIA_DISABLE_REQUIRE
    /// (strconv.ParseBool) turns the check off.
    func testTheProbeRecordsTheToolkitsRequirement() {
        XCTAssertEqual(ImageProbe.requirement(["CUDA_VERSION": "10.0.130"]), "cuda>=10.0")
        XCTAssertEqual(
            ImageProbe.requirement(["CUDA_VERSION": "12.4.1", "NVIDIA_REQUIRE_CUDA": "cuda>=12.4"]), "cuda>=12.4")
        XCTAssertEqual(
            ImageProbe.requirement(["NVIDIA_REQUIRE_CUDA": "cuda>=12.4", "NVIDIA_DISABLE_REQUIRE": "1"]), "")
        XCTAssertEqual(
            ImageProbe.requirement(["NVIDIA_REQUIRE_CUDA": "cuda>=12.4", "NVIDIA_DISABLE_REQUIRE": "no"]), "cuda>=12.4")
        XCTAssertEqual(ImageProbe.requirement(["CUDA_VERSION": "11.8.0", "NVIDIA_REQUIRE_CUDA": ""]), "cuda>=11.8")
        XCTAssertNil(ImageProbe.requirement(["PATH": "/usr/bin"]))
    }

    /// The command end to end against a stand-in engine: `image inspect` answers with a
    /// recorded inspection, `run` runs the probe script here, with this machine's python3.
    func testTheProbeCommandWritesACatalogThatCheckUses() throws {
        let python = try requiredTool("python3")
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let inspection = scratch.appendingPathComponent("inspect.json")
        try Data(#"[{"RepoDigests": [], "Config": {"Env": ["CUDA_VERSION=12.4.1"]}}]"#.utf8).write(to: inspection)
        let engine = scratch.appendingPathComponent("fake-engine")
        try Data(
            """
            #!/bin/sh
            # A stand-in engine: `image inspect` prints a recorded inspection, `run` runs the
            # command after the image (sh -c SCRIPT) on this machine.
            case "$1" in
              image) cat '\(inspection.path)' ;;
              run) while [ "$1" != "-c" ]; do shift; done; shift; PATH='\(URL(fileURLWithPath: python).deletingLastPathComponent().path)':$PATH exec sh -c "$1" ;;
              *) exit 2 ;;
            esac
            """.utf8
        ).write(to: engine)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: engine.path)
        let catalog = scratch.appendingPathComponent("images.yaml")
        let probe = try runProcess(
            CommandLineTests.binary,
            ["catalog", "probe", "corp/cuda-base:2024.1", "--engine", engine.path, "-o", catalog.path])
        XCTAssertEqual(probe.status, 0, probe.output)
        let version = try runProcess(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"]).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let text = try String(contentsOf: catalog, encoding: .utf8)
        XCTAssertTrue(text.contains("python: \"\(version)\""), text)
        XCTAssertTrue(text.contains("cuda: \"12.4.1\""), text)
        let spec = scratch.appendingPathComponent("spec.yaml")
        try Data("mlenv: 1\nname: t\nbase: corp/cuda-base:2024.1\npython: \"\(version)\"\n".utf8).write(to: spec)
        let check = try runProcess(
            CommandLineTests.binary, ["check", "--catalog", catalog.path, spec.path],
            environment: ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1"]) { $1 })
        XCTAssertEqual(check.status, 0, check.output)
        XCTAssertFalse(check.output.contains("N201"), "the probed image is known: \(check.output)")
        // An image the engine does not have is an error that says to pull it.
        try Data("#!/bin/sh\necho 'Error: No such image' >&2\nexit 1\n".utf8).write(to: engine)
        let missing = try runProcess(
            CommandLineTests.binary, ["catalog", "probe", "corp/none:1", "--engine", engine.path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.output.contains("could not inspect corp/none:1 (pull it first)"), missing.output)
    }
}
