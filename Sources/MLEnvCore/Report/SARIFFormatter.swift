/// SARIF 2.1.0 (OASIS), the format code-scanning tools read: one rule per diagnostic code (name,
/// short and full description, help from `mlenv explain`) and one result per diagnostic, with its
/// region and related locations for the notes. Ignored findings are results with a suppression
/// (`inSource` for a spec's `ignore:`, `external` for `--ignore`), as SARIF 2.1.0 3.35 has them.
public struct SARIFFormatter: DiagnosticFormatter {
    /// Where SARIF consumers can read about mlenv.
    public static let informationURI = "https://github.com/mlenv/mlenv#readme"

    /// Creates a SARIF formatter.
    public init() {}

    public func format(_ report: Report, sources: [String: String]) -> String {
        let entries =
            report.diagnostics.map { ($0, String?.none) }
            + report.ignored.map { ($0.diagnostic, Optional($0.byCommandLine ? "external" : "inSource")) }
        let rules = DiagnosticCode.registry
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.id] = index }
        let ruleObjects = rules.map { rule -> Document in
            .mapping(
                [
                    "id": .string(rule.id),
                    "name": .string(rule.name),
                    "shortDescription": text(rule.summary),
                    "fullDescription": text(rule.explanation),
                    "help": text(rule.explanation),
                    "defaultConfiguration": .mapping(["level": .string(Self.level(rule.severity))], .flow),
                ], .flow)
        }
        let results = entries.map { diagnostic, suppression -> Document in
            var message = diagnostic.message
            if let fix = diagnostic.fix { message += " Fix: \(fix)." }
            let related = diagnostic.notes.enumerated().compactMap { index, note -> Document? in
                guard let file = note.file, let location = note.location else { return nil }
                return Self.location(file, location, message: note.message, id: index)
            }
            let loose = diagnostic.notes.filter { $0.location == nil }.map(\.message)
            return .mapping(
                [
                    "ruleId": .string(diagnostic.code.id),
                    "ruleIndex": ruleIndex[diagnostic.code.id].map(Document.integer),
                    "level": .string(Self.level(diagnostic.severity)),
                    "message": text(message),
                    "locations": .sequence(
                        [Self.location(diagnostic.file, diagnostic.location, message: nil, id: nil)], .flow),
                    "relatedLocations": related.isEmpty ? nil : .sequence(related, .flow),
                    "properties": loose.isEmpty ? nil : .mapping(["notes": .strings(loose, .flow)], .flow),
                    "suppressions": suppression.map { .sequence([.mapping(["kind": .string($0)], .flow)], .flow) },
                ], .flow)
        }
        let driver = Document.mapping(
            [
                "name": .string("mlenv"),
                "version": .string(MLEnv.version),
                "informationUri": .string(Self.informationURI),
                "rules": .sequence(ruleObjects, .block),
            ], .flow)
        return JSONPrinter.print(
            .mapping([
                "$schema": .string("https://json.schemastore.org/sarif-2.1.0.json"),
                "version": .string("2.1.0"),
                "runs": .sequence(
                    [
                        .mapping([
                            "tool": .mapping(["driver": driver], .flow),
                            "columnKind": .string("unicodeCodePoints"),
                            "results": .sequence(results, .block),
                        ])
                    ], .block),
            ]))
    }

    private func text(_ value: String) -> Document {
        .mapping(["text": .string(value)], .flow)
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    static func location(_ file: String, _ location: SourceLocation, message: String?, id: Int?) -> Document {
        .mapping(
            [
                "id": id.map(Document.integer),
                "physicalLocation": .mapping(
                    [
                        "artifactLocation": .mapping(["uri": .string(uri(file))], .flow),
                        "region": .mapping(
                            ["startLine": .integer(location.line), "startColumn": .integer(location.column)], .flow),
                    ], .flow),
                "message": message.map { .mapping(["text": .string($0)], .flow) },
            ], .flow)
    }

    /// A file path as a URI reference: relative paths stay relative (code scanning resolves them
    /// against the repository), absolute ones become `file://` URIs; anything outside RFC 3986's
    /// unreserved characters and `/` is percent-encoded.
    static func uri(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
                || "-._~/".unicodeScalars.contains(scalar)
            {
                encoded.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
