extension DiagnosticCode {
    static let gpuClash = DiagnosticCode(
        "E301", .error, name: "gpu-clash", summary: "Two specs claim the same GPU on the shared host.",
        explanation: """
            When two teams run on the same GPU, both train at a fraction of the speed, or one \
            runs out of memory, without knowing why. Give each team its own device indices, a \
            count (`gpus: 2`) that `mlenv plan` fills from the free GPUs, or, when both teams \
            accept sharing, `gpus_shared: true` in both specs (then it is a warning, W310). \
            `gpus: all` (the default when `gpus:` is left out) claims every GPU.
            """)
    static let gpuShared = DiagnosticCode(
        "W310", .warning, name: "gpu-shared", summary: "Two specs share a GPU; both accept it (gpus_shared).",
        explanation:
            "Both specs set `gpus_shared: true`, so sharing is intended; they will compete for the GPU's memory and time."
    )
    static let gpuOvercommit = DiagnosticCode(
        "E302", .error, name: "gpu-overcommit", summary: "The specs ask for more GPUs than the host has.",
        explanation: """
            The host inventory's `gpus.count` is the number of GPUs; the specs on it together \
            ask for more. The message names the teams and by how much the request exceeds the \
            host. Lower the counts, share GPUs (`gpus_shared`), or move a team to another host.
            """)
    static let portClash = DiagnosticCode(
        "E303", .error, name: "port-clash", summary: "Two specs publish Jupyter on the same host port.",
        explanation: """
            Only one container can listen on a host port; the second `run.sh up` fails. Give \
            each team its own `jupyter.port`, or leave it out and let `mlenv plan` choose one \
            from the host's `jupyter_ports`.
            """)
    static let portOutsideRange = DiagnosticCode(
        "E304", .error, name: "port-outside-range", summary: "A Jupyter port is outside the host's `jupyter_ports`.",
        explanation: """
            The host inventory reserves a range of ports for teams' Jupyter servers \
            (`jupyter_ports: 18800-18899`); a port outside it may be taken by another service \
            or blocked by the firewall. Pick a port in the range, or leave `port` out.
            """)
    static let duplicateName = DiagnosticCode(
        "E305", .error, name: "duplicate-name", summary: "Two specs have the same `name`.",
        explanation: """
            The name becomes the image name, the container name and the plan's folder, so two \
            specs with one name overwrite each other's image and container.
            """)
    static let gpuIndexOutOfRange = DiagnosticCode(
        "E306", .error, name: "gpu-index-out-of-range", summary: "A spec names a GPU index the host does not have.",
        explanation: "A host with `gpus.count: 8` has devices 0 to 7.")
    static let hostIncomplete = DiagnosticCode(
        "E307", .error, name: "host-incomplete",
        summary: "`mlenv plan` needs the host's GPU count and Jupyter port range.",
        explanation: """
            To allocate GPUs and ports, the host inventory must say how many GPUs it has \
            (`gpus: {model: A100-SXM4-80GB, count: 8}`) and, when teams use Jupyter, which ports \
            they may use (`jupyter_ports: 18800-18899`).
            """)
}

