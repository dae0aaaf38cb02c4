/// One PEP 440 version specifier, such as `>=1.24`, `==2.1.*` or `~=1.4.2`.
public struct VersionSpecifier: Hashable, Sendable, CustomStringConvertible {
    /// The comparison operators of PEP 440.
    public enum Operator: String, Sendable, CaseIterable {
        case compatible = "~="
        case arbitrary = "==="
        case equal = "=="
        case notEqual = "!="
        case lessEqual = "<="
        case greaterEqual = ">="
        case less = "<"
        case greater = ">"
    }

    /// The operator.
    public var op: Operator
    /// The version as written, without the `.*`.
    public var versionText: String
    /// Whether the version ends in `.*` (only with == and !=).
    public var wildcard: Bool

    /// The parsed version; nil only for `===` with a non-PEP 440 string. Parsed once: the
    /// rules ask for it many times per requirement.
    public let version: PEP440Version?

    /// Parses `op version`; nil when malformed.
    public init?(op: String, version: String) {
        guard let parsed = Operator(rawValue: op) else { return nil }
        self.op = parsed
        wildcard = version.hasSuffix(".*")
        versionText = wildcard ? String(version.dropLast(2)) : version
        self.version = PEP440Version(versionText)
        if parsed == .arbitrary { return }
        guard let value = self.version else { return nil }
        if wildcard && !(parsed == .equal || parsed == .notEqual) { return nil }
        if wildcard && (value.pre != nil || value.post != nil || value.dev != nil || !value.local.isEmpty) {
            return nil
        }
        if parsed == .compatible && value.release.count < 2 { return nil }
        if !value.local.isEmpty && !(parsed == .equal || parsed == .notEqual) { return nil }
    }

    public var description: String { op.rawValue + versionText + (wildcard ? ".*" : "") }

    /// The versions this specifier admits, as intervals (pre-releases included: whether to
    /// consider them is the caller's choice).
    public var intervals: [VersionInterval] {
        guard let v = version?.withoutLocal else { return [VersionInterval.everything] }
        switch op {
        case .arbitrary:
            return [VersionInterval(lower: .init(v, inclusive: true), upper: .init(v, inclusive: true))]
        case .equal where !wildcard:
            return [VersionInterval(lower: .init(v, inclusive: true), upper: .init(v, inclusive: true))]
        case .equal:
            return [VersionInterval.prefix(v.release, epoch: v.epoch)]
        case .notEqual where !wildcard:
            return [
                VersionInterval(lower: nil, upper: .init(v, inclusive: false)),
                VersionInterval(lower: .init(v, inclusive: false), upper: nil),
            ]
        case .notEqual:
            return [
                VersionInterval(lower: nil, upper: .init(Self.floor(v.release, epoch: v.epoch), inclusive: false)),
                VersionInterval(
                    lower: .init(Self.floor(Self.bump(v.release), epoch: v.epoch), inclusive: true), upper: nil),
            ]
        case .compatible:
            let prefix = Array(v.release.dropLast())
            return [
                VersionInterval(
                    lower: .init(v, inclusive: true),
                    upper: .init(Self.floor(Self.bump(prefix), epoch: v.epoch), inclusive: false))
            ]
        case .greaterEqual:
            return [VersionInterval(lower: .init(v, inclusive: true), upper: nil)]
        case .greater:
            return [VersionInterval(lower: .init(v, inclusive: false), upper: nil)]
        case .lessEqual:
            return [VersionInterval(lower: nil, upper: .init(v, inclusive: true))]
        case .less:
            // PEP 440: `<2` excludes 2's own pre-releases unless 2 is itself one.
            return [
                VersionInterval(
                    lower: nil,
                    upper: .init(v.isPrerelease ? v : Self.floor(v.release, epoch: v.epoch), inclusive: false))
            ]
        }
    }

    /// Whether `candidate` satisfies the specifier (local labels are ignored unless `==` names one).
    public func contains(_ candidate: PEP440Version) -> Bool {
        if op == .arbitrary {
            return candidate.description == versionText || candidate.withoutLocal.description == versionText
        }
        if op == .equal, !wildcard, let v = version, !v.local.isEmpty { return candidate == v }
        return intervals.contains { $0.contains(candidate.withoutLocal) }
    }

    /// The lowest version with this release in this epoch: `2.1` -> `2.1.dev0`, `1!2.1` ->
    /// `1!2.1.dev0` (without the epoch, `~=1!2.0` admitted nothing and `==1!2.*` meant `2.*`).
    static func floor(_ release: [Int], epoch: Int) -> PEP440Version {
        var version = PEP440Version(release: release)
        version.epoch = epoch
        version.dev = 0
        return version
    }

    /// The next release at the last position: [2, 1] -> [2, 2].
    static func bump(_ release: [Int]) -> [Int] {
        guard let last = release.last else { return [1] }
        return release.dropLast() + [last + 1]
    }
}

/// A range of versions between two optional bounds.
public struct VersionInterval: Hashable, Sendable {
    /// One end of an interval.
    public struct Bound: Hashable, Sendable {
        public var version: PEP440Version
        public var inclusive: Bool
        public init(_ version: PEP440Version, inclusive: Bool) {
            self.version = version
            self.inclusive = inclusive
        }
    }

    /// The lower end; nil is unbounded.
    public var lower: Bound?
    /// The upper end; nil is unbounded.
    public var upper: Bound?

    /// Every version.
    public static let everything = VersionInterval(lower: nil, upper: nil)

