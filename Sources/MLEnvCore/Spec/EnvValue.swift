/// An `env:` value as the image gets it: literal text, and `${NAME}` where the variable extends
/// its own value from the base image (`PATH: "/opt/tool/bin:${PATH}"`), as a Dockerfile `ENV`
/// expands it. `$$` is a literal `$`. Any other `$` is refused, so that `$PATH:/x` or
/// `${HOME}/bin` never becomes a silently broken value.
public enum EnvPart: Sendable, Equatable {
    case literal(String)
    /// The variable's own value before this assignment.
    case previousValue
}

/// Reads an env value into parts.
enum EnvValue {
    /// Why a value is refused: the offset in Unicode scalars of the `$`, a message and a fix.
    struct Problem: Error, Equatable {
        var offset: Int
        var message: String
        var fix: String
    }

    static func parts(_ value: String, name: String) -> Result<[EnvPart], Problem> {
        let scalars = Array(value.unicodeScalars)
        var parts: [EnvPart] = []
        var literal = String.UnicodeScalarView()
        var index = 0
        func flush() {
            if !literal.isEmpty { parts.append(.literal(String(literal))) }
            literal = String.UnicodeScalarView()
        }
        while index < scalars.count {
            let scalar = scalars[index]
            guard scalar == "$" else {
                literal.append(scalar)
                index += 1
                continue
            }
            let next = index + 1 < scalars.count ? scalars[index + 1] : nil
            if next == "$" {
                literal.append("$")
                index += 2
                continue
            }
            let own = "${\(name)}"
            if String(String.UnicodeScalarView(scalars[index...].prefix(own.unicodeScalars.count))) == own {
                flush()
                parts.append(.previousValue)
                index += own.unicodeScalars.count
                continue
            }
            // What the `$` starts: `${OTHER}`, `$NAME`, `$(...)` or a lone `$`.
            var referenced: String?
            if next == "{", let close = scalars[(index + 2)...].firstIndex(of: "}") {
                referenced = String(String.UnicodeScalarView(scalars[(index + 2)..<close]))
            } else if let next, next == "_" || next.properties.isAlphabetic && next.isASCII {
                let end = scalars[(index + 1)...].firstIndex {
                    !($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_"))
                }
                referenced = String(String.UnicodeScalarView(scalars[(index + 1)..<(end ?? scalars.count)]))
            }
            let message: String
            let fix: String
            if referenced == name {
                message = "`$\(name)` in `\(name)`: mlenv expands only the braced form, as the image's previous value"
                fix = "write `${\(name)}`"
            } else if let referenced {
                message =
                    "`\(name)` refers to `\(referenced)`: an `env:` value may only extend its own variable (`${\(name)}`)"
                fix = "write the value of `\(referenced)` out, or `$$` for a literal `$`"
            } else {
                message = "a `$` in `\(name)` that is neither `${\(name)}` nor `$$`"
                fix = "write `$$` for a literal `$`, or `${\(name)}` to extend the image's value"
            }
            return .failure(Problem(offset: index, message: message, fix: fix))
        }
        flush()
        return .success(parts)
    }
}
