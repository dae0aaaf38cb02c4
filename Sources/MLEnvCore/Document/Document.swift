/// A data document: the tree that JSON and YAML share. The files mlenv writes as data
/// (kubernetes.yaml, compose.yaml, devcontainer.json, the lock, plan.json, the JSON and SARIF
/// reports) are built as `Document` values and written by `YAMLPrinter` or `JSONPrinter`, which
/// own quoting, commas and indentation: no renderer writes a quote or a comma by hand.
///
/// The layout of a container (one line or one line per child) is part of the value, as a
/// scalar's style is in YAML: it keeps files diff-friendly where a person reads them, and
/// compact where a list has a thousand entries.
public indirect enum Document: Sendable, Equatable {
    /// Text. The printer quotes it when the format needs to.
    case string(String)
    /// A whole number.
    case integer(Int)
    case bool(Bool)
    case null
    /// Keys in the order given. Keys are unique: the builders keep the first of duplicates.
    case mapping([Entry], Layout)
    case sequence([Document], Layout)
    /// A value with comment lines before it (YAML only; JSON has no comments and drops them).
    case commented([String], Document)

    /// One child per line (`.block`), or all on one line (`.flow`: `[a, b]`, `{"k": 1}`).
    public enum Layout: Sendable, Equatable {
        case block
        case flow
    }

    /// A key and its value.
    public struct Entry: Sendable, Equatable {
        public var key: String
        public var value: Document

        public init(_ key: String, _ value: Document) {
            self.key = key
            self.value = value
        }
    }

    /// A mapping from `pairs` in order; `nil` values are left out, so optional fields read as
    /// they are written: `["namespace": namespace.map(Document.string)]`.
    public static func mapping(_ pairs: KeyValuePairs<String, Document?>, _ layout: Layout = .block) -> Document {
        var seen = Set<String>()
        var entries: [Entry] = []
        for (key, value) in pairs {
            guard let value, seen.insert(key).inserted else { continue }
            entries.append(Entry(key, value))
        }
        return .mapping(entries, layout)
    }

    /// A mapping from entries built in code (a loop over volumes, say); later duplicates are dropped.
    public static func mapping(entries: [Entry], _ layout: Layout = .block) -> Document {
        var seen = Set<String>()
        return .mapping(entries.filter { seen.insert($0.key).inserted }, layout)
    }

    /// A sequence of text values.
    public static func strings(_ values: [String], _ layout: Layout = .block) -> Document {
        .sequence(values.map(Document.string), layout)
    }

    /// `value` with comment lines before it.
    public func commented(_ lines: [String]) -> Document {
        lines.isEmpty ? self : .commented(lines, self)
    }

    /// The value without its comments.
    var uncommented: Document {
        if case .commented(_, let value) = self { return value.uncommented }
        return self
    }
}
