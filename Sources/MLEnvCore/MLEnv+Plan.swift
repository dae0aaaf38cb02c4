/// The result of planning several teams on one host.
public struct PlanResult: Sendable {
    /// Every diagnostic of every file.
    public var diagnostics: [Diagnostic]
    /// The files to write, relative to the plan's folder (`compose.yaml`, `vision/run.sh`...);
    /// empty whenever there is an error.
    public var outputs: [OutputFile]
    /// The allocation.
    public var plan: HostPlan?
    /// The findings `ignore:` and `--ignore` set aside.
    public var ignored: [IgnoredDiagnostic] = []
}

extension MLEnv {
    /// Checks the specs together with the host, allocates GPUs and ports, and returns the plan's
    /// files: compose.yaml, PLAN.md, host.svg, plan.json, and each team's artifacts in a folder
    /// named after it, its run script using the planned GPUs and port.
    public static func plan(
        _ sources: [SourceFile], host: HostSpec, outputDirectory: String, workingDirectory: String,
        files: FileSystemView, options: CheckOptions = CheckOptions(),
        previous: [String: Allocation] = [:]
    ) -> PlanResult {
        var options = options
        options.host = host
        let result = check(sources, files: files, options: options)
        var diagnostics = result.diagnostics
        var ignored = result.ignored
        guard !diagnostics.containsErrors else {
            return PlanResult(diagnostics: diagnostics, outputs: [], plan: nil, ignored: ignored)
        }
        let bySpec = Dictionary(result.environments.map { ($0.spec.file, $0) }, uniquingKeysWith: { first, _ in first })
        let teams = sources.compactMap { source -> (spec: EnvironmentSpec, source: SourceFile)? in
            bySpec[source.path].map { (spec: $0.spec, source: source) }
        }
        let (plan, problems) = Planner.plan(teams, host: host, previous: previous)
        let suppression = Suppression(commandLine: options.ignored)
        for problem in problems {
            let (reported, set) = suppression.apply([problem], spec: bySpec[problem.file]?.spec)
            diagnostics += reported
            ignored += set
        }
        // A team built from its project's folder needs its plan folder inside that folder.
        let absolute = { (path: String) in SpecPaths.absolute(path, in: workingDirectory) }
        for team in plan?.teams ?? [] {
            guard let environment = bySpec[team.source.path] else { continue }
            let (reported, set) = suppression.apply(
                BuildContextRule.check(
                    environment, outputDirectory: outputDirectory + "/" + team.name, absolute: absolute),
                spec: environment.spec)
            diagnostics += reported
            ignored += set
        }
        guard let plan, !diagnostics.containsErrors else {
            return PlanResult(diagnostics: diagnostics, outputs: [], plan: nil, ignored: ignored)
        }
        var environments: [String: ResolvedEnvironment] = [:]
        var work: [PlanWork] = [.planFiles]
        for team in plan.teams {
            guard let environment = bySpec[team.source.path] else { continue }
            environments[team.name] = environment
            work.append(.team(team, environment))
        }
        // Each team's files, and the plan's own, are independent: render them on every core.
        let environmentsByName = environments
        let rendered = work.parallelMap { item -> [OutputFile] in
            switch item {
            case .planFiles:
                return Seal.seal(
                    PlanEmitter.render(
                        plan, environments: environmentsByName, outputDirectory: outputDirectory,
                        workingDirectory: workingDirectory))
            case .team(let team, let environment):
                let allocation = SourceFile(
                    path: "plan.json",
                    text:
                        "\(host.name.value): \(team.name) gpus=\(team.gpus) port=\(team.port.map(String.init) ?? "none")"
                )
                return artifacts(
                    environment, source: team.source, extraInputs: allocation,
                    outputDirectory: outputDirectory + "/" + team.name,
                    workingDirectory: workingDirectory, allocation: team.allocation
                ).map { file in
                    var file = file
                    file.path = team.name + "/" + file.path
                    return file
                }
            }
        }
        let outputs = rendered.flatMap { $0 }
        return PlanResult(diagnostics: diagnostics, outputs: outputs, plan: plan, ignored: ignored)
    }
}

/// One piece of a plan to render.
private enum PlanWork: Sendable {
    /// compose.yaml, PLAN.md, host.svg and plan.json.
    case planFiles
    /// One team's artifacts.
    case team(TeamPlan, ResolvedEnvironment)
}
