/// Exactly one JSON object:
/// `{"diagnostics": [{"code", "severity", "message", "file", "line", "column", "notes": [...], "fix"?}],
///   "summary": {"files", "errors", "warnings", "notes"}}`. Keys are always in this order.
public struct JSONFormatter: DiagnosticFormatter {
    /// Creates a JSON formatter.
    public init() {}

    public func format(_ diagnostics: [Diagnostic], fileCount: Int, sources: [String: String]) -> String {
        let items = diagnostics.map { diagnostic -> String in
            var fields = [
                "\"code\": \(Quoting.json(diagnostic.code.id))",
                "\"severity\": \(Quoting.json(diagnostic.severity.rawValue))",
                "\"message\": \(Quoting.json(diagnostic.message))",
                "\"file\": \(Quoting.json(diagnostic.file))",
                "\"line\": \(diagnostic.location.line)",
                "\"column\": \(diagnostic.location.column)",
                "\"notes\": [" + diagnostic.notes.map(note).joined(separator: ", ") + "]",
            ]
            if let fix = diagnostic.fix { fields.append("\"fix\": \(Quoting.json(fix))") }
            return "    {" + fields.joined(separator: ", ") + "}"
        }
        let summary = DiagnosticSummary(diagnostics)
        let list = items.isEmpty ? "[]" : "[\n" + items.joined(separator: ",\n") + "\n  ]"
        return "{\n  \"diagnostics\": \(list),\n"
            + "  \"summary\": {\"files\": \(fileCount), \"errors\": \(summary.errors), \"warnings\": \(summary.warnings), \"notes\": \(summary.notes)}\n}\n"
    }

    private func note(_ note: DiagnosticNote) -> String {
        var fields = ["\"message\": \(Quoting.json(note.message))"]
        if let file = note.file { fields.append("\"file\": \(Quoting.json(file))") }
        if let location = note.location {
            fields.append("\"line\": \(location.line)")
            fields.append("\"column\": \(location.column)")
        }
        return "{" + fields.joined(separator: ", ") + "}"
    }
}
