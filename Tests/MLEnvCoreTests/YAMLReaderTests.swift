import XCTest

@testable import MLEnvCore

final class YAMLReaderTests: XCTestCase {
    private func read(_ text: String) -> YAMLDocument {
        YAMLReader.read(Array(text.utf8), file: "t.yaml")
    }

    private func pairs(_ node: YAMLNode?) -> [YAMLPair] {
        guard case .mapping(let pairs)? = node?.kind else { return [] }
        return pairs
    }

    func testKeysAndValuesKeepTheirPositions() {
        let document = read("mlenv: 1\npackages:\n  pip: [\"numpy<2\", torch]\n")
        XCTAssertEqual(document.diagnostics, [])
        let top = pairs(document.root)
        XCTAssertEqual(top.map(\.key), ["mlenv", "packages"])
        XCTAssertEqual(top[1].keyLocation, SourceLocation(line: 2, column: 1))
        let pip = pairs(top[1].value)[0]
        XCTAssertEqual(pip.keyLocation, SourceLocation(line: 3, column: 3))
        guard case .sequence(let items) = pip.value.kind else { return XCTFail("not a list") }
        XCTAssertEqual(
            items.map(\.location), [SourceLocation(line: 3, column: 9), SourceLocation(line: 3, column: 20)])
        XCTAssertEqual(items.map(\.scalarText), ["numpy<2", "torch"])
    }

    func testScalarsKeepTheirExactText() {
        let top = pairs(read("python: 3.10\ncuda: 12.0\nn: 010\nq: '3.10'\n").root)
        XCTAssertEqual(top.map { $0.value.scalarText }, ["3.10", "12.0", "010", "3.10"])
        XCTAssertEqual(top[0].value.kind, .scalar("3.10", .plain))
        XCTAssertEqual(top[3].value.kind, .scalar("3.10", .singleQuoted))
    }

    func testColumnsCountCharactersNotBytes() {
        let top = pairs(read("description: \"héllo wörld\"\nname: x\nbad: [é, ü, 1]\n").root)
        guard case .sequence(let items) = top[2].value.kind else { return XCTFail("not a list") }
        XCTAssertEqual(items[2].location, SourceLocation(line: 3, column: 13))
    }

    func testByteOrderMarkIsAccepted() {
        let document = YAMLReader.read([0xEF, 0xBB, 0xBF] + Array("mlenv: 1\n".utf8), file: "t.yaml")
        XCTAssertEqual(document.diagnostics, [])
        XCTAssertEqual(pairs(document.root).first?.keyLocation, SourceLocation(line: 1, column: 1))
    }

    func testInvalidUTF8IsAnErrorAtItsPosition() {
        let document = YAMLReader.read(Array("mlenv: 1\nname: ".utf8) + [0xFF, 0x0A], file: "t.yaml")
        XCTAssertEqual(triples(document.diagnostics), ["E001@2:7"])
        XCTAssertTrue(document.diagnostics[0].message.contains("UTF-8"), document.diagnostics[0].message)
    }

    func testNulByteIsAnErrorAtItsPosition() {
        let document = YAMLReader.read(Array("mlenv: 1\nname: a".utf8) + [0x00] + Array("b\n".utf8), file: "t.yaml")
        XCTAssertEqual(triples(document.diagnostics), ["E001@2:8"])
        XCTAssertTrue(document.diagnostics[0].message.contains("U+0"), document.diagnostics[0].message)
    }

    func testDeepNestingStopsAtTheLimitWithoutRecursion() {
        let depth = 100_000
        let text = "a: " + String(repeating: "[", count: depth) + String(repeating: "]", count: depth) + "\n"
        let document = read(text)
        XCTAssertEqual(document.diagnostics.first?.code, .tooDeep)
        XCTAssertNil(document.root)
    }

    func testAFiftyMegabyteFileIsRefusedBeforeParsing() {
        let huge = [UInt8](repeating: UInt8(ascii: "a"), count: 50 << 20)
        let document = YAMLReader.read(huge, file: "big.yaml")
        XCTAssertEqual(triples(document.diagnostics), ["E008@1:1"])
        XCTAssertTrue(
            document.diagnostics[0].message.contains("larger than 1048576 bytes"), document.diagnostics[0].message)
        let raised = YAMLReader.read(Array("mlenv: 1\n".utf8), file: "s.yaml", limits: YAMLLimits(maximumBytes: 4))
        XCTAssertEqual(triples(raised.diagnostics), ["E008@1:1"])
    }

    func testNodeLimit() {
        let text = "env: [" + (0..<200).map(String.init).joined(separator: ", ") + "]\n"
        XCTAssertEqual(
            YAMLReader.read(Array(text.utf8), file: "s.yaml", limits: YAMLLimits(maximumNodes: 100)).diagnostics.first?
                .code, .tooDeep)
        XCTAssertEqual(YAMLReader.read(Array(text.utf8), file: "s.yaml").diagnostics, [])
    }

    func testOnlyWhitespaceAndCommentsIsEmpty() {
        XCTAssertEqual(triples(read("# nothing here\n\n").diagnostics), ["E005@1:1"])
    }

    func testAliasBombIsRefusedAtTheFirstAnchor() {
        var text = "a: &a [\"lol\", \"lol\"]\n"
        for level in 1..<10 {
            text +=
                "\(Character(UnicodeScalar(97 + level)!)): &\(Character(UnicodeScalar(97 + level)!)) [*\(Character(UnicodeScalar(96 + level)!)), *\(Character(UnicodeScalar(96 + level)!))]\n"
        }
        let document = read(text)
        XCTAssertEqual(document.diagnostics.first.map { "\($0.code.id)@\($0.location)" }, "E003@1:4")
        XCTAssertLessThan(document.diagnostics.count, 40)
    }
}
