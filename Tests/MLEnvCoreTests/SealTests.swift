import XCTest

@testable import MLEnvCore

/// Files are never lost: mlenv replaces only what it wrote and nobody changed.
final class SealTests: XCTestCase {
    func testVerdicts() {
        let sealed = Seal.apply("FROM x\nRUN y\n", style: .hash)
        XCTAssertEqual(Seal.verdict(Array(sealed.utf8)), .intact)
        XCTAssertEqual(Seal.verdict(Array(sealed.replacingOccurrences(of: "RUN y", with: "RUN z").utf8)), .edited)
        XCTAssertEqual(Seal.verdict(Array((sealed + "# added\n").utf8)), .edited)
        XCTAssertEqual(Seal.verdict(Array("FROM mine\n".utf8)), .foreign)
        XCTAssertEqual(Seal.verdict(Array(Seal.apply("<svg/>\n", style: .markup).utf8)), .intact)
    }

    func testEveryGeneratedFileIsSealed() {
        let outputs = generate(minimalSpec + "packages: {pip: [\"numpy==1.26.4\"]}\n")
        XCTAssertEqual(outputs.count, 3)
        for (path, text) in outputs { XCTAssertEqual(Seal.verdict(Array(text.utf8)), .intact, path) }
    }

    func testOverwritePolicy() {
        let new = [(path: "Dockerfile", bytes: Array("new\n".utf8)), (path: "ca-bundle.crt", bytes: Array("ca2".utf8))]
        let intact = Array(Seal.apply("old\n", style: .hash).utf8)
        XCTAssertEqual(OverwritePolicy.refusals(new) { _ in nil }, [], "nothing there yet")
        XCTAssertEqual(
            OverwritePolicy.refusals(new) { $0 == "Dockerfile" ? intact : Array("ca1".utf8) }, [],
            "mlenv's folder, intact")
        XCTAssertEqual(
            OverwritePolicy.refusals(new) { $0 == "Dockerfile" ? Array("mine\n".utf8) : nil }.map(\.path),
            ["Dockerfile"])
        XCTAssertEqual(
            OverwritePolicy.refusals(new) {
                $0 == "Dockerfile" ? Array((String(decoding: intact, as: UTF8.self) + "x\n").utf8) : Array("ca1".utf8)
            }.map(\.reason),
            ["it was edited after mlenv wrote it", "it exists in a folder mlenv did not write"])
        XCTAssertEqual(
            OverwritePolicy.refusals(new) { $0 == "Dockerfile" ? Array("new\n".utf8) : nil }, [], "same contents")
    }
}
