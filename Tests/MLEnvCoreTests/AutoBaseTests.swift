import XCTest

@testable import MLEnvCore

/// `base: auto` over NGC images, `nvidia/cuda` with the framework's wheels, and `python` images
/// for the CPU: the exact image for real specs, the runners-up and why each lost.
final class AutoBaseTests: XCTestCase {
    let catalog = CatalogLoader.builtIn

    func host(driver: String, model: String) -> SourceFile {
        SourceFile(
            path: "host.yaml",
            text: "mlenv: 1\nkind: host\nname: box\ndriver: \"\(driver)\"\ngpus: {model: \(model), count: 8}\n")
    }

    /// The check of a `base: auto` spec (its body after `base: auto`), with an optional host.
    func resolve(_ body: String, host: SourceFile? = nil) -> CheckResult {
        let spec = SourceFile(path: "spec.yaml", text: "mlenv: 1\nname: t\nbase: auto\n" + body)
        return MLEnv.check([spec] + [host].compactMap { $0 }, files: InMemoryFiles())
    }

    func note(_ result: CheckResult) -> Diagnostic? {
        result.diagnostics.first { $0.code == .autoBaseChosen || $0.code == .autoBaseUnavailable }
    }

    /// NGC's 25.03 image has PyTorch 2.7, Python 3.12 and CUDA 12.8 (ngc_pytorch.csv): a framework
    /// image that fits wins over nvidia/cuda and wheels, which are named as a runner-up.
    func testAFrameworkImageThatFitsWins() throws {
        let result = resolve("framework: {name: pytorch, version: \"2.7\"}\npython: \"3.12\"\ncuda: \"12.8\"\n")
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        let environment = try XCTUnwrap(result.environments.first)
        XCTAssertEqual(environment.image.description, "nvcr.io/nvidia/pytorch:25.03-py3")
        XCTAssertNil(environment.frameworkInstall)
        XCTAssertEqual(
            environment.runnersUp,
            [
                "`nvcr.io/nvidia/pytorch:25.02-py3`: an older release",
                "`nvidia/cuda:12.8.1-runtime-ubuntu24.04` with PyTorch 2.7 built for CUDA 12.8, from PyTorch's own index: more moving parts (Python and the framework's wheels installed on a plain CUDA image)",
            ])
        XCTAssertEqual(note(result)?.notes.map(\.message), environment.runnersUp.map { "runner-up " + $0 })
        // No framework in the spec: nothing but Python goes on the plain CUDA image.
        let bare = resolve("cuda: \"13.0\"\n")
        XCTAssertEqual(bare.environments.first?.image.description, "nvcr.io/nvidia/pytorch:25.11-py3")
        XCTAssertEqual(
            bare.environments.first?.runnersUp.last,
            "`nvidia/cuda:13.0.0-runtime-ubuntu24.04`: more moving parts (Python installed on a plain CUDA image)")
        // `framework: none` wants no framework: not an image built around PyTorch.
        let none = resolve("framework: none\ncuda: \"13.0\"\n")
        XCTAssertFalse(none.diagnostics.containsErrors, "\(none.diagnostics.map(\.message))")
        XCTAssertEqual(none.environments.first?.image.description, "nvidia/cuda:13.0.0-runtime-ubuntu24.04")
        XCTAssertNil(none.environments.first?.frameworkInstall)
    }

