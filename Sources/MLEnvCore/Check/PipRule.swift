extension DiagnosticCode {
    static let frameworkReinstalled = DiagnosticCode(
        "E130", .error, name: "framework-reinstalled",
        summary: "`packages.pip` would replace the framework build that the base image ships.",
        explanation: """
            NVIDIA's NGC images contain their own builds of PyTorch and TensorFlow, compiled \
            against the image's CUDA, cuDNN and NCCL. A pip requirement that the image's build \
            does not satisfy makes pip replace that build, which usually breaks it. Remove the \
            entry, pick the image that ships the version you need, or choose a base without the \
            framework (such as `nvidia/cuda`).
            """)
    static let pipConflict = DiagnosticCode(
        "E204", .error, name: "pip-conflict", summary: "pip requirements that no version can satisfy.",
        explanation: """
            A requirement whose specifiers exclude each other (`numpy<2,>=2.0`), two entries of \
            one project that no version satisfies together (`numpy==1.26.4` and `numpy==2.0.0`, \
            `black==24.1.0` and `black[jupyter]==23.12.1`, two different URLs), or one that \
            contradicts the spec's framework version (`torch==2.3.0` with `framework.version: \
            "2.1"`), makes pip fail or silently install something else. Entries that agree are \
            no problem: pip merges the entries of one project, uniting their extras and \
            intersecting their versions; entries under different environment markers never meet.
            """)
    static let secondFramework = DiagnosticCode(
        "W204", .warning, name: "second-framework",
        summary: "`packages.pip` installs a second deep-learning framework.",
        explanation: """
            Installing TensorFlow on an image built around PyTorch (or the reverse) brings a \
            second set of CUDA libraries that may not match the image's. Prefer one framework \
            per environment, or a plain `nvidia/cuda` base.
            """)
    static let redundantFramework = DiagnosticCode(
        "W205", .warning, name: "redundant-framework",
        summary: "`packages.pip` names the framework that the base image already ships.",
        explanation: """
            The entry is satisfied by the image's own build, so pip does nothing now; but a \
            later edit of the pin would replace NVIDIA's build. Remove the entry and pin the \
            framework through the base image tag instead.
            """)
}

