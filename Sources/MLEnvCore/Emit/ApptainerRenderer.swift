/// `--target apptainer`: an Apptainer (Singularity) definition file that takes the Dockerfile's
/// steps, in the same order, from the same recipe.
enum ApptainerRenderer: TargetRenderer {
    static let templates: [TemplateName] = [.apptainer]

    static func render(_ input: RenderInput) -> [OutputFile] {
        [
            OutputFile(
                path: GeneratedFiles.apptainer,
                contents: .text(TemplateRenderer.shared.render(.apptainer, BuildStepsView(input, apptainer: true))))
        ]
    }
}
