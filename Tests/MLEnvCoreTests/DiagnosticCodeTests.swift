import XCTest

@testable import MLEnvCore

/// The registry's invariants and the decoder's finer points. Every code's own examples, with
/// their positions, are run by `RuleExampleTests`.
final class DiagnosticCodeTests: XCTestCase {
    func testRegistryIdsAreUniqueAndExplained() {
        let ids = DiagnosticCode.registry.map(\.id)
        XCTAssertEqual(ids.count, Set(ids).count)
        for code in DiagnosticCode.registry {
            XCTAssertFalse(code.explanation.isEmpty, code.id)
            XCTAssertFalse(code.summary.isEmpty, code.id)
            let letter: Character = code.severity == .error ? "E" : code.severity == .warning ? "W" : "N"
            XCTAssertEqual(code.id.first, letter, "\(code.id) letter matches its severity")
            XCTAssertEqual(DiagnosticCode.named(code.id.lowercased()), code)
        }
    }

    /// Cases found in review: each was accepted and produced a broken or unsafe artifact.
    func testReviewRegressions() {
        XCTAssertEqual(
            triples(diagnostics("mlenv: 1\nname: team-\nbase: python:3.11\n")), ["E105@2:7"],
            "image names cannot end in -")
        XCTAssertEqual(
            triples(diagnostics(minimalSpec + "workdir: /usr/local\n")), ["E120@4:10"], "workdir is made world-writable"
        )
        XCTAssertEqual(triples(diagnostics(minimalSpec + "workdir: /\n")), ["E120@4:10"])
        XCTAssertEqual(triples(diagnostics(minimalSpec + "workdir: /srv/team\n")), [])
        XCTAssertEqual(
            triples(diagnostics(minimalSpec + "build: {pip_index_url: \"https://bob:s3cret@pypi.corp/simple\"}\n")),
            ["E121@4:24"])
        XCTAssertEqual(
            triples(diagnostics(minimalSpec + "description: \"ends with \\\\ \"\n")), ["E122@4:14"],
            "folded text ends in a backslash")
        let markers =
            minimalSpec
            + "packages:\n  pip: [\"numpy==1.26.4; python_version < '3.9'\", \"numpy==2.1.0; python_version >= '3.9'\"]\n"
        XCTAssertEqual(triples(diagnostics(markers)), [], "the same package under different markers is not a duplicate")
    }

    func testDuplicateKeyPointsAtTheFirstOccurrence() {
        let found = diagnostics(minimalSpec + "python: \"3.10\"\npython: \"3.11\"\n")
        XCTAssertEqual(found.first?.notes.first?.location, SourceLocation(line: 4, column: 1))
    }

    func testUnknownKeySuggestsTheNearestKey() {
        let found = diagnostics(minimalSpec + "pyhton: \"3.10\"\n")
        XCTAssertEqual(found.first?.fix, "rename `pyhton` to `python`")
        let nested = diagnostics(minimalSpec + "jupyter: {prot: 8888}\n")
        XCTAssertEqual(triples(nested), ["E101@4:11"])
        XCTAssertTrue(nested[0].message.contains("did you mean `port`"), nested[0].message)
    }

    func testAllProblemsInAllFilesAreReported() {
        let files = [
            SourceFile(path: "a.yaml", text: "mlenv: 1\nname: A\nbase: python:3.11\njupyter: yes\n"),
            SourceFile(path: "b.yaml", text: "mlenv: 1\nname: b\nbase: python:3.11\npyhton: x\ngpus: [1, 1]\n"),
        ]
        let result = MLEnv.check(files, files: InMemoryFiles())
        XCTAssertEqual(
            result.diagnostics.map { "\($0.file):\($0.code.id)" },
            ["a.yaml:E105", "a.yaml:E112", "b.yaml:E101", "b.yaml:E109"])
    }

    func testExampleSpecsHaveNoDiagnostics() throws {
        let folder = repositoryRoot.appendingPathComponent("specs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }
            .sorted()
        XCTAssertGreaterThanOrEqual(names.count, 4)
        let sources = try names.map {
            SourceFile(path: "specs/\($0)", bytes: Array(try Data(contentsOf: folder.appendingPathComponent($0))))
        }
        let result = MLEnv.check(sources, files: InMemoryFiles())
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }.map(\.message), [])
        // The examples pin what they can and pass `check --strict`: the unpinned apt packages of
        // two of them are ignored on purpose (W303, with the reason beside it).
        XCTAssertEqual(result.diagnostics.filter { $0.severity != .note }.map(\.message), [])
        XCTAssertEqual(result.ignored.map(\.diagnostic.code.id), ["W303", "W303"])
    }
}
