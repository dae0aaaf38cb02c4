import XCTest

@testable import MLEnvCore

/// Framework wheels bring their own CUDA: the image's toolkit matters only to CUDA code compiled
/// in the image, and mlenv picks the wheel variant nearest the spec's CUDA that runs on the host.
final class FrameworkCUDATests: XCTestCase {
    func host(driver: String, gpu: String) -> SourceFile {
        SourceFile(
            path: "host.yaml",
            text: "mlenv: 1\nkind: host\nname: dgx\ndriver: \"\(driver)\"\ngpus: {model: \(gpu), count: 2}\n")
    }

    func check(_ spec: String, host: SourceFile? = nil) -> CheckResult {
        MLEnv.check([SourceFile(path: "spec.yaml", text: spec)] + (host.map { [$0] } ?? []), files: InMemoryFiles())
    }

    func codes(_ result: CheckResult) -> [String] { result.diagnostics.map(\.code.id) }

    func indexURL(_ result: CheckResult) -> String? {
        let words = result.environments.first?.frameworkInstall?.words ?? []
        return words.firstIndex(of: "--index-url").map { words[$0 + 1] }
    }

    /// The false alarm of issue 15: PyTorch 2.7 from pip on `nvidia/cuda:12.4.1-base`.
    let torch27 =
        "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-base-ubuntu22.04\nframework: {name: pytorch, version: \"2.7\"}\npython: \"3.11\"\n"

    func testPyTorchWheelsOnAnotherCUDAMinorAreNoError() {
        let result = check(torch27)
        XCTAssertEqual(codes(result), ["N202"], "\(result.diagnostics.map(\.message))")
        XCTAssertEqual(indexURL(result), "https://download.pytorch.org/whl/cu126", "the same major, the nearest minor")
        XCTAssertEqual(result.environments.first?.frameworkInstall?.bundledCUDA, DottedVersion("12.6"))
        let message = result.diagnostics.first?.message ?? ""
        XCTAssertTrue(
            message.contains("cu126") && message.contains("CUDA 12.6") && message.contains("compiled in the image"),
            message)
    }

    func testTheHostPicksAVariantWithKernelsForItsGPU() {
        // cu126 stops at sm_90; only cu128 carries sm_120 for an RTX 5090.
        let result = check(torch27, host: host(driver: "570.124.06", gpu: "GeForce RTX 5090"))
        XCTAssertEqual(indexURL(result), "https://download.pytorch.org/whl/cu128")
        let note = result.diagnostics.first { $0.code.id == "N202" }?.message ?? ""
        XCTAssertTrue(note.contains("cu128") && note.contains("runs on dgx"), note)
        // Without a spec CUDA, PyPI's wheel (cu126 for 2.7) is replaced only when it does not fit.
        let plain = "mlenv: 1\nname: t\nbase: python:3.11-slim\nframework: {name: pytorch, version: \"2.7\"}\n"
        XCTAssertNil(indexURL(check(plain, host: host(driver: "570.124.06", gpu: "A100"))))
        XCTAssertEqual(
            indexURL(check(plain, host: host(driver: "570.124.06", gpu: "GeForce RTX 5090"))),
            "https://download.pytorch.org/whl/cu128")
        XCTAssertEqual(indexURL(check(plain)), nil)
    }

    func testTheDriverIsJudgedByTheCUDATheWheelsBring() {
        // The image's CUDA 12.4.1 wants 550.54.15, but nothing runs on it: the cu126 wheels run on
        // 535 through minor-version compatibility, with native code for the A100 (no PTX JIT needed).
        let a100 = check(torch27, host: host(driver: "535.129.03", gpu: "A100-SXM4-80GB"))
        XCTAssertEqual(codes(a100), ["N202"], "\(a100.diagnostics.map(\.message))")
        XCTAssertEqual(indexURL(a100), "https://download.pytorch.org/whl/cu126")
        // Driver 470 runs no CUDA 12 wheel; PyTorch 2.7's cu118 it does.
        let old = check(torch27, host: host(driver: "470.57.02", gpu: "A100-SXM4-80GB"))
        XCTAssertEqual(indexURL(old), "https://download.pytorch.org/whl/cu118")
        XCTAssertFalse(codes(old).contains("E206"), "\(old.diagnostics.map(\.message))")
        let torch28 = torch27.replacingOccurrences(of: "\"2.7\"", with: "\"2.8\"")
        let refused = check(torch28, host: host(driver: "470.57.02", gpu: "A100-SXM4-80GB"))
        let error = refused.diagnostics.first { $0.code.id == "E206" }
        XCTAssertEqual(error?.location, SourceLocation(line: 4, column: 37), "at the framework version")
        XCTAssertTrue(
            error?.message.hasPrefix("CUDA 12.6, which PyTorch 2.8's cu126 wheels bring, needs NVIDIA driver 560.28.03")
                ?? false, error?.message ?? "")
    }

