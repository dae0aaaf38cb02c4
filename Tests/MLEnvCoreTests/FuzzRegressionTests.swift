import Foundation
import XCTest

@testable import MLEnvCore

/// Every input in Tests/Fuzz/regressions/ (broken YAML from issue 7's list, and any crash the
/// fuzzer finds) goes through the whole pipeline and ends in diagnostics, never a crash.
final class FuzzRegressionTests: XCTestCase {
    func testRegressionInputsEndInDiagnostics() throws {
        let folder = repositoryRoot.appendingPathComponent("Tests/Fuzz/regressions")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 8)
        for name in names {
            let bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name)))
            let source = SourceFile(path: name, bytes: bytes)
            let result = MLEnv.generate(source, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles())
            if name == "bom.yaml" {
                XCTAssertFalse(result.diagnostics.containsErrors, "\(name): \(result.diagnostics.map(\.message))")
            } else {
                XCTAssertTrue(result.diagnostics.containsErrors, "\(name) gives no error")
                XCTAssertEqual(result.outputs, [], name)
            }
            XCTAssertTrue(result.diagnostics.allSatisfy { $0.location.line >= 1 && $0.location.column >= 1 }, name)
        }
    }
}
