extension DiagnosticCode {
    static let missingFile = DiagnosticCode(
        "E119", .error, name: "missing-file", summary: "A file the spec names does not exist.",
        explanation: """
            Paths in a spec are relative to the spec's folder. Check the path, or that the file \
            is committed next to the spec.
            """)
}

/// Checks that files the spec names exist, relative to the spec's folder.
enum FileReferenceRule: Rule {
    static let description = RuleDescription(
        title: "files the spec names",
        overview: "`build.ca_bundle: certs/corp.pem` when there is no such file beside the spec",
        codes: [.missingFile],
        triggering: [
            RuleExample(
                .missingFile,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                build: {ca_bundle: ↓certs/missing.pem}
                """)
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                build: {ca_bundle: certs/corp.pem}
                """, with: [.onDisk("certs/corp.pem", "-----BEGIN CERTIFICATE-----\n")])
        ])

    static func check(_ spec: EnvironmentSpec, files: FileSystemView) -> [Diagnostic] {
        guard let bundle = spec.build.caBundle else { return [] }
        let path = SpecPaths.resolve(bundle.value, relativeTo: spec.file)
        guard files.contents(of: path) == nil else { return [] }
        return [
            Diagnostic(
                .missingFile, "`build.ca_bundle` names `\(bundle.value)`, which does not exist (looked for `\(path)`)",
                file: spec.file, at: bundle.location)
        ]
    }
}
