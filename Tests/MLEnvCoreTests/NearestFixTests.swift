import XCTest

@testable import MLEnvCore

/// Fix-its name the nearest release or image that satisfies every other constraint of the spec
/// (issue 15, "fixes that help"), with real releases from the catalog. Each case says what the
/// fix named before, when that would have failed another check.
final class NearestFixTests: XCTestCase {
    /// The fix of the first diagnostic with `code`.
    private func fix(
        _ code: String, _ spec: String, host: String? = nil, files: [String: String] = [:],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        var sources = [SourceFile(path: "spec.yaml", text: spec)]
        if let host {
            sources.append(
                SourceFile(path: "host.yaml", text: "mlenv: 1\nkind: host\nname: dgx\n" + host))
        }
        let view = InMemoryFiles(files.mapValues { Array($0.utf8) })
        let found = MLEnv.check(sources, files: view).diagnostics
        let diagnostic = try XCTUnwrap(
            found.first { $0.code.id == code }, "\(code) not in \(triples(found)) \(found.map(\.message))",
            file: file, line: line)
        return try XCTUnwrap(diagnostic.fix, file: file, line: line)
    }

    private static let k80 = "driver: \"470.182.03\"\ngpus: {model: Tesla K80, count: 2}\n"

    /// PyTorch 2.1 on Python 3.12 with CUDA code compiled by CUDA 13: 2.2 supports 3.12 but has no
    /// CUDA 13 wheels (E202 again); 2.9 is the nearest with both.
    func testPythonFixKeepsTheToolkitMajor() throws {
        let spec = """
            mlenv: 1
            name: t
            base: nvidia/cuda:13.0.0-devel-ubuntu24.04
            framework: {name: pytorch, version: "2.1"}
            python: "3.12"
            cuda: "13.0"
            env: {TORCH_CUDA_ARCH_LIST: "8.0;9.0"}
            """
        XCTAssertEqual(
            try fix("E201", spec),
            "use Python 3.11 (PyTorch 2.1 supports Python 3.8-3.11), or PyTorch 2.9, which supports Python 3.12")
        XCTAssertEqual(
            try fix("E202", spec),
            "use a CUDA 12.x base image (PyTorch 2.1 is built for CUDA 12.1), or PyTorch 2.9, which has CUDA 13 wheels (cu130)"
        )
    }

