/// What `base: auto` says: the image it chose and why, or that no catalog image fits. The codes
/// are declared beside `Resolver`, which reports them.
enum ResolverCodes: Rule {
    static let description = RuleDescription(
        title: "`base: auto`",
        overview:
            "which image `base: auto` chose and why; when none fits, the three nearest and what each would need changed",
        codes: [.autoBaseUnavailable, .autoBaseChosen],
        triggering: [
            RuleExample(
                .autoBaseUnavailable,
                """
                mlenv: 1
                name: team
                base: ↓auto
                framework: {name: pytorch, version: "2.1"}
                python: "3.11"
                """),
            RuleExample(
                .autoBaseChosen,
                """
                mlenv: 1
                name: team
                base: ↓auto
                framework: {name: pytorch, version: "2.1"}
                python: "3.10"
                cuda: "12.2"
                """),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                python: "3.10"
                """)
        ])
}
