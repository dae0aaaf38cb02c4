import Foundation
import XCTest

@testable import MLEnvCore

/// Every report format, as golden files (Tests/Fixtures/reports/), and SARIF checked against the
/// official OASIS schema with a real validator.
final class ReportTests: XCTestCase {
    static let folder = repositoryRoot.appendingPathComponent("Tests/Fixtures/reports")

    func report(_ format: ReportFormat) throws -> String {
        let text = try String(contentsOf: Self.folder.appendingPathComponent("spec.yaml"), encoding: .utf8)
        let source = SourceFile(path: "reports/spec.yaml", text: text)
        let result = MLEnv.check([source], files: InMemoryFiles())
        return format.formatter().format(result.diagnostics, fileCount: 1, sources: ["reports/spec.yaml": text])
    }

    func testEveryFormatMatchesItsGoldenFile() throws {
        let update = ProcessInfo.processInfo.environment["MLENV_UPDATE_GOLDEN"] == "1"
        for (format, name) in [
            (ReportFormat.text, "report.txt"), (.json, "report.json"), (.sarif, "report.sarif"),
            (.github, "report.github.txt"),
        ] {
            let actual = try report(format)
            let url = Self.folder.appendingPathComponent(name)
            if update {
                try Data(actual.utf8).write(to: url)
                continue
            }
            let expected = try String(contentsOf: url, encoding: .utf8)
            if expected != actual {
                XCTFail("\(name) differs:\n\(try GoldenTests.diff(expected: expected, actual: actual))")
            }
        }
    }

    func testSARIFValidatesAgainstTheOfficialSchema() throws {
        let validator = try requiredTool("check-jsonschema")
        let schema = repositoryRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/schemas/sarif-schema-2.1.0.json")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-\(UUID().uuidString).sarif")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(try report(.sarif).utf8).write(to: file)
        let result = try runProcess(validator, ["--schemafile", schema.path, file.path])
        XCTAssertEqual(result.status, 0, result.output)
        let sarif = try XCTUnwrap(
            try JSONSerialization.jsonObject(with: Data(try report(.sarif).utf8)) as? [String: Any])
        let run = try XCTUnwrap((sarif["runs"] as? [[String: Any]])?.first)
        let rules = try XCTUnwrap(
            ((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])
        XCTAssertEqual(
            rules.map { $0["id"] as? String }, DiagnosticCode.registry.map(\.id), "one rule per diagnostic code")
        let results = try XCTUnwrap(run["results"] as? [[String: Any]])
        let first = try XCTUnwrap(results.first)
        XCTAssertEqual(first["ruleId"] as? String, "E203")
        let region =
            (((first["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["region"]
                as? [String: Int])
        XCTAssertEqual(region?["startLine"], 5)
        XCTAssertEqual(region?["startColumn"], 9)
    }

    func testEscaping() {
        XCTAssertEqual(GitHubFormatter.property("a,b:c%\nd"), "a%2Cb%3Ac%25%0Ad")
        XCTAssertEqual(
            GitHubFormatter.data("a\r\nb%"), "a%0D%0Ab%25", "a CRLF pair is two escapes, not one Character left raw")
        XCTAssertEqual(SARIFFormatter.uri("specs/my team.yaml"), "specs/my%20team.yaml")
        XCTAssertEqual(SARIFFormatter.uri("/srv/ü.yaml"), "file:///srv/%C3%BC.yaml")
    }
}
