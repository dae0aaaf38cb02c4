import XCTest

@testable import MLEnvCore

/// Open bug found by the megatron-ngc fixture (issue 16): NGC PyTorch images set
/// TORCH_CUDA_ARCH_LIST in their own environment (../shared/reference/ngc_pytorch.csv: 25.10's
/// image history has `TORCH_CUDA_ARCH_LIST=8.0 8.6 9.0 10.0 11.0 12.0+PTX`), and an image's ENV
/// wins over a Dockerfile ARG of the same name (README, `build.env`). `build.env:
/// {TORCH_CUDA_ARCH_LIST: "9.0"}` on such a base is written as `ARG TORCH_CUDA_ARCH_LIST` only,
/// so pip builds of CUDA extensions see the image's list, with no diagnostic; Apptainer's
/// `export` in %post does honour it. Either the Docker package and setup steps must set the value
/// themselves, or mlenv must say that the base's value wins.
final class BuildEnvOnNGCTests: XCTestCase {
    func testBuildEnvReachesTheStepsOnABaseThatSetsTheVariable() throws {
        let spec = """
            mlenv: 1
            name: t
            base: nvcr.io/nvidia/pytorch:25.10-py3
            gpus: 1
            build: {env: {TORCH_CUDA_ARCH_LIST: "9.0"}}
            setup: ["pip install --no-build-isolation flash-attn==2.7.4.post1"]
            """
        let result = MLEnv.generate(
            SourceFile(path: "t.yaml", text: spec), outputDirectory: "out", workingDirectory: "/w",
            files: InMemoryFiles(), targets: [.docker])
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        let file = try XCTUnwrap(result.outputs.first { $0.path == "Dockerfile" })
        guard case .text(let dockerfile) = file.contents else { return XCTFail("Dockerfile is not text") }
        // Lines other than the ARG declaration and comments that give the steps the value.
        let setInSteps = dockerfile.split(separator: "\n").contains { line in
            line.contains("TORCH_CUDA_ARCH_LIST") && !line.hasPrefix("ARG ") && !line.hasPrefix("#")
        }
        let said = result.diagnostics.contains { $0.message.contains("TORCH_CUDA_ARCH_LIST") }
        XCTAssertTrue(
            setInSteps || said,
            "build.env's TORCH_CUDA_ARCH_LIST is only an ARG, which the base image's ENV overrides:\n\(dockerfile)")
    }
}
