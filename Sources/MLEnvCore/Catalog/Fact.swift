/// A fact from the catalog: confirmed by a source, likely (written `X?` in the tables), or not
/// known. Only known facts may produce errors; likely ones appear in notes.
public enum Fact<Value: Sendable>: Sendable {
    case known(Value)
    case likely(Value)
    case unknown

    /// The value when a source confirms it.
    public var known: Value? {
        if case .known(let value) = self { return value }
        return nil
    }

    /// The value whether confirmed or likely.
    public var any: Value? {
        switch self {
        case .known(let value), .likely(let value): return value
        case .unknown: return nil
        }
    }

    /// Whether the value is only likely.
    public var isLikely: Bool {
        if case .likely = self { return true }
        return false
    }

    /// Transforms the value, keeping how sure we are of it; a failed transform is unknown.
    public func flatMap<Other>(_ transform: (Value) -> Other?) -> Fact<Other> {
        switch self {
        case .known(let value): return transform(value).map(Fact<Other>.known) ?? .unknown
        case .likely(let value): return transform(value).map(Fact<Other>.likely) ?? .unknown
        case .unknown: return .unknown
        }
    }
}

extension Fact: Equatable where Value: Equatable {}

extension Fact where Value: CustomStringConvertible {
    /// `12.2.2`, `3.10 (unconfirmed)` or `unknown`, for messages.
    public var text: String {
        switch self {
        case .known(let value): return value.description
        case .likely(let value): return "\(value) (unconfirmed)"
        case .unknown: return "unknown"
        }
    }
}
