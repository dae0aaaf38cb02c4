/// What a `Rule` says about itself: the codes it owns, a line for the README's code table, and
/// examples that must and must not trigger its codes.
struct RuleDescription: Sendable {
    /// What the unit compares, as the README's code table names it ("framework vs Python").
    let title: String
    /// Typical findings, for the README's code table, in the words of the messages.
    let overview: String
    /// The codes the unit owns, in the order `mlenv explain --all` lists them.
    let codes: [DiagnosticCode]
    /// Examples that must report their code exactly at their `↓` markers.
    let triggering: [RuleExample]
    /// Examples that must report none of `codes`.
    let passing: [RuleExample]
}