    /// JAX releases are lines of their own: jax 0.4.20 on Python 3.13 gets 0.4.34, the nearest
    /// whose jaxlib wheels confirm 3.13 (0.4.32's newest Python is not known); the fix used to say
    /// "JAX 0.4", the spec's own line.
    func testJAXFixNamesARelease() throws {
        let spec =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\nframework: {name: jax, version: \"0.4.20\"}\npython: \"3.13\"\n"
        XCTAssertEqual(
            try fix("E201", spec),
            "use Python 3.12 (JAX 0.4.20 supports Python 3.9-3.12), or JAX 0.4.34, which supports Python 3.13")
    }

    /// A base that fixes the Python (`python:3.12-slim`) changes with it: the release comes first.
    func testPythonFixOnABaseThatFixesThePython() throws {
        let spec =
            "mlenv: 1\nname: t\nbase: python:3.12-slim\nframework: {name: pytorch, version: \"1.13\"}\ncuda: none\n"
        XCTAssertEqual(
            try fix("E201", spec),
            "use PyTorch 2.2, which supports Python 3.12, or a base with Python 3.11 such as `python:3.11-slim` "
                + "(PyTorch 1.13 supports Python 3.7-3.11)")
    }

    /// TensorFlow 2.13 on a CUDA 12 image: the fix used to say "TensorFlow 2.14 or newer", which has
    /// no wheels for the spec's Python 3.8; with Python 3.12 the nearest is 2.16, not 2.14.
    func testTensorFlowCUDAFixKeepsThePython() throws {
        let spec = { (python: String) in
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\n"
                + "framework: {name: tensorflow, version: \"2.13\"}\npython: \"\(python)\"\n"
        }
        XCTAssertEqual(
            try fix("E202", spec("3.8")),
            "use CUDA 11.8; no TensorFlow release from 2.14 on (whose `and-cuda` extra brings its CUDA along) in "
                + "mlenv's catalog fits the rest of the spec")
        XCTAssertEqual(
            try fix("E202", spec("3.12")),
            "use CUDA 11.8, or TensorFlow 2.16, whose `and-cuda` extra brings its CUDA along")
        XCTAssertEqual(
            try fix("E202", spec("3.10")),
            "use CUDA 11.8, or TensorFlow 2.14, whose `and-cuda` extra brings its CUDA along")
    }

    /// A Tesla K80 (sm_37) on R470, its last branch: PyTorch 2.9's wheels neither run on the driver
    /// nor carry sm_37. PyTorch 2.5's cu118 wheels are the nearest confirmed to do both (2.7's
    /// cu118 wheels are nearer, but their architecture list is not confirmed); with Python 3.14,
    /// which no release with sm_37 supports, the fix says so instead of naming 2.5.
    func testHostFixesKeepThePythonAndTheGPU() throws {
        let spec = { (python: String) in
            "mlenv: 1\nname: t\nbase: nvidia/cuda:11.8.0-runtime-ubuntu22.04\n"
                + "framework: {name: pytorch, version: \"2.9\"}\npython: \"\(python)\"\n"
        }
        XCTAssertEqual(
            try fix("E207", spec("3.13"), host: Self.k80), "use PyTorch 2.5, whose cu118 wheels carry code for sm_37")
        XCTAssertEqual(
            try fix("E206", spec("3.13"), host: Self.k80),
            "upgrade the host's driver, or use PyTorch 2.5, whose cu118 wheels its driver runs")
        XCTAssertEqual(
            try fix("E207", spec("3.14"), host: Self.k80),
            "no PyTorch wheels in mlenv's catalog carry code for sm_37 and fit the rest of the spec")
        XCTAssertEqual(
            try fix("E206", spec("3.14"), host: Self.k80),
            "upgrade the host's driver; no PyTorch release in mlenv's catalog has wheels its driver runs that fit "
                + "the rest of the spec")
    }

    /// CUDA 12.4 on a V100 with driver 470.57.02: the fix names CUDA 11.4, the nearest toolkit
    /// the driver runs (it used to say "a CUDA version its driver supports").
    func testToolkitFixNamesTheNearestCUDATheDriverRuns() throws {
        let spec =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\npython: \"3.10\"\ncuda: \"12.4\"\n"
        XCTAssertEqual(
            try fix("E206", spec, host: "driver: \"470.57.02\"\ngpus: {model: Tesla V100-SXM2-32GB, count: 2}\n"),
            "upgrade the host's driver, or use CUDA 11.4, the nearest CUDA its driver supports")
    }

    /// The image's toolkit on GPUs it has no native code for: CUDA 13 dropped Volta, so a V100 on
    /// driver 580 gets CUDA 12.9, the nearest toolkit with sm_70; CUDA 11.7 on an H100 gets 11.8,
    /// which driver 515 runs through minor-version compatibility (native cubins need no JIT). On
    /// driver 440, which runs no toolkit with sm_90, the fix used to say "use CUDA 11.8 or newer".
    func testToolkitFixesForTheGPUKeepTheDriver() throws {
        let volta =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:13.0.0-runtime-ubuntu24.04\npython: \"3.12\"\ncuda: \"13.0\"\n"
        XCTAssertEqual(
            try fix("E207", volta, host: "driver: \"580.65.06\"\ngpus: {model: Tesla V100-SXM2-32GB, count: 2}\n"),
            "use CUDA 12.9, the nearest with native code for sm_70 that the host's driver runs")
        let hopper =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:11.7.1-runtime-ubuntu22.04\npython: \"3.10\"\ncuda: \"11.7\"\n"
        XCTAssertEqual(
            try fix("W207", hopper, host: "driver: \"515.43.04\"\ngpus: {model: H100-SXM5-80GB, count: 2}\n"),
            "use CUDA 11.8, the nearest with native code for sm_90 that the host's driver runs")
        XCTAssertEqual(
            try fix("W207", hopper, host: "driver: \"440.33.01\"\ngpus: {model: H100-SXM5-80GB, count: 2}\n"),
            "no CUDA toolkit in mlenv's catalog has native code for sm_90 and runs on the host's driver")
    }

    /// nvcc of CUDA 12.4 cannot compile for 12.0: CUDA 12.8 can, but no toolkit compiles both 3.7
    /// and 12.0 (CUDA 12 starts at sm_50), so the fix says so rather than naming 12.8.
    func testCompilerFixKeepsTheOtherArchitectures() throws {
        let spec = { (list: String) in
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-devel-ubuntu22.04\nframework: {name: pytorch, version: \"2.4\"}\n"
                + "python: \"3.11\"\nenv: {TORCH_CUDA_ARCH_LIST: \"\(list)\"}\n"
        }
        XCTAssertEqual(
            try fix("E208", spec("8.0;9.0;12.0")), "use a CUDA 12.8 or newer -devel image, or drop 12.0")
        XCTAssertEqual(
            try fix("E208", spec("3.7;12.0")),
            "drop 12.0; no CUDA toolkit in mlenv's catalog compiles every architecture listed")
    }

    /// An RTX 5090 (sm_120): PyTorch 2.5 stops at sm_90; 2.7's cu128 wheels are the nearest with sm_120.
    func testGPUFixNamesTheNearestReleaseWithNativeCode() throws {
        let spec =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\nframework: {name: pytorch, version: \"2.5\"}\npython: \"3.11\"\n"
        XCTAssertEqual(
            try fix("E207", spec, host: "driver: \"570.124.06\"\ngpus: {model: GeForce RTX 5090, count: 2}\n"),
            "use PyTorch 2.7, whose cu128 wheels carry code for sm_120")
    }

    /// E203 names images that keep every other declaration, nearest release first: NGC 23.04 has
    /// Python 3.8 and PyTorch 2.1 (23.02 and 23.03, which the fix used to list, ship PyTorch 1.14
    /// and 2.0).
    func testImageFixKeepsTheOtherDeclarations() throws {
        XCTAssertEqual(
            try fix(
                "E203",
                "mlenv: 1\nname: t\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nframework: {name: pytorch, version: \"2.1\"}\npython: \"3.8\"\n"
            ), "declare Python 3.10, or use `nvcr.io/nvidia/pytorch:23.04-py3`")
        XCTAssertEqual(
            try fix(
                "E203",
                "mlenv: 1\nname: t\nbase: nvcr.io/nvidia/pytorch:24.05-py3\nframework: {name: pytorch, version: \"2.1\"}\n"
            ),
            "use `nvcr.io/nvidia/pytorch:23.10-py3`, `nvcr.io/nvidia/pytorch:23.09-py3`, `nvcr.io/nvidia/pytorch:23.08-py3`"
        )
    }

    /// TabbyML/tabby#4309: an RTX 3090 Ti on driver 570.169 and `nvidia/cuda:12.9.1`. The older
    /// image the toolkit starts is 12.8.1, unless the spec's `cuda: "12.9"` rules it out.
    func testOlderImageKeepsTheSpecsCUDA() throws {
        let spec = { (cuda: String) in
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.9.1-runtime-ubuntu24.04\npython: \"3.10\"\n\(cuda)"
        }
        let host = "driver: \"570.169\"\ngpus: {model: GeForce RTX 3090 Ti, count: 2}\n"
        let upgrade = "upgrade the host's driver to 575.51.03 or newer (CUDA 12.9's); or "
        let disable =
            "set `NVIDIA_DISABLE_REQUIRE: \"true\"` in `env` only where the image's CUDA forward-compatibility "
            + "libraries serve this driver (data-center GPUs)"
        XCTAssertEqual(
            try fix("W210", spec("cuda: \"12\"\n"), host: host),
            upgrade + "use `nvidia/cuda:12.8.1-runtime-ubuntu24.04`, the newest older image it starts that keeps the "
                + "spec's versions; or " + disable)
        XCTAssertEqual(try fix("W210", spec("cuda: \"12.9\"\n"), host: host), upgrade + disable)
    }

    /// On NGC PyTorch 23.10 (torch 2.1.0a0+32f93b1) a torchvision of another line makes pip
    /// replace NVIDIA's torch: an error, in a requirements file too; the matching line is not.
    func testCompanionPinOnAnNGCImage() throws {
        let spec =
            "mlenv: 1\nname: t\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  requirements: [requirements.txt]\n"
        let found = MLEnv.check(
            [SourceFile(path: "spec.yaml", text: spec)],
            files: InMemoryFiles(["requirements.txt": Array("numpy\ntorchvision==0.17.1\ntorchaudio==2.1.0\n".utf8)])
        ).diagnostics.filter { $0.code.id == "E209" }
        XCTAssertEqual(found.map { "\($0.file):\($0.location.line)" }, ["requirements.txt:2"])
        XCTAssertEqual(
            found.first?.message,
            "torchvision 0.17.1 requires `torch==2.2.*`, not torch 2.1.0a0+32f93b1 that `nvcr.io/nvidia/pytorch:23.10-py3` "
                + "ships: pip would replace the image's torch build with one from the index")
        XCTAssertEqual(
            found.first?.fix,
            "remove the pin, or pin torchvision==0.16.*, the line for the image's torch 2.1.0a0+32f93b1")
        // A pin of torch itself is PipRule's (E130); an image whose torch is not confirmed says nothing.
        let unknown = diagnostics(
            "mlenv: 1\nname: t\nbase: nvcr.io/nvidia/pytorch:99.01-py3\npackages:\n  pip: [\"torchvision==0.17.1\"]\n")
        XCTAssertFalse(unknown.contains { $0.code.id == "E209" }, "\(unknown.map(\.message))")
    }

    /// The helper itself: confirmed before likely, then the nearest, the earlier of equals.
    func testNearestPrefersConfirmedThenNear() {
        let candidates: [(name: String, certainty: Certainty?, distance: Int)] = [
            ("far", .confirmed, 5), ("near but likely", .likely, 1), ("no fit", nil, 0), ("near", .confirmed, 2),
            ("as near", .confirmed, 2),
        ]
        let pick = Nearest.pick(candidates, fit: { $0.certainty }, distance: { [$0.distance] })
        XCTAssertEqual(pick?.candidate.name, "near")
        XCTAssertEqual(
            Nearest.ranked(candidates, fit: { $0.certainty }, distance: { [$0.distance] }).map(\.candidate.name),
            ["near", "as near", "far", "near but likely"])
        XCTAssertNil(Nearest.pick(candidates, fit: { _ in nil }, distance: { [$0.distance] }))
    }
}
