/// Rule family 4: pip requirements against what the image ships, against the spec's framework
/// version, and against themselves.
enum PipRule {
    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        let shipped = environment.shippedFramework
        let frameworks: [FrameworkName] = [.pytorch, .tensorflow, .jax]
        for located in context.spec.pip {
            let requirement = located.value
            if !requirement.specifiers.isSatisfiable {
                context.report(.pipConflict, "no version satisfies `\(requirement.text)`: its specifiers exclude each other", at: located.location)
                continue
            }
            guard let owner = frameworks.first(where: { $0.pipDistributions.contains(requirement.normalizedName) }) else { continue }
            if let shipped, owner == shipped {
                checkShipped(&context, located, framework: shipped)
            } else if let shipped {
                context.report(.secondFramework, "`\(requirement.text)` installs \(owner.displayName) on an image built around \(shipped.displayName)",
                               at: located.location, notes: [context.baseNote])
            } else if owner == environment.framework, let prefix = environment.frameworkVersion, owner.pipDistributions.first == requirement.normalizedName {
                checkAgainstFramework(&context, located, framework: owner, prefix: prefix)
            }
        }
    }

    /// A pip entry for the framework the image ships: redundant when the image's build
    /// satisfies it, an error when pip would replace the build.
    static func checkShipped(_ context: inout RuleContext, _ located: Located<PipRequirement>, framework: FrameworkName) {
        let requirement = located.value
        let image = context.environment.image
        let version = context.environment.catalogImage?.frameworkVersion.known
        if let version, requirement.url == nil, requirement.specifiers.contains(version) || requirement.specifiers.specifiers.isEmpty {
            context.report(.redundantFramework, "`\(image)` already ships \(framework.displayName) \(version), which satisfies `\(requirement.text)`",
                           at: located.location, notes: [context.baseNote], fix: "remove `\(requirement.text)` from packages.pip")
            return
        }
        let what = version.map { "\(framework.displayName) \($0)" } ?? "its own \(framework.displayName) build"
        context.report(.frameworkReinstalled, "`\(requirement.text)` would replace \(what) that `\(image)` ships",
                       at: located.location, notes: [context.baseNote], fix: "remove `\(requirement.text)` from packages.pip")
    }

    /// `torch==2.3.0` in pip while `framework.version` says 2.1.
    static func checkAgainstFramework(_ context: inout RuleContext, _ located: Located<PipRequirement>, framework: FrameworkName, prefix: String) {
        guard let wanted = PEP440Version(prefix) else { return }
        let release = wanted.release
        var upper = release
        upper[upper.count - 1] += 1
        let range = SpecifierSet([VersionSpecifier(op: ">=", version: prefix)!,
                                  VersionSpecifier(op: "<", version: upper.map(String.init).joined(separator: "."))!])
        guard !located.value.specifiers.intersection(range).isSatisfiable else { return }
        var notes: [DiagnosticNote] = []
        if let location = context.spec.framework?.version?.location {
            notes.append(DiagnosticNote("`framework.version` asks for \(prefix) here", file: context.file, at: location))
        }
        context.report(.pipConflict, "`\(located.value.text)` contradicts \(framework.displayName) \(prefix) from `framework.version`",
                       at: located.location, notes: notes, fix: "remove the pip entry; mlenv installs \(framework.displayName) \(prefix) itself")
    }
}
