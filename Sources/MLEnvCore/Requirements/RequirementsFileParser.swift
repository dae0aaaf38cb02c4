/// pip's requirements-file grammar, read as pip 23 to 25 read it (`pip/_internal/req/req_file.py`):
/// lines are split as Python's `splitlines` splits them, a line ending in `\` continues on the
/// next (unless it is a comment), `#` after a space or at the start begins a comment, and what
/// is left is split at single spaces into the requirement (the words before the first word
/// that starts with `-`) and options, which are split like a POSIX shell splits words
/// (`shlex.split`) and read as `optparse` reads them (long options may be abbreviated).
/// Every item keeps the position where it starts, so diagnostics point into the file.
enum RequirementsFileParser {
    /// One logical line's meaning.
    enum Item: Equatable, Sendable {
        /// A requirement (PEP 508, a URL, or a path), with its per-requirement options.
        case requirement(RequirementLine)
        /// `-r FILE` or `-c FILE`.
        case include(path: String, constraints: Bool, at: SourceLocation)
        /// An option that sets how pip finds packages (`--index-url URL`, `--pre`, ...).
        case option(name: String, value: String?, at: SourceLocation)
    }

    /// A requirement line.
    struct RequirementLine: Equatable, Sendable {
        /// The requirement as written (the words before the options).
        var text: String
        /// Where it starts.
        var location: SourceLocation
        /// `-e`.
        var editable: Bool
        /// `--hash=algo:digest` values, in order.
        var hashes: [String]
        /// Options pip ignores on a requirement line (`--index-url` and the like), by name.
        var ignoredOptions: [(name: String, location: SourceLocation)]

        static func == (lhs: RequirementLine, rhs: RequirementLine) -> Bool {
            lhs.text == rhs.text && lhs.location == rhs.location && lhs.editable == rhs.editable
                && lhs.hashes == rhs.hashes && lhs.ignoredOptions.map(\.name) == rhs.ignoredOptions.map(\.name)
        }
    }

    /// A line pip refuses, and why.
    struct Problem: Error, Equatable, Sendable {
        var message: String
        var location: SourceLocation
    }

    /// What one file says, in order, and the lines pip would refuse.
    struct Parsed: Sendable {
        var items: [Item] = []
        var problems: [Problem] = []
        /// `${NAME}` references pip expands from the build's environment, with where each is.
        var variables: [(name: String, location: SourceLocation)] = []
    }

    /// The options a requirements file may hold: `SUPPORTED_OPTIONS` and
    /// `SUPPORTED_OPTIONS_REQ` of pip's req_file.py, with their short forms and whether they
    /// take a value.
    struct OptionSpelling: Sendable {
        var name: String
        var short: Character?
        var aliases: [String] = []
        var takesValue: Bool
        /// Applies to the requirement on its line (the others apply only on lines of their own).
        var perRequirement = false
    }

    static let options: [OptionSpelling] = [
        OptionSpelling(name: "--index-url", short: "i", aliases: ["--pypi-url"], takesValue: true),
        OptionSpelling(name: "--extra-index-url", short: nil, takesValue: true),
        OptionSpelling(name: "--no-index", short: nil, takesValue: false),
        OptionSpelling(name: "--constraint", short: "c", takesValue: true),
        OptionSpelling(name: "--requirement", short: "r", takesValue: true),
        OptionSpelling(name: "--editable", short: "e", takesValue: true),
        OptionSpelling(name: "--find-links", short: "f", takesValue: true),
        OptionSpelling(name: "--no-binary", short: nil, takesValue: true),
        OptionSpelling(name: "--only-binary", short: nil, takesValue: true),
        OptionSpelling(name: "--prefer-binary", short: nil, takesValue: false),
        OptionSpelling(name: "--require-hashes", short: nil, takesValue: false),
        OptionSpelling(name: "--pre", short: nil, takesValue: false),
        OptionSpelling(name: "--trusted-host", short: nil, takesValue: true),
        OptionSpelling(name: "--use-feature", short: nil, takesValue: true),
        OptionSpelling(name: "--global-option", short: nil, takesValue: true, perRequirement: true),
        OptionSpelling(name: "--hash", short: nil, takesValue: true, perRequirement: true),
        OptionSpelling(name: "--config-settings", short: "C", takesValue: true, perRequirement: true),
    ]

