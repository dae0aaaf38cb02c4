extension DiagnosticCode {
    static let outputOutsideContext = DiagnosticCode(
        "E170", .error, name: "output-outside-context",
        summary: "The output folder is outside the folder `project:` and `files:` build from.",
        explanation: """
            A spec with `project:` or `files:` is built from the project's folder (`project.path`, \
            else the spec's folder), so that the build sees the project's code; the generated \
            Dockerfile and requirements files must be inside it too, because an engine reads \
            one folder. Generate into a folder inside the project, such as `.mlenv/NAME` \
            (the generated `.dockerignore` keeps the rest of that folder out of the build).
            """)
}

/// The folder the engine builds from. Without `project:` or `files:` it is the output folder
/// itself; with them, the project's folder (`project.path`, else the spec's), which holds the
/// output folder.
public struct BuildContext: Sendable, Equatable {
    /// The context's folder, relative to the output folder (`../..`): what run.sh builds.
    public var fromOutput: String
    /// The output folder, relative to the context (`.mlenv/demo`): where the generated files are.
    public var outputInside: String
    /// Whether the context has a `.dockerignore` of its own, which then applies instead of mlenv's.
    public var hasOwnIgnoreFile: Bool

    /// `path` (a generated file, relative to the output folder) as the build context names it.
    func generated(_ path: String) -> String {
        outputInside == "." ? path : outputInside + "/" + path
    }
}

/// Where the build reads the project from, and the check that the output is inside it.
enum BuildContextRule: Rule {
    static let description = RuleDescription(
        title: "the build's folder",
        overview: "`mlenv generate mlenv.yaml -o /tmp/out` for a spec with `project: .`",
        codes: [.outputOutsideContext],
        triggering: [
            RuleExample(
                .outputOutsideContext,
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                cuda: none
                ↓files: ["assets:/opt/assets"]
                """, with: [.onDisk("assets/a.txt", "a\n")], command: .generate(outputDirectory: "../out"))
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                cuda: none
                files: ["assets:/opt/assets"]
                """, with: [.onDisk("assets/a.txt", "a\n")], command: .generate(outputDirectory: ".mlenv/team"))
        ])

    /// The context's folder (relative to the working directory, or absolute), when the spec copies
    /// the project's own files.
    static func folder(_ environment: ResolvedEnvironment) -> String? { environment.spec.buildContextFolder }

    /// The context for `outputDirectory`; nil when the output folder is the context, or when it
    /// is outside the project's folder (`check` says so).
    static func context(
        _ environment: ResolvedEnvironment, outputDirectory: String, absolute: (String) -> String
    ) -> BuildContext? {
        guard let folder = folder(environment) else { return nil }
        let root = absolute(folder)
        let output = absolute(outputDirectory)
        guard let inside = SpecPaths.relativePath(from: root, to: output), !inside.hasPrefix(".."),
            let back = SpecPaths.relativePath(from: output, to: root)
        else { return nil }
        return BuildContext(
            fromOutput: back, outputInside: inside, hasOwnIgnoreFile: environment.requirements.contextHasIgnoreFile)
    }

    /// E170 when the spec builds from its project's folder and `outputDirectory` is not inside it.
    static func check(
        _ environment: ResolvedEnvironment, outputDirectory: String, absolute: (String) -> String
    ) -> [Diagnostic] {
        guard let folder = folder(environment),
            context(environment, outputDirectory: outputDirectory, absolute: absolute) == nil
        else { return [] }
        let spec = environment.spec
        let at = spec.project?.location ?? spec.keyLocations["files"] ?? spec.name.location
        return [
            Diagnostic(
                .outputOutsideContext,
                "the output folder `\(outputDirectory)` is outside `\(folder)`, the folder this spec is built from",
                file: spec.file, at: at,
                fix:
                    "generate into a folder inside it, such as `-o \(SpecPaths.normalize(folder + "/.mlenv/" + spec.name.value))`"
            )
        ]
    }
}