/// Clashes between the specs that share one host: names, GPUs and ports. Each kind of claim is
/// indexed once (a dictionary per GPU index, per port, per name), so checking is linear in the
/// number of specs and GPUs, never pairwise.
enum SharedHostRule: Rule {
    static let description = RuleDescription(
        title: "several specs on one host",
        overview:
            "the same GPU twice, `gpus: all` beside another GPU user, more GPUs than the host has, the same Jupyter port twice, two specs with one `name`",
        codes: [
            .gpuClash, .gpuShared, .gpuOvercommit, .portClash, .portOutsideRange, .duplicateName, .gpuIndexOutOfRange,
            .hostIncomplete,
        ],
        triggering: [
            RuleExample(
                .gpuClash, team("a", "gpus: [0, 1]"),
                with: [.checked("b.yaml", team("b", "gpus: ↓[1, 2]")), .host(dgx)]),
            RuleExample(
                .gpuClash, team("a", "gpus: all"), with: [.checked("b.yaml", team("b", "gpus: ↓1")), .host(dgx)]),
            RuleExample(
                .gpuShared, team("a", "gpus: [0]\ngpus_shared: true"),
                with: [.checked("b.yaml", team("b", "gpus: ↓[0]\ngpus_shared: true")), .host(dgx)]),
            RuleExample(
                .gpuOvercommit, team("a", "gpus: ↓6"), with: [.checked("b.yaml", team("b", "gpus: ↓3")), .host(dgx)]),
            RuleExample(
                .portClash, team("a", "jupyter: {port: 18801}\ngpus: none"),
                with: [.checked("b.yaml", team("b", "jupyter: {port: ↓18801}\ngpus: none")), .host(dgx)]),
            RuleExample(.portOutsideRange, team("a", "jupyter: {port: ↓8888}\ngpus: none"), with: [.host(dgx)]),
            RuleExample(
                .duplicateName,
                """
                mlenv: 1
                name: ↓team
                base: python:3.11
                gpus: none
                """, with: [.checked("other.yaml", "mlenv: 1\nname: team\nbase: python:3.11\ngpus: none\n")]),
            RuleExample(.gpuIndexOutOfRange, team("a", "gpus: ↓[8]"), with: [.host(dgx)]),
            RuleExample(
                .hostIncomplete, team("a", "gpus: 1"), with: [.host("mlenv: 1\nkind: host\nname: ↓bare\n")],
                command: .plan),
        ],
        passing: [
            RuleExample(
                team("a", "gpus: [0, 1]\njupyter: {port: 18801}"),
                with: [.checked("b.yaml", team("b", "gpus: 2\njupyter: true")), .host(dgx)], command: .plan)
        ])

    /// The host the examples share: eight A100s and ten Jupyter ports.
    private static let dgx = """
        mlenv: 1
        kind: host
        name: dgx
        driver: "535.129.03"
        gpus: {model: A100-SXM4-80GB, count: 8}
        jupyter_ports: 18800-18809
        """

    /// A team's spec on an NGC PyTorch image, with `extra` lines.
    private static func team(_ name: String, _ extra: String) -> String {
        "mlenv: 1\nname: \(name)\nbase: nvcr.io/nvidia/pytorch:23.10-py3\n\(extra)\n"
    }

    /// E305 for each spec whose name an earlier one (in `ordered`) has: names become images,
    /// containers and folders.
    static func nameClashes(_ specs: [EnvironmentSpec], in ordered: [Int]? = nil) -> [Diagnostic] {
        let ordered =
            ordered
            ?? specs.indices.sorted { (specs[$0].name.value, specs[$0].file) < (specs[$1].name.value, specs[$1].file) }
        var diagnostics: [Diagnostic] = []
        var names: [String: Int] = [:]
        names.reserveCapacity(specs.count)
        for index in ordered {
            let name = specs[index].name
            if let first = names[name.value] {
                diagnostics.append(
                    Diagnostic(
                        .duplicateName, "another spec is also named `\(name.value)`", file: specs[index].file,
                        at: name.location,
                        notes: [
                            DiagnosticNote(
                                "`\(name.value)` is first used here", file: specs[first].file,
                                at: specs[first].name.location)
                        ],
                        fix: "rename one of them"))
            } else {
                names[name.value] = index
            }
        }
        return diagnostics
    }