    /// The versions whose release starts with `release`, as `==2.1.*` admits them: from
    /// `2.1.dev0` (the lowest, below 2.1's pre-releases) up to, not including, `2.2.dev0`.
    public static func prefix(_ release: [Int], epoch: Int = 0) -> VersionInterval {
        VersionInterval(
            lower: Bound(VersionSpecifier.floor(release, epoch: epoch), inclusive: true),
            upper: Bound(VersionSpecifier.floor(VersionSpecifier.bump(release), epoch: epoch), inclusive: false))
    }

    /// Whether no version lies inside.
    public var isEmpty: Bool {
        guard let lower, let upper else { return false }
        if lower.version < upper.version { return false }
        return !(lower.version == upper.version && lower.inclusive && upper.inclusive)
    }

    /// Whether `version` lies inside.
    public func contains(_ version: PEP440Version) -> Bool {
        if let lower, version < lower.version || (version == lower.version && !lower.inclusive) { return false }
        if let upper, version > upper.version || (version == upper.version && !upper.inclusive) { return false }
        return true
    }

    /// Whether every version in `other` lies inside.
    public func contains(_ other: VersionInterval) -> Bool {
        guard !other.isEmpty else { return true }
        if let lower {
            guard let inner = other.lower,
                lower.version < inner.version
                    || (lower.version == inner.version && (lower.inclusive || !inner.inclusive))
            else { return false }
        }
        if let upper {
            guard let inner = other.upper,
                inner.version < upper.version
                    || (inner.version == upper.version && (upper.inclusive || !inner.inclusive))
            else { return false }
        }
        return true
    }

    /// Whether `self` ends where `next` begins, with no version between them.
    func meets(_ next: VersionInterval) -> Bool {
        guard let upper else { return true }
        guard let lower = next.lower else { return true }
        return upper.version > lower.version || (upper.version == lower.version && (upper.inclusive || lower.inclusive))
    }

    /// The versions in both intervals.
    public func intersection(_ other: VersionInterval) -> VersionInterval {
        func maxLower(_ a: Bound?, _ b: Bound?) -> Bound? {
            guard let a else { return b }
            guard let b else { return a }
            if a.version != b.version { return a.version > b.version ? a : b }
            return Bound(a.version, inclusive: a.inclusive && b.inclusive)
        }
        func minUpper(_ a: Bound?, _ b: Bound?) -> Bound? {
            guard let a else { return b }
            guard let b else { return a }
            if a.version != b.version { return a.version < b.version ? a : b }
            return Bound(a.version, inclusive: a.inclusive && b.inclusive)
        }
        return VersionInterval(lower: maxLower(lower, other.lower), upper: minUpper(upper, other.upper))
    }
}

/// Several specifiers that must all hold (`>=1.24,<2`), possibly from several requirements.
public struct SpecifierSet: Hashable, Sendable, CustomStringConvertible {
    /// The specifiers.
    public var specifiers: [VersionSpecifier]

    /// Creates a set.
    public init(_ specifiers: [VersionSpecifier]) {
        self.specifiers = specifiers
    }

    public var description: String { specifiers.map(\.description).joined(separator: ",") }

    /// Whether `version` satisfies every specifier.
    public func contains(_ version: PEP440Version) -> Bool { specifiers.allSatisfy { $0.contains(version) } }

    /// The versions every specifier admits, as disjoint intervals.
    public var intervals: [VersionInterval] {
        var result = [VersionInterval.everything]
        for specifier in specifiers {
            var next: [VersionInterval] = []
            for a in result {
                for b in specifier.intervals {
                    let both = a.intersection(b)
                    if !both.isEmpty { next.append(both) }
                }
            }
            result = next
        }
        return result
    }

    /// Whether some version satisfies every specifier. One specifier always admits a version
    /// (each of its intervals has an open end or two ends in order), so only sets of two or
    /// more are intersected: most pins are one `==`.
    public var isSatisfiable: Bool { specifiers.count < 2 || !intervals.isEmpty }

    /// Whether some version in `interval` satisfies every specifier, pre-releases counted as
    /// `intervals` counts them: `>=0.21,<0.23` admits the line `VersionInterval.prefix([0, 22])`
    /// but not `[0, 23]` (PEP 440: `<0.23` excludes 0.23's pre-releases), `<0.23rc1` admits 0.23.
    public func admits(_ interval: VersionInterval) -> Bool {
        intervals.contains { !$0.intersection(interval).isEmpty }
    }

    /// Whether every version the set admits lies in `regions` (together: `>=0.21,<0.23` lies in
    /// the lines 0.21 and 0.22, not in 0.21 alone; `>=0.21`, with no upper bound, in no list of lines).
    public func isWithin(_ regions: [VersionInterval]) -> Bool {
        // The regions joined where they meet, so that an interval spanning two lines lies in one.
        var joined: [VersionInterval] = []
        let sorted = regions.filter { !$0.isEmpty }.sorted { a, b in
            guard let x = a.lower else { return b.lower != nil }
            guard let y = b.lower else { return false }
            return x.version < y.version || (x.version == y.version && x.inclusive && !y.inclusive)
        }
        for region in sorted {
            if let last = joined.last, last.meets(region) {
                let upper: VersionInterval.Bound? =
                    if let a = last.upper, let b = region.upper {
                        a.version != b.version
                            ? (a.version > b.version ? a : b)
                            : VersionInterval.Bound(a.version, inclusive: a.inclusive || b.inclusive)
                    } else { nil }
                joined[joined.count - 1] = VersionInterval(lower: last.lower, upper: upper)
            } else {
                joined.append(region)
            }
        }
        return intervals.allSatisfy { interval in joined.contains { $0.contains(interval) } }
    }

    /// Both sets together.
    public func intersection(_ other: SpecifierSet) -> SpecifierSet { SpecifierSet(specifiers + other.specifiers) }
}
