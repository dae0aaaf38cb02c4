import Mustache

/// The one quoting function per output language. Every value from a spec that reaches a
/// generated file goes through one of these, or through a validator that admits only
/// characters needing no quoting.
public enum Quoting {
    /// A single shell word: `it's` -> `'it'\''s'`. Safe for any text bash can hold (no NUL).
    public static func shell(_ text: String) -> String {
        if !text.isEmpty && text.unicodeScalars.allSatisfy({ isShellSafe($0) }) { return text }
        return singleQuoted(text)
    }

    /// `text` in single quotes, each `'` as `'\''`.
    static func singleQuoted(_ text: String) -> String {
        var out = "'"
        // Scalar by scalar: a `'` followed by a combining mark is one Character, and must
        // still end the quoted part.
        for scalar in text.unicodeScalars {
            if scalar == "'" { out += "'\\''" } else { out.unicodeScalars.append(scalar) }
        }
        return out + "'"
    }

    static func isShellSafe(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
            || "_-./:@%+=,".unicodeScalars.contains(scalar)
    }

    /// A double-quoted Dockerfile word for `ENV`, `LABEL` and `ARG` values: escapes `\`, `"` and
    /// `$` (which the Dockerfile would otherwise expand). Line breaks cannot be expressed in
    /// these instructions, so callers refuse them before; here they are folded to spaces as a
    /// last line of defence.
    public static func dockerfile(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\", "\"", "$": out += "\\" + String(scalar)
            case "\n", "\r", "\u{2028}", "\u{2029}", "\u{85}": out += " "
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// An env value for `ENV NAME=...`: literal parts escaped as `dockerfile(_:)` does, and
    /// `${NAME}` where the value extends the variable's previous one.
    public static func dockerfile(parts: [EnvPart], name: String) -> String {
        var out = "\""
        for part in parts {
            switch part {
            case .literal(let text): out += String(dockerfile(text).dropFirst().dropLast())
            case .previousValue: out += "${\(name)}"
            }
        }
        return out + "\""
    }

    /// An env value for `export NAME=...`: literal parts single-quoted, `"${NAME}"` expanded.
    public static func shell(parts: [EnvPart], name: String) -> String {
        guard parts.contains(.previousValue) else {
            return shell(parts.map { if case .literal(let text) = $0 { text } else { "" } }.joined())
        }
        return parts.map { part in
            switch part {
            case .literal(let text): singleQuoted(text)
            case .previousValue: "\"${\(name)}\""
            }
        }.joined()
    }

    /// `text` as XML character data or an attribute value: `&`, `<`, `>`, `"` and `'` escaped.
    public static func xml(_ text: String) -> String {
        guard text.contains(where: { "&<>\"'".contains($0) }) else { return text }
        var result = ""
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }

    /// Text for a Markdown table cell: `|` would end the cell and a line break the row.
    public static func markdownCell(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "|": out += "\\|"
            case "\\": out += "\\\\"
            case _ where character.isNewline: out += " "
            default: out.append(character)
            }
        }
        return out
    }

    /// A JSON string literal, for Dockerfile exec forms (`RUN ["bash", "-c", "..."]`).
    public static func json(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            // Also what YAML reads as a line break (NEL, U+2028, U+2029) or refuses raw (C1
            // controls, BOM, U+FFFE/U+FFFF): escaped, the literal is a valid YAML double-quoted
            // scalar too, which is how `YAMLPrinter` writes text it cannot leave plain.
            case _
            where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028
                || scalar.value == 0x2029 || scalar.value == 0xFEFF || scalar.value == 0xFFFE || scalar.value == 0xFFFF:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// Mustache content types that make `{{value}}` quote for the target language, so a template
/// cannot forget to. Raw text (already built from quoted parts) uses `{{{value}}}`.
struct ShellContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { Quoting.shell(text) }
}

/// See `ShellContentType`.
struct DockerfileContentType: MustacheContentType {
    func escapeText(_ text: String) -> String { Quoting.dockerfile(text) }
}