    static func check(_ specs: [EnvironmentSpec], host: HostSpec?) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        // Specs are large values: they are ordered and indexed by position, never copied (sorting
        // and indexing copies were most of the memory a 1,000-spec check touched).
        let ordered = specs.indices.sorted {
            (specs[$0].name.value, specs[$0].file) < (specs[$1].name.value, specs[$1].file)
        }
        diagnostics += nameClashes(specs, in: ordered)
        guard let host else { return diagnostics }
        diagnostics += gpuClashes(specs, in: ordered, host: host)
        diagnostics += portClashes(specs, in: ordered, host: host)
        return diagnostics
    }

    /// GPU claims of `specs`, taken in the order of the indices `order`.
    static func gpuClashes(_ specs: [EnvironmentSpec], in order: [Int], host: HostSpec) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let count = host.gpuCount?.value
        var owners: [Int: Int] = [:]
        var firstUser: Int?
        var allUsers: [Int] = []
        func clash(_ index: Int, with otherIndex: Int, what: String) {
            let spec = specs[index]
            let other = specs[otherIndex]
            let shared = spec.gpusShared && other.gpusShared
            diagnostics.append(
                Diagnostic(
                    shared ? .gpuShared : .gpuClash,
                    "\(what) is also claimed by `\(other.name.value)`" + (shared ? " (both accept sharing)" : ""),
                    file: spec.file, at: spec.gpus.location,
                    notes: [
                        DiagnosticNote(
                            "`\(other.name.value)` claims it here", file: other.file, at: other.gpus.location)
                    ],
                    fix: shared ? nil : "give the teams different GPUs, or set `gpus_shared: true` in both specs"))
        }
        for index in order {
            let gpus = specs[index].gpus
            switch gpus.value {
            case .none:
                continue
            case .all:
                if let first = firstUser { clash(index, with: first, what: "`gpus: all` takes every GPU, which") }
                allUsers.append(index)
            case .count:
                if let all = allUsers.first { clash(index, with: all, what: "every GPU") }
            case .devices(let devices):
                if let all = allUsers.first { clash(index, with: all, what: "every GPU") }
                for device in devices {
                    if let count, device >= count {
                        diagnostics.append(
                            Diagnostic(
                                .gpuIndexOutOfRange,
                                "GPU \(device) does not exist on `\(host.name.value)`, which has \(count) (0-\(count - 1))",
                                file: specs[index].file, at: gpus.location,
                                notes: [
                                    DiagnosticNote(
                                        "the host's GPUs are counted here", file: host.file, at: host.gpuCount?.location
                                    )
                                ]))
                    } else if let owner = owners[device] {
                        clash(index, with: owner, what: "GPU \(device)")
                    } else {
                        owners[device] = index
                    }
                }
            }
            firstUser = firstUser ?? index
        }
        guard let count else { return diagnostics }
        // Every count needs free GPUs beyond the explicitly claimed ones.
        let asked = order.compactMap { index -> (Int, Int)? in
            if case .count(let n) = specs[index].gpus.value { return (index, n) }
            return nil
        }
        let free = count - owners.count - (allUsers.isEmpty ? 0 : count)
        let total = asked.reduce(0) { $0 + $1.1 }
        if total > max(free, 0), !asked.isEmpty {
            let list = asked.map { "`\(specs[$0.0].name.value)` \($0.1)" }.joined(separator: ", ")
            for (index, n) in asked {
                diagnostics.append(
                    Diagnostic(
                        .gpuOvercommit,
                        "the specs ask for \(total) more GPUs (\(list)) but only \(max(free, 0)) of \(host.name.value)'s \(count) are free: \(total - max(free, 0)) too many; this spec asks for \(n)",
                        file: specs[index].file, at: specs[index].gpus.location,
                        notes: [
                            DiagnosticNote(
                                "the host's GPUs are counted here", file: host.file, at: host.gpuCount?.location)
                        ]))
            }
        }
        return diagnostics
    }

    /// Jupyter ports of `specs`, taken in the order of the indices `order`.
    static func portClashes(_ specs: [EnvironmentSpec], in order: [Int], host: HostSpec) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        var owners: [Int: Int] = [:]
        for index in order {
            guard let jupyter = specs[index].jupyter, jupyter.portIsExplicit else { continue }
            let port = jupyter.port.value
            if let ownerIndex = owners[port] {
                let owner = specs[ownerIndex]
                diagnostics.append(
                    Diagnostic(
                        .portClash, "host port \(port) is also used by `\(owner.name.value)`", file: specs[index].file,
                        at: jupyter.port.location,
                        notes: [
                            DiagnosticNote(
                                "`\(owner.name.value)` publishes Jupyter on it here", file: owner.file,
                                at: owner.jupyter?.port.location)
                        ],
                        fix: "choose another port, or leave `port` out and let `mlenv plan` choose"))
            } else {
                owners[port] = index
            }
            if let range = host.jupyterPorts, !range.value.contains(port) {
                diagnostics.append(
                    Diagnostic(
                        .portOutsideRange,
                        "port \(port) is outside \(host.name.value)'s Jupyter ports \(range.value.lowerBound)-\(range.value.upperBound)",
                        file: specs[index].file, at: jupyter.port.location,
                        notes: [
                            DiagnosticNote("the host's Jupyter ports are set here", file: host.file, at: range.location)
                        ]))
            }
        }
        return diagnostics
    }
}
