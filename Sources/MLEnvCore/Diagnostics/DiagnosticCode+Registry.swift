extension DiagnosticCode {
    /// Every code mlenv can emit, derived from the units in `Rules`. `mlenv explain` and the
    /// reports read this; tests check that ids are unique and that every code has an example.
    public static let registry: [DiagnosticCode] = Rules.registry
}
