import XCTest

@testable import MLEnvCore

final class SupportTests: XCTestCase {
    func testParallelMapKeepsTheOrderAndEveryItem() {
        for count in [0, 1, 2, 63, 64, 65, 1000] {
            let items = Array(0..<count)
            XCTAssertEqual(items.parallelMap { $0 * 3 }, items.map { $0 * 3 }, "\(count) items")
        }
    }

    func testXMLEscapesMarkupCharacters() {
        XCTAssertEqual(Quoting.xml("GPU 3: team-a"), "GPU 3: team-a")
        XCTAssertEqual(
            Quoting.xml(#"<a href="x">Tom & Jerry's</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    }

    func testVersionsReadFromBytesKeepTheirRules() {
        XCTAssertEqual(DottedVersion("12.2.2")?.parts, [12, 2, 2])
        XCTAssertEqual(DottedVersion("535.129.03")?.description, "535.129.03")
        XCTAssertEqual(DottedVersion("535.129.03")?.prefix(2).description, "535.129")
        for invalid in ["", ".", "12.", ".12", "12..2", "1.2.3.4.5.6.7", "1234567890", "12.2a", " 12.2", "１２"] {
            XCTAssertNil(DottedVersion(invalid), invalid)
        }
        XCTAssertEqual(DottedVersion("1.2.3.4.5.6")?.parts.count, 6)
        XCTAssertEqual(PEP440Version("2.1.0")?.release, [2, 1, 0])
        XCTAssertEqual(
            PEP440Version("2.1.0a0+32f93b1")?.description, "2.1.0a0+32f93b1", "the full parser still reads the rest")
        XCTAssertEqual(PEP440Version(" v2.1 ")?.release, [2, 1])
        XCTAssertNil(PEP440Version("1234567890123456789"), "19 digits")
    }
}
