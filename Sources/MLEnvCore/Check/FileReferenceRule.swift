/// Checks that files the spec names exist, relative to the spec's folder.
enum FileReferenceRule {
    static func check(_ spec: EnvironmentSpec, files: FileSystemView) -> [Diagnostic] {
        guard let bundle = spec.build.caBundle else { return [] }
        let path = SpecPaths.resolve(bundle.value, relativeTo: spec.file)
        guard files.contents(of: path) == nil else { return [] }
        return [Diagnostic(.missingFile, "`build.ca_bundle` names `\(bundle.value)`, which does not exist (looked for `\(path)`)",
                           file: spec.file, at: bundle.location)]
    }
}
