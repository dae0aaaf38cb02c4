import XCTest

@testable import MLEnvCore

/// A host inventory's driver against its own GPUs: an architecture's last driver branch
/// (arch_lifecycle.csv, A1) is an error, the first branch of its first toolkit a warning.
final class HostGPUTests: XCTestCase {
    func inventory(driver: String, gpu: String, path: String = "host.yaml") -> SourceFile {
        SourceFile(
            path: path,
            text: "mlenv: 1\nkind: host\nname: box\ndriver: \"\(driver)\"\ngpus: {model: \(gpu), count: 4}\n")
    }

    func found(driver: String, gpu: String) -> [String] {
        triples(MLEnv.check([inventory(driver: driver, gpu: gpu)], files: InMemoryFiles()).diagnostics)
    }

    func testAnArchitecturesLastDriverBranchIsAnError() {
        // jax-ml/jax#15961: a Tesla K80 cannot take drivers newer than 470 (R495 dropped Kepler).
        XCTAssertEqual(found(driver: "535.129.03", gpu: "Tesla K80"), ["E211@4:9"])
        XCTAssertEqual(found(driver: "470.182.03", gpu: "Tesla K80"), [])
        // R580 is the last branch for Maxwell, Pascal and Volta.
        XCTAssertEqual(found(driver: "590.44.01", gpu: "Tesla V100-SXM2-32GB"), ["E211@4:9"])
        XCTAssertEqual(found(driver: "580.95.05", gpu: "Tesla V100-SXM2-32GB"), [])
        XCTAssertEqual(found(driver: "595.45.04", gpu: "Tesla P100-PCIE-16GB"), ["E211@4:9"])
        XCTAssertEqual(found(driver: "590.44.01", gpu: "Tesla M60"), ["E211@4:9"])
        XCTAssertEqual(found(driver: "610.43.02", gpu: "A100-SXM4-80GB"), [], "Ampere is still supported")
    }

    func testADriverOlderThanTheGPUsFirstBranchIsAWarning() {
        // NVIDIA/open-gpu-kernel-modules#872: the RTX 5090 needs a 570 driver (CUDA 12.8's branch).
        XCTAssertEqual(found(driver: "560.35.03", gpu: "GeForce RTX 5090"), ["W211@4:9"])
        XCTAssertEqual(found(driver: "570.124.06", gpu: "GeForce RTX 5090"), [])
        // The A100 arrived with CUDA 11.0 and R450.
        XCTAssertEqual(found(driver: "440.33.01", gpu: "A100-SXM4-40GB"), ["W211@4:9"])
        let message =
            MLEnv.check([inventory(driver: "560.35.03", gpu: "GeForce RTX 5090")], files: InMemoryFiles())
            .diagnostics.first?.message ?? ""
        XCTAssertTrue(message.contains("CUDA 12.8, whose driver branch is R570"), message)
    }

    func testUnknownAndLikelyFactsSayNothing() {
        XCTAssertEqual(found(driver: "340.108", gpu: "Tesla M60"), [], "the M60's first toolkit is only likely (6.5?)")
        XCTAssertEqual(found(driver: "470.57.02", gpu: "Radeon MI300X"), [])
        XCTAssertEqual(found(driver: "535.129.03", gpu: "Jetson AGX Orin"), [])
        let unreadable = MLEnv.check([inventory(driver: "latest", gpu: "Tesla K80")], files: InMemoryFiles())
        XCTAssertEqual(unreadable.diagnostics.filter { ["E211", "W211"].contains($0.code.id) }.count, 0)
    }

    /// The host is judged once, on its own file, however many specs are checked with it and
    /// whether it is named with `--host` or among the files.
    func testTheHostIsJudgedOnceOnItsOwnFile() {
        let spec = { (name: String) in
            SourceFile(
                path: "\(name).yaml", text: "mlenv: 1\nname: \(name)\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: 1\n"
            )
        }
        let host = inventory(driver: "535.129.03", gpu: "Tesla K80")
        let together = MLEnv.check([spec("a"), spec("b"), host], files: InMemoryFiles()).diagnostics
        XCTAssertEqual(together.filter { $0.code.id == "E211" }.map(\.file), ["host.yaml"])
        let given = MLEnv.check(
            [spec("a"), spec("b")], files: InMemoryFiles(),
            options: CheckOptions(host: MLEnv.load(host).0.flatMap { if case .host(let h) = $0 { h } else { nil } }))
        XCTAssertEqual(given.diagnostics.filter { $0.code.id == "E211" }.map(\.file), ["host.yaml"])
    }
}
