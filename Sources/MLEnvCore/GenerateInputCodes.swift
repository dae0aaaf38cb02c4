extension DiagnosticCode {
    static let notAnEnvironment = DiagnosticCode(
        "E132", .error, name: "not-an-environment", summary: "`generate` was given a host file.",
        explanation: """
            `mlenv generate` builds one environment from its spec. Host files (`kind: host`) \
            describe a server and are used by `check --host` and `plan`.
            """)
}

/// What `generate` says about the file it is given, beyond what checking says.
enum GenerateInputCodes: Rule {
    static let description = RuleDescription(
        title: "`generate` input",
        overview: "`mlenv generate specs/dgx-01.yaml`, a host file instead of an environment spec",
        codes: [.notAnEnvironment],
        triggering: [
            RuleExample(
                .notAnEnvironment,
                """
                ↓mlenv: 1
                kind: host
                name: dgx
                """, command: .generate())
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                """, command: .generate())
        ])
}