/// pip requirements against what the image ships, against the spec's framework
/// version, and against themselves.
enum PipRule: Rule {
    static let description = RuleDescription(
        title: "pip requirements",
        overview:
            "`numpy<2,>=2.0`; `numpy==1.26.4` beside `numpy==2.0.0`; `torch==2.3.0` on an image with torch 2.1.0a0; TensorFlow on a PyTorch image",
        codes: [.pipConflict, .secondFramework, .redundantFramework, .frameworkReinstalled],
        triggering: [
            RuleExample(
                .pipConflict,
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                framework: {name: pytorch, version: "2.1"}
                cuda: none
                packages:
                  pip: [↓"numpy<2,>=2.0", ↓"torch==2.3.0"]
                """),
            RuleExample(
                .pipConflict,
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                cuda: none
                packages:
                  pip: ["numpy==1.26.4", ↓"numpy==2.0.0", "black==24.1.0", ↓"black[jupyter]==23.12.1", "x>=2", ↓"X<1"]
                """),
            RuleExample(
                .secondFramework,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: [↓"tensorflow==2.15.0"]
                """),
            RuleExample(
                .redundantFramework,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: [↓"torch>=2.0"]
                """),
            RuleExample(
                .frameworkReinstalled,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: [↓"torch==2.3.0"]
                """),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                framework: {name: pytorch, version: "2.1"}
                cuda: none
                packages:
                  pip: ["numpy<2", "torch==2.1.2", "transformers==4.35.2"]
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                cuda: none
                packages:
                  pip: ["black", "black[jupyter]", "numpy>=1.24", "numpy<2", "numpy==1.26.4",
                        "scipy==1.11.4; python_version < '3.12'", "scipy==1.13.0; python_version >= '3.12'"]
                """),
        ])

    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        let shipped = environment.shippedFramework
        let frameworks: [FrameworkName] = [.pytorch, .tensorflow, .jax]
        checkEntriesTogether(&context)
        for entry in environment.pip {
            let requirement = entry.value
            if !requirement.specifiers.isSatisfiable {
                context.report(
                    .pipConflict, "no version satisfies `\(requirement.text)`: its specifiers exclude each other",
                    at: entry)
                continue
            }
            // A constraint installs nothing: only what contradicts it matters (above).
            guard entry.role != .constraint,
                let owner = frameworks.first(where: { $0.pipDistributions.contains(requirement.normalizedName) })
            else { continue }
            if let shipped, owner == shipped {
                checkShipped(&context, entry, framework: shipped)
            } else if let shipped {
                context.report(
                    .secondFramework,
                    "`\(requirement.text)` installs \(owner.displayName) on an image built around \(shipped.displayName)",
                    at: entry, notes: [context.baseNote])
            } else if owner == environment.framework, let prefix = environment.frameworkVersion,
                owner.pipDistributions.first == requirement.normalizedName
            {
                checkAgainstFramework(&context, entry, framework: owner, prefix: prefix)
            }
        }
    }

    /// Entries of one project under one marker, as pip merges them: an entry that no version
    /// satisfies together with the earlier ones is reported, with a note at the entry it
    /// contradicts (or at all of them, when only their combination does), and left out of the
    /// comparison with later entries. An entry that contradicts itself is reported by `check`.
    static func checkEntriesTogether(_ context: inout RuleContext) {
        var agreed: [String: [PipEntry]] = [:]
        for located in context.environment.pip where located.value.specifiers.isSatisfiable {
            let requirement = located.value
            let key = requirement.projectKey
            let earlier = agreed[key] ?? []
            var contradicted: [PipEntry] = []
            if let url = requirement.url, let other = earlier.first(where: { $0.value.url.map { $0 != url } ?? false })
            {
                contradicted = [other]
            } else if !SpecifierSet(earlier.flatMap(\.value.specifiers.specifiers) + requirement.specifiers.specifiers)
                .isSatisfiable
            {
                let pairwise = earlier.first { !$0.value.specifiers.intersection(requirement.specifiers).isSatisfiable }
                contradicted = pairwise.map { [$0] } ?? earlier
            }
            guard let first = contradicted.first else {
                agreed[key, default: []].append(located)
                continue
            }
            let others = contradicted.map { "`\($0.value.text)`" }.joined(separator: " and ")
            let why =
                requirement.url != nil && first.value.url != nil
                ? "they name different URLs"
                : contradicted.count > 1 ? "no version satisfies them all" : "no version satisfies both"
            context.report(
                .pipConflict, "`\(requirement.text)` contradicts \(others): \(why)", at: located,
                notes: contradicted.map {
                    DiagnosticNote("`\($0.value.text)` is listed here", file: $0.file, at: $0.location)
                },
                fix: "keep one version of \(requirement.normalizedName)")
        }
    }

    /// A pip entry for the framework the image ships: redundant when the image's build
    /// satisfies it, an error when pip would replace the build.
    static func checkShipped(_ context: inout RuleContext, _ located: PipEntry, framework: FrameworkName) {
        let requirement = located.value
        let image = context.environment.image
        let version = context.environment.catalogImage?.frameworkVersion.known
        if let version, requirement.url == nil,
            requirement.specifiers.contains(version) || requirement.specifiers.specifiers.isEmpty
        {
            // A requirements file also serves installs outside the image; an entry the image
            // satisfies is no risk there, since the build keeps the image's framework.
            guard located.role == .spec else { return }
            context.report(
                .redundantFramework,
                "`\(image)` already ships \(framework.displayName) \(version), which satisfies `\(requirement.text)`",
                at: located, notes: [context.baseNote], fix: "remove `\(requirement.text)` from packages.pip")
            return
        }
        let what = version.map { "\(framework.displayName) \($0)" } ?? "its own \(framework.displayName) build"
        context.report(
            .frameworkReinstalled, "`\(requirement.text)` would replace \(what) that `\(image)` ships",
            at: located, notes: [context.baseNote], fix: "remove `\(requirement.text)` from \(located.place)")
    }

    /// `torch==2.3.0` in pip while `framework.version` says 2.1.
    static func checkAgainstFramework(
        _ context: inout RuleContext, _ located: PipEntry, framework: FrameworkName, prefix: String
    ) {
        guard let wanted = PEP440Version(prefix) else { return }
        let release = wanted.release
        var upper = release
        upper[upper.count - 1] += 1
        let range = SpecifierSet([
            VersionSpecifier(op: ">=", version: prefix)!,
            VersionSpecifier(op: "<", version: upper.map(String.init).joined(separator: "."))!,
        ])
        guard !located.value.specifiers.intersection(range).isSatisfiable else { return }
        var notes: [DiagnosticNote] = []
        if let location = context.spec.framework?.version?.location {
            notes.append(
                DiagnosticNote("`framework.version` asks for \(prefix) here", file: context.file, at: location))
        }
        context.report(
            .pipConflict,
            "`\(located.value.text)` contradicts \(framework.displayName) \(prefix) from `framework.version`",
            at: located, notes: notes,
            fix: "remove the pip entry; mlenv installs \(framework.displayName) \(prefix) itself")
    }
}
