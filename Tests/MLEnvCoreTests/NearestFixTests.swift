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

/// E209 for companions and partners given as ranges, in `packages.pip`, a requirements file and a
/// pyproject.toml. Expected results come from the catalog's `companions` rows (torchvision 0.19
/// needs torch `==2.4.*`, 0.20 `==2.5.*`, 0.21 `==2.6.*`, 0.22 `==2.7.*`; torchaudio 2.4 `==2.4.*`,
/// 2.5 `==2.5.*`; jax 0.4.35 jaxlib `>=0.4.34,<=0.4.35`, 0.4.36 `>=0.4.36,<=0.4.36`, 0.4.37
/// `>=0.4.36,<=0.4.37`) and its pytorch table (torch 2.5 is 2.5.0 and 2.5.1). Checked against
/// PyPI with `pip install --dry-run --no-deps --report` (Requires-Dist, 2026-12): torchvision
/// 0.21.0 `torch==2.6.0`, 0.22.0 `torch==2.7.0`, 0.22.1 `torch==2.7.1`, 0.19.1 `torch==2.4.1`,
/// 0.20.1 `torch==2.5.1`; torchaudio 2.4.1 `torch==2.4.1`, 2.5.1 `torch==2.5.1`; jax 0.4.36
/// `jaxlib<=0.4.36,>=0.4.36`, 0.4.37 `jaxlib<=0.4.37,>=0.4.36`; jax 0.4.32 is yanked.
final class CompanionRangeTests: XCTestCase {
    let pytorch25 = """
        mlenv: 1
        name: t
        base: nvidia/cuda:12.4.1-runtime-ubuntu22.04
        framework: {name: pytorch, version: "2.5"}
        python: "3.10"

        """
    let plain = "mlenv: 1\nname: t\nbase: python:3.11-slim\ncuda: none\n"

    func e209(_ spec: String, files: [String: String] = [:]) -> [Diagnostic] {
        diagnostics(spec, files: files).filter { $0.code.id == "E209" }
    }

    func at(_ found: [Diagnostic]) -> [String] { found.map { "\($0.file):\($0.location.line):\($0.location.column)" } }

    /// huggingface/lerobot's `torchvision>=0.21,<0.23` beside PyTorch 2.5, from the project's
    /// pyproject.toml: 0.21 wants torch 2.6 and 0.22 torch 2.7, so pip cannot resolve it.
    func testLeRobotsTorchvisionRangeBesidePyTorch25() {
        let pyproject = """
            [project]
            name = "robokit"
            version = "0.1"
            dependencies = [
                "einops>=0.8.0",
                "torchvision>=0.21.0,<0.23.0",
            ]

            """
        let found = e209(pytorch25 + "project: .\n", files: ["pyproject.toml": pyproject])
        // Where project dependencies are reported: at the requirement, inside its quotes.
        XCTAssertEqual(at(found), ["pyproject.toml:6:6"])
        XCTAssertEqual(
            found.first?.message,
            "`torchvision>=0.21.0,<0.23.0` admits torchvision 0.21-0.22, which require `torch==2.6.*` or "
                + "`torch==2.7.*`: none fits torch 2.5.0-2.5.1")
        XCTAssertEqual(found.first?.fix, "pin torchvision==0.20.*, which fits torch 2.5.0-2.5.1, or leave it unpinned")
        // With PyTorch 2.7 (the fixture modelled on it) 0.22 fits: pip picks it.
        let fits = pytorch25.replacingOccurrences(of: "\"2.5\"", with: "\"2.7\"")
        XCTAssertEqual(at(e209(fits + "project: .\n", files: ["pyproject.toml": pyproject])), [])
    }

    /// The same range in a requirements file, reported at its line.
    func testRangeInARequirementsFile() {
        let found = e209(
            pytorch25 + "packages:\n  requirements: [requirements.txt]\n",
            files: ["requirements.txt": "numpy<2\n  torchvision >=0.21, <0.23\n"])
        XCTAssertEqual(at(found), ["requirements.txt:2:3"])
    }

