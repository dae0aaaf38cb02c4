/// The result of planning several teams on one host.
public struct PlanResult: Sendable {
    /// Every diagnostic of every file.
    public var diagnostics: [Diagnostic]
    /// The files to write, relative to the plan's folder (`compose.yaml`, `vision/run.sh`...);
    /// empty whenever there is an error.
    public var outputs: [OutputFile]
    /// The allocation.
    public var plan: HostPlan?
}

extension MLEnv {
    /// Checks the specs together with the host, allocates GPUs and ports, and returns the plan's
    /// files: compose.yaml, PLAN.md, host.svg, plan.json, and each team's artifacts in a folder
    /// named after it, its run script using the planned GPUs and port.
    public static func plan(_ sources: [SourceFile], host: HostSpec, outputDirectory: String, workingDirectory: String,
                            files: FileSystemView, options: CheckOptions = CheckOptions(),
                            previous: [String: PreviousAllocation] = [:]) -> PlanResult {
        var options = options
        options.host = host
        let result = check(sources, files: files, options: options)
        var diagnostics = result.diagnostics
        guard !diagnostics.containsErrors else { return PlanResult(diagnostics: diagnostics, outputs: [], plan: nil) }
        let bySpec = Dictionary(result.environments.map { ($0.spec.file, $0) }, uniquingKeysWith: { first, _ in first })
        let teams = sources.compactMap { source -> (spec: EnvironmentSpec, source: SourceFile)? in
            bySpec[source.path].map { (spec: $0.spec, source: source) }
        }
        let (plan, problems) = Planner.plan(teams, host: host, previous: previous)
        diagnostics += problems
        guard let plan, !diagnostics.containsErrors else { return PlanResult(diagnostics: diagnostics, outputs: [], plan: nil) }
        var outputs: [OutputFile] = []
        var environments: [String: ResolvedEnvironment] = [:]
        for team in plan.teams {
            guard var environment = bySpec[team.source.path] else { continue }
            environment.spec = team.spec
            environments[team.name] = environment
            let allocation = SourceFile(path: "plan.json", text: "\(host.name.value): \(team.name) gpus=\(team.gpus) port=\(team.port.map(String.init) ?? "none")")
            let folder = outputDirectory + "/" + team.name
            for file in artifacts(environment, source: team.source, extraInputs: allocation, outputDirectory: folder,
                                  workingDirectory: workingDirectory, catalog: options.catalog) {
                var file = file
                file.path = team.name + "/" + file.path
                outputs.append(file)
            }
        }
        outputs = Seal.seal(PlanEmitter.render(plan, environments: environments, outputDirectory: outputDirectory, workingDirectory: workingDirectory)) + outputs
        return PlanResult(diagnostics: diagnostics, outputs: outputs, plan: plan)
    }
}
