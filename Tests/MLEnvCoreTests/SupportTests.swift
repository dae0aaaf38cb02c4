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
        XCTAssertEqual(Quoting.xml(#"<a href="x">Tom & Jerry's</a>"#), "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;")
    }
}