    func testRangesBesidePyTorch25() {
        func pip(_ entries: String) -> [Diagnostic] { e209(pytorch25 + "packages:\n  pip: [\(entries)]\n") }
        // torchaudio 2.5 is in the range and fits.
        XCTAssertEqual(at(pip("\"torchaudio>=2.4,<2.6\"")), [])
        // `~=0.19.0` is 0.19.x only, which wants torch 2.4.
        let compatible = pip("numpy, \"torchvision~=0.19.0\"")
        XCTAssertEqual(at(compatible), ["spec.yaml:7:16"])
        XCTAssertEqual(
            compatible.first?.message,
            "`torchvision~=0.19.0` admits only torchvision 0.19, which requires `torch==2.4.*`, not torch 2.5.0-2.5.1")
        XCTAssertEqual(
            compatible.first?.fix, "pin torchvision==0.20.*, which fits torch 2.5.0-2.5.1, or leave it unpinned")
        XCTAssertEqual(at(pip("\"torchvision==0.19.*\"")).count, 1)
        XCTAssertEqual(at(pip("\"torchvision<0.20,>=0.18\"")).count, 1)
        // Two entries of one project: pip intersects them, and so does the rule.
        XCTAssertEqual(at(pip("\"torchvision>=0.18\", \"torchvision<0.20\"")), ["spec.yaml:7:9"])
        // 0.20.* is excluded, and neither 0.19 nor 0.21 fits.
        XCTAssertEqual(at(pip("\"torchvision>=0.19,<0.22,!=0.20.*\"")).count, 1)
        XCTAssertEqual(at(pip("\"torchvision>=0.19,<0.22\"")), [], "0.20 fits")
        // `<0.21` excludes 0.21's pre-releases (PEP 440), `<=0.20.1` admits 0.20.1.
        XCTAssertEqual(at(pip("\"torchvision>=0.19,<=0.20.1\"")), [])
        // Unknown facts say nothing: no upper bound admits future lines, no lower bound lines
        // before the table's first (torchvision 0.2.2's metadata names torch unpinned).
        XCTAssertEqual(at(pip("\"torchvision>=0.21\"")), [])
        XCTAssertEqual(at(pip("\"torchvision<0.20\"")), [])
        XCTAssertEqual(at(pip("\"torchvision>=1!0.21,<1!0.23\"")), [], "another epoch is not in the table")
        // A range that admits no line the table knows is another problem.
        XCTAssertEqual(at(pip("\"torchvision<0.1\"")), [])
        // Markers and URLs are left alone.
        XCTAssertEqual(at(pip("\"torchvision>=0.21,<0.23; python_version >= '3.8'\"")), [])
        XCTAssertEqual(at(pip("\"torchvision @ https://example.org/torchvision-0.21.0-py3-none-any.whl\"")), [])
        // A torch range in packages.pip does not hide the framework mlenv installs.
        XCTAssertEqual(at(pip("\"torch>=2.0\", \"torchvision==0.19.1\"")), ["spec.yaml:7:23"])
    }

    /// A range on the partner's side: without a framework, torch is whatever pip picks in it.
    func testPartnerRange() {
        let found = e209(plain + "packages:\n  pip: [\"torch>=2.6,<2.8\", \"torchvision==0.19.1\"]\n")
        XCTAssertEqual(at(found), ["spec.yaml:6:28"])
        XCTAssertEqual(
            found.first?.message, "torchvision 0.19.1 requires `torch==2.4.*`, not `torch>=2.6,<2.8`")
        XCTAssertEqual(found.first?.fix, "pin torchvision==0.21.*, which fits `torch>=2.6,<2.8`, or leave it unpinned")
        XCTAssertEqual(at(e209(plain + "packages:\n  pip: [\"torch>=2.4,<2.8\", \"torchvision==0.19.1\"]\n")), [])
        // No bound the other way: still no torch 2.4 in it.
        XCTAssertEqual(at(e209(plain + "packages:\n  pip: [\"torch>=2.6\", \"torchvision==0.19.1\"]\n")).count, 1)
        // torch entries that exclude each other are E204's, not a mismatch with torchvision.
        XCTAssertEqual(
            at(e209(plain + "packages:\n  pip: [\"torch==2.4.1\", \"torch==2.5.0\", \"torchvision==0.19.1\"]\n")), [])
        // A range on both sides: 0.21 fits torch 2.6.
        XCTAssertEqual(at(e209(plain + "packages:\n  pip: [\"torch>=2.6,<2.8\", \"torchvision>=0.19,<0.22\"]\n")), [])
    }

