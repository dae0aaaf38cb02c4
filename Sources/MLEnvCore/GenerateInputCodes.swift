extension DiagnosticCode {
    static let notAnMLEnvFile = DiagnosticCode(
        "N102", .note, name: "not-an-mlenv-file",
        summary: "A YAML file in a checked folder is not an mlenv file, and is passed over.",
        explanation: """
            `check FOLDER` and `generate FOLDER` read every `*.yaml` and `*.yml` below the \
            folder. Files without the `mlenv:` key (a `.pre-commit-config.yaml`, a Kubernetes \
            manifest, a Compose file beside the specs) are not specs: each is passed over with \
            this note. A file named on the command line is always checked.
            """)
    static let notAnEnvironment = DiagnosticCode(
        "E132", .error, name: "not-an-environment", summary: "`generate` was given a host file.",
        explanation: """
            `mlenv generate` builds one environment from its spec. Host files (`kind: host`) \
            describe a server and are used by `check --host` and `plan`.
            """)
}

/// What `generate` says about the file it is given, and `check` or `generate` about the files a
/// folder holds, beyond what checking says.
enum GenerateInputCodes: Rule {
    static let description = RuleDescription(
        title: "command input",
        overview:
            "`mlenv generate specs/dgx-01.yaml`, a host file instead of an environment spec; a `.pre-commit-config.yaml` in a checked folder",
        codes: [.notAnEnvironment, .notAnMLEnvFile],
        triggering: [
            RuleExample(
                .notAnEnvironment,
                """
                ↓mlenv: 1
                kind: host
                name: dgx
                """, command: .generate()),
            RuleExample(
                .notAnMLEnvFile,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                """,
                with: [
                    .inFolder(
                        "specs/.pre-commit-config.yaml",
                        """
                        ↓repos:
                          - repo: https://github.com/psf/black
                            rev: 24.1.0
                        """),
                    .inFolder("specs/deploy.yaml", "↓- kind: Service\n  apiVersion: v1\n"),
                ]),
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