    func testTheSpecsOwnVariantStaysWhenItFits() {
        let spec = torch27.replacingOccurrences(of: "12.4.1-base", with: "12.8.1-base")
        let result = check(spec, host: host(driver: "570.124.06", gpu: "A100"))
        XCTAssertEqual(indexURL(result), "https://download.pytorch.org/whl/cu128")
        XCTAssertFalse(codes(result).contains("N202"))
    }

    func testCompiledExtensionsNeedPyTorchOfTheToolkitsMajor() {
        let compiled =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:11.8.0-devel-ubuntu22.04\nframework: {name: pytorch, version: \"2.7\"}\n"
            + "python: \"3.10\"\nsetup: [\"pip install --no-build-isolation flash-attn==2.7.4.post1\"]\n"
        let result = check(compiled)
        XCTAssertEqual(
            indexURL(result), "https://download.pytorch.org/whl/cu118",
            "cpp_extension refuses a CUDA 11 toolkit for cu126")
        XCTAssertEqual(codes(result).filter { $0.hasPrefix("E") || $0.hasPrefix("W") }, [])
        let newer =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:13.0.0-devel-ubuntu24.04\nframework: {name: pytorch, version: \"2.1\"}\n"
            + "python: \"3.10\"\nenv: {TORCH_CUDA_ARCH_LIST: \"8.0\"}\n"
        let refused = check(newer)
        XCTAssertEqual(codes(refused), ["E202"])
        XCTAssertEqual(
            refused.diagnostics.first?.fix?.contains("or PyTorch 2.9, which has CUDA 13 wheels (cu130)"), true,
            refused.diagnostics.first?.fix ?? "")
    }

    func testJAXWithoutWheelsForTheSpecsMajorGetsTheNearest() {
        let spec =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:13.0.0-runtime-ubuntu24.04\nframework: {name: jax, version: \"0.4.30\"}\npython: \"3.12\"\n"
        let result = check(spec)
        XCTAssertEqual(result.environments.first?.frameworkInstall?.words.first, "jax[cuda12]==0.4.30")
        XCTAssertEqual(codes(result), ["N202"], "\(result.diagnostics.map(\.message))")
    }

    /// jaxlib's CUDA 11 wheels needed CUDA 11.8 (0.4.8 dropped 11.4): a minimum that is a minor
    /// version, from the reference's wheel columns (J1).
    func testJAXsCUDAMinimumsAreMinorVersions() throws {
        let catalog = CatalogLoader.builtIn
        func floor(_ version: String, _ major: Int) throws -> DottedVersion? {
            try XCTUnwrap(catalog.jax.first { $0.version == PEP440Version(version) }, version).cudaMinimum(major: major)
        }
        XCTAssertEqual(try floor("0.4.6", 11), DottedVersion("11.4"))
        XCTAssertEqual(try floor("0.4.20", 11), DottedVersion("11.8"))
        XCTAssertEqual(try floor("0.4.20", 12), DottedVersion("12.2"))
        XCTAssertEqual(try floor("0.4.24", 12), DottedVersion("12.3"))
        XCTAssertEqual(try floor("0.4.30", 12), DottedVersion("12.1"), "`requires CUDA>=12.1` beats `built CUDA 12.3`")
        XCTAssertEqual(try floor("0.8.0", 13), DottedVersion("13.0"))
        XCTAssertNil(try floor("0.4.7", 12), "the reference's `?`")
    }

    /// JAX 0.4.20 on CUDA 11.4: the wheels bring 11.8 along (a note), a -devel image's ptxas 11.4
    /// comes first on PATH (a warning), and the host's driver is judged by 11.8, not 11.0.
    func testJAXOnACUDABelowItsMinorFloorIsFlagged() {
        func spec(_ base: String, cuda: String? = nil) -> String {
            "mlenv: 1\nname: t\nbase: \(base)\nframework: {name: jax, version: \"0.4.20\"}\npython: \"3.10\"\n"
                + (cuda.map { "cuda: \"\($0)\"\n" } ?? "")
        }
        let devel = check(spec("nvidia/cuda:11.4.3-cudnn8-devel-ubuntu20.04", cuda: "11.4"))
        XCTAssertEqual(triples(devel.diagnostics), ["W202@6:7"], "\(devel.diagnostics.map(\.message))")
        XCTAssertTrue(devel.diagnostics.first?.message.contains("CUDA 11.8 or newer") ?? false)
        let runtime = check(spec("nvidia/cuda:11.4.3-cudnn8-runtime-ubuntu20.04"))
        XCTAssertEqual(triples(runtime.diagnostics), ["N202@4:33"], "\(runtime.diagnostics.map(\.message))")
        XCTAssertEqual(runtime.environments.first?.frameworkInstall?.bundledCUDA, DottedVersion("11.8"))
        XCTAssertEqual(codes(check(spec("nvidia/cuda:11.8.0-cudnn8-devel-ubuntu22.04"))), [])
        // CUDA 11.8 through minor-version compatibility needs 450.80.02 (S6); 450.51.06 ran CUDA 11.0.
        let old = check(
            spec("nvidia/cuda:11.4.3-cudnn8-runtime-ubuntu20.04"), host: host(driver: "450.51.06", gpu: "A100"))
        // (and the toolkit refuses the 11.4.3 image's `cuda>=11.4` on a CUDA 11.0 driver: E210).
        XCTAssertEqual(codes(old), ["E210", "E206", "N202"], "\(old.diagnostics.map(\.message))")
        let compatible = check(
            spec("nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04"), host: host(driver: "470.57.02", gpu: "A100"))
        XCTAssertEqual(codes(compatible), ["W206"], "\(compatible.diagnostics.map(\.message))")
    }

    func testSetupStepsAndEnvShowCompilation() {
        func compilation(_ lines: String) -> CUDACompilation? {
            check("mlenv: 1\nname: t\nbase: nvidia/cuda:12.6.3-devel-ubuntu22.04\npython: \"3.11\"\n" + lines)
                .environments.first?.cudaCompilation
        }
        XCTAssertNil(compilation("setup: [\"pip install nvccx\", \"echo my-nvcc-notes\"]\n"))
        XCTAssertEqual(
            compilation("setup: [\"/usr/local/cuda/bin/nvcc -o k k.cu\"]\n")?.evidence, "`nvcc` in a setup step")
        let list = compilation(
            "setup: [\"TORCH_CUDA_ARCH_LIST='8.0 9.0a 12.0+PTX' pip install --no-build-isolation .\"]\n")?.architectures
        XCTAssertEqual(list?.cubins, [80, 120])
        XCTAssertEqual(list?.exact, [90])
        XCTAssertEqual(list?.ptx, [120])
        XCTAssertNil(compilation("env: {TORCH_CUDA_ARCH_LIST: \"Ampere\"}\n")?.architectures)
        XCTAssertEqual(compilation("env: {FORCE_CUDA: \"1\"}\n")?.evidence, "`FORCE_CUDA` in `env`")
        XCTAssertNil(compilation("env: {FORCE_CUDA: \"0\"}\n"))
    }
}

final class CompanionInstallTests: XCTestCase {
    /// torchvision and torchaudio come from PyTorch's own index with torch, never from PyPI beside it.
    func testCompanionsInstallFromTorchsIndex() throws {
        let spec = """
            mlenv: 1
            name: t
            base: nvidia/cuda:11.8.0-runtime-ubuntu22.04
            framework: {name: pytorch, version: "2.1"}
            python: "3.10"
            cuda: "11.8"
            packages:
              pip: ["torchvision==0.16.1", "torchaudio==2.1.1", "numpy==1.26.4"]
            """
        let result = MLEnv.generate(
            SourceFile(path: "t.yaml", text: spec), outputDirectory: "out", workingDirectory: "/w",
            files: InMemoryFiles())
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        guard case .text(let dockerfile)? = result.outputs.first(where: { $0.path == "Dockerfile" })?.contents else {
            return XCTFail("no Dockerfile")
        }
        XCTAssertTrue(
            dockerfile.contains(
                "python3 -m pip install 'torch==2.1.*' torchvision==0.16.1 torchaudio==2.1.1 --index-url https://download.pytorch.org/whl/cu118"
            ),
            dockerfile)
        XCTAssertFalse(dockerfile.contains("numpy==1.26.4 --index-url"), "other packages stay with requirements.txt")
    }
}
