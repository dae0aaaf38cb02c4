/// Exactly one JSON object:
/// `{"diagnostics": [{"code", "severity", "message", "file", "line", "column", "notes": [...], "fix"?}],
///   "summary": {"files", "errors", "warnings", "notes", "ignored"}}`. Keys are always in this order;
/// findings `--quiet` leaves out of `diagnostics` are still counted.
public struct JSONFormatter: DiagnosticFormatter {
    /// Creates a JSON formatter.
    public init() {}

    public func format(_ report: Report, sources: [String: String]) -> String {
        let items = report.diagnostics.map { diagnostic -> Document in
            .mapping(
                [
                    "code": .string(diagnostic.code.id),
                    "severity": .string(diagnostic.severity.rawValue),
                    "message": .string(diagnostic.message),
                    "file": .string(diagnostic.file),
                    "line": .integer(diagnostic.location.line),
                    "column": .integer(diagnostic.location.column),
                    "notes": .sequence(diagnostic.notes.map(note), .flow),
                    "fix": diagnostic.fix.map(Document.string),
                ], .flow)
        }
        let summary = DiagnosticSummary(report)
        return JSONPrinter.print(
            .mapping([
                "diagnostics": .sequence(items, .block),
                "summary": .mapping(
                    [
                        "files": .integer(report.fileCount), "errors": .integer(summary.errors),
                        "warnings": .integer(summary.warnings), "notes": .integer(summary.notes),
                        "ignored": .integer(summary.ignored),
                    ], .flow),
            ]))
    }

    private func note(_ note: DiagnosticNote) -> Document {
        .mapping(
            [
                "message": .string(note.message),
                "file": note.file.map(Document.string),
                "line": note.location.map { .integer($0.line) },
                "column": note.location.map { .integer($0.column) },
            ], .flow)
    }
}
