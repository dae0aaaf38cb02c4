/// Reads JSON (RFC 8259) into a `JSONValue`, without Foundation: pip's installation report
/// (`pip install --report`) is read in the core. libyaml (the YAMLReader) reads most JSON, but
/// refuses `\uD83D\uDE00`-style surrogate pairs, which Python's `json.dumps` writes for every
/// character outside the BMP, and pip's report holds each distribution's whole README.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number as written: the report's numbers are not read as numbers.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Members in the order written.
    case object([(key: String, value: JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)), (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: return false
        }
    }

    /// The first member named `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var string: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var array: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }
}

public enum JSONReader {
    /// Where reading stopped, and why.
    public struct Failure: Error, Sendable, Equatable {
        public var offset: Int
        public var reason: String
    }

    /// The value `bytes` hold, or where they stop being JSON. Nesting deeper than `maximumDepth`
    /// is refused rather than recursed into.
    public static func read(_ bytes: [UInt8], maximumDepth: Int = 128) -> Result<JSONValue, Failure> {
        var parser = Parser(bytes: bytes, maximumDepth: maximumDepth)
        do {
            parser.skipSpace()
            let value = try parser.value(depth: 0)
            parser.skipSpace()
            guard parser.offset == bytes.count else { throw parser.failure("text after the value") }
            return .success(value)
        } catch let failure as Failure {
            return .failure(failure)
        } catch {
            return .failure(Failure(offset: parser.offset, reason: "\(error)"))
        }
    }

    private struct Parser {
        let bytes: [UInt8]
        let maximumDepth: Int
        var offset = 0

        func failure(_ reason: String) -> Failure { Failure(offset: offset, reason: reason) }

        mutating func skipSpace() {
            while offset < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[offset]) { offset += 1 }
        }

        mutating func expect(_ word: String) throws {
            for byte in word.utf8 {
                guard offset < bytes.count, bytes[offset] == byte else { throw failure("expected `\(word)`") }
                offset += 1
            }
        }

        mutating func value(depth: Int) throws -> JSONValue {
            guard depth < maximumDepth else { throw failure("nested deeper than \(maximumDepth) levels") }
            guard offset < bytes.count else { throw failure("the text ends where a value should be") }
            switch bytes[offset] {
            case UInt8(ascii: "{"):
                offset += 1
                var members: [(key: String, value: JSONValue)] = []
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "}") {
                    offset += 1
                    return .object(members)
                }
                while true {
                    skipSpace()
                    guard offset < bytes.count, bytes[offset] == UInt8(ascii: "\"") else {
                        throw failure("expected a member name")
                    }
                    let key = try string()
                    skipSpace()
                    try expect(":")
                    skipSpace()
                    members.append((key, try value(depth: depth + 1)))
                    skipSpace()
                    guard offset < bytes.count else { throw failure("the text ends inside an object") }
                    if bytes[offset] == UInt8(ascii: ",") {
                        offset += 1
                        continue
                    }
                    try expect("}")
                    return .object(members)
                }
            case UInt8(ascii: "["):
                offset += 1
                var items: [JSONValue] = []
                skipSpace()
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "]") {
                    offset += 1
                    return .array(items)
                }
                while true {
                    skipSpace()
                    items.append(try value(depth: depth + 1))
                    skipSpace()
                    guard offset < bytes.count else { throw failure("the text ends inside an array") }
                    if bytes[offset] == UInt8(ascii: ",") {
                        offset += 1
                        continue
                    }
                    try expect("]")
                    return .array(items)
                }
            case UInt8(ascii: "\""): return .string(try string())
            case UInt8(ascii: "t"):
                try expect("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try expect("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try expect("null")
                return .null
            default: return .number(try number())
            }
        }

        mutating func number() throws -> String {
            let start = offset
            func digits() -> Int {
                let first = offset
                while offset < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[offset]) {
                    offset += 1
                }
                return offset - first
            }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw failure("not a value") }
            if offset < bytes.count, bytes[offset] == UInt8(ascii: ".") {
                offset += 1
                guard digits() > 0 else { throw failure("a number needs digits after `.`") }
            }
            if offset < bytes.count, bytes[offset] | 0x20 == UInt8(ascii: "e") {
                offset += 1
                if offset < bytes.count, bytes[offset] == UInt8(ascii: "+") || bytes[offset] == UInt8(ascii: "-") {
                    offset += 1
                }
                guard digits() > 0 else { throw failure("a number needs digits in its exponent") }
            }
            return String(decoding: bytes[start..<offset], as: UTF8.self)
        }

        /// A string, from its opening quote.
        mutating func string() throws -> String {
            offset += 1
            var scalars = String.UnicodeScalarView()
            var run = offset  // the start of bytes copied as they are
            var text = ""
            func flush(_ end: Int) throws {
                guard run < end else { return }
                let part = bytes[run..<end]
                guard let decoded = String(validating: part, as: UTF8.self) else {
                    throw failure("a string is not UTF-8")
                }
                text += decoded
            }
            while true {
                guard offset < bytes.count else { throw failure("the text ends inside a string") }
                let byte = bytes[offset]
                if byte == UInt8(ascii: "\"") {
                    try flush(offset)
                    offset += 1
                    return text
                }
                guard byte >= 0x20 else { throw failure("a control character inside a string") }
                guard byte == UInt8(ascii: "\\") else {
                    offset += 1
                    continue
                }
                try flush(offset)
                offset += 1
                guard offset < bytes.count else { throw failure("the text ends inside a string") }
                let escape = bytes[offset]
                offset += 1
                switch escape {
                case UInt8(ascii: "\""): text += "\""
                case UInt8(ascii: "\\"): text += "\\"
                case UInt8(ascii: "/"): text += "/"
                case UInt8(ascii: "b"): text += "\u{8}"
                case UInt8(ascii: "f"): text += "\u{C}"
                case UInt8(ascii: "n"): text += "\n"
                case UInt8(ascii: "r"): text += "\r"
                case UInt8(ascii: "t"): text += "\t"
                case UInt8(ascii: "u"):
                    var code = try hex4()
                    if (0xD800..<0xDC00).contains(code), offset + 1 < bytes.count,
                        bytes[offset] == UInt8(ascii: "\\"), bytes[offset + 1] == UInt8(ascii: "u")
                    {
                        let save = offset
                        offset += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            offset = save
                        }
                    }
                    // A lone surrogate (Python writes one for a lone surrogate in the data) is
                    // no character: it reads as U+FFFD.
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                    text += String(scalars)
                    scalars.removeAll()
                default: throw failure("an unknown escape in a string")
                }
                run = offset
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard offset + 4 <= bytes.count else { throw failure("the text ends inside a `\\u` escape") }
            var code: UInt32 = 0
            for byte in bytes[offset..<offset + 4] {
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw failure("`\\u` needs four hexadecimal digits")
                }
                code = code << 4 | UInt32(digit)
            }
            offset += 4
            return code
        }
    }
}
