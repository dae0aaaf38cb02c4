import CYAML

/// Limits that keep a hostile file from using unbounded time or memory. The CLI sets them with
/// `--max-file-size`, `--max-depth` and `--max-nodes`.
public struct YAMLLimits: Sendable {
    /// Largest file accepted, in bytes. A spec is a few hundred bytes.
    public var maximumBytes: Int
    /// Deepest nesting of lists and mappings accepted.
    public var maximumDepth: Int
    /// Most nodes (scalars, lists, mappings) accepted in one file.
    public var maximumNodes: Int

    /// Creates limits: 1 MiB, 64 levels, 100,000 values by default.
    public init(maximumBytes: Int = 1 << 20, maximumDepth: Int = 64, maximumNodes: Int = 100_000) {
        self.maximumBytes = maximumBytes
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
    }
}

/// The result of reading one YAML file.
public struct YAMLDocument: Sendable {
    /// The root node, or nil when the file could not be read or was empty.
    public var root: YAMLNode?
    /// Every problem found while reading.
    public var diagnostics: [Diagnostic]
}

/// Reads YAML with libyaml's event API into `YAMLNode`s that keep every position.
///
/// The reader decides what libyaml leaves to applications: duplicate keys are errors at their
/// second occurrence, anchors and aliases are refused, only one document is allowed.
public enum YAMLReader {
    /// Reads `bytes` as one YAML document. `file` is only used in diagnostics.
    public static func read(_ bytes: [UInt8], file: String, limits: YAMLLimits = YAMLLimits()) -> YAMLDocument {
        guard bytes.count <= limits.maximumBytes else {
            let diagnostic = Diagnostic(
                .tooDeep, "the file is larger than \(limits.maximumBytes) bytes; mlenv files are small YAML documents",
                file: file, at: SourceLocation(line: 1, column: 1),
                fix: "raise the limit with --max-file-size if this is intended")
            return YAMLDocument(root: nil, diagnostics: [diagnostic])
        }
        var state = ReaderState(file: file, limits: limits, bytes: bytes)
        bytes.withUnsafeBufferPointer { buffer in
            // libyaml keeps a pointer to the parser inside the parser, so it must not move:
            // allocate it rather than pass `&local` to each call.
            let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
            defer { parser.deallocate() }
            guard yaml_parser_initialize(parser) == 1 else {
                state.report(
                    .yamlSyntax, "libyaml could not be initialised (out of memory)",
                    at: SourceLocation(line: 1, column: 1))
                return
            }
            defer { yaml_parser_delete(parser) }
            yaml_parser_set_input_string(parser, buffer.baseAddress ?? UnsafePointer(bitPattern: 1)!, buffer.count)
            state.run(parser)
        }
        if state.root == nil && !state.diagnostics.containsErrors {
            state.report(
                .emptyDocument, "the file is empty; an mlenv file is a mapping that starts with `mlenv: 1`",
                at: SourceLocation(line: 1, column: 1))
        }
        return YAMLDocument(root: state.root, diagnostics: state.diagnostics)
    }
}

/// A list or mapping still being read.
private struct OpenCollection {
    var isMapping: Bool
    var location: SourceLocation
    var children: [YAMLNode] = []
}

private struct ReaderState {
    let file: String
    let limits: YAMLLimits
    let bytes: [UInt8]
    var root: YAMLNode?
    var diagnostics: [Diagnostic] = []
    var stack: [OpenCollection] = []
    var documents = 0
    var nodes = 0

    init(file: String, limits: YAMLLimits, bytes: [UInt8]) {
        self.file = file
        self.limits = limits
        self.bytes = bytes
    }

    mutating func report(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation,
        notes: [DiagnosticNote] = [], fix: String? = nil
    ) {
        diagnostics.append(Diagnostic(code, message, file: file, at: location, notes: notes, fix: fix))
    }

