/// Writes a `Document` as JSON (RFC 8259): two-space indentation for block containers,
/// `", "` between the children of flow ones, and a final newline. Comments are dropped.
public enum JSONPrinter {
    /// `document` as JSON text.
    public static func print(_ document: Document) -> String {
        var out = ""
        write(document, lineIndent: 0, into: &out)
        return out + "\n"
    }

    /// Writes `document` where the current line is indented by `lineIndent`: a block
    /// container's children go one level deeper than that line, and its closing bracket back on it.
    static func write(_ document: Document, lineIndent: Int, into out: inout String) {
        switch document {
        case .string(let text): out += Quoting.json(text)
        case .integer(let number): out += String(number)
        case .bool(let value): out += value ? "true" : "false"
        case .null: out += "null"
        case .commented(_, let value): write(value, lineIndent: lineIndent, into: &out)
        case .mapping(let entries, let layout):
            container("{", "}", count: entries.count, layout, lineIndent, &out) { index, indent, out in
                out += Quoting.json(entries[index].key) + ": "
                write(entries[index].value, lineIndent: indent, into: &out)
            }
        case .sequence(let items, let layout):
            container("[", "]", count: items.count, layout, lineIndent, &out) { index, indent, out in
                write(items[index], lineIndent: indent, into: &out)
            }
        }
    }

    private static func container(
        _ open: String, _ close: String, count: Int, _ layout: Document.Layout, _ lineIndent: Int,
        _ out: inout String, child: (Int, Int, inout String) -> Void
    ) {
        out += open
        guard count > 0 else {
            out += close
            return
        }
        switch layout {
        case .flow:
            for index in 0..<count {
                if index > 0 { out += ", " }
                child(index, lineIndent, &out)
            }
        case .block:
            let indent = lineIndent + 2
            for index in 0..<count {
                out += index == 0 ? "\n" : ",\n"
                out += String(repeating: " ", count: indent)
                child(index, indent, &out)
            }
            out += "\n" + String(repeating: " ", count: lineIndent)
        }
        out += close
    }
}
