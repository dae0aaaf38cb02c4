import XCTest

@testable import MLEnvCore

/// An image starts only if NVIDIA's container toolkit lets it: its `NVIDIA_REQUIRE_CUDA` judged as
/// libnvidia-container judges it, with the real requirements of NVIDIA's images and real hosts
/// from issue threads.
final class ContainerToolkitTests: XCTestCase {
    let catalog = CatalogLoader.builtIn

    func host(driver: String, gpu: String) -> SourceFile {
        SourceFile(
            path: "host.yaml",
            text: "mlenv: 1\nkind: host\nname: box\ndriver: \"\(driver)\"\ngpus: {model: \(gpu), count: 1}\n")
    }

    func found(_ base: String, driver: String, gpu: String, extra: String = "") -> [String] {
        let spec = "mlenv: 1\nname: t\nbase: \(base)\npython: \"3.10\"\n" + extra
        let result = MLEnv.check(
            [SourceFile(path: "spec.yaml", text: spec), host(driver: driver, gpu: gpu)], files: InMemoryFiles())
        return result.diagnostics.filter { ["E210", "W210"].contains($0.code.id) }.map {
            "\($0.code.id)@\($0.location.line):\($0.location.column)"
        }
    }

    func judged(_ driver: String, capability: String? = nil) -> ContainerRequirement.Host {
        let version = DottedVersion(driver)!
        return ContainerRequirement.Host(
            driver: version, cuda: Compatibility.cudaSupported(by: version, catalog: catalog),
            capability: capability.flatMap(DottedVersion.init))
    }

    /// libnvidia-container src/cli/dsl.c: alternatives by spaces (OR), conditions by commas
    /// (AND); property names without case; what it cannot read is not judged.
    func testTheGrammarIsTheToolkits() throws {
        let requirement = try XCTUnwrap(
            ContainerRequirement(
                parsing: "cuda>=12.4 brand=tesla,driver>=535,driver<536  brand=unknown,driver>=535,driver<536"))
        XCTAssertEqual(requirement.alternatives.count, 3)
        XCTAssertEqual(requirement.headline, "cuda>=12.4")
        XCTAssertEqual(requirement.verdict(on: judged("550.54.15")), .starts)
        XCTAssertEqual(requirement.verdict(on: judged("535.129.03")), .startsFor(brands: ["tesla", "unknown"]))
        XCTAssertEqual(requirement.verdict(on: judged("545.23.08")), .refused)
        XCTAssertEqual(requirement.holds(on: judged("535.129.03"), brand: "geforce"), false)
        // NVIDIA's 12.3.2 arm64 stage writes `CUDA>=12.3`; libnvidia-container reads it.
        XCTAssertEqual(ContainerRequirement(parsing: "CUDA>=12.3")?.verdict(on: judged("545.23.08")), .starts)
        XCTAssertEqual(ContainerRequirement(parsing: "arch>=8.0")?.verdict(on: judged("535.129.03")), .unknown)
        XCTAssertEqual(
            ContainerRequirement(parsing: "arch>=8.0")?.verdict(on: judged("535.129.03", capability: "7.0")), .refused)
        XCTAssertEqual(ContainerRequirement(parsing: "")?.verdict(on: judged("470.57.02")), .starts, "nothing to check")
        for broken in ["cuda=>12.4", "gpu>=1", "cuda>=", ">=12", "cuda>=12.x", "driver>=abc"] {
            XCTAssertNil(ContainerRequirement(parsing: broken), broken)
        }
    }

    /// What nvidia-smi's "CUDA Version" is, from the toolkit table: R565 says 12.7, a CUDA with no
    /// toolkit, so only "at least 12.6, below 12.8" is known.
    func testTheDriversCUDAIsBoundedByTheToolkitTable() {
        func range(_ driver: String) -> String {
            let (lowest, below) = Compatibility.cudaSupported(by: DottedVersion(driver)!, catalog: catalog)
            return "\(lowest?.description ?? "-")..<\(below?.description ?? "-")"
        }
        XCTAssertEqual(range("535.129.03"), "12.2..<12.3")
        XCTAssertEqual(range("550.144.03"), "12.4..<12.5")
        XCTAssertEqual(range("565.57.01"), "12.6..<12.8")
        XCTAssertEqual(range("570.169"), "12.8..<12.9")
        XCTAssertEqual(range("440.33.01"), "10.2..<11.0")
        XCTAssertEqual(range("470.57.02"), "11.4..<11.5")
        // A branch's early build, before the toolkit's own driver, is below 12.3 and not counted as 12.2.
        XCTAssertEqual(range("535.43.02"), "12.1..<12.3")
        XCTAssertEqual(range("620.10"), "13.4..<-", "13.5's branch is not known")
        XCTAssertEqual(
            ContainerRequirement(parsing: "cuda>=12.7")?.verdict(on: judged("565.57.01")), .unknown,
            "12.7 is neither known to be met nor not")
        XCTAssertEqual(ContainerRequirement(parsing: "cuda>=12.8")?.verdict(on: judged("565.57.01")), .refused)
    }

