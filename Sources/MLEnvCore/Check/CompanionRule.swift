extension DiagnosticCode {
    static let companionMismatch = DiagnosticCode(
        "E209", .error, name: "companion-mismatch",
        summary: "A companion package does not fit the framework release beside it.",
        explanation: """
            torchvision and torchaudio are built against one torch release each (torchvision \
            0.16 needs torch 2.1), and jax against a range of jaxlib; their wheels say so in \
            their metadata. pip either fails to resolve the pair, twenty minutes into a build, \
            or replaces the framework with the release the companion wants. Pin the companion \
            that fits the framework (the fix names it), or leave it unpinned so pip picks it. \
            On an image that ships torch (NGC PyTorch), a companion of another line than the \
            image's torch makes pip replace NVIDIA's build with torch from the index.
            """)
}

/// torchvision and torchaudio against torch, jax against jaxlib: the pairs the packages' own
/// metadata requires (the catalog's `companions` table, from PyPI). Only exact facts on both
/// sides produce an error; an unpinned companion or an unknown release is left alone. On an
/// image that ships torch (NGC PyTorch) a pin is judged against the image's torch as the
/// catalog confirms it: a companion of another line makes pip replace NVIDIA's build. The
/// reference does not list NGC's own torchvision and torchaudio builds, so a pin is not compared
/// with those.
enum CompanionRule: Rule {
    static let description = RuleDescription(
        title: "framework companions",
        overview:
            "`torchvision==0.16.1` next to PyTorch 2.2, `jaxlib==0.4.20` next to jax 0.4.30, `torchvision==0.17.1` on an NGC image with torch 2.1",
        codes: [.companionMismatch],
        triggering: [
            RuleExample(
                .companionMismatch,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.1.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.2"}
                python: "3.10"
                packages:
                  pip: [↓"torchvision==0.16.1"]
                """),
            RuleExample(
                .companionMismatch,
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                cuda: none
                packages:
                  pip: ["jax==0.4.30", ↓"jaxlib==0.4.20"]
                """),
            // NGC PyTorch 23.10 ships torch 2.1.0a0+32f93b1: torchvision 0.17 wants torch 2.2.
            RuleExample(
                .companionMismatch,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  requirements: [requirements.txt]
                """, with: [.onDisk("requirements.txt", "↓torchvision==0.17.1\n")]),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: ["torchvision==0.16.*"]
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.1.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.2"}
                python: "3.10"
                packages:
                  pip: ["torchvision==0.17.1", "torchaudio==2.2.1", torchvision]
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                framework: {name: jax, version: "0.4.30"}
                cuda: none
                packages:
                  pip: ["jaxlib==0.4.28"]
                """),
        ])

    /// Each pair, and where a mismatch is reported: torchvision and torchaudio at their own pin,
    /// jax and jaxlib at jaxlib's pin when there is one (jax is often the framework).
    static let pairs: [(package: String, partner: String, reportAt: String)] = [
        ("torchvision", "torch", "torchvision"), ("torchaudio", "torch", "torchaudio"), ("jax", "jaxlib", "jaxlib"),
    ]

    static func check(_ context: inout RuleContext) {
        let pip = context.environment.pip
        for pair in pairs {
            guard
                let entry = pip.first(where: { $0.value.normalizedName == pair.reportAt && pin($0.value) != nil })
                    ?? pip.first(where: { $0.value.normalizedName == pair.package && pin($0.value) != nil })
            else { continue }
            check(pair.package, pair.partner, at: entry, context: &context)
        }
    }