    /// No NGC PyTorch 2.7 image has Python 3.11: nvidia/cuda 12.8's runtime image, Python 3.11
    /// from deadsnakes and torch's cu128 wheels; `devel` when the spec compiles CUDA code.
    func testNVIDIACUDAWithWheelsWhenNoFrameworkImageFits() throws {
        let body = "framework: {name: pytorch, version: \"2.7\"}\npython: \"3.11\"\ncuda: \"12.8\"\n"
        let result = resolve(body)
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        let environment = try XCTUnwrap(result.environments.first)
        XCTAssertEqual(environment.image.description, "nvidia/cuda:12.8.1-runtime-ubuntu24.04")
        XCTAssertEqual(
            environment.frameworkInstall?.words,
            ["torch==2.7.*", "--index-url", "https://download.pytorch.org/whl/cu128"])
        XCTAssertEqual(environment.python.known, DottedVersion("3.11"))
        let chosen = try XCTUnwrap(note(result))
        XCTAssertEqual(chosen.code, .autoBaseChosen)
        XCTAssertTrue(
            chosen.message.contains("no catalog image has PyTorch 2.7, Python 3.11, CUDA 12.8"), chosen.message)
        XCTAssertTrue(chosen.message.contains("CUDA 12.8.1, the spec's CUDA"), chosen.message)
        XCTAssertEqual(
            chosen.notes.first?.message,
            "runner-up `nvcr.io/nvidia/pytorch:25.03-py3` would need Python 3.11 (your spec asks for it; it comes with 3.12)"
        )
        let text = ResolvedReport.text(environment)
        XCTAssertTrue(
            text.contains(
                "\nrunner-up: `nvcr.io/nvidia/pytorch:25.03-py3` would need Python 3.11 (your spec asks for it; it comes with 3.12)\n"
            ), text)
        XCTAssertTrue(
            ResolvedReport.json(environment).contains(
                "\"runners_up\": [\"`nvcr.io/nvidia/pytorch:25.03-py3` would need Python 3.11"),
            ResolvedReport.json(environment))
        let compiling = resolve(body + "env: {TORCH_CUDA_ARCH_LIST: \"8.0;9.0\"}\n")
        XCTAssertEqual(compiling.environments.first?.image.description, "nvidia/cuda:12.8.1-devel-ubuntu24.04")
        XCTAssertTrue(note(compiling)?.message.contains("the `devel` flavour, as the spec compiles CUDA code") ?? false)
    }

    /// The catalog has no NGC JAX image: JAX's CUDA 12 wheels on the newest CUDA 12 image, on the
    /// Ubuntu whose own Python the release supports (no Python in the spec: 24.04's 3.12).
    /// TensorFlow 2.13 loads the system's CUDA: the cuDNN image of the CUDA it was built for.
    func testJAXAndOldTensorFlowGetNVIDIACUDA() throws {
        let jax = resolve("framework: {name: jax, version: \"0.5\"}\n")
        XCTAssertFalse(jax.diagnostics.containsErrors, "\(jax.diagnostics.map(\.message))")
        XCTAssertEqual(jax.environments.first?.image.description, "nvidia/cuda:12.9.1-runtime-ubuntu24.04")
        XCTAssertEqual(jax.environments.first?.python.known, DottedVersion("3.12"))
        XCTAssertEqual(jax.environments.first?.frameworkInstall?.words, ["jax[cuda12]==0.5.*"])
        XCTAssertEqual(
            jax.environments.first?.runnersUp.first, "`nvidia/cuda:12.8.1-runtime-ubuntu24.04` fits; an older toolkit")
        let tensorflow = resolve("framework: {name: tensorflow, version: \"2.13\"}\npython: \"3.11\"\n")
        XCTAssertFalse(tensorflow.diagnostics.containsErrors, "\(tensorflow.diagnostics.map(\.message))")
        XCTAssertEqual(
            tensorflow.environments.first?.image.description, "nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04")
        XCTAssertTrue(
            tensorflow.environments.first?.runnersUp.contains {
                $0.hasPrefix("`nvidia/cuda:13.0.0-cudnn-runtime-ubuntu24.04` would give E202:")
            } ?? false, "\(tensorflow.environments.first?.runnersUp ?? [])")
    }

    /// The host's driver decides the toolkit: R550 supports CUDA 12.4, so the 12.6-12.9 images start
    /// only through their brand exceptions (and not at all on a GeForce card); R535 runs PyTorch
    /// 2.7's cu118 wheels natively, its cu126 only through minor-version compatibility.
    func testTheHostsDriverPicksTheToolkit() throws {
        for model in ["A100-SXM4-80GB", "GeForce RTX 4090"] {
            let result = resolve(
                "framework: {name: jax, version: \"0.5\"}\n", host: host(driver: "550.54.15", model: model))
            XCTAssertFalse(result.diagnostics.containsErrors, "\(model): \(result.diagnostics.map(\.message))")
            XCTAssertEqual(
                result.environments.first?.image.description, "nvidia/cuda:12.4.1-runtime-ubuntu22.04", model)
            XCTAssertEqual(result.environments.first?.python.known, DottedVersion("3.10"), model)
        }
        let result = resolve(
            "framework: {name: pytorch, version: \"2.7\"}\npython: \"3.11\"\n",
            host: host(driver: "535.129.03", model: "A100-SXM4-80GB"))
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        let environment = try XCTUnwrap(result.environments.first)
        XCTAssertEqual(environment.image.description, "nvidia/cuda:11.8.0-runtime-ubuntu22.04")
        XCTAssertEqual(environment.frameworkInstall?.variant, "cu118")
        XCTAssertTrue(
            environment.choice?.contains(
                "CUDA 11.8.0, the newest that box's driver starts without a brand exception and has the wheels' CUDA 11.8"
            )
                ?? false, environment.choice ?? "")
    }

