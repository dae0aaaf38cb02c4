/// A double-quoted Dockerfile word read as BuildKit reads it: a transcription of
/// `processDoubleQuote` in moby/buildkit's frontend/dockerfile/shell/lex.go (default escape
/// token `\`). Inside double quotes `\` escapes only `"`, `$` and `\` and is kept before
/// anything else; `"` ends the word; `$` starts an expansion. This is the reference the
/// `quote-dockerfile` target holds `Quoting.dockerfile` to, so it refuses what would expand:
/// a quoted value must never reach `$`.
enum BuildKitWord {
    struct Problem: Error, CustomStringConvertible {
        var description: String
    }

    static func readDoubleQuoted(_ word: String) -> Result<String, Problem> {
        let scalars = Array(word.unicodeScalars)
        guard scalars.first == "\"" else { return .failure(Problem(description: "does not start with a double quote")) }
        var value = String.UnicodeScalarView()
        var index = 1
        while true {
            guard index < scalars.count else {
                return .failure(
                    Problem(description: "unexpected end of statement while looking for matching double-quote"))
            }
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "\"":
                // The word ends here; anything after it would be part of the same word or a new one.
                guard index == scalars.count else {
                    return .failure(Problem(description: "the quoted part ends before the word does"))
                }
                return .success(String(value))
            case "$":
                return .failure(Problem(description: "an unescaped `$` would expand"))
            case "\\":
                if index == scalars.count { continue }  // `\` at the end of the word is dropped
                if ["\"", "$", "\\"].contains(scalars[index]) {
                    value.append(scalars[index])
                    index += 1
                } else {
                    value.append(scalar)
                }
            default:
                value.append(scalar)
            }
        }
    }
}
