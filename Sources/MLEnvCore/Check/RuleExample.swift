/// Files that must, or must not, make mlenv report a code, as one of its commands would read
/// them. A triggering example marks each place the code must be reported with `↓`, written just
/// before the character the diagnostic points at (SwiftLint's `Example("↓as! Int")`).
struct RuleExample: Sendable {
    /// The marker for an expected diagnostic's position.
    static let marker: Unicode.Scalar = "↓"

    /// What a file is to the command that runs the example.
    enum Role: Sendable, Equatable {
        /// A file on the command line: a spec or a host inventory.
        case checked
        /// A file found in a folder named on the command line.
        case inFolder
        /// The spec's lock file, for `generate`.
        case lock
        /// A `--catalog` file.
        case catalog
        /// A file the spec refers to, readable through the `FileSystemView` only.
        case onDisk
    }

    /// One file of an example, as written with its markers.
    struct File: Sendable {
        /// The path, as diagnostics name it.
        let path: String
        /// The text with its `↓` markers.
        let text: String
        /// What the file is to the command.
        let role: Role

        /// The file's text without markers: what the command reads.
        var contents: String {
            String(String.UnicodeScalarView(text.unicodeScalars.filter { $0 != RuleExample.marker }))
        }

        /// Where the markers are in `contents`, 1-based, columns in Unicode scalars.
        var markers: [SourceLocation] {
            var found: [SourceLocation] = []
            var line = 1
            var column = 1
            for scalar in text.unicodeScalars {
                if scalar == RuleExample.marker {
                    found.append(SourceLocation(line: line, column: column))
                } else if scalar == "\n" {
                    line += 1
                    column = 1
                } else {
                    column += 1
                }
            }
            return found
        }

        /// Another spec or a host file checked together with the example's spec.
        static func checked(_ path: String, _ text: String) -> File { File(path: path, text: text, role: .checked) }
        /// A file found in a checked folder, not named.
        static func inFolder(_ path: String, _ text: String) -> File { File(path: path, text: text, role: .inFolder) }
        /// The host inventory `host.yaml`, checked with the spec.
        static func host(_ text: String) -> File { File(path: "host.yaml", text: text, role: .checked) }
        /// The spec's lock, `spec.mlenv.lock`.
        static func lock(_ text: String) -> File { File(path: "spec.mlenv.lock", text: text, role: .lock) }
        /// A `--catalog` file, `catalog.yaml`.
        static func catalog(_ text: String) -> File { File(path: "catalog.yaml", text: text, role: .catalog) }
        /// A file the spec names, present on disk.
        static func onDisk(_ path: String, _ text: String) -> File { File(path: path, text: text, role: .onDisk) }
    }

    /// The command the example runs, given its files.
    enum Command: Sendable {
        /// `mlenv check` on the checked files.
        case check
        /// `mlenv generate` on the first checked file, with the lock file if there is one.
        case generate(targets: Set<Target> = [.docker], locked: Bool = false, outputDirectory: String = "out")
        /// `mlenv plan` of the checked specs on the checked host file.
        case plan
    }

    /// The code the example must report at its markers; nil for an example that must report
    /// none of its unit's codes.
    let code: DiagnosticCode?
    /// The files, the spec `spec.yaml` first.
    let files: [File]
    /// The command that reads them.
    let command: Command
    /// Where the example is written, so a failing example is reported at its own line.
    let sourceFile: StaticString
    /// The line the example starts at.
    let sourceLine: UInt

    /// An example that must report `code` at every `↓` in `spec` and its other files, and nowhere else.
    init(
        _ code: DiagnosticCode, _ spec: String, with others: [File] = [], command: Command = .check,
        sourceFile: StaticString = #filePath, sourceLine: UInt = #line
    ) {
        self.init(
            code: code, spec: spec, others: others, command: command, sourceFile: sourceFile, sourceLine: sourceLine)
    }

    /// An example that must report none of its unit's codes.
    init(
        _ spec: String, with others: [File] = [], command: Command = .check,
        sourceFile: StaticString = #filePath, sourceLine: UInt = #line
    ) {
        self.init(
            code: nil, spec: spec, others: others, command: command, sourceFile: sourceFile, sourceLine: sourceLine)
    }

    private init(
        code: DiagnosticCode?, spec: String, others: [File], command: Command, sourceFile: StaticString,
        sourceLine: UInt
    ) {
        self.code = code
        self.files = [File(path: "spec.yaml", text: spec, role: .checked)] + others
        self.command = command
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
    }
}
