/// One team's place on the host.
public struct TeamPlan: Sendable {
    /// The team's spec, as written: the allocation applies to its run profile, not to it.
    public var spec: EnvironmentSpec
    /// The spec file it came from.
    public var source: SourceFile
    /// The GPUs and port the plan gives it.
    public var allocation: Allocation

    /// The GPU indices it gets (empty for none).
    public var gpus: [Int] { allocation.gpus }
    /// The host port of its Jupyter server, when it has one.
    public var port: Int? { allocation.port }
    /// The team's name.
    public var name: String { spec.name.value }
}

/// Every team's allocation on one host.
public struct HostPlan: Sendable {
    /// The host.
    public var host: HostSpec
    /// The teams, sorted by name.
    public var teams: [TeamPlan]
}

/// Allocates GPUs and ports on a shared host, deterministically: explicit indices and ports are
/// honoured; counts and unset ports are filled in name order, first from what the team had in
/// the previous plan (when still free), then from the lowest free. Linear in teams plus GPUs.
public enum Planner {
    public static func plan(
        _ teams: [(spec: EnvironmentSpec, source: SourceFile)], host: HostSpec,
        previous: [String: Allocation] = [:]
    ) -> (HostPlan?, [Diagnostic]) {
        let ordered = teams.sorted { $0.spec.name.value < $1.spec.name.value }
        var diagnostics: [Diagnostic] = []
        let start = host.name.location
        let wantsGPUs = ordered.contains { $0.spec.gpus.value != GPURequest.none }
        let wantsPorts = ordered.contains { $0.spec.jupyter.map { !$0.portIsExplicit } ?? false }
        if wantsGPUs && host.gpuCount == nil {
            diagnostics.append(
                Diagnostic(
                    .hostIncomplete, "`\(host.name.value)` does not say how many GPUs it has", file: host.file,
                    at: start,
                    fix: "add `gpus: {model: ..., count: N}`"))
        }
        if wantsPorts && host.jupyterPorts == nil {
            diagnostics.append(
                Diagnostic(
                    .hostIncomplete, "`\(host.name.value)` has no `jupyter_ports` range to choose Jupyter ports from",
                    file: host.file, at: start,
                    fix: "add `jupyter_ports: 18800-18899`"))
        }
        guard diagnostics.isEmpty else { return (nil, diagnostics) }
        let count = host.gpuCount?.value ?? 0

        var taken = [Bool](repeating: false, count: count)
        var gpus = [[Int]](repeating: [], count: ordered.count)
        var pending: [Int] = []
        for (index, team) in ordered.enumerated() {
            switch team.spec.gpus.value {
            case .none: break
            case .all: gpus[index] = Array(0..<count)
            case .devices(let devices): gpus[index] = devices
            case .count: pending.append(index)
            }
            for device in gpus[index] where device < count { taken[device] = true }
        }
        // Counts: first what the previous plan gave the team, when it is still free and the right size.
        var unplaced: [Int] = []
        for index in pending {
            guard case .count(let wanted) = ordered[index].spec.gpus.value else { continue }
            if let before = previous[ordered[index].spec.name.value]?.gpus, before.count == wanted,
                before.allSatisfy({ $0 < count && !taken[$0] })
            {
                gpus[index] = before
                for device in before { taken[device] = true }
            } else {
                unplaced.append(index)
            }
        }
        var cursor = 0
        var overAsked: [(Int, Int, Int)] = []
        for index in unplaced {
            guard case .count(let wanted) = ordered[index].spec.gpus.value else { continue }
            var chosen: [Int] = []
            var probe = cursor
            while chosen.count < wanted, probe < count {
                if !taken[probe] { chosen.append(probe) }
                probe += 1
            }
            if chosen.count < wanted {
                overAsked.append((index, wanted, chosen.count))
                continue
            }
            for device in chosen { taken[device] = true }
            while cursor < count, taken[cursor] { cursor += 1 }
            gpus[index] = chosen
        }
        if !overAsked.isEmpty {
            let total = overAsked.reduce(0) { $0 + $1.1 }
            let free = taken.filter { !$0 }.count
            let list = overAsked.map { "`\(ordered[$0.0].spec.name.value)` asks for \($0.1)" }.joined(separator: ", ")
            for (index, wanted, _) in overAsked {
                let spec = ordered[index].spec
                diagnostics.append(
                    Diagnostic(
                        .gpuOvercommit,
                        "the request cannot fit on \(host.name.value): \(list); \(free) GPU\(free == 1 ? " is" : "s are") left, \(total - free) too few; `\(spec.name.value)` asks for \(wanted)",
                        file: spec.file, at: spec.gpus.location,
                        notes: [
                            DiagnosticNote(
                                "\(host.name.value) has \(count) GPUs", file: host.file, at: host.gpuCount?.location)
                        ],
                        fix: "lower the count, share GPUs (gpus_shared), or plan this team on another host"))
            }
        }

        // Ports: explicit ones stay; then the previous plan's; then the lowest free in the range.
        var ports = [Int?](repeating: nil, count: ordered.count)
        var used = Set<Int>()
        var open: [Int] = []
        for (index, team) in ordered.enumerated() {
            guard let jupyter = team.spec.jupyter else { continue }
            if jupyter.portIsExplicit {
                ports[index] = jupyter.port.value
                used.insert(jupyter.port.value)
            } else {
                open.append(index)
            }
        }
        let range = host.jupyterPorts?.value ?? 0...(-1)
        var rest: [Int] = []
        for index in open {
            if let before = previous[ordered[index].spec.name.value]?.port, range.contains(before),
                !used.contains(before)
            {
                ports[index] = before
                used.insert(before)
            } else {
                rest.append(index)
            }
        }
        var nextPort = range.lowerBound
        for index in rest {
            while nextPort <= range.upperBound, used.contains(nextPort) { nextPort += 1 }
            guard nextPort <= range.upperBound else {
                let spec = ordered[index].spec
                diagnostics.append(
                    Diagnostic(
                        .portOutsideRange,
                        "no free Jupyter port is left in \(host.name.value)'s range \(range.lowerBound)-\(range.upperBound) for `\(spec.name.value)`",
                        file: spec.file, at: spec.jupyter?.location ?? spec.name.location,
                        notes: [
                            DiagnosticNote("the range is set here", file: host.file, at: host.jupyterPorts?.location)
                        ]))
                continue
            }
            ports[index] = nextPort
            used.insert(nextPort)
        }
        guard !diagnostics.containsErrors else { return (nil, diagnostics) }

        let planned = ordered.enumerated().map { index, team in
            TeamPlan(
                spec: team.spec, source: team.source,
                allocation: Allocation(gpus: gpus[index].sorted(), port: ports[index]))
        }
        return (HostPlan(host: host, teams: planned), diagnostics)
    }
}
