import Foundation
import XCTest

@testable import MLEnvCore

/// The JSON Schema for specs, judged by a real validator (PyPI check-jsonschema).
final class SchemaTests: XCTestCase {
    static let schema = repositoryRoot.appendingPathComponent("Sources/MLEnvCore/Schema/mlenv.schema.json")
    static let cases = repositoryRoot.appendingPathComponent("Tests/Fixtures/schema")

    func validate(_ files: [String]) throws -> (status: Int32, output: String) {
        try runProcess(try requiredTool("check-jsonschema"), ["--schemafile", Self.schema.path] + files)
    }

    func testTheSchemaIsValidAndEmbedded() throws {
        let meta = try runProcess(try requiredTool("check-jsonschema"), ["--check-metaschema", Self.schema.path])
        XCTAssertEqual(meta.status, 0, meta.output)
        XCTAssertEqual(
            SpecSchema.text, try String(contentsOf: Self.schema, encoding: .utf8),
            "`mlenv schema` prints the committed file")
    }

    func testAcceptsEveryExampleAndFixtureSpec() throws {
        var files = try FileManager.default.contentsOfDirectory(
            atPath: repositoryRoot.appendingPathComponent("specs").path
        )
        .filter { $0.hasSuffix(".yaml") }.map { repositoryRoot.appendingPathComponent("specs/\($0)").path }
        let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures.path) where name != "reports" {
            let spec = fixtures.appendingPathComponent("\(name)/spec.yaml").path
            if FileManager.default.fileExists(atPath: spec) { files.append(spec) }
        }
        files += try FileManager.default.contentsOfDirectory(atPath: Self.cases.appendingPathComponent("valid").path)
            .map { Self.cases.appendingPathComponent("valid/\($0)").path }
        XCTAssertGreaterThanOrEqual(files.count, 10)
        let result = try validate(files)
        XCTAssertEqual(result.status, 0, result.output)
    }

    func testRejectsEachInvalidCaseAndMlenvAgrees() throws {
        let folder = Self.cases.appendingPathComponent("invalid")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        XCTAssertGreaterThanOrEqual(names.count, 10)
        for name in names {
            let path = folder.appendingPathComponent(name).path
            XCTAssertNotEqual(try validate([path]).status, 0, "the schema accepts \(name)")
            let text = try String(contentsOfFile: path, encoding: .utf8)
            XCTAssertTrue(diagnostics(text).containsErrors, "mlenv accepts \(name)")
        }
    }
}
