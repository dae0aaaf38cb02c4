import XCTest

@testable import MLEnvCore

/// A spec without `framework:` whose pip requirements pin the framework: the CUDA, driver and GPU
/// rules judge the wheels pip installs, at the pin, and the generated files do not change.
///
/// Facts (checked on 2026-12-01 with `pip install --dry-run --no-deps --report R --platform
/// manylinux2014_x86_64 --python-version 3.10 --only-binary=:all: PKG`, reading the wheel's
/// `Requires-Dist`): PyPI's torch 2.4.1 and 2.1.0 Linux wheels require `nvidia-cuda-runtime-cu12
/// ==12.1.105` (the cu121 build; the catalog confirms it for 2.4.1 and has 2.1.0's only as
/// likely); `tensorflow==2.15.0`'s `and-cuda` extra requires `nvidia-cuda-runtime-cu12==12.2.140`;
/// `jax==0.4.30`'s `cuda12` extra requires `jax-cuda12-plugin[with_cuda]`. CUDA 12.x needs driver
/// 525 or newer even with minor-version compatibility, CUDA 11.x 450.80.02 (the catalog's toolkit
/// table, from NVIDIA's CUDA release notes).
final class PinnedFrameworkTests: XCTestCase {
    let v100on470 = SourceFile(
        path: "host.yaml",
        text: "mlenv: 1\nkind: host\nname: dgx\ndriver: \"470.57.02\"\ngpus: {model: Tesla V100-SXM2-32GB, count: 8}\n")

    let base = "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\npython: \"3.10\"\n"

    func withRequirements(_ spec: String) -> String { spec + "packages:\n  requirements: [requirements.txt]\n" }

    func check(_ spec: String, requirements: String? = nil, files: [String: String] = [:], host: Bool = true)
        -> CheckResult
    {
        var all = files
        if let requirements { all["requirements.txt"] = requirements }
        return MLEnv.check(
            [SourceFile(path: "spec.yaml", text: requirements == nil ? spec : withRequirements(spec))]
                + (host ? [v100on470] : []),
            files: InMemoryFiles(all.mapValues { Array($0.utf8) }))
    }

    func at(_ result: CheckResult) -> [String] {
        result.diagnostics.map {
            "\(MLEnv.lastComponent($0.file)):\($0.code.id)@\($0.location.line):\($0.location.column)"
        }
    }

    func pinned(_ result: CheckResult) -> PinnedFramework? { result.environments.first?.pinnedFramework }

    /// The last stop's case: with `framework:` mlenv installs cu118 wheels the driver runs (N202);
    /// without it, pip installs PyPI's cu121 wheels, which driver 470 cannot run: E206 at the pin,
    /// no longer at the base's toolkit, which torch does not use.
    func testV100OnDriver470JudgesTheWheelsPipInstalls() throws {
        let declared = check(
            base.replacingOccurrences(of: "python:", with: "framework: {name: pytorch, version: \"2.4.1\"}\npython:"))
        XCTAssertEqual(at(declared), ["spec.yaml:N202@4:37"], "\(declared.diagnostics.map(\.message))")

        let fromPyPI = check(base, requirements: "numpy==1.26.4\ntorch==2.4.1\n")
        XCTAssertEqual(at(fromPyPI), ["requirements.txt:E206@2:1"], "\(fromPyPI.diagnostics.map(\.message))")
        let error = try XCTUnwrap(fromPyPI.diagnostics.first)
        XCTAssertEqual(
            error.message,
            "CUDA 12.1, which PyTorch 2.4.1's cu121 wheels bring, needs NVIDIA driver 530.30.02 or newer; dgx has 470.57.02"
        )
        XCTAssertTrue(
            error.notes.contains {
                $0.message.contains("PyTorch 2.4.1 from requirements.txt:2") && $0.file == "requirements.txt"
            }, "\(error.notes.map(\.message))")
        XCTAssertEqual(
            error.fix,
            "upgrade the host's driver, or have pip take `torch==2.4.1` from PyTorch's cu118 index "
                + "(`--index-url https://download.pytorch.org/whl/cu118`), whose cu118 wheels its driver runs")

        // pip told to take PyTorch's cu118 build: what `framework:` installs, and the same verdict.
        let cu118 = check(
            base, requirements: "--index-url https://download.pytorch.org/whl/cu118\nnumpy==1.26.4\ntorch==2.4.1\n")
        XCTAssertEqual(at(cu118), [], "\(cu118.diagnostics.map(\.message))")
        XCTAssertEqual(pinned(cu118)?.wheels?.variant, "cu118")
        XCTAssertEqual(pinned(cu118)?.wheels?.bundledCUDA, DottedVersion("11.8"))
        XCTAssertEqual(pinned(cu118)?.wheels?.bundledCUDA, declared.environments.first?.frameworkInstall?.bundledCUDA)
    }