    static func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    /// Consumes events until the stream ends or an error stops it.
    mutating func run(_ parser: UnsafeMutablePointer<yaml_parser_t>) {
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(parser, &event) == 1 else {
                reportParserError(parser.pointee)
                return
            }
            let keepGoing = handle(event)
            let done = event.type == YAML_STREAM_END_EVENT
            yaml_event_delete(&event)
            if done || !keepGoing { return }
        }
    }

    /// Handles one event; returns false to stop reading.
    mutating func handle(_ event: yaml_event_t) -> Bool {
        let location = Self.location(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                report(
                    .multipleDocuments, "a second YAML document starts here; an mlenv file holds exactly one",
                    at: location, fix: "move this document into a file of its own")
                return false
            }
        case YAML_ALIAS_EVENT:
            let name = string(event.data.alias.anchor)
            report(
                .aliasNotSupported, "aliases are not allowed in mlenv files (*\(name))", at: location,
                fix: "write the value out where it is used")
            return add(YAMLNode(.scalar("", .plain), at: location))
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            checkAnchorAndTag(anchor: scalar.anchor, tag: scalar.tag, at: location)
            let text = String(
                decoding: UnsafeBufferPointer(start: scalar.value, count: Int(scalar.length)), as: UTF8.self)
            let style: ScalarStyle
            switch scalar.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            return add(YAMLNode(.scalar(text, style), at: location))
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            checkAnchorAndTag(anchor: start.anchor, tag: start.tag, at: location)
            return open(isMapping: false, at: location)
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            checkAnchorAndTag(anchor: start.anchor, tag: start.tag, at: location)
            return open(isMapping: true, at: location)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            guard let collection = stack.popLast() else { return true }
            return add(
                collection.isMapping
                    ? closeMapping(collection) : YAMLNode(.sequence(collection.children), at: collection.location))
        default:
            break
        }
        return true
    }

    mutating func open(isMapping: Bool, at location: SourceLocation) -> Bool {
        guard stack.count < limits.maximumDepth else {
            report(
                .tooDeep, "lists and mappings nest more than \(limits.maximumDepth) levels deep here", at: location,
                fix: "raise the limit with --max-depth if this is intended")
            return false
        }
        stack.append(OpenCollection(isMapping: isMapping, location: location))
        return true
    }

    mutating func add(_ node: YAMLNode) -> Bool {
        nodes += 1
        guard nodes <= limits.maximumNodes else {
            report(
                .tooDeep, "the file has more than \(limits.maximumNodes) values", at: node.location,
                fix: "raise the limit with --max-nodes if this is intended")
            return false
        }
        if stack.isEmpty {
            root = node
        } else {
            stack[stack.count - 1].children.append(node)
        }
        return true
    }

    /// Pairs up keys and values, refusing complex keys and reporting duplicates at the second one.
    mutating func closeMapping(_ collection: OpenCollection) -> YAMLNode {
        var pairs: [YAMLPair] = []
        var firstSeen: [String: SourceLocation] = [:]
        var index = 0
        let children = collection.children
        pairs.reserveCapacity(children.count / 2)
        // Most mappings are small: comparing keys beats hashing them below a few dozen entries.
        let hashed = children.count > 64
        while index + 1 < children.count {
            let keyNode = children[index]
            let value = children[index + 1]
            index += 2
            guard let key = keyNode.scalarText else {
                report(
                    .nonScalarKey, "a mapping key must be a plain name, not \(keyNode.kindDescription)",
                    at: keyNode.location)
                continue
            }
            if let first = hashed ? firstSeen[key] : pairs.first(where: { $0.key == key })?.keyLocation {
                report(
                    .duplicateKey, "duplicate key `\(key)`", at: keyNode.location,
                    notes: [DiagnosticNote("`\(key)` is first set here", file: file, at: first)],
                    fix: "remove one of the two `\(key)` entries")
                continue
            }
            if hashed { firstSeen[key] = keyNode.location }
            pairs.append(YAMLPair(key: key, keyLocation: keyNode.location, value: value))
        }
        return YAMLNode(.mapping(pairs), at: collection.location)
    }

    mutating func checkAnchorAndTag(
        anchor: UnsafeMutablePointer<yaml_char_t>?, tag: UnsafeMutablePointer<yaml_char_t>?,
        at location: SourceLocation
    ) {
        if let anchor {
            report(
                .aliasNotSupported, "anchors are not allowed in mlenv files (&\(string(anchor)))", at: location,
                fix: "remove the anchor and write the value out where it is used")
        }
        if let tag {
            let name = string(tag)
            if name != "tag:yaml.org,2002:str" && name != "!" {
                report(
                    .unsupportedTag,
                    "YAML tag `\(name.replacingOccurrences(of: "tag:yaml.org,2002:", with: "!!"))` is not supported",
                    at: location, fix: "remove the tag")
            }
        }
    }

    func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
        guard let pointer else { return "" }
        return String(cString: UnsafeRawPointer(pointer).assumingMemoryBound(to: CChar.self))
    }

    /// Turns libyaml's error into a diagnostic at libyaml's own position, with a clearer message
    /// for the mistakes people make most.
    mutating func reportParserError(_ parser: yaml_parser_t) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        var location: SourceLocation
        if parser.error == YAML_READER_ERROR {
            location = locationOfOffset(Int(parser.problem_offset))
        } else {
            location = Self.location(parser.problem_mark)
        }
        var message = problem
        var fix: String?
        if problem.contains("cannot start any token"), byte(at: location) == UInt8(ascii: "\t") {
            message = "a tab character is used for indentation; YAML allows only spaces"
            fix = "replace the tab with spaces"
        } else if parser.error == YAML_READER_ERROR {
            message = "the file is not valid UTF-8 text: \(problem)"
            if parser.problem_value != -1 && problem.contains("control characters") {
                message =
                    "the file contains a control character (U+\(String(Int(parser.problem_value), radix: 16, uppercase: true))) that YAML does not allow"
            }
        } else if let context = parser.context.map({ String(cString: $0) }) {
            message = "\(problem) \(context)"
            let contextLocation = Self.location(parser.context_mark)
            if contextLocation != location {
                report(
                    .yamlSyntax, message, at: location,
                    notes: [
                        DiagnosticNote(
                            "\(context.replacingOccurrences(of: "while ", with: "")) starts here", file: file,
                            at: contextLocation)
                    ])
                return
            }
        }
        report(.yamlSyntax, message, at: location, fix: fix)
    }

    /// The line and column of a byte offset, counting columns in Unicode scalars as libyaml does.
    func locationOfOffset(_ offset: Int) -> SourceLocation {
        var line = 1
        var column = 1
        for index in 0..<min(offset, bytes.count) {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return SourceLocation(line: line, column: column)
    }

    /// The byte at a line and column, when the line is plain ASCII up to there.
    func byte(at location: SourceLocation) -> UInt8? {
        var line = 1
        var index = 0
        while line < location.line, index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") { line += 1 }
            index += 1
        }
        let target = index + location.column - 1
        return target < bytes.count ? bytes[target] : nil
    }
}
