/// Writes `Document`s as YAML that YAML 1.1 and 1.2 readers (Go's yaml.v3 in kubectl and
/// Compose, PyYAML, libyaml) read the same way: text is plain only when it cannot be mistaken
/// for anything else, and double-quoted otherwise; block containers indent by two spaces, with
/// sequence dashes indented under their key.
public enum YAMLPrinter {
    /// One document, after `header` comment lines.
    public static func print(_ document: Document, header: [String] = []) -> String {
        var out = ""
        comments(header, indent: 0, into: &out)
        top(document, into: &out)
        return out
    }

    /// A stream of documents, each after a `---` line, after `header` comment lines.
    public static func stream(_ documents: [Document], header: [String] = []) -> String {
        var out = ""
        comments(header, indent: 0, into: &out)
        for document in documents {
            out += "---\n"
            top(document, into: &out)
        }
        return out
    }

    private static func top(_ document: Document, into out: inout String) {
        if case .commented(let lines, let value) = document {
            comments(lines, indent: 0, into: &out)
            return top(value, into: &out)
        }
        if case .mapping(let entries, .block) = document, !entries.isEmpty {
            mapping(entries, indent: 0, into: &out)
        } else if case .sequence(let items, .block) = document, !items.isEmpty {
            sequence(items, indent: 0, into: &out)
        } else {
            out += inline(document) + "\n"
        }
    }

    /// Text as a YAML scalar: plain when that is unambiguous, else double-quoted.
    public static func scalar(_ text: String) -> String {
        isPlain(text) ? text : doubleQuoted(text)
    }

    /// Plain text is read back as the same text by every reader: it starts with a letter, `_`
    /// or `/`, holds only letters, digits and `_ . / @ + -`, and is none of the words YAML 1.1
    /// reads as booleans or null (`yes`, `off`, `null`, ...). Numbers, versions (`3.10`), times
    /// (`1:20`) and everything else are quoted.
    static func isPlain(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first.isASCIILetter || first == "_" || first == "/" else {
            return false
        }
        guard
            text.unicodeScalars.allSatisfy({
                $0.isASCIILetter || ("0"..."9").contains($0) || "_./@+-".unicodeScalars.contains($0)
            })
        else { return false }
        return !reservedWords.contains(text.lowercased())
    }

    private static let reservedWords: Set<String> = ["y", "n", "yes", "no", "on", "off", "true", "false", "null"]

    /// A double-quoted scalar: a JSON string literal as `Quoting.json` writes it, which escapes
    /// what YAML would read as a line break or refuses raw.
    static func doubleQuoted(_ text: String) -> String {
        Quoting.json(text)
    }

    /// A value on the rest of the current line: a scalar, an empty or flow container.
    static func inline(_ document: Document) -> String {
        switch document {
        case .string(let text): scalar(text)
        case .integer(let number): String(number)
        case .bool(let value): value ? "true" : "false"
        case .null: "null"
        case .commented(_, let value): inline(value)
        case .mapping(let entries, _):
            "{" + entries.map { scalar($0.key) + ": " + inline($0.value) }.joined(separator: ", ") + "}"
        case .sequence(let items, _): "[" + items.map(inline).joined(separator: ", ") + "]"
        }
    }

    /// Whether `document` starts its own indented block rather than staying on its key's line.
    private static func isBlock(_ document: Document) -> Bool {
        switch document.uncommented {
        case .mapping(let entries, .block): !entries.isEmpty
        case .sequence(let items, .block): !items.isEmpty
        default: false
        }
    }

    private static func mapping(
        _ entries: [Document.Entry], indent: Int, firstOnOpenLine: Bool = false, into out: inout String
    ) {
        let pad = String(repeating: " ", count: indent)
        for (index, entry) in entries.enumerated() {
            let onOpenLine = firstOnOpenLine && index == 0
            if case .commented(let lines, _) = entry.value, !onOpenLine { comments(lines, indent: indent, into: &out) }
            out += (onOpenLine ? "" : pad) + scalar(entry.key) + ":"
            value(entry.value.uncommented, indent: indent, into: &out)
        }
    }

    /// The value after `key:` at `indent`: on the same line, or as a block below it.
    private static func value(_ document: Document, indent: Int, into out: inout String) {
        guard isBlock(document) else {
            out += " " + inline(document) + "\n"
            return
        }
        out += "\n"
        switch document {
        case .mapping(let entries, _): mapping(entries, indent: indent + 2, into: &out)
        case .sequence(let items, _): sequence(items, indent: indent + 2, into: &out)
        default: break
        }
    }

    private static func sequence(_ items: [Document], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            var item = item
            while case .commented(let lines, let value) = item {
                comments(lines, indent: indent, into: &out)
                item = value
            }
            switch item {
            case .mapping(let entries, .block) where !entries.isEmpty:
                // The first entry's comments go above the dash; the entry itself follows it.
                if case .commented(let lines, _) = entries[0].value { comments(lines, indent: indent, into: &out) }
                out += pad + "- "
                mapping(entries, indent: indent + 2, firstOnOpenLine: true, into: &out)
            case .sequence(let nested, .block) where !nested.isEmpty:
                out += pad + "-\n"
                sequence(nested, indent: indent + 2, into: &out)
            default:
                out += pad + "- " + inline(item) + "\n"
            }
        }
    }

    /// `# line` for each line; a line break inside a line starts a new comment line, so no
    /// text can end a comment early.
    private static func comments(_ lines: [String], indent: Int, into out: inout String) {
        let pad = String(repeating: " ", count: indent)
        for line in lines {
            for part in line.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
                out += part.isEmpty ? pad + "#\n" : pad + "# " + part + "\n"
            }
        }
    }
}

extension Unicode.Scalar {
    fileprivate var isASCIILetter: Bool { ("a"..."z").contains(self) || ("A"..."Z").contains(self) }
}
