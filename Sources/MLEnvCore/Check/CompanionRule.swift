extension DiagnosticCode {
    static let companionMismatch = DiagnosticCode(
        "E209", .error, name: "companion-mismatch",
        summary: "A companion package does not fit the framework release beside it.",
        explanation: """
            torchvision and torchaudio are built against one torch release each (torchvision \
            0.16 needs torch 2.1), and jax against a range of jaxlib; their wheels say so in \
            their metadata. pip either fails to resolve the pair, twenty minutes into a build, \
            or replaces the framework with the release the companion wants. A version range \
            counts by the releases it admits: `torchvision>=0.21,<0.23` beside PyTorch 2.5 fails, \
            as 0.21 needs torch 2.6 and 0.22 torch 2.7; a range that admits a release mlenv's \
            catalog does not know (one without an upper bound) is left alone. Pin the companion \
            that fits the framework (the fix names it), or leave it unpinned so pip picks it. \
            On an image that ships torch (NGC PyTorch), a companion of another line than the \
            image's torch makes pip replace NVIDIA's build with torch from the index.
            """)
}

/// torchvision and torchaudio against torch, jax against jaxlib: the pairs the packages' own
/// metadata requires (the catalog's `companions` table, from PyPI). A pin or a range (in
/// `packages.pip`, a requirements file or a project's dependencies) on either side is judged by
/// what it admits; only known facts produce an error: an unpinned companion, a range that admits
/// a release the table does not describe, or an unknown release is left alone, and so are
/// requirements under a marker or from a URL. On an image that ships torch (NGC PyTorch) a
/// companion is judged against the image's torch as the catalog confirms it: one of another line
/// makes pip replace NVIDIA's build. The reference does not list NGC's own torchvision and
/// torchaudio builds, so a companion is not compared with those.
enum CompanionRule: Rule {
    static let description = RuleDescription(
        title: "framework companions",
        overview:
            "`torchvision==0.16.1` next to PyTorch 2.2, `torchvision>=0.21,<0.23` next to PyTorch 2.5, `jaxlib==0.4.20` next to jax 0.4.30, `torchvision==0.17.1` on an NGC image with torch 2.1",
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
            // huggingface/lerobot's pyproject.toml beside PyTorch 2.5: torchvision 0.21 wants torch
            // 2.6, 0.22 torch 2.7, and no torchvision in the range accepts 2.5.
            RuleExample(
                .companionMismatch,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.1.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.5"}
                python: "3.10"
                project: .
                """,
                with: [
                    .onDisk(
                        "pyproject.toml",
                        """
                        [project]
                        name = "robot"
                        version = "0.1"
                        dependencies = ["↓torchvision>=0.21.0,<0.23.0"]
                        """)
                ]),
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
            // torchaudio 2.5 is in the range and fits; `torchvision>=0.20` admits lines the
            // catalog cannot know yet, so it says nothing; jax 0.4.31 accepts jaxlib 0.4.30.
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.1.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.5"}
                python: "3.10"
                packages:
                  pip: ["torchaudio>=2.4,<2.6", "torchvision>=0.20", "jax>=0.4.31,<0.4.32", "jaxlib==0.4.30"]
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

    /// Each pair, and where a mismatch is reported: torchvision and torchaudio at their own
    /// requirement, jax and jaxlib at jaxlib's when there is one (jax is often the framework).
    static let pairs: [(package: String, partner: String, reportAt: String)] = [
        ("torchvision", "torch", "torchvision"), ("torchaudio", "torch", "torchaudio"), ("jax", "jaxlib", "jaxlib"),
    ]

    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        for pair in pairs {
            guard
                let entry = requirements(pair.reportAt, environment).first
                    ?? requirements(pair.package, environment).first
            else { continue }
            check(pair.package, pair.partner, at: entry, context: &context)
        }
    }

    /// What a distribution can be in the environment.
    enum Versions {
        /// One of these releases: a `==` pin, the releases of the spec's framework version that
        /// mlenv installs, or the image's own build.
        case releases([PEP440Version])
        /// Whatever pip picks among what the requirements admit together (`>=0.21,<0.23`).
        case range(SpecifierSet)

        /// Whether a version that `requirement` accepts is among them. A range is compared as a
        /// set of versions, so a partner release the catalog does not know cannot hide a fit.
        func fit(_ requirement: SpecifierSet) -> Bool {
            switch self {
            case .releases(let versions): versions.contains { requirement.contains($0) }
            case .range(let set): requirement.intersection(set).isSatisfiable
            }
        }
    }

    private static func check(
        _ package: String, _ partner: String, at entry: PipEntry, context: inout RuleContext
    ) {
        let catalog = context.catalog
        let entries = catalog.companions.filter { $0.package == package && $0.partner == partner }
        guard let packages = versions(package, context.environment, catalog)?.versions,
            let partnerSide = versions(partner, context.environment, catalog),
            // A release the table does not describe is unknown, so nothing is claimed; a range
            // that admits no release the table knows is another problem than this one.
            let rows = rows(packages, package, entries, catalog), !rows.isEmpty,
            !rows.contains(where: { partnerSide.versions.fit($0.requires) })
        else { return }
        let (partners, shipped) = partnerSide
        let partnerText: String
        switch partners {
        case .releases(let versions): partnerText = "\(partner) \(describe(versions))"
        case .range(let set): partnerText = "`\(partner)\(set)`"
        }
        var wants: [String] = []
        for row in rows where !wants.contains("`\(partner)\(row.requires)`") {
            wants.append("`\(partner)\(row.requires)`")
        }
        let wanted = wants.joined(separator: " or ")
        // The image's own torch: pip would replace NVIDIA's build to satisfy the companion.
        let why =
            shipped
            ? " that `\(context.environment.image)` ships: pip would replace the image's \(partner) build with one from the index"
            : ""
        let packageText: String
        let message: String
        switch packages {
        case .releases(let versions):
            packageText = describe(versions)
            message = "\(package) \(packageText) requires \(wanted), not \(partnerText)\(why)"
        case .range(let set):
            packageText = describe(rows.map(\.version))
            message =
                rows.count == 1
                ? "`\(package)\(set)` admits only \(package) \(packageText), which requires \(wanted), not \(partnerText)\(why)"
                : "`\(package)\(set)` admits \(package) \(packageText), which require \(wanted): none fits \(partnerText)\(why)"
        }
        // The entry nearest the admitted ones among those that fit the partner.
        let admitted = rows.map { Array($0.version.release.prefix(2)) }
        let lines = entries.map { Array($0.version.release.prefix(2)) }.sorted { $0.lexicographicallyPrecedes($1) }
        let fitting = Nearest.pick(
            entries, fit: { partners.fit($0.requires) ? .confirmed : nil },
            distance: { candidate in
                let line = Array(candidate.version.release.prefix(2))
                return admitted.map { Nearest.lineDistance(line, from: $0, in: lines) }
                    .min { $0.lexicographicallyPrecedes($1) } ?? [Int.max]
            }
        )?.candidate
        let fix: String
        if entry.value.normalizedName == package, let fitting {
            let pin = "\(package)==\(fitting.version.description)\(fitting.isLine ? ".*" : "")"
            let remove: String
            if case .range = packages { remove = "remove the version range" } else { remove = "remove the pin" }
            fix =
                shipped
                ? "\(remove), or pin \(pin), the line for the image's \(partnerText)"
                : "pin \(pin), which fits \(partnerText), or leave it unpinned"
        } else {
            fix = "pin \(partner) to what \(package) \(packageText) requires (\(wanted)), or leave it unpinned"
        }
        context.report(
            .companionMismatch, message, at: entry, notes: shipped ? [context.baseNote] : [], fix: fix)
    }

    /// The requirements of `name` that limit its version: none under a marker or with a URL
    /// (those are left alone), none without a specifier.
    static func requirements(_ name: String, _ environment: ResolvedEnvironment) -> [PipEntry] {
        environment.pip.filter { entry in
            let requirement = entry.value
            return requirement.normalizedName == name && requirement.marker == nil && requirement.url == nil
                && !requirement.specifiers.specifiers.isEmpty
        }
    }

    /// The versions `name` can be in this environment, when facts say, and whether they are the
    /// image's own build: the framework the image ships or mlenv installs (the catalog's releases
    /// of the spec's version) as far as pip's requirements keep it; otherwise what those
    /// requirements admit (one `==` pin is its release). nil when nothing limits it.
    static func versions(_ name: String, _ environment: ResolvedEnvironment, _ catalog: Catalog) -> (
        versions: Versions, shipped: Bool
    )? {
        let entries = requirements(name, environment)
        let set = entries.isEmpty ? nil : SpecifierSet(entries.flatMap(\.value.specifiers.specifiers))
        var installed: [PEP440Version] = []
        if environment.imageShipsFramework {
            installed = shippedPartner(name, environment).map { [$0] } ?? []
        } else if let framework = environment.framework, let prefix = environment.frameworkVersion,
            framework.pipDistributions.first == name
        {
            installed = Compatibility.releases(framework, prefix, in: catalog).filter { !$0.isPrerelease }
        }
        let kept = set.map { set in installed.filter(set.contains) } ?? installed
        if !kept.isEmpty { return (.releases(kept), environment.imageShipsFramework) }
        // pip's requirements exclude what is installed (PipRule reports that): they are what
        // pip would pick from, as a pin always was. Requirements that exclude each other are
        // PipRule's too (E204), not a mismatch with the companion.
        guard let set, set.isSatisfiable else { return nil }
        if entries.count == 1, let pinned = pin(entries[0].value) { return (.releases([pinned]), false) }
        return (.range(set), false)
    }

    /// The table's rows for the versions a companion can be; nil when some version it can be is
    /// not known: a release no row describes, or a range that admits a version outside the
    /// table (`torchvision>=0.21` admits future lines, `<0.20` lines before the table's first).
    /// A row for a minor line (torchvision, torchaudio) describes every version of its line. Rows
    /// for single releases (jax) are every release with a wheel on PyPI from the first row to the
    /// last (Tests/Tools/pypi_wheels.py; yanked ones, which pip skips for a range, are absent), so
    /// a range must lie between those two and name no pre-release (pip would then consider
    /// pre-releases, which the rows lack); a release that the framework's own table lists and no
    /// row describes (jax 0.4.32, yanked) counts as unknown.
    static func rows(
        _ versions: Versions, _ package: String, _ entries: [CompanionRequirement], _ catalog: Catalog
    ) -> [CompanionRequirement]? {
        switch versions {
        case .releases(let releases):
            var rows: [CompanionRequirement] = []
            for release in releases {
                guard let row = entries.first(where: { $0.describes(release) }) else { return nil }
                if !rows.contains(where: { $0.version == row.version }) { rows.append(row) }
            }
            return rows
        case .range(let set):
            if entries.allSatisfy(\.isLine) {
                guard set.isWithin(entries.map(\.region)) else { return nil }
                return entries.filter { set.admits($0.region) }
            }
            let described = entries.map(\.version)
            guard let first = described.min(), let last = described.max(),
                set.specifiers.allSatisfy({ $0.version.map { !$0.isPrerelease } ?? false }),
                set.isWithin([
                    VersionInterval(lower: .init(first, inclusive: true), upper: .init(last, inclusive: true))
                ])
            else { return nil }
            let listed = FrameworkName.allCases.filter { $0.pipDistributions.first == package }.flatMap {
                Compatibility.releases($0, nil, in: catalog)
            }
            let admitted = (described + listed).filter { !$0.isPrerelease && set.contains($0) }
            return rows(.releases(admitted), package, entries, catalog)
        }
    }

    /// The partner's version an image ships as its framework (NGC PyTorch's torch,
    /// `2.1.0a0+32f93b1`), when the catalog confirms it; nil otherwise.
    static func shippedPartner(_ name: String, _ environment: ResolvedEnvironment) -> PEP440Version? {
        guard let framework = environment.shippedFramework, framework.pipDistributions.first == name else {
            return nil
        }
        return environment.catalogImage?.frameworkVersion.known
    }

    /// The release a requirement pins with `==` (`==0.16.1`); nil otherwise. `==0.16.*` is a
    /// range: taken as the release 0.16, `jaxlib==0.4.*` would not satisfy jax's `>=0.4.27`.
    static func pin(_ requirement: PipRequirement) -> PEP440Version? {
        guard requirement.marker == nil, requirement.url == nil, requirement.specifiers.specifiers.count == 1,
            let specifier = requirement.specifiers.specifiers.first, specifier.op == .equal, !specifier.wildcard
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