    /// jax ranges against a jaxlib pin: which jax releases exist comes from the catalog's jax table.
    func testJAXRangeAgainstAJaxlibPin() {
        func pip(_ entries: String) -> [Diagnostic] { e209(plain + "packages:\n  pip: [\(entries)]\n") }
        let found = pip("\"jax>=0.4.36,<0.4.38\", \"jaxlib==0.4.35\"")
        XCTAssertEqual(at(found), ["spec.yaml:6:32"])
        XCTAssertEqual(
            found.first?.message,
            "`jax>=0.4.36,<0.4.38` admits jax 0.4.36-0.4.37, which require `jaxlib<=0.4.36,>=0.4.36` or "
                + "`jaxlib<=0.4.37,>=0.4.36`: none fits jaxlib 0.4.35")
        XCTAssertEqual(
            found.first?.fix,
            "pin jaxlib to what jax 0.4.36-0.4.37 requires (`jaxlib<=0.4.36,>=0.4.36` or `jaxlib<=0.4.37,>=0.4.36`), "
                + "or leave it unpinned")
        // 0.4.35 accepts jaxlib 0.4.35.
        XCTAssertEqual(at(pip("\"jax>=0.4.35,<0.4.38\", \"jaxlib==0.4.35\"")), [])
        // The catalog lists jax 0.4.32 (yanked on PyPI), whose requirement the table lacks: unknown.
        XCTAssertEqual(at(pip("\"jax>=0.4.31,<0.4.34\", \"jaxlib==0.4.20\"")), [])
        // jax 0.4.29 names jaxlib only under an extra (pypi_companions.csv), so pip may pick it:
        // below the table's first row is unknown.
        XCTAssertEqual(at(pip("\"jax>=0.4.29,<0.4.31\", \"jaxlib==0.4.31\"")), [])
        XCTAssertEqual(at(pip("\"jax>=0.4.30,<0.4.31\", \"jaxlib==0.4.31\"")).count, 1)
        // Beyond the newest release the catalog knows, or a pre-release named: unknown.
        XCTAssertEqual(at(pip("\"jax>=0.4.36\", \"jaxlib==0.4.35\"")), [])
        XCTAssertEqual(at(pip("\"jax>=0.4.36rc1,<0.4.38\", \"jaxlib==0.4.35\"")), [])
        // A jaxlib range that meets the jax pin's, and a jax pin beside a jaxlib range that does not.
        XCTAssertEqual(at(pip("\"jax==0.4.30\", \"jaxlib>=0.4.29,<0.5\"")), [])
        XCTAssertEqual(at(pip("\"jax==0.4.30\", \"jaxlib<0.4.27\"")), ["spec.yaml:6:24"])
        // `jaxlib==0.4.*` is a range that holds 0.4.27-0.4.30, not the release 0.4.
        XCTAssertEqual(at(pip("\"jax==0.4.30\", \"jaxlib==0.4.*\"")), [])
    }

    /// On NGC PyTorch 23.10 (torch 2.1.0a0+32f93b1) a range of other lines makes pip replace
    /// NVIDIA's torch.
    func testRangeOnAnNGCImage() {
        let spec =
            "mlenv: 1\nname: t\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  pip: [\"torchvision>=0.17,<0.19\"]\n"
        let found = e209(spec)
        XCTAssertEqual(at(found), ["spec.yaml:5:9"])
        XCTAssertEqual(
            found.first?.message,
            "`torchvision>=0.17,<0.19` admits torchvision 0.17-0.18, which require `torch==2.2.*` or `torch==2.3.*`: "
                + "none fits torch 2.1.0a0+32f93b1 that `nvcr.io/nvidia/pytorch:23.10-py3` ships: pip would replace "
                + "the image's torch build with one from the index")
        XCTAssertEqual(
            found.first?.fix,
            "remove the version range, or pin torchvision==0.16.*, the line for the image's torch 2.1.0a0+32f93b1")
        XCTAssertEqual(at(e209(spec.replacingOccurrences(of: ">=0.17", with: ">=0.16"))), [])
    }
}
