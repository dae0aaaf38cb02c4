/// Renders a host plan: `compose.yaml` for every team with `compose.sh`, which runs it as the
/// invoking user with their groups, `PLAN.md` with a table and `host.svg`, and `plan.json` that
/// the next `mlenv plan` reads to keep teams where they are.
enum PlanEmitter {
    static func render(
        _ plan: HostPlan, environments: [String: ResolvedEnvironment], outputDirectory: String,
        workingDirectory: String
    ) -> [OutputFile] {
        let compose = composeFile(plan, outputDirectory: outputDirectory, workingDirectory: workingDirectory)
        let script = ComposeView(
            version: MLEnv.version, host: plan.host.name.value, teamCount: plan.teams.count,
            serviceList: compose.teams.map { Quoting.shell($0.run.name) }.joined(separator: " "))
        return [
            OutputFile(path: "compose.yaml", contents: .text(compose.text)),
            OutputFile(
                path: "compose.sh", contents: .text(TemplateRenderer.shared.render(.composeScript, script)),
                executable: true),
            OutputFile(path: "PLAN.md", contents: .text(markdown(plan, environments: environments))),
            OutputFile(path: "host.svg", contents: .text(svg(plan))),
            OutputFile(path: "plan.json", contents: .text(PlanFile(plan).text)),
        ]
    }

    /// Every team's run profile, with relative volume sources starting at the plan's folder.
    static func composeFile(_ plan: HostPlan, outputDirectory: String, workingDirectory: String) -> ComposeFile {
        let absolute = { (path: String) in SpecPaths.absolute(path, in: workingDirectory) }
        let teams = plan.teams.map { team -> ComposeFile.Team in
            // Relative volume sources start at compose.yaml's folder, the plan's.
            let specFolder = SpecPaths.folder(of: absolute(team.source.path))
            let fromHere = SpecPaths.relativePath(from: absolute(outputDirectory), to: specFolder) ?? specFolder
            let run = Translator.profile(team.spec, specFolderFromOutput: fromHere, allocation: team.allocation)
            return ComposeFile.Team(
                run: run, tokenVariable: "JUPYTER_TOKEN_" + team.name.uppercased().replacing("-", with: "_"))
        }
        return ComposeFile(version: MLEnv.version, host: plan.host.name.value, teams: teams)
    }

    static func markdown(_ plan: HostPlan, environments: [String: ResolvedEnvironment]) -> String {
        let rows = plan.teams.map { team in
            PlanView.Row(
                name: team.name, gpus: team.gpus.isEmpty ? "none" : ranges(team.gpus),
                port: team.port.map(String.init) ?? "-",
                image: environments[team.name]?.image.description ?? "?", spec: Quoting.markdownCell(team.source.path))
        }
        let view = PlanView(
            version: MLEnv.version, host: plan.host.name.value, model: plan.host.gpuModel?.value ?? "GPU",
            count: plan.host.gpuCount?.value ?? 0, used: Set(plan.teams.flatMap(\.gpus)).count, teams: rows)
        return TemplateRenderer.shared.render(.plan, view)
    }

    /// `0-3,6` for [0, 1, 2, 3, 6].
    static func ranges(_ indices: [Int]) -> String {
        var parts: [String] = []
        var index = 0
        let sorted = indices.sorted()
        while index < sorted.count {
            var end = index
            while end + 1 < sorted.count, sorted[end + 1] == sorted[end] + 1 { end += 1 }
            parts.append(end == index ? "\(sorted[index])" : "\(sorted[index])-\(sorted[end])")
            index = end + 1
        }
        return parts.joined(separator: ",")
    }

    /// One box per GPU, coloured by team, and a legend.
    static func svg(_ plan: HostPlan) -> String {
        let count = plan.host.gpuCount?.value ?? 0
        let columns = max(1, min(count, count <= 16 ? 8 : Int(Double(count).squareRoot().rounded(.up))))
        let size = count <= 64 ? 64 : 24
        let gap = 6
        var owner = [Int?](repeating: nil, count: count)
        var sharedBy = [Int](repeating: 0, count: count)
        for (teamIndex, team) in plan.teams.enumerated() {
            for gpu in team.gpus where gpu < count {
                if owner[gpu] == nil { owner[gpu] = teamIndex }
                sharedBy[gpu] += 1
            }
        }
        func colour(_ team: Int) -> String {
            let hue = (team * 137) % 360  // golden-angle steps keep neighbours apart
            return "hsl(\(hue), 65%, 55%)"
        }
        // One element per GPU, written here rather than by the template: a host of 10,000
        // GPUs has 10,000 boxes, and looking up ten template values for each through
        // Mustache's untyped contexts took a quarter of a 1,000-team plan.
        var boxes = ""
        boxes.reserveCapacity(count * 160)
        for gpu in 0..<count {
            let x = gap + (gpu % columns) * (size + gap)
            let y = gap + (gpu / columns) * (size + gap)
            let title =
                owner[gpu].map {
                    "GPU \(gpu): \(plan.teams[$0].name)"
                        + (sharedBy[gpu] > 1 ? " (shared by \(sharedBy[gpu]) teams)" : "")
                } ?? "GPU \(gpu): free"
            boxes +=
                "  <rect x=\"\(x)\" y=\"\(y)\" width=\"\(size)\" height=\"\(size)\" rx=\"4\" fill=\"\(owner[gpu].map(colour) ?? "#e5e5e5")\" stroke=\"#333\"><title>\(Quoting.xml(title))</title></rect>\n"
            if size >= 48 {
                boxes +=
                    "  <text x=\"\(x + size / 2)\" y=\"\(y + size / 2 + 4)\" text-anchor=\"middle\">\(gpu)</text>\n"
            }
        }
        if boxes.hasSuffix("\n") { boxes.removeLast() }
        let rows = (count + columns - 1) / columns
        let gridHeight = gap + rows * (size + gap)
        let legend = plan.teams.enumerated().filter { !$0.element.gpus.isEmpty }.enumerated().map { row, element in
            HostSVGView.LegendRow(
                y: gridHeight + 16 + row * 20, textY: gridHeight + 28 + row * 20, fill: colour(element.offset),
                text: "\(element.element.name): GPU \(ranges(element.element.gpus))")
        }
        let view = HostSVGView(
            width: max(gap + columns * (size + gap), 320), height: gridHeight + 24 + legend.count * 20,
            host: plan.host.name.value, boxes: boxes, legend: legend)
        return TemplateRenderer.shared.render(.hostSVG, view)
    }
}

/// The plan as PLAN.md reads it.
struct PlanView {
    struct Row {
        var name: String
        var gpus: String
        var port: String
        var image: String
        var spec: String
    }

    var version: String
    var host: String
    var model: String
    var count: Int
    var used: Int
    var teams: [Row]
}

/// The plan as host.svg reads it: the GPU boxes are written in Swift (see `PlanEmitter.svg`).
struct HostSVGView {
    struct LegendRow {
        var y: Int
        var textY: Int
        var fill: String
        var text: String
    }

    var width: Int
    var height: Int
    var host: String
    var boxes: String
    var legend: [LegendRow]
}
