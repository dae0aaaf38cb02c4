extension DiagnosticCode {
    static let invalidCatalog = DiagnosticCode(
        "E140", .error, name: "invalid-catalog", summary: "A catalog file (--catalog) is malformed.",
        explanation: """
            A catalog file adds images (and, rarely, other facts) to mlenv's knowledge:

                mlenv-catalog: 1
                table: corp-images
                sources: {IT1: "Platform team build notes, 2024-01"}
                images:
                  - image: registry.corp/ml/base:2024.1
                    ubuntu: "22.04"
                    python: "3.11"
                    cuda: "12.2.2"
                    framework: pytorch
                    framework_version: "2.1.2"
                    jupyter: true
                    sources: [IT1]

            A value ending in `?` is likely but unconfirmed: it never produces an error.
            """)
}

/// What a `--catalog` file can get wrong. The catalog is read before any spec, so its problems
/// are reported with the spec's.
enum CatalogFileCodes: Rule {
    static let description = RuleDescription(
        title: "catalog files",
        overview: "a `--catalog` file without `mlenv-catalog: 1`, an image without a tag, an unknown framework",
        codes: [.invalidCatalog],
        triggering: [
            RuleExample(.invalidCatalog, spec, with: [.catalog("↓images: []\n")]),
            RuleExample(
                .invalidCatalog, spec,
                with: [
                    .catalog(
                        """
                        mlenv-catalog: 1
                        images:
                          - image: ↓Not An Image
                          - ↓python: "3.1x"
                        """)
                ]),
        ],
        passing: [
            RuleExample(
                spec,
                with: [
                    .catalog(
                        """
                        mlenv-catalog: 1
                        table: corp
                        images:
                          - {image: registry.corp/ml/base:2024.1, python: "3.11", framework: pytorch, framework_version: "2.1.2"}
                        """)
                ])
        ])

    /// A spec on the image the examples' catalogs describe.
    private static let spec = "mlenv: 1\nname: team\nbase: registry.corp/ml/base:2024.1\n"
}
