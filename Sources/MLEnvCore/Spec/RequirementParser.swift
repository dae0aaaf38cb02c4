/// A parser for PEP 508 dependency specifiers as pip reads them from a requirements file.
/// It validates the whole grammar (name, extras, version specifiers, `@ URL`, environment
/// markers) and keeps the name; anything else is a diagnostic, never passed on to pip.
enum RequirementParser {
    /// The parsed requirement, or a message saying what is wrong.
    static func parse(_ text: String) -> Result<PipRequirement, RequirementError> {
        // The grammar is ASCII, so it is read as UTF-8 bytes: a byte of a non-ASCII character
        // matches no rule and ends up in an error, as the character would.
        var scanner = Scanner(Array(text.utf8))
        scanner.skipSpaces()
        guard let name = scanner.name() else {
            if scanner.peek == UInt8(ascii: "-") {
                return .failure(
                    RequirementError(
                        "pip options such as `\(text.split(separator: " ").first ?? "")` are not requirements; put indexes under `packages.index` or `build.pip_index_url`"
                    ))
            }
            return .failure(RequirementError("a requirement starts with a package name"))
        }
        scanner.skipSpaces()
        var requirement = PipRequirement(text: text.trimmingSpaces, normalizedName: normalize(name))
        if scanner.peek == UInt8(ascii: "[") {
            guard let extras = scanner.extras() else {
                return .failure(RequirementError("the extras in `[...]` are not a comma-separated list of names"))
            }
            requirement.extras = extras
            scanner.skipSpaces()
        }
        if scanner.peek == UInt8(ascii: "@") {
            scanner.advance()
            scanner.skipSpaces()
            // Up to the next space: every byte of a URL is printable ASCII, anything else is refused below.
            let url = scanner.take { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }
            guard url.contains("://") || url.hasPrefix("file:") else {
                return .failure(RequirementError("`@` must be followed by a URL"))
            }
            requirement.url = url
            guard url.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && !Self.unsafeInURLs.contains($0) }) else {
                return .failure(RequirementError("the URL contains characters that are not allowed in URLs"))
            }
            let hadSpace = scanner.skipSpaces()
            if !scanner.atEnd && !(hadSpace && scanner.peek == UInt8(ascii: ";")) {
                return .failure(RequirementError("a URL must be followed by a space before `;`"))
            }
        } else if !scanner.atEnd && scanner.peek != UInt8(ascii: ";") {
            guard let specifiers = scanner.versionSpecifiers() else {
                return .failure(
                    RequirementError(
                        "`\(text)` has a malformed version specifier (use e.g. `==1.2`, `>=1.0,<2`, `~=1.4`)"))
            }
            requirement.specifiers = SpecifierSet(specifiers)
            scanner.skipSpaces()
        }
        if scanner.peek == UInt8(ascii: ";") {
            scanner.advance()
            let rest = scanner.bytes[scanner.position...]
            var markers = MarkerParser(rest)
            requirement.marker = String(decoding: rest, as: UTF8.self).trimmingSpaces
            guard markers.parse() else {
                return .failure(
                    RequirementError(
                        "the environment marker after `;` is not valid (e.g. `; python_version < \"3.11\"`)"))
            }
            scanner.position = scanner.bytes.count
        }
        guard scanner.atEnd else {
            return .failure(
                RequirementError(
                    "unexpected `\(String(decoding: scanner.bytes[scanner.position...], as: UTF8.self))` after the requirement"
                ))
        }
        return .success(requirement)
    }

    private static let unsafeInURLs = Array("\"'<>\\`".utf8)

    /// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` become one `-`.
    static func normalize(_ name: String) -> String {
        // Names are ASCII (the scanner admits nothing else).
        var result: [UInt8] = []
        result.reserveCapacity(name.utf8.count)
        for byte in name.utf8 {
            if byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") {
                if result.last != UInt8(ascii: "-") { result.append(UInt8(ascii: "-")) }
            } else {
                result.append(byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte)
            }
        }
        return String(decoding: result, as: UTF8.self)
    }
}

/// Why a requirement string was refused.
struct RequirementError: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

