import XCTest

@testable import MLEnvCore

/// pip requirements listed more than once, judged as pip 20.3 and later resolve them: entries of
/// one project under one marker merge (extras unite, specifiers intersect); only entries that no
/// version satisfies together are errors. Each case was checked with pip 23.2.1 against local
/// wheels (`pip install --dry-run --no-index`).
final class PipRuleTests: XCTestCase {
    /// A spec on a plain Python image whose `packages.pip` is `items`.
    func spec(_ items: String) -> String {
        "mlenv: 1\nname: team\nbase: python:3.11-slim\ncuda: none\npackages:\n  pip: [\(items)]\n"
    }

    /// The duplicate-related codes (E126, N126, E204) reported for `items`, with their positions.
    func duplicates(_ items: String) -> [String] {
        triples(diagnostics(spec(items)).filter { ["E126", "N126", "E204"].contains($0.code.id) })
    }

    func testMergeableDuplicatesAreNoErrors() {
        // Found on real projects: the same pin twice, and a project next to its extras variant.
        XCTAssertEqual(duplicates(#""numpy==1.26.4", "numpy==1.26.4""#), ["N126@6:26"])
        XCTAssertEqual(duplicates(#""black", "black[jupyter]""#), [])
        XCTAssertEqual(duplicates(#""black>=24", "black[jupyter]<25""#), [])
        XCTAssertEqual(duplicates(#""numpy>=1.24", "numpy<2""#), [])
        // PEP 503 names and PEP 685 extras compare normalised.
        XCTAssertEqual(duplicates(#""Foo_Bar[Extra_One]==1.0", "foo-bar[extra-one]==1.0""#), ["N126@6:36"])
        XCTAssertEqual(
            duplicates(
                #""pkg @ https://example.org/pkg-1.0-py3-none-any.whl", "pkg @ https://example.org/pkg-1.0-py3-none-any.whl""#
            ),
            ["N126@6:63"])
    }

    func testContradictingEntriesAreErrorsAtTheSecondWithANoteAtTheFirst() {
        let pins = diagnostics(spec(#""numpy==1.26.4", "numpy==2.0.0""#)).filter { $0.code.id == "E204" }
        XCTAssertEqual(triples(pins), ["E204@6:26"])
        XCTAssertEqual(pins.first?.notes.map(\.location), [SourceLocation(line: 6, column: 9)])
        XCTAssertEqual(duplicates(#""x>=2", "x<1""#), ["E204@6:17"])
        XCTAssertEqual(duplicates(#""black==24.1.0", "black[jupyter]==23.12.1""#), ["E204@6:26"])
        XCTAssertEqual(duplicates(#""Foo_Bar==1.0", "foo-bar==2.0""#), ["E204@6:25"])
        XCTAssertEqual(duplicates(#""numpy==1.26.*", "numpy<1.26""#), ["E204@6:26"])
        XCTAssertEqual(
            duplicates(
                #""pkg @ https://example.org/pkg-1.0-py3-none-any.whl", "pkg @ https://example.org/pkg-2.0-py3-none-any.whl""#
            ),
            ["E204@6:63"])
        // A third entry is compared with the ones that agree, not with the one already refused.
        XCTAssertEqual(duplicates(#""x>=1", "x<1", "x<2""#), ["E204@6:17"])
        // One entry that contradicts itself is reported once, as before.
        XCTAssertEqual(duplicates(#""numpy<2,>=2.0", "numpy==1.26.4""#), ["E204@6:9"])
    }

    func testEntriesUnderDifferentMarkersAreNotCompared() {
        XCTAssertEqual(
            duplicates(#""numpy==1.26.4; python_version < '3.9'", "numpy==2.0.0; python_version >= '3.9'""#), [])
        // The same marker written with other spaces and quotes is the same environment.
        XCTAssertEqual(
            duplicates(#""numpy==1.26.4; python_version<'3.9'", "numpy==2.0.0 ; python_version < \"3.9\"""#),
            ["E204@6:48"])
    }

    func testAProjectPinnedByOneEntryIsNotUnpinned() {
        let found = diagnostics(spec(#""black", "black[jupyter]==24.1.0""#))
        XCTAssertEqual(found.filter { $0.code.id == "W302" }.map(\.message), [])
        XCTAssertEqual(
            triples(diagnostics(spec(#""numpy>=1.24", "numpy<2""#)).filter { $0.code.id == "W302" }),
            ["W302@6:9", "W302@6:24"])
    }

    func testRequirementsTxtKeepsMergeableEntriesAndListsARepeatOnce() {
        let merged = generate(spec(#""black", "black[jupyter]==24.1.0", "numpy==1.26.4", "numpy==1.26.4""#))
        let lines = merged["requirements.txt"]?.split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(lines, ["black", "black[jupyter]==24.1.0", "numpy==1.26.4"])
    }
}