    private static func check(
        _ package: String, _ partner: String, at entry: PipEntry, context: inout RuleContext
    ) {
        let catalog = context.catalog
        guard let packages = candidates(package, context.environment, catalog), !packages.isEmpty,
            let partners = candidates(partner, context.environment, catalog), !partners.isEmpty
        else { return }
        let entries = catalog.companions.filter { $0.package == package && $0.partner == partner }
        var requirements: [SpecifierSet] = []
        for version in packages {
            // A release the table does not describe: unknown, so nothing is claimed.
            guard let entry = entries.first(where: { $0.describes(version) }) else { return }
            requirements.append(entry.requires)
        }
        let fits = requirements.contains { requirement in partners.contains { requirement.contains($0) } }
        guard !fits else { return }
        let packageText = describe(packages)
        let partnerText = describe(partners)
        let wants = requirements.map { "`\(partner)\($0)`" }.joined(separator: " or ")
        // The image's own torch: pip would replace NVIDIA's build to satisfy the pin.
        let shipped = shippedPartner(partner, context.environment) != nil
        var message = "\(package) \(packageText) requires \(wants), not \(partner) \(partnerText)"
        if shipped {
            message +=
                " that `\(context.environment.image)` ships: pip would replace the image's \(partner) build with one from the index"
        }
        // The entry nearest the pinned release among those that fit the partner.
        let pinned = packages.first.map { Array($0.release.prefix(2)) }
        let lines = entries.map { Array($0.version.release.prefix(2)) }.sorted { $0.lexicographicallyPrecedes($1) }
        let fitting = Nearest.pick(
            entries, fit: { candidate in partners.contains { candidate.requires.contains($0) } ? .confirmed : nil },
            distance: { Nearest.lineDistance(Array($0.version.release.prefix(2)), from: pinned, in: lines) }
        )?.candidate
        let fix: String
        if entry.value.normalizedName == package, let fitting {
            let pin = "\(package)==\(fitting.version.description)\(fitting.isLine ? ".*" : "")"
            fix =
                shipped
                ? "remove the pin, or pin \(pin), the line for the image's \(partner) \(partnerText)"
                : "pin \(pin), which fits \(partner) \(partnerText), or leave it unpinned"
        } else {
            fix = "pin \(partner) to what \(package) \(packageText) requires (\(wants)), or leave it unpinned"
        }
        context.report(
            .companionMismatch, message, at: entry, notes: shipped ? [context.baseNote] : [], fix: fix)
    }

    /// The partner's version an image ships as its framework (NGC PyTorch's torch,
    /// `2.1.0a0+32f93b1`), when the catalog confirms it; nil otherwise.
    static func shippedPartner(_ name: String, _ environment: ResolvedEnvironment) -> PEP440Version? {
        guard let framework = environment.shippedFramework, framework.pipDistributions.first == name,
            !environment.pip.contains(where: { $0.value.normalizedName == name && pin($0.value) != nil })
        else { return nil }
        return environment.catalogImage?.frameworkVersion.known
    }

    /// The releases `name` can be in this environment, when exact facts say: a `==` pin in
    /// `packages.pip`, or the framework mlenv installs (the catalog's releases of the spec's
    /// version). nil when unknown.
    static func candidates(_ name: String, _ environment: ResolvedEnvironment, _ catalog: Catalog) -> [PEP440Version]? {
        if let requirement = environment.pip.first(where: {
            $0.value.normalizedName == name && pin($0.value) != nil
        }) {
            return pin(requirement.value).map { [$0] }
        }
        if environment.imageShipsFramework { return shippedPartner(name, environment).map { [$0] } }
        guard let framework = environment.framework, !environment.imageShipsFramework,
            let prefix = environment.frameworkVersion, framework.pipDistributions.first == name
        else { return nil }
        let releases = Compatibility.releases(framework, prefix, in: catalog).filter { !$0.isPrerelease }
        return releases.isEmpty ? nil : releases
    }

    /// The version a requirement pins with `==` (`==0.16.1`, or `==0.16.*` as 0.16); nil otherwise.
    static func pin(_ requirement: PipRequirement) -> PEP440Version? {
        guard requirement.marker == nil, requirement.url == nil, requirement.specifiers.specifiers.count == 1,
            let specifier = requirement.specifiers.specifiers.first, specifier.op == .equal
        else { return nil }
        return specifier.version
    }

    static func describe(_ versions: [PEP440Version]) -> String {
        guard versions.count > 1, let low = versions.min(), let high = versions.max() else {
            return versions.first?.description ?? "?"
        }
        return "\(low)-\(high)"
    }
}
