/// Turns diagnostics into one output format. One type per format, chosen by `ReportFormat`.
public protocol DiagnosticFormatter {
    /// The complete report for a run over `fileCount` files. `sources` maps a file path to its
    /// text, for formats that quote the offending line.
    func format(_ diagnostics: [Diagnostic], fileCount: Int, sources: [String: String]) -> String
}

/// The report formats the CLI offers (`--format`).
public enum ReportFormat: String, CaseIterable, Sendable {
    case text, json, sarif, github

    /// The formatter for this format.
    public func formatter(color: Bool = false) -> DiagnosticFormatter {
        switch self {
        case .text: TextFormatter(color: color)
        case .json: JSONFormatter()
        case .sarif: SARIFFormatter()
        case .github: GitHubFormatter()
        }
    }
}

/// Counts for the report summary.
struct DiagnosticSummary {
    var errors = 0
    var warnings = 0
    var notes = 0

    init(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics {
            switch diagnostic.severity {
            case .error: errors += 1
            case .warning: warnings += 1
            case .note: notes += 1
            }
        }
    }
}
