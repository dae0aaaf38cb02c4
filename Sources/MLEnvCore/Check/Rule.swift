/// A self-describing unit of mlenv's checks, in the manner of SwiftLint's rules: the codes it
/// reports and examples that must and must not trigger them, declared in the unit's own file.
/// `Rules.all` lists the units; the code registry, the README's code table and the examples
/// test are derived from that list.
protocol Rule {
    /// The unit's codes, explanations and examples.
    static var description: RuleDescription { get }
}
