import Mustache

/// Renders the templates from `templates/`, embedded at build time.
struct TemplateRenderer: Sendable {
    /// The shared renderer; templates are parsed once per process.
    static let shared = TemplateRenderer()

    private let library: MustacheLibrary

    private init() {
        MustacheContentTypes.register(ShellContentType(), named: "SHELL")
        MustacheContentTypes.register(DockerfileContentType(), named: "DOCKERFILE")
        MustacheContentTypes.register(YAMLContentType(), named: "YAML")
        var library = MustacheLibrary()
        for (name, source) in EmbeddedTemplates.sources.sorted(by: { $0.key < $1.key }) {
            do {
                try library.register(source, named: name)
            } catch {
                // The templates are part of the program: a broken one is a build defect, which
                // the golden tests catch before anything ships.
                preconditionFailure("template \(name) does not parse: \(error)")
            }
        }
        self.library = library
    }

    /// Renders template `name` (the file name without `.mustache`) with `context`.
    func render(_ name: String, _ context: [String: Any]) -> String {
        guard let text = library.render(context, withTemplate: name) else {
            preconditionFailure("no template named \(name)")
        }
        return text
    }
}
