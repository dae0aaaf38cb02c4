/// Typed access to YAML nodes that records a diagnostic for every value of the wrong shape
/// instead of stopping at the first. Decoders keep going so users see every problem at once.
struct NodeDecoder {
    let file: String
    var diagnostics: [Diagnostic] = []

    init(file: String) {
        self.file = file
    }

    mutating func report(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [DiagnosticNote] = [], fix: String? = nil
    ) {
        diagnostics.append(Diagnostic(code, message, file: file, at: location, notes: notes, fix: fix))
    }

    mutating func wrongType(_ path: String, expected: String, got node: YAMLNode) {
        let subject = path.isEmpty ? "an mlenv file" : "`\(path)`"
        report(.wrongType, "\(subject) must be \(expected), not \(node.kindDescription)", at: node.location)
    }

    /// The entries of a mapping, or nil (with a diagnostic) when the node is something else.
    mutating func mapping(_ node: YAMLNode, _ path: String) -> FieldSet? {
        if case .mapping(let pairs) = node.kind { return FieldSet(path: path, location: node.location, pairs: pairs) }
        wrongType(path, expected: "a mapping", got: node)
        return nil
    }

    /// The items of a list, or nil (with a diagnostic).
    mutating func sequence(_ node: YAMLNode, _ path: String) -> [YAMLNode]? {
        if case .sequence(let items) = node.kind { return items }
        wrongType(path, expected: "a list", got: node)
        return nil
    }

    /// The text of a scalar; numbers and words are both text here. Null is refused.
    mutating func text(_ node: YAMLNode, _ path: String) -> Located<String>? {
        if case .scalar(let text, _) = node.kind, !node.isNull { return Located(text, at: node.location) }
        wrongType(path, expected: "text", got: node)
        return nil
    }

    /// A whole number written plainly.
    mutating func integer(_ node: YAMLNode, _ path: String) -> Located<Int>? {
        if case .scalar(let text, .plain) = node.kind, !text.isEmpty, text.utf8.count <= 9,
            text.allBytes(ASCII.isDigit), let value = Int(text)
        {
            return Located(value, at: node.location)
        }
        wrongType(path, expected: "a whole number", got: node)
        return nil
    }

    /// `true` or `false`, and nothing YAML 1.1 would also have taken.
    mutating func boolean(_ node: YAMLNode, _ path: String) -> Bool? {
        if case .scalar(let text, let style) = node.kind {
            if style == .plain && text == "true" { return true }
            if style == .plain && text == "false" { return false }
            let yaml11 = [
                "yes", "no", "on", "off", "y", "n", "True", "False", "TRUE", "FALSE", "Yes", "No", "On", "Off",
            ]
            if yaml11.contains(text) {
                let meant = ["yes", "on", "y", "true"].contains(text.lowercased()) ? "true" : "false"
                report(
                    .notABoolean, "`\(path)` must be true or false; `\(text)` is not a boolean in mlenv files",
                    at: node.location, fix: "write `\(meant)`")
                return nil
            }
        }
        wrongType(path, expected: "true or false", got: node)
        return nil
    }

    /// Reports every key of `fields` that no decoder asked for, with the nearest known key.
    mutating func reportUnknownKeys(_ fields: FieldSet) {
        for pair in fields.untaken {
            let known = Array(Set(fields.known)).sorted()
            var message = "unknown key `\(pair.key)`" + (fields.path.isEmpty ? "" : " in `\(fields.path)`")
            if let suggestion = EditDistance.closest(to: pair.key, among: known) {
                message += "; did you mean `\(suggestion)`?"
                report(.unknownKey, message, at: pair.keyLocation, fix: "rename `\(pair.key)` to `\(suggestion)`")
            } else {
                report(
                    .unknownKey, message, at: pair.keyLocation,
                    notes: [DiagnosticNote("known keys here: " + known.joined(separator: ", "))])
            }
        }
    }
}

/// The entries of one mapping, remembering which keys a decoder has looked at.
struct FieldSet {
    /// The dotted path of the mapping (`jupyter`, `packages`), empty for the top level.
    let path: String
    /// Where the mapping starts.
    let location: SourceLocation
    let pairs: [YAMLPair]
    /// The keys asked for, in order: what the mapping may hold.
    private(set) var known: [String] = []
    /// Which pairs a decoder took.
    private var taken: [Bool]

    init(path: String, location: SourceLocation, pairs: [YAMLPair]) {
        self.path = path
        self.location = location
        self.pairs = pairs
        taken = Array(repeating: false, count: pairs.count)
        known.reserveCapacity(pairs.count + 4)
    }

    /// The entry for `key`, marking `key` as one this mapping may hold.
    mutating func take(_ key: String) -> YAMLPair? {
        known.append(key)
        guard let index = pairs.firstIndex(where: { $0.key == key }) else { return nil }
        taken[index] = true
        return pairs[index]
    }

    /// The entries no decoder asked for (the YAML reader has refused duplicate keys).
    var untaken: [YAMLPair] {
        zip(pairs, taken).compactMap { $1 ? nil : $0 }
    }

    /// The dotted path of a key in this mapping.
    func path(of key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
}

/// Damerau-Levenshtein distance (optimal string alignment) for did-you-mean suggestions.
enum EditDistance {
    static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased())
        let y = Array(b.lowercased())
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var table = Array(repeating: Array(repeating: 0, count: y.count + 1), count: x.count + 1)
        for i in 0...x.count { table[i][0] = i }
        for j in 0...y.count { table[0][j] = j }
        for i in 1...x.count {
            for j in 1...y.count {
                let cost = x[i - 1] == y[j - 1] ? 0 : 1
                let deletion = table[i - 1][j] + 1
                let insertion = table[i][j - 1] + 1
                let substitution = table[i - 1][j - 1] + cost
                table[i][j] = min(deletion, insertion, substitution)
                if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] {
                    table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1)
                }
            }
        }
        return table[x.count][y.count]
    }

    /// The candidate nearest to `word`, if it is close enough to be a likely typo.
    static func closest(to word: String, among candidates: [String]) -> String? {
        let limit = max(1, min(3, word.count / 3))
        var best: (candidate: String, distance: Int)?
        for candidate in candidates.sorted() {
            let d = distance(word, candidate)
            if d <= limit, d < (best?.distance ?? Int.max) { best = (candidate, d) }
        }
        return best?.candidate
    }
}
