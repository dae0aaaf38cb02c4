/// plan.json: what each team was given, written by `mlenv plan` and read back by the next plan
/// in the same folder so that adding a team does not reshuffle the others.
/// `{"host": NAME, "teams": [{"name", "gpus": [...], "port": N | null}]}`.
public struct PlanFile: Sendable, Equatable {
    /// The host's name.
    public var host: String
    /// Each team's allocation, by team name.
    public var allocations: [String: Allocation]

    /// The plan's allocations.
    public init(_ plan: HostPlan) {
        host = plan.host.name.value
        allocations = Dictionary(plan.teams.map { ($0.name, $0.allocation) }, uniquingKeysWith: { first, _ in first })
    }

    init(host: String, allocations: [String: Allocation]) {
        self.host = host
        self.allocations = allocations
    }

    /// The file's text, teams in name order.
    public var text: String {
        JSONPrinter.print(
            .mapping([
                "host": .string(host),
                "teams": .sequence(
                    allocations.keys.sorted().map { name in
                        let allocation = allocations[name]!
                        return .mapping(
                            [
                                "name": .string(name),
                                "gpus": .sequence(allocation.gpus.map(Document.integer), .flow),
                                "port": allocation.port.map(Document.integer) ?? .null,
                            ], .flow)
                    }, .block),
            ]))
    }

    /// Reads a plan.json (JSON is YAML, so libyaml reads it). A file that is not one, or a team
    /// entry that does not fit, is passed over: the plan then starts afresh for those teams.
    public static func read(_ bytes: [UInt8]) -> PlanFile? {
        guard let root = YAMLReader.read(bytes, file: "plan.json").root, case .mapping(let fields) = root.kind,
            let host = fields.first(where: { $0.key == "host" })?.value.scalarText,
            case .sequence(let teams)? = fields.first(where: { $0.key == "teams" })?.value.kind
        else { return nil }
        var allocations: [String: Allocation] = [:]
        for team in teams {
            guard case .mapping(let entries) = team.kind else { continue }
            let field = { (key: String) in entries.first { $0.key == key }?.value }
            guard let name = field("name")?.scalarText else { continue }
            var gpus: [Int] = []
            if case .sequence(let items)? = field("gpus")?.kind {
                gpus = items.compactMap { $0.scalarText.flatMap { Int($0) } }
            }
            let port = field("port").flatMap { $0.isNull ? nil : $0.scalarText.flatMap { Int($0) } }
            allocations[name] = Allocation(gpus: gpus, port: port)
        }
        return PlanFile(host: host, allocations: allocations)
    }
}