    /// The catalog holds NVIDIA's own values (Tests/Tools/container_requirements.csv, C1).
    func testNVIDIAsImagesRequirementsAreInTheCatalog() throws {
        func requirement(_ version: String) -> String? {
            catalog.toolkits.first { $0.version.description == version }?.imageRequirement
        }
        XCTAssertEqual(requirement("11.4.3"), "cuda>=11.4")
        XCTAssertEqual(try XCTUnwrap(requirement("12.4.1")).split(separator: " ").count, 31)
        XCTAssertTrue(try XCTUnwrap(requirement("13.0.0")).hasPrefix("cuda>=13.0 brand=unknown,driver>=535,driver<536"))
        XCTAssertNil(requirement("12.4.0"), "a tag no longer rebuilt: its value is not known")
        XCTAssertEqual(
            catalog.image(ImageReference(parsing: "nvcr.io/nvidia/pytorch:23.10-py3")!)?.nvidiaRequireCUDA, "cuda>=9.0")
        XCTAssertNil(catalog.image(ImageReference(parsing: "nvcr.io/nvidia/pytorch:24.05-py3")!)?.nvidiaRequireCUDA)
    }

    func testRealRefusalsAreErrorsAtTheBase() {
        // NVIDIA/nvidia-container-toolkit#214: 440.33.01 (CUDA 10.2) and the CUDA 11.8 images.
        XCTAssertEqual(
            found("nvidia/cuda:11.8.0-cudnn8-devel-ubuntu20.04", driver: "440.33.01", gpu: "Tesla V100-PCIE-32GB"),
            ["E210@3:7"])
        // StatCan/aaw#1544: 510.47.03 (CUDA 11.6) and a CUDA 11.7 image; 11.7.1 excepts only R470 now.
        XCTAssertEqual(found("nvidia/cuda:11.7.1-runtime-ubuntu22.04", driver: "510.47.03", gpu: "A100"), ["E210@3:7"])
        // R545 (CUDA 12.3) is no exception of the 12.4 images: any brand is refused.
        XCTAssertEqual(
            found("nvidia/cuda:12.4.1-runtime-ubuntu22.04", driver: "545.23.08", gpu: "GeForce RTX 4090"), ["E210@3:7"])
    }

    func testBrandExceptionsLetDataCenterGPUsStart() {
        // rapidsai/devcontainers#332: `nvidia/cuda:12.5.0-base-ubuntu22.04` runs on driver 535.
        XCTAssertEqual(found("nvidia/cuda:12.5.0-base-ubuntu22.04", driver: "535.161.08", gpu: "A100-SXM4-80GB"), [])
        // theroyallab/tabbyAPI#324: 550.144.03 (CUDA 12.4) and a CUDA 12.8 image: an H100 starts
        // through the R550 exception, a GeForce card is not excepted.
        XCTAssertEqual(found("nvidia/cuda:12.8.1-runtime-ubuntu24.04", driver: "550.144.03", gpu: "H100"), [])
        XCTAssertEqual(
            found("nvidia/cuda:12.8.1-runtime-ubuntu24.04", driver: "550.144.03", gpu: "GeForce RTX 4090"), ["W210@3:7"]
        )
        // TabbyML/tabby#4309: an RTX 3090 Ti on 570.169 and a CUDA 12.9 image.
        XCTAssertEqual(
            found("nvidia/cuda:12.9.1-runtime-ubuntu24.04", driver: "570.169", gpu: "GeForce RTX 3090 Ti"), ["W210@3:7"]
        )
        // Before 12.5 NVIDIA's images excepted GeForce too: 12.4.1 starts on R535 everywhere.
        XCTAssertEqual(
            found("nvidia/cuda:12.4.1-runtime-ubuntu22.04", driver: "535.129.03", gpu: "GeForce RTX 4090"), [])
    }