    func testTheIndexAndTheLocalLabelNameTheBuild() {
        // `--extra-index-url` beside PyPI: the index's `2.4.1+cu118` sorts above PyPI's `2.4.1`.
        let extra = check(
            base, requirements: "--extra-index-url https://download.pytorch.org/whl/cu118/\ntorch==2.4.1\n")
        XCTAssertEqual(pinned(extra)?.wheels?.variant, "cu118")
        XCTAssertEqual(at(extra), [])
        let local = check(base + "packages:\n  pip: [\"torch==2.4.1+cu118\"]\n")
        XCTAssertEqual(pinned(local)?.version, "2.4.1")
        XCTAssertEqual(pinned(local)?.wheels?.variant, "cu118")
        XCTAssertEqual(at(local), [])
        // `packages.index` counts as the files' options do.
        let index = check(
            base
                + "packages:\n  pip: [\"torch==2.4.1\"]\n  index: {extra_urls: [\"https://download.pytorch.org/whl/cu121\"]}\n"
        )
        XCTAssertEqual(pinned(index)?.wheels?.variant, "cu121")
        XCTAssertEqual(at(index), ["spec.yaml:E206@6:9"], "\(index.diagnostics.map(\.message))")
        // `==2.4.*` is the 2.4 line.
        let wildcard = check(base, requirements: "torch==2.4.*\n")
        XCTAssertEqual(pinned(wildcard)?.version, "2.4")
        XCTAssertEqual(at(wildcard).filter { $0.contains("E2") }, ["requirements.txt:E206@1:1"])
    }

    /// An index mlenv cannot read the build from: the wheels' CUDA is unknown, and nothing is an
    /// error (neither the wheels nor the base's toolkit, which torch's wheels do not use).
    func testAnUnreadableIndexGivesNoError() {
        for options in [
            "--index-url https://mirror.example.com/simple\n", "--find-links https://example.com/wheels.html\n",
            "--no-index\n",
            "--index-url https://download.pytorch.org/whl/cu118\n--extra-index-url https://download.pytorch.org/whl/cu121\n",
        ] {
            let result = check(base, requirements: options + "torch==2.4.1\n")
            XCTAssertEqual(at(result), [], options)
            XCTAssertEqual(pinned(result)?.framework, .pytorch, options)
            XCTAssertNil(pinned(result)?.wheels, options)
            XCTAssertEqual(pinned(result)?.bringsCUDA, true, options)
        }
        // PyPI's torch 2.1.0 is cu121, but the catalog has that only as likely: not judged.
        let likely = check(base, requirements: "torch==2.1.0\n")
        XCTAssertEqual(at(likely), [])
        XCTAssertNil(pinned(likely)?.wheels)
    }

    func testPinsThatAreNotReadLeaveTheBaseJudged() {
        // Without a pin the base's toolkit is judged, as before.
        let toolkit = ["spec.yaml:E206@3:7"]
        XCTAssertEqual(at(check(base)), toolkit)
        for requirements in [
            "torch==2.4.1 ; python_version < '3.12'\n",  // under a marker: may not apply
            "torch>=2.4.1\n",  // not a pin
            "torch==2.4.1\ntorch==2.4.0\n",  // two pins: PipRule's question
            "torch==2.4.1\njax[cuda12]==0.4.30\n",  // two frameworks
            "-c constraints.txt\n",  // a constraint installs nothing
        ] {
            let result = check(base, requirements: requirements, files: ["constraints.txt": "torch==2.4.1\n"])
            XCTAssertNil(pinned(result), requirements)
            XCTAssertTrue(at(result).contains("spec.yaml:E206@3:7"), requirements + "\(at(result))")
        }
        // PyTorch's CPU build uses no CUDA of its own: the toolkit stays what is judged.
        let cpu = check(base, requirements: "--index-url https://download.pytorch.org/whl/cpu\ntorch==2.4.1\n")
        XCTAssertEqual(pinned(cpu)?.bringsCUDA, false)
        XCTAssertEqual(at(cpu), toolkit)
    }

