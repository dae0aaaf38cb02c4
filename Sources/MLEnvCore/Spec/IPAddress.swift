/// Validation of literal IP addresses, as `jupyter.bind` takes them.
enum IPAddress {
    /// Whether `text` is a dotted-quad IPv4 address or an IPv6 address (without brackets).
    static func isValid(_ text: String) -> Bool { isIPv4(Substring(text)) || isIPv6(text) }

    static func isIPv4(_ text: Substring) -> Bool {
        let parts = text.parts(splitAt: UInt8(ascii: "."))
        return parts.count == 4
            && parts.allSatisfy { part in
                !part.isEmpty && part.utf8.count <= 3 && part.allBytes(ASCII.isDigit)
                    && (part.utf8.count == 1 || part.utf8.first != UInt8(ascii: "0")) && Int(part)! <= 255
            }
    }

    static func isIPv6(_ text: String) -> Bool {
        guard text.contains(":"), text.count <= 45 else { return false }
        let halves = text.split(separator: "::", omittingEmptySubsequences: false)
        guard halves.count <= 2 else { return false }
        var groups = 0
        for (index, half) in halves.enumerated() where !half.isEmpty {
            let parts = half.split(separator: ":", omittingEmptySubsequences: false)
            for (position, part) in parts.enumerated() {
                let isLast = index == halves.count - 1 && position == parts.count - 1
                if isLast && part.contains(".") {
                    guard isIPv4(part) else { return false }
                    groups += 2
                } else {
                    guard (1...4).contains(part.count), part.allSatisfy(\.isHexDigit) else { return false }
                    groups += 1
                }
            }
        }
        return halves.count == 2 ? groups < 8 : groups == 8
    }
}
