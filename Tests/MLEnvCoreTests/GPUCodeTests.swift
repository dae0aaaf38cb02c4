import XCTest

@testable import MLEnvCore

/// CUDA's binary and PTX compatibility, as `Compatibility` answers it for builds and toolkits.
final class GPUCodeTests: XCTestCase {
    let catalog = CatalogLoader.builtIn

    func gpu(_ name: String) throws -> GPUModel { try XCTUnwrap(catalog.gpu(named: name), name) }

    func testCubinsRunOnTheirMajorAtOrAboveTheirMinor() {
        let ampere = Fact<[Int]>.known([80])
        XCTAssertEqual(Compatibility.kernels(cubins: ampere, ptx: .known([]), on: 86), .known(.native(sm: 80)))
        XCTAssertEqual(Compatibility.kernels(cubins: ampere, ptx: .known([]), on: 89), .known(.native(sm: 80)))
        XCTAssertEqual(
            Compatibility.kernels(cubins: .known([86]), ptx: .known([]), on: 80), .known(.none), "not downwards")
        XCTAssertEqual(
            Compatibility.kernels(cubins: ampere, ptx: .known([]), on: 90), .known(.none), "not across majors")
        XCTAssertEqual(
            Compatibility.kernels(cubins: .known([]), ptx: .known([]), exact: [90], on: 90), .known(.native(sm: 90)))
        XCTAssertEqual(
            Compatibility.kernels(cubins: .known([]), ptx: .known([]), exact: [100], on: 103), .known(.none),
            "sm_100a runs on 10.0 only")
    }

    func testPTXIsCompiledForNewerGPUsOnly() {
        let build = Fact<[Int]>.known([75, 80, 86, 90, 100, 120])
        XCTAssertEqual(Compatibility.kernels(cubins: build, ptx: .known([120]), on: 121), .known(.native(sm: 120)))
        XCTAssertEqual(Compatibility.kernels(cubins: .known([80]), ptx: .known([80]), on: 90), .known(.jit(ptx: 80)))
        XCTAssertEqual(Compatibility.kernels(cubins: build, ptx: .known([120]), on: 70), .known(.none))
        XCTAssertEqual(Compatibility.kernels(cubins: .known([80]), ptx: .unknown, on: 90), .unknown)
        XCTAssertEqual(Compatibility.kernels(cubins: .known([80]), ptx: .likely([]), on: 90), .likely(.none))
        XCTAssertEqual(Compatibility.kernels(cubins: .unknown, ptx: .known([]), on: 90), .unknown)
    }

    func testToolkitsReachGPUsThroughTheirMajorsOlderArchitectures() throws {
        // CUDA 11.0 has no sm_86, but its sm_80 cubins run on an A10.
        XCTAssertEqual(
            Compatibility.toolkit(DottedVersion("11.0")!, reaches: try gpu("A10"), catalog: catalog), .native(sm: 80))
        XCTAssertEqual(
            Compatibility.toolkit(DottedVersion("12.8")!, reaches: try gpu("B300"), catalog: catalog), .native(sm: 100))
        XCTAssertEqual(
            Compatibility.toolkit(DottedVersion("12.8")!, reaches: try gpu("GB10"), catalog: catalog), .native(sm: 120))
        XCTAssertEqual(
            Compatibility.toolkit(DottedVersion("11.7")!, reaches: try gpu("H100"), catalog: catalog),
            .ptxOnly(sm: 90, firstToolkit: DottedVersion("11.8")))
        XCTAssertEqual(
            Compatibility.toolkit(DottedVersion("12.4")!, reaches: try gpu("RTX 5090"), catalog: catalog),
            .ptxOnly(sm: 120, firstToolkit: DottedVersion("12.8")))
        XCTAssertEqual(
            Compatibility.toolkit(DottedVersion("13.0")!, reaches: try gpu("V100"), catalog: catalog),
            .dropped(sm: 70, lastToolkit: DottedVersion("12.9")))
    }