    func testJAXAndTensorFlowPins() {
        let jax = check(base, requirements: "jax[cuda12]==0.4.30\n")
        XCTAssertEqual(at(jax), ["requirements.txt:E206@1:1"], "\(jax.diagnostics.map(\.message))")
        XCTAssertTrue(jax.diagnostics.first?.message.contains("JAX 0.4.30's `jax[cuda12]` wheels") ?? false)
        // Plain `jax` is CPU-only; `cuda12_local` uses the image's CUDA: the toolkit is judged.
        XCTAssertEqual(at(check(base, requirements: "jax==0.4.30\n")), ["spec.yaml:E206@3:7"])
        XCTAssertEqual(at(check(base, requirements: "jax[cuda12_local]==0.4.30\n")), ["spec.yaml:E206@3:7"])
        // `jax[cuda]` brings CUDA 12 too, but mlenv does not read which: nothing.
        XCTAssertEqual(at(check(base, requirements: "jax[cuda]==0.4.30\n")), [])

        let tensorflow = check(base, requirements: "tensorflow[and-cuda]==2.15.0\n")
        XCTAssertEqual(
            at(tensorflow), ["requirements.txt:E206@1:1", "requirements.txt:N202@1:1"],
            "\(tensorflow.diagnostics.map(\.message))")
        XCTAssertTrue(tensorflow.diagnostics.first?.message.hasPrefix("CUDA 12.2, which TensorFlow 2.15.0's") ?? false)
        // Plain TensorFlow loads the image's CUDA libraries: the toolkit is judged.
        XCTAssertEqual(at(check(base, requirements: "tensorflow==2.15.0\n")), ["spec.yaml:E206@3:7"])
        // Before 2.14, against the image's CUDA, as `framework:` is: TensorFlow 2.13 was built for 11.8.
        let old = check(
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\npython: \"3.10\"\n",
            requirements: "tensorflow==2.13.0\n", host: false)
        XCTAssertEqual(at(old), ["spec.yaml:E202@3:7"], "\(old.diagnostics.map(\.message))")
        XCTAssertTrue(
            old.diagnostics.first?.notes.contains { $0.message.contains("TensorFlow 2.13.0 from requirements.txt:1") }
                ?? false)
    }

    /// `framework:` wins: the pin is not taken, and a pin that contradicts it stays PipRule's.
    func testTheDeclaredFrameworkWins() {
        let declared = base.replacingOccurrences(
            of: "python:", with: "framework: {name: pytorch, version: \"2.4.1\"}\npython:")
        let same = check(declared, requirements: "torch==2.4.1\n")
        XCTAssertNil(pinned(same))
        XCTAssertEqual(at(same), ["spec.yaml:N202@4:37"])
        let other = check(declared, requirements: "torch==2.1.0\n")
        XCTAssertNil(pinned(other))
        XCTAssertEqual(at(other).filter { $0.hasPrefix("requirements.txt") }, ["requirements.txt:E204@1:1"])
        // An image that ships the framework: nothing is inferred.
        XCTAssertNil(
            pinned(check("mlenv: 1\nname: t\nbase: nvcr.io/nvidia/pytorch:23.10-py3\n", requirements: "torch==2.4.1\n"))
        )
    }

    func testAProjectDependencyIsReportedInPyproject() {
        let pyproject = """
            [project]
            name = "robokit"
            version = "0.1"
            dependencies = [
                "numpy==1.26.4",
                "torch==2.4.1",
            ]

            """
        let result = check(base + "project: .\n", files: ["pyproject.toml": pyproject])
        XCTAssertEqual(at(result), ["pyproject.toml:E206@6:6"], "\(result.diagnostics.map(\.message))")
    }

    /// Checks only: the pinned framework changes no generated file.
    func testTheGeneratedFilesDoNotChange() throws {
        let files = InMemoryFiles(["requirements.txt": Array("torch==2.4.1\n".utf8)])
        let spec = withRequirements(base)
        let result = MLEnv.generate(
            SourceFile(path: "spec.yaml", text: spec), outputDirectory: "out", workingDirectory: "/w", files: files)
        let environment = try XCTUnwrap(
            MLEnv.check([SourceFile(path: "spec.yaml", text: spec)], files: files).environments.first)
        XCTAssertEqual(environment.pinnedFramework?.framework, .pytorch)
        XCTAssertNil(environment.framework)
        XCTAssertNil(environment.frameworkInstall)
        guard case .text(let dockerfile)? = result.outputs.first(where: { $0.path == "Dockerfile" })?.contents else {
            return XCTFail("no Dockerfile")
        }
        XCTAssertFalse(dockerfile.contains("torch=="), dockerfile)
        XCTAssertFalse(dockerfile.contains("download.pytorch.org"), dockerfile)
    }
}
