/// A plain dotted version: NVIDIA driver versions (`535.129.03`), CUDA toolkits (`12.2.2`),
/// Python interpreters (`3.10`). Compared number by number; missing parts count as zero.
public struct DottedVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The numbers, as written (so `535.129.03` keeps its text in `description`).
    public let parts: [Int]
    private let text: String

    /// Parses `N(.N)*`; nil otherwise.
    public init?(_ text: String) {
        // Read from the bytes: versions are compared for every catalog entry of every spec.
        guard let parts = Self.numbers(text, maximumParts: 6, maximumDigits: 9) else { return nil }
        self.parts = parts
        self.text = text
    }

    /// `[12, 2, 2]` for `12.2.2`: numbers of at most `maximumDigits` digits joined by single
    /// dots, read from the bytes; nil for anything else.
    static func numbers(_ text: String, maximumParts: Int, maximumDigits: Int) -> [Int]? {
        var parts: [Int] = []
        var value = 0
        var digits = 0
        for byte in text.utf8 {
            if byte >= 0x30 && byte <= 0x39 {
                guard digits < maximumDigits else { return nil }
                value = value * 10 + Int(byte - 0x30)
                digits += 1
            } else if byte == 0x2E && digits > 0 && parts.count < maximumParts - 1 {
                parts.append(value)
                value = 0
                digits = 0
            } else {
                return nil
            }
        }
        guard digits > 0 else { return nil }
        parts.append(value)
        return parts
    }

    private init(parts: [Int], text: String) {
        self.parts = parts
        self.text = text
    }

    /// The first `count` parts (`12.2.2` -> `12.2`).
    public func prefix(_ count: Int) -> DottedVersion {
        let kept = Array(parts.prefix(count))
        return DottedVersion(parts: kept, text: kept.map(String.init).joined(separator: "."))
    }

    /// The major version.
    public var major: Int { parts[0] }
    /// The minor version, zero when not written.
    public var minor: Int { parts.count > 1 ? parts[1] : 0 }

    /// Whether `self` starts with every part of `other` (`12.2.2` starts with `12.2`).
    public func starts(with other: DottedVersion) -> Bool {
        other.parts.count <= parts.count && other.parts.indices.allSatisfy { parts[$0] == other.parts[$0] }
    }

    /// Whether both have the same `major.minor` (`3.10.12` and `3.10`), missing parts as zero;
    /// `prefix(2) == other.prefix(2)` without making two versions.
    public func hasSameMinor(as other: DottedVersion) -> Bool { major == other.major && minor == other.minor }

    public var description: String { text }

    public static func == (a: DottedVersion, b: DottedVersion) -> Bool { compare(a, b) == 0 }
    public static func < (a: DottedVersion, b: DottedVersion) -> Bool { compare(a, b) < 0 }

    public func hash(into hasher: inout Hasher) {
        var trimmed = parts
        while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
    }

    static func compare(_ a: DottedVersion, _ b: DottedVersion) -> Int {
        for index in 0..<max(a.parts.count, b.parts.count) {
            let x = index < a.parts.count ? a.parts[index] : 0
            let y = index < b.parts.count ? b.parts[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }
}
