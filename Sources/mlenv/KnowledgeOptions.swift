import ArgumentParser
import Foundation
import MLEnvCore

/// `--catalog FILE` (repeatable) and `--host FILE`, shared by the commands that check.
struct KnowledgeOptions: ParsableArguments {
    @Option(
        name: .customLong("catalog"),
        help: ArgumentHelp(
            "A catalog file adding images mlenv should know (repeatable; see `mlenv explain E140`).", valueName: "file")
    )
    var catalogs: [String] = []

    @Option(help: ArgumentHelp("A host inventory (kind: host) to check drivers and GPUs against.", valueName: "file"))
    var host: String?

    @Option(
        name: .customLong("ignore"),
        help: ArgumentHelp(
            "A code (W302) or its name (unpinned-pip) whose findings are counted as ignored, not reported (repeatable).",
            valueName: "code"))
    var ignoredCodes: [String] = []

    @Option(help: ArgumentHelp("Largest YAML file read, in bytes.", valueName: "bytes"))
    var maxFileSize: Int = YAMLLimits().maximumBytes

    @Option(help: ArgumentHelp("Deepest nesting of lists and mappings accepted.", valueName: "levels"))
    var maxDepth: Int = YAMLLimits().maximumDepth

    @Option(help: ArgumentHelp("Most values accepted in one file.", valueName: "count"))
    var maxNodes: Int = YAMLLimits().maximumNodes

    /// The limits the flags set.
    var limits: YAMLLimits { YAMLLimits(maximumBytes: maxFileSize, maximumDepth: maxDepth, maximumNodes: maxNodes) }

    /// The options, and any problems found in the catalog and host files themselves.
    func load() throws -> (CheckOptions, [SourceFile], [Diagnostic]) {
        var options = CheckOptions(limits: limits)
        for text in ignoredCodes {
            guard let code = DiagnosticCode.named(text) else {
                printError("mlenv: error: --ignore \(text): no such code (see `mlenv explain`)")
                throw ExitStatus.cannotRun
            }
            guard code.isIgnorable else {
                printError("mlenv: error: --ignore \(code.id): errors of reading a file cannot be ignored")
                throw ExitStatus.cannotRun
            }
            options.ignored.insert(code)
        }
        var sources: [SourceFile] = []
        var diagnostics: [Diagnostic] = []
        for path in catalogs {
            let source = try SourceLoader.load([path], limit: maxFileSize)[0]
            sources.append(source)
            let (catalog, found) = CatalogLoader.load(source)
            diagnostics += found
            options.catalog.merge(catalog)
        }
        if let host {
            let source = try SourceLoader.load([host], limit: maxFileSize)[0]
            sources.append(source)
            let (file, found) = MLEnv.load(source)
            diagnostics += found
            switch file {
            case .host(let spec)?: options.host = spec
            case .environment?:
                printError("mlenv: error: \(host): --host needs a `kind: host` file")
                throw ExitStatus.cannotRun
            case nil: break
            }
        }
        return (options, sources, diagnostics)
    }
}

extension KnowledgeOptions {
    /// Checks one spec with these options, prints its problems (`shown` picks which) to standard
    /// error, and returns its resolved environment, or exits 1 when it has errors.
    func resolveOne(_ spec: String, shown: (Diagnostic) -> Bool = { _ in true }) throws -> (
        ResolvedEnvironment, SourceFile, CheckOptions
    ) {
        let (options, extraSources, extraDiagnostics) = try load()
        let sources = try SourceLoader.load([spec], limit: maxFileSize)
        let result = MLEnv.check(sources, files: DiskFiles(), options: options)
        let diagnostics = extraDiagnostics + result.diagnostics
        let problems = diagnostics.filter(shown)
        if !problems.isEmpty || !result.ignored.isEmpty {
            printError(
                TextFormatter(color: wantsColor(STDERR_FILENO)).format(
                    Report(problems, ignored: result.ignored, fileCount: 1),
                    sources: SourceLoader.texts(sources + extraSources, for: problems)))
        }
        if case .host? = result.files.first {
            printError("mlenv: error: \(spec) describes a host; this command takes an environment spec")
            throw ExitStatus.problems
        }
        guard let environment = result.environments.first, !diagnostics.containsErrors else {
            throw ExitStatus.problems
        }
        return (environment, sources[0], options)
    }
}
