/// SARIF 2.1.0 (OASIS), the format code-scanning tools read: one rule per diagnostic code (name,
/// short and full description, help from `mlenv explain`) and one result per diagnostic, with its
/// region and related locations for the notes.
public struct SARIFFormatter: DiagnosticFormatter {
    /// Where SARIF consumers can read about mlenv.
    public static let informationURI = "https://github.com/mlenv/mlenv#readme"

    /// Creates a SARIF formatter.
    public init() {}

    public func format(_ diagnostics: [Diagnostic], fileCount: Int, sources: [String: String]) -> String {
        let rules = DiagnosticCode.registry
        var ruleIndex: [String: Int] = [:]
        for (index, rule) in rules.enumerated() { ruleIndex[rule.id] = index }
        let ruleObjects = rules.map { rule in
            "        {\"id\": \(Quoting.json(rule.id)), \"name\": \(Quoting.json(rule.name)), "
                + "\"shortDescription\": {\"text\": \(Quoting.json(rule.summary))}, "
                + "\"fullDescription\": {\"text\": \(Quoting.json(rule.explanation))}, "
                + "\"help\": {\"text\": \(Quoting.json(rule.explanation))}, "
                + "\"defaultConfiguration\": {\"level\": \(Quoting.json(Self.level(rule.severity)))}}"
        }
        let results = diagnostics.map { diagnostic -> String in
            var message = diagnostic.message
            if let fix = diagnostic.fix { message += " Fix: \(fix)." }
            var fields = [
                "\"ruleId\": \(Quoting.json(diagnostic.code.id))",
                "\"level\": \(Quoting.json(Self.level(diagnostic.severity)))",
                "\"message\": {\"text\": \(Quoting.json(message))}",
                "\"locations\": [\(Self.location(diagnostic.file, diagnostic.location, message: nil, id: nil))]",
            ]
            if let index = ruleIndex[diagnostic.code.id] { fields.insert("\"ruleIndex\": \(index)", at: 1) }
            let related = diagnostic.notes.enumerated().compactMap { index, note -> String? in
                guard let file = note.file, let location = note.location else { return nil }
                return Self.location(file, location, message: note.message, id: index)
            }
            if !related.isEmpty { fields.append("\"relatedLocations\": [\(related.joined(separator: ", "))]") }
            let loose = diagnostic.notes.filter { $0.location == nil }.map(\.message)
            if !loose.isEmpty {
                fields.append("\"properties\": {\"notes\": [\(loose.map(Quoting.json).joined(separator: ", "))]}")
            }
            return "        {" + fields.joined(separator: ", ") + "}"
        }
        return """
            {
              "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
              "version": "2.1.0",
              "runs": [
                {
                  "tool": {"driver": {"name": "mlenv", "version": \(Quoting.json(MLEnv.version)), "informationUri": \(Quoting.json(Self.informationURI)), "rules": [
            \(ruleObjects.joined(separator: ",\n"))
                  ]}},
                  "columnKind": "unicodeCodePoints",
                  "results": [
            \(results.joined(separator: ",\n"))
                  ]
                }
              ]
            }

            """
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    static func location(_ file: String, _ location: SourceLocation, message: String?, id: Int?) -> String {
        var fields: [String] = []
        if let id { fields.append("\"id\": \(id)") }
        fields.append("\"physicalLocation\": {\"artifactLocation\": {\"uri\": \(Quoting.json(uri(file)))}, "
            + "\"region\": {\"startLine\": \(location.line), \"startColumn\": \(location.column)}}")
        if let message { fields.append("\"message\": {\"text\": \(Quoting.json(message))}") }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// A file path as a URI reference: relative paths stay relative (code scanning resolves them
    /// against the repository), absolute ones become `file://` URIs; anything outside RFC 3986's
    /// unreserved characters and `/` is percent-encoded.
    static func uri(_ path: String) -> String {
        var encoded = ""
        for byte in path.utf8 {
            let scalar = Unicode.Scalar(byte)
            if ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || "-._~/".unicodeScalars.contains(scalar) {
                encoded.unicodeScalars.append(scalar)
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                encoded += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return path.hasPrefix("/") ? "file://" + encoded : encoded
    }
}
