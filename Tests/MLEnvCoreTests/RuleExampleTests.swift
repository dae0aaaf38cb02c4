import XCTest

@testable import MLEnvCore

/// Runs every example of every unit in `Rules.all` through the real pipeline: a triggering example
/// reports its code exactly at its `↓` markers, a passing one reports none of its unit's codes.
final class RuleExampleTests: XCTestCase {
    /// Codes that need no triggering example, each with the reason. Keep this list short: an
    /// example can hold several specs, a host file, a lock, a catalog and files on disk, and run
    /// `check`, `generate` or `plan`.
    static let withoutExample: [String: String] = [:]

    func testTriggeringExamplesReportTheirCodeAtTheirMarkers() {
        for unit in Rules.all {
            let description = unit.description
            XCTAssertFalse(description.triggering.isEmpty, "\(unit) has no triggering example")
            for example in description.triggering {
                guard let code = example.code else {
                    XCTFail(
                        "a triggering example of \(unit) names no code", file: example.sourceFile,
                        line: example.sourceLine)
                    continue
                }
                XCTAssertTrue(
                    description.codes.contains(code), "\(code) is not one of \(unit)'s codes",
                    file: example.sourceFile, line: example.sourceLine)
                let expected = example.files.flatMap { file in file.markers.map { "\(file.path):\($0)" } }
                XCTAssertFalse(
                    expected.isEmpty, "the example marks no position", file: example.sourceFile,
                    line: example.sourceLine)
                let found = run(example)
                let reported = found.filter { $0.code == code }.map { "\($0.file):\($0.location)" }
                XCTAssertEqual(
                    reported.sorted(), expected.sorted(),
                    "\(code) at the markers; everything reported: \(found.map { "\($0.file):\($0.location) \($0.code): \($0.message)" })",
                    file: example.sourceFile, line: example.sourceLine)
            }
        }
    }

    func testPassingExamplesReportNoneOfTheirUnitsCodes() {
        for unit in Rules.all {
            let description = unit.description
            XCTAssertFalse(description.passing.isEmpty, "\(unit) has no passing example")
            for example in description.passing {
                XCTAssertNil(example.code, file: example.sourceFile, line: example.sourceLine)
                XCTAssertEqual(
                    example.files.flatMap(\.markers), [], "a passing example has no markers",
                    file: example.sourceFile, line: example.sourceLine)
                let codes = Set(description.codes)
                let reported = run(example).filter { codes.contains($0.code) }.map {
                    "\($0.file):\($0.location) \($0.code): \($0.message)"
                }
                XCTAssertEqual(reported, [], file: example.sourceFile, line: example.sourceLine)
            }
        }
    }

    func testEveryRegisteredCodeHasATriggeringExample() {
        let triggered = Set(Rules.all.flatMap { $0.description.triggering.compactMap(\.code?.id) })
        let missing = DiagnosticCode.registry.map(\.id).filter {
            !triggered.contains($0) && Self.withoutExample[$0] == nil
        }
        XCTAssertEqual(missing, [], "codes without a triggering example")
        let stale = Self.withoutExample.keys.filter(triggered.contains).sorted()
        XCTAssertEqual(stale, [], "exempt codes that do have an example")
    }

    func testEveryCodeBelongsToExactlyOneUnit() {
        let owned = Rules.all.flatMap { $0.description.codes.map(\.id) }
        XCTAssertEqual(owned.count, Set(owned).count, "a code owned by two units")
        XCTAssertEqual(Set(owned), Set(DiagnosticCode.registry.map(\.id)))
    }

    /// What the command the example names reports for its files.
    func run(_ example: RuleExample) -> [Diagnostic] {
        let disk = InMemoryFiles(
            Dictionary(
                example.files.map { ($0.path, Array($0.contents.utf8)) }, uniquingKeysWith: { first, _ in first }))
        let sources = { (role: RuleExample.Role) in
            example.files.filter { $0.role == role }.map { SourceFile(path: $0.path, text: $0.contents) }
        }
        var options = CheckOptions()
        var found: [Diagnostic] = []
        for source in sources(.catalog) {
            let (table, problems) = CatalogLoader.load(source)
            options.catalog.merge(table)
            found += problems
        }
        let checked =
            sources(.checked)
            + example.files.filter { $0.role == .inFolder }.map {
                SourceFile(path: $0.path, bytes: Array($0.contents.utf8), foundInFolder: true)
            }
        switch example.command {
        case .check:
            found += MLEnv.check(checked, files: disk, options: options).diagnostics
        case .generate(let targets, let locked, let output):
            found +=
                MLEnv.generate(
                    checked[0], outputDirectory: output, workingDirectory: "/work", files: disk, options: options,
                    lock: sources(.lock).first, locked: locked, targets: targets
                ).diagnostics
        case .plan:
            var hosts: [HostSpec] = []
            var specs: [SourceFile] = []
            for source in checked {
                if case .host(let host)? = MLEnv.load(source).0 { hosts.append(host) } else { specs.append(source) }
            }
            guard let host = hosts.first else {
                XCTFail("a plan example needs a host file", file: example.sourceFile, line: example.sourceLine)
                return found
            }
            found +=
                MLEnv.plan(
                    specs, host: host, outputDirectory: "plan", workingDirectory: "/work", files: disk, options: options
                ).diagnostics
        }
        return found
    }
}
