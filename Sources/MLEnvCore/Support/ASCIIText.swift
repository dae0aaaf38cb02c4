/// Text tests on UTF-8 bytes. Everything a spec's grammar names (image references, volumes,
/// package names) is ASCII, and testing or splitting Characters costs ten times as much: each
/// step finds a grapheme boundary, and `contains(_: String)` goes through Foundation.
extension StringProtocol where SubSequence == Substring {
    /// The parts between `separator` bytes, empty parts kept, at most `maxSplits` splits: what
    /// `split(separator:maxSplits:omittingEmptySubsequences: false)` returns, except that a
    /// separator followed by a combining mark still separates (Docker splits volumes and image
    /// references on bytes too; Character splitting saw `:` + U+0301 as one character).
    func parts(splitAt separator: UInt8, maxSplits: Int = .max) -> [Substring] {
        // The separators' offsets are found in the contiguous bytes; indices are made only there.
        let view = utf8
        func offsets(_ bytes: some Sequence<UInt8>) -> [Int] {
            var found: [Int] = []
            var offset = 0
            for byte in bytes {
                if byte == separator {
                    if found.count == maxSplits { break }
                    found.append(offset)
                }
                offset += 1
            }
            return found
        }
        let cuts = view.withContiguousStorageIfAvailable(offsets) ?? offsets(view)
        var parts: [Substring] = []
        parts.reserveCapacity(cuts.count + 1)
        var start = view.startIndex
        for cut in cuts {
            let end = view.index(view.startIndex, offsetBy: cut)
            parts.append(self[start..<end])
            start = view.index(after: end)
        }
        parts.append(self[start..<view.endIndex])
        return parts
    }

    /// Whether the text has a white space character (Unicode's, as `Character.isWhitespace`);
    /// Characters are only looked at when a byte could start one.
    var containsWhitespace: Bool {
        utf8.contains { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) || $0 >= 0x80 } && contains(where: \.isWhitespace)
    }

    /// Whether a byte of the text is `byte`.
    func containsByte(_ byte: UInt8) -> Bool { utf8.contains(byte) }

    /// Whether every byte of the text passes `test`; false for any non-ASCII text unless
    /// `test` admits bytes from 0x80 up.
    func allBytes(_ test: (UInt8) -> Bool) -> Bool { utf8.allSatisfy(test) }
}

/// ASCII byte classes.
enum ASCII {
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLower(_ byte: UInt8) -> Bool { byte >= 0x61 && byte <= 0x7A }
    static func isLetter(_ byte: UInt8) -> Bool { isLower(byte | 0x20) }
    static func isAlnum(_ byte: UInt8) -> Bool { isLetter(byte) || isDigit(byte) }
    static func isLowerAlnum(_ byte: UInt8) -> Bool { isLower(byte) || isDigit(byte) }
    static func isHexDigit(_ byte: UInt8) -> Bool { isDigit(byte) || (byte | 0x20 >= 0x61 && byte | 0x20 <= 0x66) }
    /// Whether `byte` is one of `characters` (an ASCII string literal).
    static func isOne(of characters: StaticString, _ byte: UInt8) -> Bool {
        characters.withUTF8Buffer { $0.contains(byte) }
    }
}
