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
        var diagnostics: [Diagnostic] = []
        if let bundle = spec.build.caBundle {
            let path = SpecPaths.resolve(bundle.value, relativeTo: spec.file)
            if files.contents(of: path) == nil {
                diagnostics.append(
                    Diagnostic(
                        .missingFile,
                        "`build.ca_bundle` names `\(bundle.value)`, which does not exist (looked for `\(path)`)",
                        file: spec.file, at: bundle.location))
            }
        }
        // `files:` sources exist, inside the folder the build reads (the project's, else the spec's).
        let context = spec.buildContextFolder ?? SpecPaths.folder(of: spec.file)
        for copy in spec.files {
            let path = SpecPaths.resolve(copy.value.source, relativeTo: spec.file)
            guard let inside = SpecPaths.relativePath(from: context, to: path), !inside.hasPrefix("..") else {
                diagnostics.append(
                    Diagnostic(
                        .invalidPath,
                        "`files`: `\(copy.value.source)` is outside `\(context)`, the folder the image is built from",
                        file: spec.file, at: copy.location,
                        fix: "copy it into the project, or mount it at run time with `volumes:`"))
                continue
            }
            if !files.exists(path) {
                diagnostics.append(
                    Diagnostic(
                        .missingFile,
                        "`files` names `\(copy.value.source)`, which does not exist (looked for `\(path)`)",
                        file: spec.file, at: copy.location))
            }
        }
        return diagnostics
    }

    /// The folder a spec with `project:` or `files:` is built from, and whether it has its own `.dockerignore`.
    static func contextHasIgnoreFile(_ spec: EnvironmentSpec, files: FileSystemView) -> Bool {
        guard let context = spec.buildContextFolder else { return false }
        return files.contents(of: SpecPaths.normalize(context + "/.dockerignore")) != nil
    }
}
