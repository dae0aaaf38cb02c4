/// A Python package version as PEP 440 defines it, parsed leniently the way pip does
/// (`1.0-1`, `v2.1`, `2.1.0ALPHA1`, `2.1.0a0+32f93b1`) and ordered by PEP 440's rules.
public struct PEP440Version: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// A pre-release kind, in order.
    public enum PreKind: Int, Sendable, Comparable {
        case alpha, beta, candidate
        public static func < (a: PreKind, b: PreKind) -> Bool { a.rawValue < b.rawValue }
        var spelling: String { ["a", "b", "rc"][rawValue] }
    }

    /// `N!` - zero unless written.
    public var epoch: Int
    /// The release numbers: `2.1.0` is [2, 1, 0].
    public var release: [Int]
    /// `a0`, `b2`, `rc1`.
    public var pre: (kind: PreKind, number: Int)?
    /// `.post1`.
    public var post: Int?
    /// `.dev0`.
    public var dev: Int?
    /// `+32f93b1`: the local label, lower-cased, split on `.`.
    public var local: [String]

    /// Parses a version; nil when it is not PEP 440.
    public init?(_ text: String) {
        // Most versions are plain releases (`2.1.0`): read those from the bytes directly.
        if let plain = DottedVersion.numbers(text, maximumParts: .max, maximumDigits: 18) {
            epoch = 0
            release = plain
            local = []
            return
        }
        var s = Substring(text.lowercased().trimmingSpaces)
        if s.hasPrefix("v") { s = s.dropFirst() }
        epoch = 0
        local = []
        if let plus = s.firstIndex(of: "+") {
            let label = s[s.index(after: plus)...]
            let parts = label.split(
                omittingEmptySubsequences: false, whereSeparator: { $0 == "." || $0 == "-" || $0 == "_" })
            guard !label.isEmpty, parts.allSatisfy({ part in !part.isEmpty && part.allSatisfy { $0.isLowerAlnum } })
            else { return nil }
            local = parts.map(String.init)
            s = s[..<plus]
        }
        if let bang = s.firstIndex(of: "!") {
            guard let value = Int(s[..<bang]) else { return nil }
            epoch = value
            s = s[s.index(after: bang)...]
        }
        var numbers: [Int] = []
        while true {
            let digits = s.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty, digits.count <= 18, let value = Int(digits) else { return nil }
            numbers.append(value)
            s = s.dropFirst(digits.count)
            if s.hasPrefix("."), s.dropFirst().first?.isASCIIDigit == true {
                s = s.dropFirst()
                continue
            }
            break
        }
        release = numbers
        func separator() { if let first = s.first, ".-_".contains(first) { s = s.dropFirst() } }
        func number() -> Int? {
            separator()
            let digits = s.prefix(while: \.isASCIIDigit)
            s = s.dropFirst(digits.count)
            return digits.isEmpty ? nil : Int(digits)
        }
        func take(_ words: [String]) -> String? {
            var copy = s
            if let first = copy.first, ".-_".contains(first) { copy = copy.dropFirst() }
            for word in words where copy.hasPrefix(word) {
                s = copy.dropFirst(word.count)
                return word
            }
            return nil
        }
        if let word = take(["alpha", "beta", "preview", "pre", "rc", "a", "b", "c"]) {
            let kind: PreKind = word.hasPrefix("a") ? .alpha : word.hasPrefix("b") ? .beta : .candidate
            pre = (kind, number() ?? 0)
        }
        if take(["post", "rev", "r"]) != nil {
            post = number() ?? 0
        } else if s.hasPrefix("-"), s.dropFirst().first?.isASCIIDigit == true {
            s = s.dropFirst()
            post = number()
        }
        if take(["dev"]) != nil { dev = number() ?? 0 }
        guard s.isEmpty else { return nil }
    }

    /// Creates a release version such as 2.1.0.
    public init(release: [Int]) {
        epoch = 0
        self.release = release
        local = []
    }

    /// The normalised form: `2.1.0a0+32f93b1`.
    public var description: String {
        var text = epoch == 0 ? "" : "\(epoch)!"
        text += release.map(String.init).joined(separator: ".")
        if let pre { text += "\(pre.kind.spelling)\(pre.number)" }
        if let post { text += ".post\(post)" }
        if let dev { text += ".dev\(dev)" }
        if !local.isEmpty { text += "+" + local.joined(separator: ".") }
        return text
    }

    /// Whether this is a pre-release or development release.
    public var isPrerelease: Bool { pre != nil || dev != nil }

    /// The version without its local label.
    public var withoutLocal: PEP440Version {
        var copy = self
        copy.local = []
        return copy
    }

    /// Whether the release starts with `prefix` (`2.1` matches 2.1, 2.1.0, 2.1.3, 2.1.0a0+abc).
    public func hasReleasePrefix(_ prefix: [Int]) -> Bool {
        // Missing parts count as zero; no arrays are made (this runs for every catalog row).
        for (index, part) in prefix.enumerated() where (index < release.count ? release[index] : 0) != part {
            return false
        }
        return true
    }

    public static func == (a: PEP440Version, b: PEP440Version) -> Bool { compare(a, b) == 0 }
    public static func < (a: PEP440Version, b: PEP440Version) -> Bool { compare(a, b) < 0 }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(epoch)
        var trimmed = release
        while trimmed.count > 1, trimmed.last == 0 { trimmed.removeLast() }
        hasher.combine(trimmed)
        hasher.combine(pre?.kind.rawValue)
        hasher.combine(pre?.number)
        hasher.combine(post)
        hasher.combine(dev)
        hasher.combine(local)
    }

    /// PEP 440 ordering: epoch, release (trailing zeros ignored), then dev < pre < final < post,
    /// then local labels (numbers above strings, longer above shorter).
    static func compare(_ a: PEP440Version, _ b: PEP440Version) -> Int {
        if a.epoch != b.epoch { return a.epoch < b.epoch ? -1 : 1 }
        for index in 0..<max(a.release.count, b.release.count) {
            let x = index < a.release.count ? a.release[index] : 0
            let y = index < b.release.count ? b.release[index] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        let preKey = { (v: PEP440Version) -> (Int, Int, Int) in
            if let pre = v.pre { return (1, pre.kind.rawValue, pre.number) }
            if v.post == nil && v.dev != nil { return (0, 0, 0) }  // 1.0.dev0 sorts before 1.0a0
            return (2, 0, 0)
        }
        let (pa, pb) = (preKey(a), preKey(b))
        if pa != pb { return pa < pb ? -1 : 1 }
        let postA = a.post.map { $0 + 1 } ?? 0
        let postB = b.post.map { $0 + 1 } ?? 0
        if postA != postB { return postA < postB ? -1 : 1 }
        let devA = a.dev ?? Int.max
        let devB = b.dev ?? Int.max
        if devA != devB { return devA < devB ? -1 : 1 }
        for index in 0..<max(a.local.count, b.local.count) {
            guard index < a.local.count else { return -1 }
            guard index < b.local.count else { return 1 }
            let x = a.local[index]
            let y = b.local[index]
            switch (Int(x), Int(y)) {
            case (let i?, let j?): if i != j { return i < j ? -1 : 1 }
            case (_?, nil): return 1
            case (nil, _?): return -1
            default: if x != y { return x < y ? -1 : 1 }
            }
        }
        return 0
    }
}
