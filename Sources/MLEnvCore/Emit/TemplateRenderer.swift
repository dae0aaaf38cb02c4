import Dispatch
import Mustache
import Synchronization

/// Renders the templates from `templates/`, embedded at build time.
final class TemplateRenderer: Sendable {
    /// The shared renderer; each template is parsed once per process, when first used.
    static let shared = TemplateRenderer()

    /// Parsed templates by name. Parsing is most of a one-spec `generate`'s time, and a run
    /// needs few of the templates, so none is parsed before it is needed.
    private let parsed = Mutex<[String: MustacheTemplate]>([:])

    private init() {
        MustacheContentTypes.register(ShellContentType(), named: "SHELL")
        MustacheContentTypes.register(DockerfileContentType(), named: "DOCKERFILE")
        MustacheContentTypes.register(YAMLContentType(), named: "YAML")
    }

    /// Parses `names` now, on other threads, so that a later `render` finds them ready: the
    /// CLI starts this before it reads the catalog and the spec.
    func prepare(_ names: [String]) {
        for name in names {
            DispatchQueue.global(qos: .userInitiated).async { _ = self.template(name) }
        }
    }

    /// Renders template `name` (the file name without `.mustache`) with `context`.
    func render(_ name: String, _ context: [String: Any]) -> String {
        template(name).render(context)
    }

    private func template(_ name: String) -> MustacheTemplate {
        if let template = parsed.withLock({ $0[name] }) { return template }
        guard let source = EmbeddedTemplates.sources[name] else { preconditionFailure("no template named \(name)") }
        let template: MustacheTemplate
        do {
            template = try MustacheTemplate(string: source)
        } catch {
            // The templates are part of the program: a broken one is a build defect, which
            // the golden tests catch before anything ships.
            preconditionFailure("template \(name) does not parse: \(error)")
        }
        parsed.withLock { $0[name] = template }
        return template
    }
}
