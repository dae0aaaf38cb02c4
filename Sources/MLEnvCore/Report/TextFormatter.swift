/// Compiler-style text: `file:line:column: severity[CODE]: message`, the source line, a caret
/// under the column, then notes and the fix, and a summary line.
public struct TextFormatter: DiagnosticFormatter {
    /// Whether to colour severities with ANSI escapes (terminals only).
    public var color: Bool

    /// Creates a text formatter.
    public init(color: Bool = false) {
        self.color = color
    }

    public func format(_ report: Report, sources: [String: String]) -> String {
        let diagnostics = report.diagnostics
        var lines: [String] = []
        // Where each line of a file starts, in UTF-8 bytes: found once per file, by bytes.
        var lineStarts: [String: [Int]] = [:]
        func line(_ number: Int, of file: String) -> Substring? {
            guard let text = sources[file] else { return nil }
            if lineStarts[file] == nil {
                func starts(_ bytes: some Collection<UInt8>) -> [Int] {
                    var starts = [0]
                    var offset = 0
                    for byte in bytes {
                        offset += 1
                        if byte == 0x0A { starts.append(offset) }
                    }
                    return starts
                }
                lineStarts[file] = text.utf8.withContiguousStorageIfAvailable(starts) ?? starts(text.utf8)
            }
            guard let starts = lineStarts[file], number >= 1, number <= starts.count else { return nil }
            let utf8 = text.utf8
            let start = utf8.index(utf8.startIndex, offsetBy: starts[number - 1])
            let end = number < starts.count ? utf8.index(utf8.startIndex, offsetBy: starts[number] - 1) : utf8.endIndex
            return Substring(text.utf8[start..<end])
        }
        for diagnostic in diagnostics {
            let severity = paint(diagnostic.severity.rawValue, diagnostic.severity)
            lines.append(
                "\(diagnostic.file):\(diagnostic.location.line):\(diagnostic.location.column): \(severity)[\(diagnostic.code.id)]: \(diagnostic.message)"
            )
            if let text = line(diagnostic.location.line, of: diagnostic.file) {
                let gutter = String(diagnostic.location.line)
                let shown = String(text.prefix(200)).replacingTabs
                let caretColumn = min(diagnostic.location.column - 1, shown.count)
                let pad = String(repeating: " ", count: gutter.count)
                lines.append(" \(gutter) | \(shown)")
                lines.append(
                    " \(pad) | " + String(repeating: " ", count: max(0, caretColumn)) + paint("^", diagnostic.severity))
            }
            for note in diagnostic.notes {
                if let file = note.file, let location = note.location {
                    lines.append(
                        "\(file):\(location.line):\(location.column): \(paint("note", .note)): \(note.message)")
                } else {
                    lines.append("  \(paint("note", .note)): \(note.message)")
                }
            }
            if let fix = diagnostic.fix { lines.append("  fix: \(fix)") }
        }
        let summary = DiagnosticSummary(report)
        lines.append(
            "\(count(summary.errors, "error")), \(count(summary.warnings, "warning")) in \(count(report.fileCount, "file"))"
                + summary.asides)
        return lines.joined(separator: "\n") + "\n"
    }

    private func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }

    private func paint(_ text: String, _ severity: Severity) -> String {
        guard color else { return text }
        let code: String
        switch severity {
        case .error: code = "1;31"
        case .warning: code = "1;33"
        case .note: code = "1;36"
        }
        return "\u{1B}[\(code)m\(text)\u{1B}[0m"
    }
}

extension String {
    /// Tabs shown as one space each, so the caret lines up with libyaml's column count.
    var replacingTabs: String { utf8.contains(0x09) ? String(map { $0 == "\t" ? " " : $0 }) : self }
}
