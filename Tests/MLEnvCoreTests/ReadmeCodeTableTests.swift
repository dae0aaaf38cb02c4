import Foundation
import XCTest

@testable import MLEnvCore

/// The README's code table is derived from `Rules.all`: one row per unit, its codes in the
/// unit's order. `MLENV_UPDATE_GOLDEN=1 swift test --filter ReadmeCodeTableTests` rewrites it.
final class ReadmeCodeTableTests: XCTestCase {
    static let header = "| family | codes | example |\n| --- | --- | --- |\n"

    /// The table as the units describe themselves.
    static func table() -> String {
        header
            + Rules.all.map { unit in
                let description = unit.description
                let cells = [description.title, codeList(description.codes), description.overview]
                return "| " + cells.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ")
                    + " |\n"
            }.joined()
    }

    /// Ids, with three or more consecutive numbers of one letter written as a range (`W301-W305`).
    static func codeList(_ codes: [DiagnosticCode]) -> String {
        var runs: [[DiagnosticCode]] = []
        for code in codes {
            if let last = runs.last?.last, last.id.first == code.id.first,
                Int(last.id.dropFirst())! + 1 == Int(code.id.dropFirst())!
            {
                runs[runs.count - 1].append(code)
            } else {
                runs.append([code])
            }
        }
        return runs.flatMap { run in run.count >= 3 ? ["\(run[0].id)-\(run[run.count - 1].id)"] : run.map(\.id) }
            .joined(separator: ", ")
    }

    func testTheReadmeTableListsEveryUnitAndItsCodes() throws {
        let url = repositoryRoot.appendingPathComponent("README.md")
        let readme = try String(contentsOf: url, encoding: .utf8)
        let start = try XCTUnwrap(readme.range(of: Self.header), "the README has no code table")
        let end = readme[start.lowerBound...].range(of: "\n\n")?.lowerBound ?? readme.endIndex
        let found = String(readme[start.lowerBound..<end]) + "\n"
        let expected = Self.table()
        if found != expected, ProcessInfo.processInfo.environment["MLENV_UPDATE_GOLDEN"] == "1" {
            try readme.replacingCharacters(in: start.lowerBound..<end, with: expected.dropLast()).write(
                to: url, atomically: true, encoding: .utf8)
            return
        }
        XCTAssertEqual(found, expected, "the README's code table; run with MLENV_UPDATE_GOLDEN=1 to rewrite it")
    }

    func testCodeListsWriteRunsAsRanges() {
        XCTAssertEqual(
            Self.codeList([.unpinnedBase, .unpinnedPip, .unpinnedApt, .jupyterExposed, .secretInImage]), "W301-W305")
        XCTAssertEqual(
            Self.codeList([.gpuClash, .gpuShared, .gpuOvercommit, .portClash, .portOutsideRange]),
            "E301, W310, E302-E304")
        XCTAssertEqual(Self.codeList([.frameworkCUDA, .frameworkCUDAMinor]), "E202, W202")
    }
}
