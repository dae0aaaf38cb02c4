/// The stages the libFuzzer targets (Sources/mlenv-fuzz) reach that are internal to the core.
/// `@_spi(Fuzzing)`: visible only to a client that imports the core with
/// `@_spi(Fuzzing) import MLEnvCore`, so the core's public API stays as it is.
@_spi(Fuzzing) public enum Fuzzing {
    /// `RequirementParser`: the requirement, or the message saying why it is not one.
    public static func parseRequirement(_ text: String) -> Result<PipRequirement, FuzzingError> {
        RequirementParser.parse(text).mapError { FuzzingError(message: $0.message) }
    }

    /// `RequirementsReader`: the requirements files `spec` names, read from `files`.
    public static func readRequirements(_ spec: EnvironmentSpec, files: FileSystemView) -> (
        ProjectRequirements, [Diagnostic]
    ) {
        RequirementsReader.read(spec, files: files)
    }

    /// `ProjectReader`: the `pyproject.toml` of the project `spec` names, read from `files`.
    public static func readProject(_ spec: EnvironmentSpec, files: FileSystemView) -> (PythonProject?, [Diagnostic]) {
        ProjectReader.read(spec, files: files)
    }
}

/// A stage's refusal, as text.
@_spi(Fuzzing) public struct FuzzingError: Error {
    public var message: String
}
