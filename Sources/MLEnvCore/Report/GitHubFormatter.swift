import Foundation

/// GitHub Actions workflow commands: `::error file=F,line=L,col=C,title=CODE name::message`, so
/// findings appear as annotations on the pull request's changed lines.
public struct GitHubFormatter: DiagnosticFormatter {
    /// Creates a GitHub formatter.
    public init() {}

    public func format(_ diagnostics: [Diagnostic], fileCount: Int, sources: [String: String]) -> String {
        var lines = diagnostics.map { diagnostic -> String in
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
                "file=\(Self.property(diagnostic.file))", "line=\(diagnostic.location.line)", "col=\(diagnostic.location.column)",
                "title=\(Self.property("\(diagnostic.code.id) \(diagnostic.code.name)"))",
            ]
            return "::\(command) \(properties.joined(separator: ","))::\(Self.data(message))"
        }
        let summary = DiagnosticSummary(diagnostics)
        lines.append("mlenv: \(summary.errors) error(s), \(summary.warnings) warning(s) in \(fileCount) file(s)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// GitHub's escaping for a command's message.
    static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D").replacingOccurrences(of: "\n", with: "%0A")
    }

    /// GitHub's escaping for a property value, which also may not contain `:` or `,`.
    static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