    func testWhatTheToolkitIsToldDecides() {
        let refused = ("nvidia/cuda:11.8.0-cudnn8-devel-ubuntu20.04", "440.33.01")
        for value in ["true", "1", "True"] {
            XCTAssertEqual(
                found(
                    refused.0, driver: refused.1, gpu: "A100", extra: "env: {NVIDIA_DISABLE_REQUIRE: \"\(value)\"}\n"),
                [], value)
        }
        XCTAssertEqual(
            found(refused.0, driver: refused.1, gpu: "A100", extra: "env: {NVIDIA_DISABLE_REQUIRE: \"false\"}\n"),
            ["E210@3:7"])
        // The spec's own NVIDIA_REQUIRE_CUDA replaces the image's and is judged where it is written.
        XCTAssertEqual(
            found(refused.0, driver: refused.1, gpu: "A100", extra: "env: {NVIDIA_REQUIRE_CUDA: \"cuda>=10.0\"}\n"), [])
        XCTAssertEqual(
            found(
                "nvidia/cuda:12.2.2-runtime-ubuntu22.04", driver: "535.129.03", gpu: "A100",
                extra: "env: {NVIDIA_REQUIRE_CUDA: \"cuda>=12.4\"}\n"), ["E210@5:28"])
        // Without GPUs the toolkit is not asked; without a known requirement mlenv says nothing.
        XCTAssertEqual(found(refused.0, driver: refused.1, gpu: "A100", extra: "gpus: none\n"), [])
        XCTAssertEqual(found("nvidia/cuda:12.4.0-runtime-ubuntu22.04", driver: "545.23.08", gpu: "A100"), [])
        XCTAssertEqual(found("corp/cuda:12.4", driver: "440.33.01", gpu: "A100"), [])
        // NGC images ask for `cuda>=9.0` (N14): 23.10 starts on R470, and HostRule speaks of CUDA.
        XCTAssertEqual(found("nvcr.io/nvidia/pytorch:23.10-py3", driver: "470.57.02", gpu: "A100-SXM4-80GB"), [])
    }

    func testTheFixNamesTheDriverAndTheNearestImageThatStarts() throws {
        let spec = "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\npython: \"3.10\"\n"
        let result = MLEnv.check(
            [SourceFile(path: "spec.yaml", text: spec), host(driver: "545.23.08", gpu: "A100")], files: InMemoryFiles())
        let refusal = try XCTUnwrap(result.diagnostics.first { $0.code.id == "E210" })
        XCTAssertTrue(refusal.message.contains("unsatisfied condition: cuda>=12.4"), refusal.message)
        XCTAssertTrue(refusal.message.contains("driver branches 470, 525 and 535"), refusal.message)
        let fix = try XCTUnwrap(refusal.fix)
        XCTAssertTrue(fix.contains("550.54.14 or newer"), fix)
        XCTAssertTrue(fix.contains("`nvidia/cuda:12.3.2-runtime-ubuntu22.04`"), fix)
        XCTAssertEqual(refusal.notes.first?.message, "the host's driver is 545.23.08, which supports CUDA 12.3")
        XCTAssertEqual(refusal.notes.first?.file, "host.yaml")
    }

    /// A probed image's requirement (a `--catalog` entry) is judged like NVIDIA's.
    func testAProbedRequirementIsJudged() {
        let catalogText = """
            mlenv-catalog: 1
            table: probed
            images:
              - image: corp/cuda-base:2024.1
                cuda: "12.8.1"
                nvidia_require_cuda: "cuda>=12.8"
            """
        var options = CheckOptions()
        options.catalog.merge(CatalogLoader.load(SourceFile(path: "c.yaml", text: catalogText)).0)
        let spec = "mlenv: 1\nname: t\nbase: corp/cuda-base:2024.1\npython: \"3.10\"\n"
        let result = MLEnv.check(
            [SourceFile(path: "spec.yaml", text: spec), host(driver: "550.144.03", gpu: "A100")],
            files: InMemoryFiles(),
            options: options)
        XCTAssertEqual(
            result.diagnostics.filter { $0.code.id == "E210" }.count, 1, "\(result.diagnostics.map(\.message))")
    }
}