    /// For the CPU, `python:X.Y-slim`; the framework image it passed over is the runner-up.
    func testTheCPUGetsAPythonImageAndNamesTheFrameworkImage() throws {
        let result = resolve("framework: {name: pytorch, version: \"2.5\"}\ncuda: none\n")
        let environment = try XCTUnwrap(result.environments.first)
        XCTAssertEqual(environment.image.description, "python:3.13-slim")
        XCTAssertEqual(
            environment.runnersUp,
            ["`nvcr.io/nvidia/pytorch:24.10-py3`: it ships gigabytes of CUDA the spec does not use"])
    }

    /// Nothing fits PyTorch 2.1 on Python 3.13: the nearest NGC images and the nvidia/cuda
    /// candidate, each with what it would need or give.
    func testNoFitNamesTheNearestOfEachKind() throws {
        let result = resolve("framework: {name: pytorch, version: \"2.1\"}\npython: \"3.13\"\n")
        let error = try XCTUnwrap(note(result))
        XCTAssertEqual(error.code, .autoBaseUnavailable)
        XCTAssertEqual(error.message, "`base: auto` found no image with PyTorch 2.1, Python 3.13")
        XCTAssertEqual(
            error.notes.map(\.message),
            [
                "`nvcr.io/nvidia/pytorch:23.10-py3` would need Python 3.13 (your spec asks for it; it comes with 3.10)",
                "`nvcr.io/nvidia/pytorch:23.09-py3` would need Python 3.13 (your spec asks for it; it comes with 3.10)",
                "`nvcr.io/nvidia/pytorch:23.08-py3` would need Python 3.13 (your spec asks for it; it comes with 3.10)",
                "`nvidia/cuda:12.1.1-runtime-ubuntu22.04` would give E201: PyTorch 2.1 supports Python 3.8-3.11, not 3.13",
            ])
        // A CUDA no supported tag has: no nvidia/cuda candidate.
        let pinned = resolve("framework: {name: jax, version: \"0.5\"}\ncuda: \"12.7\"\n")
        XCTAssertEqual(note(pinned)?.code, .autoBaseUnavailable)
        XCTAssertEqual(note(pinned)?.message, "`base: auto` found no image for JAX; name a base image")
    }

    /// Whatever the spec, an nvidia/cuda choice is a tag NVIDIA lists as supported, and the
    /// environment passes every check (the choice was judged by the same rules).
    func testEveryNVIDIACUDAChoiceIsASupportedTagAndPassesTheChecks() throws {
        let supported = Set(catalog.toolkits.flatMap { $0.imageTags.map { "nvidia/cuda:" + $0 } })
        XCTAssertGreaterThan(supported.count, 80)
        var chosenCUDA = 0
        for framework in ["pytorch", "tensorflow", "jax"] {
            for version in ["2.4", "2.7", "2.15", "2.17", "0.4.30", "0.5"] {
                for python in ["", "python: \"3.10\"\n", "python: \"3.11\"\n", "python: \"3.12\"\n"] {
                    for cuda in ["", "cuda: \"11.8\"\n", "cuda: \"12.6\"\n", "cuda: \"12.9\"\n"] {
                        let body = "framework: {name: \(framework), version: \"\(version)\"}\n" + python + cuda
                        let result = resolve(body)
                        guard let environment = result.environments.first,
                            environment.image.repository == "nvidia/cuda"
                        else { continue }
                        chosenCUDA += 1
                        XCTAssertTrue(
                            supported.contains(environment.image.description), "\(body): \(environment.image)")
                        XCTAssertFalse(
                            result.diagnostics.containsErrors, "\(body): \(result.diagnostics.map(\.message))")
                    }
                }
            }
        }
        XCTAssertGreaterThan(chosenCUDA, 20)
    }
}
