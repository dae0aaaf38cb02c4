/// Rule family 7: habits that make environments irreproducible or unsafe.
enum HygieneRule {
    static func check(_ context: inout RuleContext) {
        let spec = context.spec
        if case .image(let image) = spec.base.value, image.digest == nil, image.tag == nil || image.tag == "latest" {
            let why = image.tag == nil ? "has no tag" : "is tagged `latest`"
            context.report(.unpinnedBase, "`\(image)` \(why), so the same spec builds a different image over time", at: spec.base.location,
                           fix: "name a release tag or a digest")
        }
        if !context.environment.imageShipsFramework, let framework = spec.framework, framework.name.value != .none, framework.version == nil {
            context.report(.unpinnedPip, "`framework: \(framework.name.value.rawValue)` has no version, so pip installs the newest \(framework.name.value.displayName)",
                           at: framework.name.location, fix: "add `version:`, e.g. `framework: {name: \(framework.name.value.rawValue), version: \"2.1\"}`")
        }
        for requirement in spec.pip where !requirement.value.isPinned {
            context.report(.unpinnedPip, "`\(requirement.value.text)` is not pinned to one version", at: requirement.location,
                           fix: "pin it with ==")
        }
        let unpinned = spec.apt.filter { $0.value.version == nil }
        if let first = unpinned.first {
            let names = unpinned.map(\.value.name).joined(separator: ", ")
            context.report(.unpinnedApt, "apt package\(unpinned.count == 1 ? "" : "s") \(names) \(unpinned.count == 1 ? "is" : "are") not pinned", at: first.location,
                           fix: "pin with name=version where exact reproduction matters")
        }
        if let jupyter = spec.jupyter, ["0.0.0.0", "::"].contains(jupyter.bind.value) {
            context.report(.jupyterExposed, "Jupyter is published on every interface (\(jupyter.bind.value)), not only this machine", at: jupyter.bind.location,
                           fix: "remove `bind` (127.0.0.1) and reach Jupyter through the ssh line `run.sh url` prints")
        }
        for variable in spec.env where looksSecret(variable) {
            context.report(.secretInImage, "`\(variable.name.value)` looks like a secret; env values are baked into the image for anyone who can pull it",
                           at: variable.name.location, fix: "remove it from `env` and list `\(variable.name.value)` under `secrets:`")
        }
    }

    static let secretWords: Set<String> = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASS", "APIKEY", "KEY", "CREDENTIAL", "CREDENTIALS", "AUTH", "PRIVATE"]
    static let secretPrefixes = ["sk-", "ghp_", "gho_", "github_pat_", "hf_", "AKIA", "xoxb-", "xoxp-", "glpat-", "-----BEGIN"]

    static func looksSecret(_ variable: EnvVariable) -> Bool {
        let value = variable.value.value
        guard !value.isEmpty else { return false }
        // Names are ASCII letters, digits and `_` (the decoder refuses others): read as bytes.
        for word in variable.name.value.utf8.split(separator: UInt8(ascii: "_")) {
            let upper = String(decoding: word.map { ASCII.isLower($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
            if secretWords.contains(upper) { return true }
        }
        return secretPrefixes.contains { value.utf8.starts(with: $0.utf8) }
    }
}
