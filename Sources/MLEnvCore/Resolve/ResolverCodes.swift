/// What `base: auto` says: the image it chose and why, or that no catalog image fits. The codes
/// are declared beside `Resolver`, which reports them.
enum ResolverCodes: Rule {
    static let description = RuleDescription(
        title: "`base: auto`",
        overview:
            "which image `base: auto` chose (NGC, else `nvidia/cuda` with the framework's wheels, `python` for the CPU), why, and the runners-up; when none fits, the nearest and what each would need",
        codes: [.autoBaseUnavailable, .autoBaseChosen],
        triggering: [
            // PyTorch 2.1 has no wheels for Python 3.13, and no NGC image has the pair.
            RuleExample(
                .autoBaseUnavailable,
                """
                mlenv: 1
                name: team
                base: ↓auto
                framework: {name: pytorch, version: "2.1"}
                python: "3.13"
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
            // No NGC PyTorch 2.7 image has Python 3.11: nvidia/cuda 12.8 with torch's cu128 wheels.
            RuleExample(
                .autoBaseChosen,
                """
                mlenv: 1
                name: team
                base: ↓auto
                framework: {name: pytorch, version: "2.7"}
                python: "3.11"
                cuda: "12.8"
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
