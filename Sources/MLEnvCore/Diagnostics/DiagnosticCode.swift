/// A stable diagnostic code with its default severity and the long explanation that
/// `mlenv explain CODE` prints. Each code is owned by one `Rule` unit, which gives examples of
/// it; `DiagnosticCode.registry` collects them from `Rules`.
public struct DiagnosticCode: Hashable, Sendable, CustomStringConvertible {
    /// The code as users see it: a letter for the default severity and three digits (`E105`).
    public let id: String
    /// The severity diagnostics with this code have unless a rule says otherwise.
    public let severity: Severity
    /// A few words naming the problem (`duplicate-key`), used as the rule name in reports.
    public let name: String
    /// One line summarising the problem.
    public let summary: String
    /// Several lines: why this is a problem and how to fix it, with an example.
    public let explanation: String

    /// Declares a code. Only the declarations in this module should call this.
    init(_ id: String, _ severity: Severity, name: String, summary: String, explanation: String) {
        self.id = id
        self.severity = severity
        self.name = name
        self.summary = summary
        self.explanation = explanation
    }

    public var description: String { id }

    public static func == (lhs: DiagnosticCode, rhs: DiagnosticCode) -> Bool { lhs.id == rhs.id }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    /// Looks a code up by its id, case-insensitively (`e105` finds `E105`), or by its name
    /// (`invalid-name`).
    public static func named(_ id: String) -> DiagnosticCode? {
        let wanted = id.uppercased()
        return registry.first { $0.id == wanted } ?? registry.first { $0.name == id }
    }
}
