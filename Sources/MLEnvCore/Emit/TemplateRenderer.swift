import Dispatch
import Mustache
import Synchronization

/// The templates in `templates/`, embedded at build time: a misspelt name does not compile.
enum TemplateName: String, Sendable, CaseIterable {
    case dockerfile = "Dockerfile"
    case runScript = "run.sh"
    case requirements = "requirements.txt"
    case slurm = "job.sbatch"
    case apptainer = "Apptainer.def"
    case composeScript = "compose.sh"
    case plan = "PLAN.md"
    case hostSVG = "host.svg"
}

/// Renders the templates from `templates/`, embedded at build time.
final class TemplateRenderer: Sendable {
    /// The shared renderer; each template is parsed once per process, when first used.
    static let shared = TemplateRenderer()

    /// Parsed templates by name. Parsing is most of a one-spec `generate`'s time, and a run
    /// needs few of the templates, so none is parsed before it is needed.
    private let parsed = Mutex<[TemplateName: MustacheTemplate]>([:])

    private init() {
        MustacheContentTypes.register(ShellContentType(), named: "SHELL")
        MustacheContentTypes.register(DockerfileContentType(), named: "DOCKERFILE")
    }

    /// Parses `names` now, on other threads, so that a later `render` finds them ready: the
    /// CLI starts this before it reads the catalog and the spec.
    func prepare(_ names: [TemplateName]) {
        for name in names {
            DispatchQueue.global(qos: .userInitiated).async { _ = self.template(name) }
        }
    }

    /// Renders template `name` with `view`: a typed view whose fields the template reads by name.
    func render(_ name: TemplateName, _ view: Any) -> String {
        template(name).render(view)
    }

    private func template(_ name: TemplateName) -> MustacheTemplate {
        if let template = parsed.withLock({ $0[name] }) { return template }
        guard let source = EmbeddedTemplates.sources[name.rawValue] else {
            preconditionFailure("no template named \(name.rawValue)")
        }
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
