/// How serious a diagnostic is.
public enum Severity: String, Sendable, Comparable, CaseIterable {
    case note, warning, error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// A secondary message attached to a diagnostic, usually pointing at another place
/// ("first declared here").
public struct DiagnosticNote: Hashable, Sendable {
    /// What the note says.
    public var message: String
    /// The file the note points into, when it points anywhere.
    public var file: String?
    /// The position the note points at.
    public var location: SourceLocation?

    /// Creates a note, optionally pointing at a place.
    public init(_ message: String, file: String? = nil, at location: SourceLocation? = nil) {
        self.message = message
        self.file = file
        self.location = location
    }
}

/// One problem found in one file: the unit every stage reports in and every formatter prints.
public struct Diagnostic: Hashable, Sendable {
    /// The stable code, e.g. `E105`; its long explanation is in `DiagnosticCode.registry`.
    public var code: DiagnosticCode
    /// How serious it is. Usually the code's default severity.
    public var severity: Severity
    /// One sentence saying what is wrong.
    public var message: String
    /// The file the problem is in, as the user named it.
    public var file: String
    /// Where the problem starts.
    public var location: SourceLocation
    /// Further places and explanations.
    public var notes: [DiagnosticNote]
    /// How to fix it, when there is one obvious way.
    public var fix: String?

    /// Creates a diagnostic with the code's default severity unless one is given.
    public init(
        _ code: DiagnosticCode, _ message: String, file: String, at location: SourceLocation,
        severity: Severity? = nil, notes: [DiagnosticNote] = [], fix: String? = nil
    ) {
        self.code = code
        self.severity = severity ?? code.severity
        self.message = message
        self.file = file
        self.location = location
        self.notes = notes
        self.fix = fix
    }
}

extension Array where Element == Diagnostic {
    /// Whether any of the diagnostics is an error.
    public var containsErrors: Bool { contains { $0.severity == .error } }

    /// Diagnostics in reading order: by file, then position, then code.
    public func sortedForDisplay() -> [Diagnostic] {
        enumerated().sorted { a, b in
            let (x, y) = (a.element, b.element)
            if x.file != y.file { return x.file < y.file }
            if x.location != y.location { return x.location < y.location }
            if x.code != y.code { return x.code.id < y.code.id }
            return a.offset < b.offset
        }.map(\.element)
    }
}
