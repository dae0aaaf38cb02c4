/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=CODE name::message`, so
/// findings appear as annotations on the pull request's changed lines.
public struct GitHubFormatter: DiagnosticFormatter {
    /// Creates a GitHub formatter.
    public init() {}

    public func format(_ report: Report, sources: [String: String]) -> String {
        var lines = report.diagnostics.map { diagnostic -> String in
            let command: String
            switch diagnostic.severity {
            case .error: command = "error"
            case .warning: command = "warning"
            case .note: command = "notice"
            }
            var message = diagnostic.message
            for note in diagnostic.notes {
                let place = note.location.map { " (\(note.file ?? diagnostic.file):\($0.line):\($0.column))" } ?? ""
                message += "\nnote: \(note.message)\(place)"
            }
            if let fix = diagnostic.fix { message += "\nfix: \(fix)" }
            let properties = [
                "file=\(Self.property(diagnostic.file))", "line=\(diagnostic.location.line)",
                "col=\(diagnostic.location.column)",
                "title=\(Self.property("\(diagnostic.code.id) \(diagnostic.code.name)"))",
            ]
            return "::\(command) \(properties.joined(separator: ","))::\(Self.data(message))"
        }
        let summary = DiagnosticSummary(report)
        lines.append(
            "mlenv: \(summary.errors) error(s), \(summary.warnings) warning(s) in \(report.fileCount) file(s)"
                + summary.asides)
        return lines.joined(separator: "\n") + "\n"
    }

    /// GitHub's escaping for a command's message.
    static func data(_ text: String) -> String {
        escape(text, "%\r\n")
    }

    /// GitHub's escaping for a property value, which also may not contain `:` or `,`.
    static func property(_ text: String) -> String {
        escape(text, "%\r\n:,")
    }

    /// `text` with each of `characters` as `%XX`, scalar by scalar (a `\r\n` pair is two).
    private static func escape(_ text: String, _ characters: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if characters.unicodeScalars.contains(scalar) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                out += "%" + (hex.count == 1 ? "0" : "") + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
