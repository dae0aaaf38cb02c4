/// How a scalar was written. Only plain scalars can be booleans, numbers or null.
public enum ScalarStyle: Sendable, Equatable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// A node of a YAML document that remembers where each key and value was written.
public struct YAMLNode: Sendable, Equatable {
    /// The content of the node.
    public enum Kind: Sendable, Equatable {
        /// A scalar with its exact text: `3.10` stays "3.10".
        case scalar(String, ScalarStyle)
        case sequence([YAMLNode])
        case mapping([YAMLPair])
    }

    /// The content.
    public var kind: Kind
    /// Where the node starts (for quoted scalars: at the opening quote).
    public var location: SourceLocation

    /// Creates a node.
    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// The scalar text when this is a scalar.
    public var scalarText: String? {
        if case .scalar(let text, _) = kind { return text }
        return nil
    }

    /// Whether this is YAML's null: an empty plain scalar, `~` or `null`.
    public var isNull: Bool {
        if case .scalar(let text, .plain) = kind {
            return text.isEmpty || text == "~" || text == "null" || text == "Null" || text == "NULL"
        }
        return false
    }

    /// A short name of the node's kind for messages ("a mapping", "a list", "the text \"x\"").
    public var kindDescription: String {
        switch kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let text, let style):
            if isNull { return "nothing (null)" }
            if style == .plain && (text == "true" || text == "false") { return "the boolean \(text)" }
            return "\"\(text.count > 40 ? String(text.prefix(40)) + "…" : text)\""
        }
    }
}

/// One entry of a mapping. Keys are always scalars: the reader rejects others.
public struct YAMLPair: Sendable, Equatable {
    /// The key's text.
    public var key: String
    /// Where the key is written.
    public var keyLocation: SourceLocation
    /// The value.
    public var value: YAMLNode

    /// Creates a pair.
    public init(key: String, keyLocation: SourceLocation, value: YAMLNode) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
