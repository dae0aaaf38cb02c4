import Foundation
import XCTest

@testable import MLEnvCore

/// The YAML and JSON printers: every text reads back as itself, in libyaml (mlenv's own
/// reader) and in PyYAML (YAML 1.1, as older tools read), and the layouts are as documented.
final class DocumentTests: XCTestCase {
    /// Texts that YAML would read as something else, or that could end a scalar or a line.
    static let trickyTexts = [
        "", "yes", "No", "ON", "off", "y", "n", "true", "False", "null", "Null", "~", "3.10", "1:20", "0x1F", "0o17",
        "-1", "+1",
        "1e3", ".inf", "-.inf", ".NaN", "2026-12-01", "a: b", "a:b", "#x", "a #b", " lead", "trail ", "tab\there",
        "quote\"",
        "it's", "back\\slash", "ünïcödé", "@at", "`tick", "!tag", "&anchor", "*alias", "%directive", "[a]", "{a}",
        "a,b",
        "- dash", "-", "? q", "|", ">", "'", "line\nbreak", "cr\rhere", "nel\u{85}here", "ls\u{2028}here",
        "\u{FEFF}bom",
        "nul\u{0}x", "del\u{7F}x", "/path/x", "mlenv/x:latest", "nvidia.com/gpu", "_under", "A-b.c_d+e@f/g", "${HOME}",
        "=",
        "<<", "emoji 🚀",
    ]

    func testEveryTextReadsBackAsItselfInLibyaml() throws {
        let document = Document.mapping(
            entries: Self.trickyTexts.enumerated().map { index, text in
                Document.Entry("k\(index)", .sequence([.string(text), .mapping([text: .string(text)], .flow)], .block))
            })
        let printed = YAMLPrinter.print(document)
        let read = YAMLReader.read(Array(printed.utf8), file: "t.yaml")
        XCTAssertEqual(read.diagnostics.map(\.message), [], printed)
        guard case .mapping(let pairs)? = read.root?.kind else { return XCTFail(printed) }
        XCTAssertEqual(pairs.count, Self.trickyTexts.count)
        for (pair, text) in zip(pairs, Self.trickyTexts) {
            guard case .sequence(let items) = pair.value.kind, items.count == 2,
                case .mapping(let inner) = items[1].kind
            else {
                XCTFail("\(pair.key): \(pair.value.kind)")
                continue
            }
            XCTAssertEqual(items[0].scalarText, text, "\(pair.key) in\n\(printed)")
            XCTAssertEqual(inner.first?.key, text)
            XCTAssertEqual(inner.first?.value.scalarText, text)
            // Plain only when no reader could take it for a boolean, number, null or date.
            if case .scalar(_, .plain) = items[0].kind {
                XCTAssertTrue(YAMLPrinter.isPlain(text), text)
            }
        }
    }

    func testEveryTextReadsBackAsItselfInPyYAML() throws {
        let python = try requiredTool("python3")
        let texts = Self.trickyTexts
        let printed = YAMLPrinter.print(.mapping(["texts": .strings(texts), "flow": .strings(texts, .flow)]))
        let script = """
            import json, sys, yaml
            data = yaml.safe_load(sys.stdin.read())
            print(json.dumps([data["texts"], data["flow"]]))
            """
        let result = try runProcess(python, ["-c", script], input: printed)
        XCTAssertEqual(result.status, 0, result.output)
        let lists = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [[Any]])
        for list in lists {
            XCTAssertEqual(list.count, texts.count)
            for (value, text) in zip(list, texts) {
                XCTAssertEqual(value as? String, text, "PyYAML read \(value) for \(text.debugDescription)")
            }
        }
    }

    func testYAMLLayoutCommentsAndEmptyContainers() {
        let document = Document.mapping([
            "a": .integer(1),
            "list": Document.strings(["x", "3.10"]).commented(["about the list"]),
            "items": .sequence(
                [
                    Document.mapping(["name": .string("one"), "on": .bool(true)]).commented(["first"]),
                    .mapping(["name": .string("two")]),
                ], .block),
            "flow": .sequence([.integer(1), .null], .flow),
            "empty": .mapping([], .block),
            "none": .sequence([], .block),
            "skipped": nil,
        ])
        XCTAssertEqual(
            YAMLPrinter.print(document, header: ["head", "", "second\nline"]),
            """
            # head
            #
            # second
            # line
            a: 1
            # about the list
            list:
              - x
              - "3.10"
            items:
              # first
              - name: one
                "on": true
              - name: two
            flow: [1, null]
            empty: {}
            none: []

            """)
        XCTAssertEqual(
            YAMLPrinter.stream([.mapping(["a": .integer(1)]), Document.mapping(["b": .integer(2)]).commented(["c"])]),
            "---\na: 1\n---\n# c\nb: 2\n")
    }

    func testJSONLayoutsAndEscapes() throws {
        let document = Document.mapping([
            "block": .mapping(["x": .strings(["a\"b", "\u{2028}"], .flow)]),
            "rows": .sequence(
                [.mapping(["n": .integer(1), "inner": .sequence([.integer(2)], .block)], .flow)], .block),
            "empty": .sequence([], .block),
            "commented": Document.bool(false).commented(["JSON drops comments"]),
        ])
        let printed = JSONPrinter.print(document)
        XCTAssertEqual(
            printed,
            """
            {
              "block": {
                "x": ["a\\"b", "\\u2028"]
              },
              "rows": [
                {"n": 1, "inner": [
                  2
                ]}
              ],
              "empty": [],
              "commented": false
            }

            """)
        XCTAssertNoThrow(try JSONSerialization.jsonObject(with: Data(printed.utf8)))
    }

    func testDuplicateKeysKeepTheFirst() {
        XCTAssertEqual(
            Document.mapping(entries: [.init("a", .integer(1)), .init("a", .integer(2))]),
            .mapping([.init("a", .integer(1))], .block))
    }

    func testPlanFileReadsBackWhatItWrote() throws {
        var file = try XCTUnwrap(PlanFile.read(Array(#"{"host": "h", "teams": []}"#.utf8)))
        file.allocations = ["b": Allocation(gpus: [2, 3], port: nil), "a": Allocation(gpus: [], port: 18800)]
        let text = file.text
        XCTAssertEqual(
            text,
            """
            {
              "host": "h",
              "teams": [
                {"name": "a", "gpus": [], "port": 18800},
                {"name": "b", "gpus": [2, 3], "port": null}
              ]
            }

            """)
        XCTAssertEqual(PlanFile.read(Array(text.utf8)), file)
        for broken in [
            "", "[1]", "{\"host\": \"h\"}", "{\"teams\": \"x\", \"host\": \"h\"}",
            "{\"host\": \"h\", \"teams\": [1, {\"gpus\": [1]}]", "\u{0}",
        ] {
            XCTAssertEqual(PlanFile.read(Array(broken.utf8))?.allocations ?? [:], [:], broken)
        }
    }
}