    func host(driver: String, gpu: String) -> SourceFile {
        SourceFile(
            path: "host.yaml",
            text: "mlenv: 1\nkind: host\nname: dgx\ndriver: \"\(driver)\"\ngpus: {model: \(gpu), count: 2}\n")
    }

    func found(_ spec: String, _ host: SourceFile) -> [Diagnostic] {
        MLEnv.check([SourceFile(path: "spec.yaml", text: spec), host], files: InMemoryFiles()).diagnostics
            .filter { ["E207", "W207", "E208"].contains($0.code.id) }
    }

    func testWheelsAreJudgedByTheirOwnArchitectures() {
        // PyTorch 2.6 has no wheel with sm_120, and its lists are not confirmed: CUDA 12.4 bounds them.
        let old =
            "mlenv: 1\nname: t\nbase: python:3.11-slim\nframework: {name: pytorch, version: \"2.6\"}\ncuda: \"12.4\"\n"
        let jit = found(old, host(driver: "570.124.06", gpu: "GeForce RTX 5090"))
        // PyPI's 2.6 wheel is cu124 only by inference (`cu124?`): it is not judged.
        XCTAssertEqual(
            found(
                old.replacingOccurrences(of: "cuda: \"12.4\"\n", with: ""),
                host(driver: "570.124.06", gpu: "GeForce RTX 5090")), [])
        XCTAssertEqual(jit.map(\.code.id), ["W207"])
        XCTAssertEqual(jit.first?.fix, "use PyTorch 2.7, whose cu128 wheels carry code for sm_120")
        // A toolkit that dropped the architecture decides before a likely list: nothing CUDA 13 builds runs on Volta.
        let new =
            "mlenv: 1\nname: t\nbase: nvidia/cuda:13.0.0-runtime-ubuntu24.04\nframework: {name: pytorch, version: \"2.15\"}\npython: \"3.12\"\n"
        let dropped = found(new, host(driver: "580.95.05", gpu: "Tesla V100-SXM2-32GB"))
        XCTAssertEqual(dropped.map(\.code.id), ["E207"])
        XCTAssertEqual(dropped.first?.fix, "use PyTorch 2.14, whose cu126 wheels carry code for sm_70")
    }

    func testCompiledCodeIsJudgedByTORCH_CUDA_ARCH_LIST() {
        func spec(_ list: String, cuda: String = "12.6.3") -> String {
            "mlenv: 1\nname: t\nbase: nvidia/cuda:\(cuda)-devel-ubuntu22.04\nframework: {name: pytorch, version: \"2.7\"}\n"
                + "python: \"3.11\"\nenv: {TORCH_CUDA_ARCH_LIST: \"\(list)\"}\n"
        }
        XCTAssertEqual(
            found(spec("8.0"), host(driver: "560.35.05", gpu: "A10")).map(\.code.id), [], "sm_80 runs on sm_86")
        XCTAssertEqual(found(spec("8.0+PTX"), host(driver: "560.35.05", gpu: "H100")).map(\.code.id), ["W207"])
        // Minor-version compatibility cannot JIT PTX.
        XCTAssertEqual(found(spec("8.0+PTX"), host(driver: "550.54.15", gpu: "H100")).map(\.code.id), ["E207"])
        XCTAssertEqual(found(spec("9.0a"), host(driver: "560.35.05", gpu: "H100")).map(\.code.id), [])
        XCTAssertEqual(
            found(spec("10.0a", cuda: "12.8.1"), host(driver: "570.124.06", gpu: "B300")).map(\.code.id), ["E207"],
            "sm_100a runs on 10.0 only")
        let beyond = found(spec("8.0;12.0", cuda: "12.6.3"), host(driver: "560.35.05", gpu: "A100"))
        XCTAssertEqual(beyond.map(\.code.id), ["E208"])
        XCTAssertEqual(beyond.first?.fix, "use a CUDA 12.8 or newer -devel image, or drop 12.0")
        XCTAssertEqual(
            found(spec("7.0;8.0", cuda: "13.0.0"), host(driver: "580.95.05", gpu: "A100")).map(\.code.id), ["E208"])
    }
}
