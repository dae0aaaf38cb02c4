/// What one run reports: the findings to show, those `--quiet` leaves out (still counted), and
/// those `ignore:`/`--ignore` set aside (counted as ignored).
public struct Report: Sendable {
    /// The findings to show.
    public var diagnostics: [Diagnostic]
    /// Findings not shown (`--quiet`), counted in the summary.
    public var hidden: [Diagnostic]
    /// Findings ignored, counted as such.
    public var ignored: [IgnoredDiagnostic]
    /// How many files were read.
    public var fileCount: Int

    /// A report; nothing hidden or ignored unless given.
    public init(
        _ diagnostics: [Diagnostic], hidden: [Diagnostic] = [], ignored: [IgnoredDiagnostic] = [], fileCount: Int
    ) {
        self.diagnostics = diagnostics
        self.hidden = hidden
        self.ignored = ignored
        self.fileCount = fileCount
    }
}

/// Turns diagnostics into one output format. One type per format, chosen by `ReportFormat`.
public protocol DiagnosticFormatter {
    /// The complete report. `sources` maps a file path to its text, for formats that quote the
    /// offending line.
    func format(_ report: Report, sources: [String: String]) -> String
}

extension DiagnosticFormatter {
    /// The report of `diagnostics` over `fileCount` files, nothing hidden or ignored.
    public func format(_ diagnostics: [Diagnostic], fileCount: Int, sources: [String: String]) -> String {
        format(Report(diagnostics, fileCount: fileCount), sources: sources)
    }
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

/// Counts for the report summary: shown and hidden findings by severity, and the ignored ones.
struct DiagnosticSummary {
    var errors = 0
    var warnings = 0
    var notes = 0
    var ignored = 0
    var hidden = 0

    init(_ report: Report) {
        self.init(report.diagnostics + report.hidden)
        ignored = report.ignored.count
        hidden = report.hidden.count
    }

    /// The text formats' words for what the counts leave out: `2 ignored`, `3 hidden by --quiet`.
    var asides: String {
        var parts: [String] = []
        if ignored > 0 { parts.append("\(ignored) ignored") }
        if hidden > 0 { parts.append("\(hidden) hidden by --quiet") }
        return parts.isEmpty ? "" : " (" + parts.joined(separator: ", ") + ")"
    }

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
