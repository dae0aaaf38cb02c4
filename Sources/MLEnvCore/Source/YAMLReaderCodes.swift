extension DiagnosticCode {
    static let yamlSyntax = DiagnosticCode(
        "E001", .error, name: "yaml-syntax", summary: "The file is not valid YAML.",
        explanation: """
            libyaml could not read the file. The position is libyaml's own: where it noticed the \
            problem, which can be just after the real mistake. Common causes: a tab used for \
            indentation (YAML allows only spaces), a missing space after `:`, an unclosed quote or \
            bracket, or bytes that are not UTF-8.
            """)
    static let duplicateKey = DiagnosticCode(
        "E002", .error, name: "duplicate-key", summary: "A key appears twice in the same mapping.",
        explanation: """
            YAML says keys in a mapping are unique; many tools silently keep the last value, which \
            hides mistakes. mlenv reports the second occurrence and points at the first. Remove one \
            of them, or merge their values.
            """)
    static let aliasNotSupported = DiagnosticCode(
        "E003", .error, name: "anchor-or-alias",
        summary: "Anchors (&a) and aliases (*a) are not allowed in mlenv files.",
        explanation: """
            Specs are meant to be read top to bottom by people reviewing them, and aliases make \
            \"billion laughs\" expansion attacks possible. Write the value out where it is used.
            """)
    static let multipleDocuments = DiagnosticCode(
        "E004", .error, name: "multiple-documents", summary: "The file holds more than one YAML document.",
        explanation: """
            Each mlenv file describes exactly one environment or host. Split the documents after \
            `---` into files of their own.
            """)
    static let emptyDocument = DiagnosticCode(
        "E005", .error, name: "empty-file", summary: "The file is empty.",
        explanation: """
            An mlenv spec is a YAML mapping that starts with `mlenv: 1`. See `mlenv --help` or \
            the README's spec reference for a complete example.
            """)
    static let unsupportedTag = DiagnosticCode(
        "E006", .error, name: "unsupported-tag", summary: "A YAML tag other than !!str is used.",
        explanation: """
            mlenv decides the type of every value from the key it belongs to, so tags such as \
            `!!float` or `!custom` cannot mean anything here. Remove the tag; quote the value if \
            you want to be sure it is read as text.
            """)
    static let nonScalarKey = DiagnosticCode(
        "E007", .error, name: "complex-key", summary: "A mapping key is itself a mapping or a list.",
        explanation: """
            Keys in mlenv files are plain names such as `python` or `HF_HOME`. A key written as \
            `{a: 1}: x` or `? [a]` is legal YAML but has no meaning here.
            """)
    static let tooDeep = DiagnosticCode(
        "E008", .error, name: "too-large",
        summary: "The document nests deeper, or holds more values, than mlenv allows.",
        explanation: """
            No mlenv file needs more than a few levels of nesting; a deeply nested document is \
            either a mistake or an attempt to exhaust memory (an alias bomb is refused earlier, \
            E003). The limits are 1 MiB, 64 levels and 100,000 values; `--max-file-size`, \
            `--max-depth` and `--max-nodes` raise them.
            """)
}

/// What libyaml refuses, and what mlenv refuses of what it accepts: duplicate keys, anchors and
/// aliases, several documents, tags, complex keys and documents past a size limit.
enum YAMLReaderCodes: Rule {
    static let description = RuleDescription(
        title: "YAML",
        overview:
            "a tab for indentation, the same key twice (at the second), an anchor, a second document, 65 levels of nesting",
        codes: [
            .yamlSyntax, .duplicateKey, .aliasNotSupported, .multipleDocuments, .emptyDocument, .unsupportedTag,
            .nonScalarKey, .tooDeep,
        ],
        triggering: [
            RuleExample(
                .yamlSyntax,
                """
                mlenv: 1
                name: [team
                ↓
                """),
            RuleExample(
                .yamlSyntax,
                """
                mlenv: 1
                packages:
                ↓\tpip: [numpy]
                """),
            RuleExample(
                .duplicateKey,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                python: "3.10"
                ↓python: "3.11"
                """),
            RuleExample(
                .aliasNotSupported,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env: {A: ↓&x hello, B: ↓*x}
                """),
            RuleExample(
                .multipleDocuments,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                ↓---
                mlenv: 1
                """),
            RuleExample(.emptyDocument, "↓\n"),
            RuleExample(
                .unsupportedTag,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                python: ↓!!float 3.10
                """),
            RuleExample(
                .nonScalarKey,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env: {? ↓[a, b] : c}
                """),
            RuleExample(
                .tooDeep,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[↓[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]
                """),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                python: !!str 3.10
                env: {A: hello, B: hello}
                """)
        ])
}
