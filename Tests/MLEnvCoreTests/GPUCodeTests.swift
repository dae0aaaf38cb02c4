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
        XCTAssertEqual(Compatibility.kernels(cubins: .known([86]), ptx: .known([]), on: 80), .known(.none), "not downwards")
        XCTAssertEqual(Compatibility.kernels(cubins: ampere, ptx: .known([]), on: 90), .known(.none), "not across majors")
        XCTAssertEqual(Compatibility.kernels(cubins: .known([]), ptx: .known([]), exact: [90], on: 90), .known(.native(sm: 90)))
        XCTAssertEqual(Compatibility.kernels(cubins: .known([]), ptx: .known([]), exact: [100], on: 103), .known(.none),
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
        XCTAssertEqual(Compatibility.toolkit(DottedVersion("11.0")!, reaches: try gpu("A10"), catalog: catalog), .native(sm: 80))
        XCTAssertEqual(Compatibility.toolkit(DottedVersion("12.8")!, reaches: try gpu("B300"), catalog: catalog), .native(sm: 100))
        XCTAssertEqual(Compatibility.toolkit(DottedVersion("12.8")!, reaches: try gpu("GB10"), catalog: catalog), .native(sm: 120))
        XCTAssertEqual(Compatibility.toolkit(DottedVersion("11.7")!, reaches: try gpu("H100"), catalog: catalog),
                       .ptxOnly(sm: 90, firstToolkit: DottedVersion("11.8")))
        XCTAssertEqual(Compatibility.toolkit(DottedVersion("12.4")!, reaches: try gpu("RTX 5090"), catalog: catalog),
                       .ptxOnly(sm: 120, firstToolkit: DottedVersion("12.8")))
        XCTAssertEqual(Compatibility.toolkit(DottedVersion("13.0")!, reaches: try gpu("V100"), catalog: catalog),
                       .dropped(sm: 70, lastToolkit: DottedVersion("12.9")))
    }
}
