/// Renders `templates/requirements.txt.mustache`: the spec's pip requirements, plus Jupyter
/// when the spec wants it and the base image lacks it. Nil when there is nothing to install.
enum RequirementsEmitter {
    static func render(_ environment: ResolvedEnvironment, header: GeneratedHeader) -> String? {
        let spec = environment.spec
        var added: [String] = []
        if let jupyter = spec.jupyter {
            let names = Set(spec.pip.map(\.value.normalizedName))
            if jupyter.lab && !environment.imageShipsJupyter && !names.contains("jupyterlab") { added.append("jupyterlab") }
            if !jupyter.lab && !names.contains("notebook") { added.append("notebook") }
        }
        guard !spec.pip.isEmpty || !added.isEmpty else { return nil }
        let context: [String: Any] = [
            "version": header.mlenvVersion,
            "specName": header.specName,
            "requirements": spec.pip.map(\.value.text),
            "added": added,
            "hasAdded": !added.isEmpty,
        ]
        return TemplateRenderer.shared.render("requirements.txt", context)
    }
}