    /// The hash algorithms pip accepts in `--hash` (`STRONG_HASHES`).
    static let hashAlgorithms: Set<String> = ["sha256", "sha384", "sha512"]

    static func parse(_ text: String) -> Parsed {
        var parsed = Parsed()
        for line in logicalLines(text) {
            parseLine(line, into: &parsed)
        }
        return parsed
    }

    /// A logical line: its scalars, and where each of them was written.
    struct LogicalLine {
        var scalars: [Unicode.Scalar]
        var positions: [SourceLocation]

        func location(at offset: Int) -> SourceLocation {
            offset < positions.count ? positions[offset] : positions.last ?? SourceLocation(line: 1, column: 1)
        }

        func text(_ range: Range<Int>) -> String {
            var result = String.UnicodeScalarView()
            result.append(contentsOf: scalars[range])
            return String(result)
        }
    }

    /// `preprocess` of req_file.py: split, join continued lines, drop comments and blank lines.
    static func logicalLines(_ text: String) -> [LogicalLine] {
        var physical: [[Unicode.Scalar]] = [[]]
        var previous: Unicode.Scalar?
        for scalar in text.unicodeScalars {
            if scalar == "\n", previous == "\r" {
                previous = nil
                continue
            }
            previous = scalar
            if lineBreaks.contains(scalar) {
                physical.append([])
            } else {
                physical[physical.count - 1].append(scalar)
            }
        }
        // `splitlines` gives no empty last line after a final line break.
        if physical.last?.isEmpty == true { physical.removeLast() }

        var joined: [LogicalLine] = []
        var pending: LogicalLine?
        for (index, scalars) in physical.enumerated() {
            let positions = (0..<scalars.count).map { SourceLocation(line: index + 1, column: $0 + 1) }
            var line = LogicalLine(scalars: scalars, positions: positions)
            let comment = isCommentLine(scalars)
            if scalars.last != "\\" || comment {
                if comment {
                    // pip puts a space before it, so that it is removed as a comment below.
                    line.scalars.insert(" ", at: 0)
                    line.positions.insert(SourceLocation(line: index + 1, column: 1), at: 0)
                }
                if var first = pending {
                    first.scalars += line.scalars
                    first.positions += line.positions
                    joined.append(first)
                    pending = nil
                } else {
                    joined.append(line)
                }
            } else {
                // `line.strip("\\")`: backslashes go from both ends.
                var start = 0
                var end = scalars.count
                while start < end, scalars[start] == "\\" { start += 1 }
                while end > start, scalars[end - 1] == "\\" { end -= 1 }
                let part = LogicalLine(scalars: Array(scalars[start..<end]), positions: Array(positions[start..<end]))
                if pending == nil {
                    // Positions stay those of the scalars: a line of only `\\` adds none.
                    pending = part
                } else {
                    pending!.scalars += part.scalars
                    pending!.positions += part.positions
                }
            }
        }
        if let last = pending { joined.append(last) }

        return joined.compactMap { line in
            var scalars = line.scalars
            var positions = line.positions
            if let start = commentStart(scalars) {
                scalars.removeSubrange(start...)
                positions.removeSubrange(start...)
            }
            var first = 0
            var end = scalars.count
            while first < end, scalars[first].properties.isWhitespace { first += 1 }
            while end > first, scalars[end - 1].properties.isWhitespace { end -= 1 }
            guard first < end else { return nil }
            return LogicalLine(scalars: Array(scalars[first..<end]), positions: Array(positions[first..<end]))
        }
    }

