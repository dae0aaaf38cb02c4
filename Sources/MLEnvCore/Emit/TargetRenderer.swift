/// What every renderer reads: the build recipe, the run profile and the header naming the
/// inputs. Nothing else: no spec, no catalog.
struct RenderInput: Sendable {
    /// What to build.
    var recipe: BuildRecipe
    /// How to run it.
    var run: RunProfile
    /// Where the files come from.
    var header: GeneratedHeader
    /// Whether the output folder is named `.devcontainer` (see `GeneratedFiles.isDevContainerFolder`).
    var intoDevContainerFolder = false
}

/// Writes one target's files. Adding a target is one `Target` case, one renderer and its
/// templates: `Target.renderer` is an exhaustive switch, so the compiler finds the rest.
protocol TargetRenderer {
    /// The templates the renderer uses, so that they can be parsed ahead of time.
    static var templates: [TemplateName] { get }
    /// The target's files, unsealed.
    static func render(_ input: RenderInput) -> [OutputFile]
}

extension Target {
    /// The renderer that writes this target's files.
    var renderer: any TargetRenderer.Type {
        switch self {
        case .docker: DockerRenderer.self
        case .kubernetes: KubernetesRenderer.self
        case .slurm: SlurmRenderer.self
        case .apptainer: ApptainerRenderer.self
        case .devcontainer: DevContainerRenderer.self
        }
    }
}
