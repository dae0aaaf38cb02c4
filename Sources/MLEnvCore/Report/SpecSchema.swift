/// The JSON Schema for spec and host files (`Schema/mlenv.schema.json`, embedded), for editors:
/// `# yaml-language-server: $schema=...` on a spec's first line gives completion and checks.
public enum SpecSchema {
    /// The schema's text, exactly as committed.
    public static var text: String { EmbeddedSchema.sources["mlenv.schema"] ?? "" }
}
