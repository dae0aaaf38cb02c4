import Foundation
import XCTest

@testable import MLEnvCore

/// The built-in catalog is `Catalog/Data/*.yaml` compiled into Swift
/// (`BuiltInCatalog.generated.swift`). `MLENV_UPDATE_GOLDEN=1 swift test --filter
/// BuiltInCatalogTests` rewrites that file from the tables.
final class BuiltInCatalogTests: XCTestCase {
    private let generated = repositoryRoot.appendingPathComponent(
        "Sources/MLEnvCore/Catalog/BuiltInCatalog.generated.swift")

    /// The tables as `CatalogLoader` reads a `--catalog` file, merged in name order.
    private func loadTables() throws -> Catalog {
        let folder = repositoryRoot.appendingPathComponent("Sources/MLEnvCore/Catalog/Data")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
        var catalog = Catalog()
        for name in names.sorted() {
            let bytes = try Data(contentsOf: folder.appendingPathComponent(name))
            let (table, diagnostics) = CatalogLoader.load(SourceFile(path: "catalog/\(name)", bytes: Array(bytes)))
            XCTAssertEqual(diagnostics.map(\.message), [], "\(name) reads without problems")
            catalog.merge(table)
        }
        XCTAssertEqual(names.count, 7)
        return catalog
    }

    /// The committed Swift is what the emitter makes of the tables today.
    func testGeneratedSourceIsUpToDate() throws {
        let expected = CatalogSwiftEmitter.source(try loadTables())
        let committed = (try? String(contentsOf: generated, encoding: .utf8)) ?? ""
        if committed != expected, ProcessInfo.processInfo.environment["MLENV_UPDATE_GOLDEN"] == "1" {
            try expected.write(to: generated, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertTrue(
            committed == expected,
            "\(generated.lastPathComponent) is stale: run with MLENV_UPDATE_GOLDEN=1 to rewrite it")
    }

    /// The compiled catalog is the loaded one, field by field: every stored property, down to a
    /// version's text as written, so the emitter cannot drop or reshape anything.
    func testCompiledCatalogIsTheLoadedCatalog() throws {
        let loaded = try loadTables()
        let compiled = CatalogLoader.builtIn
        XCTAssertEqual(compiled.fingerprint, loaded.fingerprint)
        let fields = zip(Mirror(reflecting: loaded).children, Mirror(reflecting: compiled).children)
        var compared = 0
        for (expected, found) in fields {
            let label = expected.label ?? "?"
            switch label {
            case "fingerprintSource":
                // Compared above: the compiled one holds the digest, the loaded one the text.
                continue
            case "imageIndex":
                // A dictionary: its dump's order is the hash table's, so compare it as a value.
                XCTAssertTrue(expected.value as? [String: Int] == found.value as? [String: Int], label)
            default:
                let (want, got) = (dumped(expected.value), dumped(found.value))
                let first = zip(want, got).first { $0 != $1 }
                XCTAssertTrue(
                    want == got,
                    "\(label): loaded \(first?.0 ?? "\(want.count) lines"), compiled \(first?.1 ?? "\(got.count)")")
            }
            compared += 1
        }
        XCTAssertGreaterThanOrEqual(compared, 11)
    }

    /// `dump`'s lines: every stored property, nested.
    private func dumped(_ value: Any) -> [Substring] {
        var text = ""
        dump(value, to: &text)
        return text.split(separator: "\n")
    }
}