private struct Scanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position >= bytes.count }
    var peek: UInt8? { atEnd ? nil : bytes[position] }
    mutating func advance() { position += 1 }

    @discardableResult
    mutating func skipSpaces() -> Bool {
        let start = position
        while let next = peek, next == UInt8(ascii: " ") || next == UInt8(ascii: "\t") { advance() }
        return position > start
    }

    mutating func take(while predicate: (UInt8) -> Bool) -> String {
        let start = position
        while let next = peek, predicate(next) { advance() }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    static func isOperator(_ byte: UInt8) -> Bool { ASCII.isOne(of: "<>=!~", byte) }

    /// `[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?`
    mutating func name() -> String? {
        guard let first = peek, ASCII.isAlnum(first) else { return nil }
        let start = position
        while let next = peek, ASCII.isAlnum(next) || ASCII.isOne(of: "._-", next) { advance() }
        guard ASCII.isAlnum(bytes[position - 1]) else { return nil }
        return String(decoding: bytes[start..<position], as: UTF8.self)
    }

    mutating func extras() -> [String]? {
        advance()
        skipSpaces()
        var names: [String] = []
        if peek == UInt8(ascii: "]") {
            advance()
            return names
        }
        while true {
            guard let name = name() else { return nil }
            names.append(name)
            skipSpaces()
            if peek == UInt8(ascii: "]") {
                advance()
                return names
            }
            guard peek == UInt8(ascii: ",") else { return nil }
            advance()
            skipSpaces()
        }
    }

    /// `op version (, op version)*`, optionally in parentheses.
    mutating func versionSpecifiers() -> [VersionSpecifier]? {
        let parenthesised = peek == UInt8(ascii: "(")
        if parenthesised { advance() }
        var specifiers: [VersionSpecifier] = []
        while true {
            skipSpaces()
            let op = take(while: Self.isOperator)
            skipSpaces()
            let start = position
            var stars = 0
            while let next = peek, ASCII.isAlnum(next) || ASCII.isOne(of: "._*+!-", next) {
                if next == UInt8(ascii: "*") { stars += 1 }
                advance()
            }
            let version = String(decoding: bytes[start..<position], as: UTF8.self)
            guard stars <= 1, let specifier = VersionSpecifier(op: op, version: version) else { return nil }
            specifiers.append(specifier)
            skipSpaces()
            if peek == UInt8(ascii: ",") {
                advance()
                continue
            }
            break
        }
        if parenthesised {
            guard peek == UInt8(ascii: ")") else { return nil }
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

    init(_ bytes: ArraySlice<UInt8>) {
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let c = bytes[i]
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") {
                i += 1
                continue
            }
            if c == UInt8(ascii: "(") {
                tokens.append(.open)
                i += 1
                continue
            }
            if c == UInt8(ascii: ")") {
                tokens.append(.close)
                i += 1
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                guard let end = bytes[(i + 1)...].firstIndex(of: c) else {
                    valid = false
                    return
                }
                tokens.append(.string)
                i = end + 1
                continue
            }
            if Scanner.isOperator(c) {
                let start = i
                while i < bytes.endIndex, Scanner.isOperator(bytes[i]) { i += 1 }
                guard Self.operators.contains(String(decoding: bytes[start..<i], as: UTF8.self)) else {
                    valid = false
                    return
                }
                tokens.append(.op)
                continue
            }
            let start = i
            while i < bytes.endIndex, ASCII.isLetter(bytes[i]) || ASCII.isOne(of: "_.", bytes[i]) { i += 1 }
            switch String(decoding: bytes[start..<i], as: UTF8.self) {
            case "and": tokens.append(.and)
            case "or": tokens.append(.or)
            case "in": tokens.append(.op)
            case "not":
                // `not in`
                tokens.append(.op)
                while i < bytes.endIndex, bytes[i] == UInt8(ascii: " ") { i += 1 }
                guard i + 1 < bytes.endIndex, bytes[i] == UInt8(ascii: "i"), bytes[i + 1] == UInt8(ascii: "n") else {
                    valid = false
                    return
                }
                i += 2
            case let word where Self.variables.contains(word): tokens.append(.variable)
            default:
                valid = false
                return
            }
        }
    }

    static let operators: Set<String> = ["~=", "==", "!=", "<=", ">=", "<", ">", "==="]

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
            let end = scalars.lastIndex(where: { $0 != " " && $0 != "\t" })
        else { return "" }
        return String(scalars[start...end])
    }
}
