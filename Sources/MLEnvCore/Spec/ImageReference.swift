/// A container image reference as Docker's distribution library parses it:
/// `[registry[:port]/]path[:tag][@digest]`.
public struct ImageReference: Hashable, Sendable, CustomStringConvertible {
    /// The registry host (and port) when one is written, e.g. `nvcr.io`.
    public var registry: String?
    /// The repository path, e.g. `nvidia/pytorch` or `python`.
    public var repository: String
    /// The tag, e.g. `23.10-py3`.
    public var tag: String?
    /// The digest, e.g. `sha256:...`.
    public var digest: String?

    /// The reference exactly as it would be written.
    public var description: String {
        var text = registry.map { "\($0)/" } ?? ""
        text += repository
        if let tag { text += ":\(tag)" }
        if let digest { text += "@\(digest)" }
        return text
    }

    /// The repository with Docker Hub's implied parts made explicit (`python` ->
    /// `docker.io/library/python`), for comparing references written differently.
    public var canonicalRepository: String {
        let host = registry ?? "docker.io"
        if host == "docker.io" && !repository.contains("/") { return "docker.io/library/\(repository)" }
        return "\(host)/\(repository)"
    }

    /// Parses a reference; returns nil for anything Docker would refuse. Read as bytes: every
    /// part of a valid reference is ASCII.
    public init?(parsing text: String) {
        guard !text.isEmpty, text.utf8.count <= 255 else { return nil }
        var rest = Substring(text)
        if let at = rest.utf8.firstIndex(of: UInt8(ascii: "@")) {
            let digest = rest[rest.utf8.index(after: at)...]
            guard Self.isDigest(digest) else { return nil }
            self.digest = String(digest)
            rest = rest[..<at]
        }
        var components = rest.parts(splitAt: UInt8(ascii: "/"))
        let last = components[components.count - 1]
        if let colon = last.utf8.lastIndex(of: UInt8(ascii: ":")) {
            let tag = last[last.utf8.index(after: colon)...]
            guard Self.isTag(tag) else { return nil }
            self.tag = String(tag)
            components[components.count - 1] = last[..<colon]
        }
        if components.count > 1, let first = components.first,
            first.containsByte(UInt8(ascii: ".")) || first.containsByte(UInt8(ascii: ":")) || first == "localhost"
        {
            guard Self.isRegistry(first) else { return nil }
            registry = String(first)
            components.removeFirst()
        }
        guard !components.isEmpty, components.allSatisfy(Self.isPathComponent) else { return nil }
        // The path is the text after the registry and before the tag, kept as written.
        repository = String(text[components[0].startIndex..<components[components.count - 1].endIndex])
    }

    static func isPathComponent(_ part: Substring) -> Bool {
        // [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*, read as bytes.
        let bytes = part.utf8
        guard let first = bytes.first, let last = bytes.last, ASCII.isLowerAlnum(first), ASCII.isLowerAlnum(last) else {
            return false
        }
        var previous = first
        var underscores = 0
        for byte in bytes {
            if ASCII.isLowerAlnum(byte) {
                underscores = 0
            } else if byte == UInt8(ascii: "_") {
                underscores += 1
                if underscores > 2 || previous == UInt8(ascii: ".") || previous == UInt8(ascii: "-") { return false }
            } else if byte == UInt8(ascii: ".") {
                if !ASCII.isLowerAlnum(previous) { return false }
            } else if byte == UInt8(ascii: "-") {
                if previous == UInt8(ascii: ".") || previous == UInt8(ascii: "_") { return false }
            } else {
                return false
            }
            previous = byte
        }
        return true
    }

    static func isRegistry(_ part: Substring) -> Bool {
        let pieces = part.parts(splitAt: UInt8(ascii: ":"))
        guard pieces.count <= 2, let host = pieces.first, !host.isEmpty else { return false }
        if pieces.count == 2 {
            guard let port = Int(pieces[1]), (1...65535).contains(port) else { return false }
        }
        return host.parts(splitAt: UInt8(ascii: ".")).allSatisfy { label in
            guard let first = label.utf8.first, let last = label.utf8.last else { return false }
            return ASCII.isAlnum(first) && ASCII.isAlnum(last)
                && label.allBytes { ASCII.isAlnum($0) || $0 == UInt8(ascii: "-") }
        }
    }

    static func isTag(_ part: Substring) -> Bool {
        // [\w][\w.-]{0,127}
        func word(_ byte: UInt8) -> Bool { ASCII.isAlnum(byte) || byte == UInt8(ascii: "_") }
        guard let first = part.utf8.first, part.utf8.count <= 128, word(first) else { return false }
        return part.allBytes { word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    static func isDigest(_ part: Substring) -> Bool {
        let pieces = part.parts(splitAt: UInt8(ascii: ":"), maxSplits: 1)
        guard pieces.count == 2, let algorithm = pieces[0].utf8.first, ASCII.isLetter(algorithm) else { return false }
        return pieces[0].allBytes { ASCII.isAlnum($0) || ASCII.isOne(of: "+-._", $0) }
            && pieces[1].utf8.count >= 32 && pieces[1].allBytes(ASCII.isHexDigit)
    }
}

// Character classes through `asciiValue`: comparing Characters compares strings, which made
// these a tenth of `check`'s time.
extension Character {
    var isASCIILetter: Bool { asciiValue.map { (0x61...0x7A).contains($0 | 0x20) } ?? false }
    var isASCIIDigit: Bool { asciiValue.map { (0x30...0x39).contains($0) } ?? false }
    var isASCIIAlnum: Bool { isASCIILetter || isASCIIDigit }
    var isLowerAlnum: Bool { asciiValue.map { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) } ?? false }
    var isWordCharacter: Bool { isASCIIAlnum || self == "_" }
}
