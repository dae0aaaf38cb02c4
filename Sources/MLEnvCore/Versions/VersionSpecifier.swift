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
            return [
                VersionInterval(
                    lower: .init(Self.floor(v.release, epoch: v.epoch), inclusive: true),
                    upper: .init(Self.floor(Self.bump(v.release), epoch: v.epoch), inclusive: false))
            ]
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

    /// Both sets together.
    public func intersection(_ other: SpecifierSet) -> SpecifierSet { SpecifierSet(specifiers + other.specifiers) }
}
