/// Turns a YAML document into an `EnvironmentSpec` or a `HostSpec`, reporting every problem
/// with its position. Checks here are about the file alone: whether values are well-formed.
/// Whether they fit together is the checker's job.
public enum SpecDecoder {
    /// Decodes the root node of `file`. Returns nil when the file is too broken to describe an
    /// environment or host at all; the diagnostics say why.
    public static func decode(_ root: YAMLNode, file: String) -> (MLEnvFile?, [Diagnostic]) {
        var decoder = NodeDecoder(file: file)
        guard var fields = decoder.mapping(root, "") else { return (nil, decoder.diagnostics) }
        let formatOK = decoder.formatVersion(&fields)
        var kind = "environment"
        if let pair = fields.take("kind"), let text = decoder.text(pair.value, "kind") {
            if text.value == "environment" || text.value == "host" {
                kind = text.value
            } else {
                let suggestion = EditDistance.closest(to: text.value, among: ["environment", "host"])
                decoder.report(
                    .unknownKind, "`kind` must be `environment` or `host`, not `\(text.value)`",
                    at: text.location, fix: suggestion.map { "write `\($0)`" })
                return (nil, decoder.diagnostics)
            }
        }
        let result: MLEnvFile? =
            kind == "host"
            ? decoder.hostSpec(&fields).map(MLEnvFile.host)
            : decoder.environmentSpec(&fields).map(MLEnvFile.environment)
        decoder.reportUnknownKeys(fields)
        return (formatOK ? result : nil, decoder.diagnostics)
    }
}

extension NodeDecoder {
    /// `mlenv: 1`.
    mutating func formatVersion(_ fields: inout FieldSet) -> Bool {
        guard let pair = fields.take("mlenv") else {
            report(
                .missingKey, "missing `mlenv: 1` at the top of the file", at: fields.location,
                fix: "add `mlenv: 1` as the first line")
            return false
        }
        guard let version = integer(pair.value, "mlenv") else { return false }
        guard version.value == 1 else {
            report(
                .unsupportedFormatVersion, "this mlenv reads format version 1, not \(version.value)",
                at: version.location)
            return false
        }
        return true
    }

    mutating func required(_ fields: inout FieldSet, _ key: String, example: String) -> YAMLPair? {
        if let pair = fields.take(key) { return pair }
        report(
            .missingKey, "missing required key `\(fields.path(of: key))`", at: fields.location, fix: "add `\(example)`")
        return nil
    }

    mutating func name(_ node: YAMLNode) -> Located<String>? {
        guard let name = text(node, "name") else { return nil }
        let value = name.value
        // The pattern, [a-z0-9][a-z0-9-]*, plus a last letter or digit: image names
        // (mlenv/NAME) and DNS labels cannot end in `-`.
        guard Self.isDNSLabel(value) else {
            let suggestion = Self.suggestedName(value)
            report(
                .invalidName,
                "`name` must be lower-case letters, digits and `-`, starting and ending with a letter or digit, at most 63 characters; `\(value)` is not",
                at: name.location, fix: suggestion.map { "write `name: \($0)`" })
            return nil
        }
        return name
    }

    static func suggestedName(_ value: String) -> String? {
        var result = ""
        for character in value.lowercased() {
            if character.isLowerAlnum { result.append(character) } else if !result.hasSuffix("-") { result.append("-") }
        }
        while result.hasPrefix("-") { result.removeFirst() }
        while result.hasSuffix("-") { result.removeLast() }
        result = String(result.prefix(63))
        return result.isEmpty ? nil : result
    }

    /// Free text folded to one line (descriptions end up in image labels).
    mutating func description(_ fields: inout FieldSet) -> String? {
        guard let pair = fields.take("description") else { return nil }
        if pair.value.isNull { return nil }
        guard let text = text(pair.value, "description") else { return nil }
        // Printable ASCII with single spaces between words is kept as is (read as bytes:
        // Foundation's `contains("  ")` cost more than the rest of the key).
        var plain = !text.value.isEmpty
        var previous = UInt8(ascii: " ")
        for byte in text.value.utf8 where plain {
            plain = (0x20...0x7E).contains(byte) && !(byte == 0x20 && previous == 0x20)
            previous = byte
        }
        if plain, previous != 0x20 {
            return noTrailingBackslash(text, "description") ? text.value : nil
        }
        let folded = text.value.split(whereSeparator: {
            $0.isWhitespace || $0.isNewline
                || $0.unicodeScalars.allSatisfy { $0.properties.generalCategory == .control }
        })
        .joined(separator: " ")
        guard noTrailingBackslash(Located(folded, at: text.location), "description") else { return nil }
        return folded.isEmpty ? nil : folded
    }

    /// A dotted release number: `3.10`, `12.2.2`.
    static func isDottedVersion(_ text: String, parts: ClosedRange<Int>) -> Bool {
        guard let numbers = DottedVersion.numbers(text, maximumParts: parts.upperBound, maximumDigits: 6) else {
            return false
        }
        return parts.contains(numbers.count)
    }

    /// Refuses a trailing backslash in values written into Dockerfile `ENV` and `LABEL`
    /// instructions: BuildKit reads `"x\\"` correctly, but hadolint and other Dockerfile tools
    /// take the backslash as escaping the closing quote.
    mutating func noTrailingBackslash(_ value: Located<String>, _ path: String) -> Bool {
        guard value.value.hasSuffix("\\") else { return true }
        report(
            .invalidText,
            "`\(path)` ends with a backslash, which Dockerfile tools misread as escaping the closing quote",
            at: value.location, fix: "remove the trailing backslash")
        return false
    }

    /// Text without control characters; tabs and (when allowed) line breaks excepted.
    mutating func plainText(_ value: Located<String>, _ path: String, allowNewlines: Bool) -> Bool {
        if value.value.allBytes({ $0 >= 0x20 && $0 <= 0x7E }) { return true }
        for scalar in value.value.unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) { continue }
            let isControl =
                scalar.properties.generalCategory == .control
                || scalar.value == 0x2028 || scalar.value == 0x2029 || scalar.value == 0x85
            if !isControl || scalar == "\t" || (allowNewlines && scalar == "\n") { continue }
            let what =
                scalar == "\n"
                ? "a line break" : "the control character U+\(String(scalar.value, radix: 16, uppercase: true))"
            report(
                .invalidText, "`\(path)` contains \(what), which cannot be written into the generated files",
                at: value.location)
            return false
        }
        return true
    }
}