    /// The characters Python's `str.splitlines` breaks lines at (`\r\n` counts once).
    static let lineBreaks: Set<Unicode.Scalar> = [
        "\n", "\r", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1D}", "\u{1E}", "\u{85}", "\u{2028}", "\u{2029}",
    ]

    /// `COMMENT_RE.match`: the line is a comment (`#`, or white space then `#`, at its start).
    static func isCommentLine(_ scalars: [Unicode.Scalar]) -> Bool {
        var index = 0
        while index < scalars.count, scalars[index].properties.isWhitespace { index += 1 }
        return index < scalars.count && scalars[index] == "#"
    }

    /// Where `COMMENT_RE` (`(^|\s+)#.*$`) first matches: a `#` at the start or after white space,
    /// together with that white space.
    static func commentStart(_ scalars: [Unicode.Scalar]) -> Int? {
        var runStart: Int?
        for (index, scalar) in scalars.enumerated() {
            if scalar == "#", index == 0 || runStart != nil { return runStart ?? 0 }
            if scalar.properties.isWhitespace {
                if runStart == nil { runStart = index }
            } else {
                runStart = nil
            }
        }
        return nil
    }

    /// One logical line: the requirement words, then the options.
    static func parseLine(_ line: LogicalLine, into parsed: inout Parsed) {
        collectVariables(line, into: &parsed)
        // `break_args_options`: split at single spaces; the words before the first one that
        // starts with `-` are the requirement, the rest are options.
        let scalars = line.scalars
        var optionsStart = scalars.count
        var wordStart = 0
        while wordStart < scalars.count {
            if scalars[wordStart] == "-" {
                optionsStart = wordStart
                break
            }
            guard let space = scalars[wordStart...].firstIndex(of: " ") else { break }
            wordStart = space + 1
        }
        // The words were joined with single spaces again: the text before the options' space.
        let arguments = line.text(0..<(optionsStart == scalars.count ? optionsStart : max(0, optionsStart - 1)))
            .trimmingSpaces

        var tokens: [(text: String, location: SourceLocation)] = []
        if optionsStart < line.scalars.count {
            switch shellWords(line, from: optionsStart) {
            case .success(let words): tokens = words
            case .failure(let problem):
                parsed.problems.append(problem)
                return
            }
        }
        var values: [(spelling: OptionSpelling, value: String?, location: SourceLocation)] = []
        var index = 0
        while index < tokens.count {
            let (token, location) = tokens[index]
            index += 1
            if token == "--" { break }
            guard token.hasPrefix("-"), token != "-" else { continue }  // optparse passes positional words over
            let matched: (OptionSpelling, String?)
            switch option(token) {
            case .failure(let error):
                parsed.problems.append(Problem(message: error.message, location: location))
                return
            case .success(let found): matched = found
            }
            var (spelling, value) = matched
            if spelling.takesValue, value == nil {
                guard index < tokens.count else {
                    parsed.problems.append(
                        Problem(message: "`\(token)` needs a value (e.g. `\(token) VALUE`)", location: location))
                    return
                }
                value = tokens[index].text
                index += 1
            }
            if !spelling.takesValue, value != nil {
                parsed.problems.append(
                    Problem(message: "`\(spelling.name)` takes no value (`\(token)`)", location: location))
                return
            }
            if spelling.name == "--hash", let hash = value {
                let parts = hash.split(separator: ":", maxSplits: 1)
                guard parts.count == 2 else {
                    parsed.problems.append(
                        Problem(
                            message: "`--hash` takes a hash name and a value, like `--hash=sha256:abcde...`",
                            location: location))
                    return
                }
                guard hashAlgorithms.contains(String(parts[0])) else {
                    parsed.problems.append(
                        Problem(
                            message: "`--hash` allows sha256, sha384 and sha512, not `\(parts[0])`", location: location)
                    )
                    return
                }
            }
            values.append((spelling, value, location))
        }

        if !arguments.isEmpty {
            parsed.items.append(
                .requirement(
                    RequirementLine(
                        text: arguments, location: line.location(at: 0), editable: false,
                        hashes: values.filter { $0.spelling.name == "--hash" }.compactMap(\.value),
                        ignoredOptions: values.filter { !$0.spelling.perRequirement }.map {
                            ($0.spelling.name, $0.location)
                        })))
            return
        }
        if let editable = values.first(where: { $0.spelling.name == "--editable" }), let text = editable.value {
            let location = tokens.first { $0.text == text }?.location ?? editable.location
            parsed.items.append(
                .requirement(
                    RequirementLine(text: text, location: location, editable: true, hashes: [], ignoredOptions: [])))
            return
        }
        // pip follows the first `-r` of a line, else its first `-c`.
        if let include = values.first(where: { $0.spelling.name == "--requirement" })
            ?? values.first(where: { $0.spelling.name == "--constraint" }), let path = include.value
        {
            // The line's other options go with it: pip reads the included file in its place.
            parsed.items.append(
                .include(path: path, constraints: include.spelling.name == "--constraint", at: include.location))
            return
        }
        for value in values
        where !["--requirement", "--constraint", "--editable"].contains(value.spelling.name) {
            parsed.items.append(.option(name: value.spelling.name, value: value.value, at: value.location))
        }
    }

    /// `${NAME}` (upper-case letters, digits, `_`), which pip replaces with the variable's value
    /// when the build's environment has one.
    static func collectVariables(_ line: LogicalLine, into parsed: inout Parsed) {
        let scalars = line.scalars
        var index = 0
        while index + 2 < scalars.count {
            guard scalars[index] == "$", scalars[index + 1] == "{" else {
                index += 1
                continue
            }
            var end = index + 2
            while end < scalars.count, isVariableScalar(scalars[end]) { end += 1 }
            if end < scalars.count, scalars[end] == "}", end > index + 2 {
                parsed.variables.append((line.text(index + 2..<end), line.location(at: index)))
                index = end + 1
            } else {
                index += 1
            }
        }
    }

    private static func isVariableScalar(_ scalar: Unicode.Scalar) -> Bool {
        ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "_"
    }

    /// The option a word names: exact, a short form (`-ifoo`, `-i`), or an unambiguous prefix of
    /// a long option (optparse's abbreviations), with the value written inside the word.
    static func option(_ word: String) -> Result<(OptionSpelling, String?), OptionError> {
        if word.hasPrefix("--") {
            let parts = word.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            let value = parts.count > 1 ? String(parts[1]) : nil
            if let exact = options.first(where: { $0.name == name || $0.aliases.contains(name) }) {
                return .success((exact, value))
            }
            let candidates = options.filter { spelling in
                ([spelling.name] + spelling.aliases).contains { $0.hasPrefix(name) }
            }
            if candidates.count == 1 { return .success((candidates[0], value)) }
            if candidates.count > 1 {
                return .failure(
                    OptionError(
                        "`\(name)` is ambiguous: it could be \(candidates.map { "`\($0.name)`" }.joined(separator: ", "))"
                    ))
            }
            return .failure(OptionError("pip does not accept `\(name)` in a requirements file"))
        }
        let short = word.dropFirst().first!
        guard let spelling = options.first(where: { $0.short == short }) else {
            return .failure(OptionError("pip does not accept `-\(short)` in a requirements file"))
        }
        let rest = String(word.dropFirst(2))
        return .success((spelling, rest.isEmpty ? nil : rest))
    }

    /// Why a word is not an option pip knows.
    struct OptionError: Error {
        var message: String
        init(_ message: String) { self.message = message }
    }

    /// `shlex.split` of the line from `start`: words split at white space, with `'...'`, `"..."`
    /// and `\` escapes, as a POSIX shell reads them.
    static func shellWords(_ line: LogicalLine, from start: Int) -> Result<
        [(text: String, location: SourceLocation)], Problem
    > {
        var words: [(text: String, location: SourceLocation)] = []
        var current = String.UnicodeScalarView()
        var currentStart: Int?
        var quote: Unicode.Scalar?
        var quoteStart = start
        var index = start
        let scalars = line.scalars
        func finish() {
            if let begin = currentStart { words.append((String(current), line.location(at: begin))) }
            current = String.UnicodeScalarView()
            currentStart = nil
        }
        while index < scalars.count {
            let scalar = scalars[index]
            if let open = quote {
                if scalar == open {
                    quote = nil
                } else if open == "\"", scalar == "\\", index + 1 < scalars.count,
                    scalars[index + 1] == "\\" || scalars[index + 1] == "\""
                {
                    index += 1
                    current.append(scalars[index])
                } else {
                    current.append(scalar)
                }
            } else if scalar == " " || scalar == "\t" || scalar == "\n" || scalar == "\r" {
                finish()
            } else if scalar == "'" || scalar == "\"" {
                if currentStart == nil { currentStart = index }
                quote = scalar
                quoteStart = index
            } else if scalar == "\\" {
                if currentStart == nil { currentStart = index }
                if index + 1 < scalars.count {
                    index += 1
                    current.append(scalars[index])
                } else {
                    return .failure(
                        Problem(message: "no character after the final `\\`", location: line.location(at: index)))
                }
            } else {
                if currentStart == nil { currentStart = index }
                current.append(scalar)
            }
            index += 1
        }
        if quote != nil {
            return .failure(Problem(message: "a quotation is not closed", location: line.location(at: quoteStart)))
        }
        finish()
        return .success(words)
    }
}
