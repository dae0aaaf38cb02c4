/// A parser for PEP 508 dependency specifiers as pip reads them from a requirements file.
/// It validates the whole grammar (name, extras, version specifiers, `@ URL`, environment
/// markers) and keeps the name; anything else is a diagnostic, never passed on to pip.
enum RequirementParser {
    /// The parsed requirement, or a message saying what is wrong.
    static func parse(_ text: String) -> Result<PipRequirement, RequirementError> {
        var scanner = Scanner(Array(text.unicodeScalars))
        scanner.skipSpaces()
        guard let name = scanner.name() else {
            if scanner.peek == "-" { return .failure(RequirementError("pip options such as `\(text.split(separator: " ").first ?? "")` are not requirements; put index settings under `build:`")) }
            return .failure(RequirementError("a requirement starts with a package name"))
        }
        scanner.skipSpaces()
        var requirement = PipRequirement(text: text.trimmingSpaces, normalizedName: normalize(name))
        if scanner.peek == "[" {
            guard let extras = scanner.extras() else { return .failure(RequirementError("the extras in `[...]` are not a comma-separated list of names")) }
            requirement.extras = extras
            scanner.skipSpaces()
        }
        if scanner.peek == "@" {
            scanner.advance()
            scanner.skipSpaces()
            let url = scanner.take { !$0.properties.isWhitespace }
            guard url.contains("://") || url.hasPrefix("file:") else { return .failure(RequirementError("`@` must be followed by a URL")) }
            requirement.url = url
            guard url.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F && !"\"'<>\\`".unicodeScalars.contains($0) }) else {
                return .failure(RequirementError("the URL contains characters that are not allowed in URLs"))
            }
            let hadSpace = scanner.skipSpaces()
            if !scanner.atEnd && !(hadSpace && scanner.peek == ";") {
                return .failure(RequirementError("a URL must be followed by a space before `;`"))
            }
        } else if !scanner.atEnd && scanner.peek != ";" {
            guard let specifiers = scanner.versionSpecifiers() else { return .failure(RequirementError("`\(text)` has a malformed version specifier (use e.g. `==1.2`, `>=1.0,<2`, `~=1.4`)")) }
            requirement.specifiers = SpecifierSet(specifiers)
            scanner.skipSpaces()
        }
        if scanner.peek == ";" {
            scanner.advance()
            let rest = scanner.rest()
            var markers = MarkerParser(rest)
            requirement.marker = String(String.UnicodeScalarView(rest)).trimmingSpaces
            guard markers.parse() else { return .failure(RequirementError("the environment marker after `;` is not valid (e.g. `; python_version < \"3.11\"`)")) }
            scanner.position = scanner.scalars.count
        }
        guard scanner.atEnd else { return .failure(RequirementError("unexpected `\(String(String.UnicodeScalarView(scanner.scalars[scanner.position...])))` after the requirement")) }
        return .success(requirement)
    }

    /// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
    static func normalize(_ name: String) -> String {
        var result = ""
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !result.hasSuffix("-") { result.append("-") }
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// Why a requirement string was refused.
struct RequirementError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

private struct Scanner {
    let scalars: [Unicode.Scalar]
    var position = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var atEnd: Bool { position >= scalars.count }
    var peek: Unicode.Scalar? { atEnd ? nil : scalars[position] }
    mutating func advance() { position += 1 }

    @discardableResult
    mutating func skipSpaces() -> Bool {
        let start = position
        while let next = peek, next == " " || next == "\t" { advance() }
        return position > start
    }

    mutating func take(while predicate: (Unicode.Scalar) -> Bool) -> String {
        var text = String.UnicodeScalarView()
        while let next = peek, predicate(next) {
            text.append(next)
            advance()
        }
        return String(text)
    }

    func rest() -> [Unicode.Scalar] { Array(scalars[min(position, scalars.count)...]) }

    static func isAlnum(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }

    /// `[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`
    mutating func name() -> String? {
        guard let first = peek, Self.isAlnum(first) else { return nil }
        let text = take { Self.isAlnum($0) || $0 == "." || $0 == "_" || $0 == "-" }
        guard let last = text.unicodeScalars.last, Self.isAlnum(last) else { return nil }
        return text
    }

    mutating func extras() -> [String]? {
        advance()
        skipSpaces()
        var names: [String] = []
        if peek == "]" { advance(); return names }
        while true {
            guard let name = name() else { return nil }
            names.append(name)
            skipSpaces()
            if peek == "]" { advance(); return names }
            guard peek == "," else { return nil }
            advance()
            skipSpaces()
        }
    }

    /// `op version (, op version)*`, optionally in parentheses.
    mutating func versionSpecifiers() -> [VersionSpecifier]? {
        let parenthesised = peek == "("
        if parenthesised { advance() }
        var specifiers: [VersionSpecifier] = []
        while true {
            skipSpaces()
            let op = take { "<>=!~".unicodeScalars.contains($0) }
            skipSpaces()
            let version = take { Self.isAlnum($0) || "._*+!-".unicodeScalars.contains($0) }
            guard version.filter({ $0 == "*" }).count <= 1, let specifier = VersionSpecifier(op: op, version: version) else { return nil }
            specifiers.append(specifier)
            skipSpaces()
            if peek == "," { advance(); continue }
            break
        }
        if parenthesised {
            guard peek == ")" else { return nil }
            advance()
        }
        return specifiers
    }
}

/// PEP 508 environment markers: `python_version < "3.11" and sys_platform == "linux"`.
private struct MarkerParser {
    enum Token: Equatable { case variable, string, op, and, or, open, close }
    static let variables: Set<String> = [
        "python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
        "platform_system", "platform_version", "platform_machine", "platform_python_implementation",
        "implementation_name", "implementation_version", "extra", "os.name", "sys.platform",
        "platform.version", "platform.machine", "platform.python_implementation", "python_implementation",
    ]
    var tokens: [Token] = []
    var index = 0
    var valid = true

    init(_ scalars: [Unicode.Scalar]) {
        var i = 0
        while i < scalars.count {
            let c = scalars[i]
            if c == " " || c == "\t" { i += 1; continue }
            if c == "(" { tokens.append(.open); i += 1; continue }
            if c == ")" { tokens.append(.close); i += 1; continue }
            if c == "'" || c == "\"" {
                guard let end = scalars[(i + 1)...].firstIndex(of: c) else { valid = false; return }
                tokens.append(.string)
                i = end + 1
                continue
            }
            if "<>=!~".unicodeScalars.contains(c) {
                var op = ""
                while i < scalars.count, "<>=!~".unicodeScalars.contains(scalars[i]) { op.unicodeScalars.append(scalars[i]); i += 1 }
                guard ["~=", "==", "!=", "<=", ">=", "<", ">", "==="].contains(op) else { valid = false; return }
                tokens.append(.op)
                continue
            }
            var word = ""
            while i < scalars.count, ("a"..."z").contains(scalars[i]) || ("A"..."Z").contains(scalars[i]) || scalars[i] == "_" || scalars[i] == "." {
                word.unicodeScalars.append(scalars[i])
                i += 1
            }
            switch word {
            case "and": tokens.append(.and)
            case "or": tokens.append(.or)
            case "in": tokens.append(.op)
            case "not":
                // `not in`
                tokens.append(.op)
                while i < scalars.count, scalars[i] == " " { i += 1 }
                guard i + 1 < scalars.count, scalars[i] == "i", scalars[i + 1] == "n" else { valid = false; return }
                i += 2
            case _ where Self.variables.contains(word): tokens.append(.variable)
            default: valid = false; return
            }
        }
    }

    mutating func parse() -> Bool {
        guard valid, !tokens.isEmpty, expression() else { return false }
        return index == tokens.count
    }

    mutating func next(_ token: Token) -> Bool {
        guard index < tokens.count, tokens[index] == token else { return false }
        index += 1
        return true
    }

    mutating func expression() -> Bool {
        guard conjunction() else { return false }
        while next(.or) { guard conjunction() else { return false } }
        return true
    }

    mutating func conjunction() -> Bool {
        guard atom() else { return false }
        while next(.and) { guard atom() else { return false } }
        return true
    }

    mutating func atom() -> Bool {
        if next(.open) { return expression() && next(.close) }
        return value() && next(.op) && value()
    }

    mutating func value() -> Bool { next(.variable) || next(.string) }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { $0 != " " && $0 != "\t" }),
              let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" }) else { return "" }
        return String(scalars[start...end])
    }
}
