/// `--target devcontainer`: a Dev Container (VS Code, the devcontainer CLI, Codespaces) built from
/// the generated Dockerfile, with the run script's GPU, ulimit, shared-memory and volume settings.
enum DevContainerRenderer: TargetRenderer {
    static let templates: [TemplateName] = [.devcontainer]

    static func render(_ input: RenderInput) -> [OutputFile] {
        [OutputFile(path: GeneratedFiles.devcontainer, contents: .text(TemplateRenderer.shared.render(.devcontainer, DevContainerView(input))))]
    }
}

/// The run profile as devcontainer.json reads it.
struct DevContainerView {
    struct Jupyter {
        var port: String
        var label: String
    }

    struct Variable {
        var name: String
        var value: String
        var comma: String
    }

    var name: String
    /// `hostRequirements.gpu` makes the Dev Containers CLI add `--gpus all` itself, which would
    /// undo a count or pinned devices on a shared server: it is set for `gpus: all` only, and
    /// the others pass their own `--gpus`.
    var gpus: Bool
    var runArgs: String
    var mounts: String
    var hasMounts: Bool
    var jupyter: Jupyter?
    var containerEnv: [Variable]

    init(_ input: RenderInput) {
        let run = input.run
        var runArgs = ["--hostname", run.name, run.sharedMemory.engineFlag]
        switch run.gpus {
        case .none, .all: break
        case .count(let count): runArgs += ["--gpus", String(count)]
        case .devices(let devices): runArgs += ["--gpus", "\"device=\(devices.map(String.init).joined(separator: ","))\""]
        }
        for ulimit in run.nvidiaUlimits { runArgs += ["--ulimit", "\(ulimit.name)=\(ulimit.value)"] }
        runArgs += RunScriptView.resourceFlags(run.resources)
        // Paths in devcontainer.json start at the folder holding .devcontainer, which is the output folder.
        let mounts = run.mounts.map { mount -> String in
            let readOnly = mount.readOnly ? ",readonly" : ""
            switch mount.source {
            case .hostPath(let path): return "source=\(path),target=\(mount.target),type=bind\(readOnly)"
            case .specRelative(let path):
                // Docker needs an absolute source: the workspace folder (this output folder) and
                // the way from it to the spec's folder.
                let fromHere = SpecPaths.normalize("\(run.specFolderFromOutput)/\(path)")
                let source = fromHere.hasPrefix("/") ? fromHere : "${localWorkspaceFolder}/" + fromHere
                return "source=\(source),target=\(mount.target),type=bind\(readOnly)"
            case .named(let name): return "source=\(name),target=\(mount.target),type=volume\(readOnly)"
            }
        }
        var remoteEnv = run.secrets.map { (name: $0, value: "${localEnv:\($0)}") }
        name = run.name
        gpus = run.gpus == .all
        self.runArgs = runArgs.map(Quoting.json).joined(separator: ", ")
        self.mounts = mounts.map(Quoting.json).joined(separator: ", ")
        hasMounts = !mounts.isEmpty
        if let jupyter = run.jupyter {
            // Jupyter is the container's own command (the Dockerfile's CMD), with the token
            // from the environment of whoever opens the container.
            self.jupyter = Jupyter(port: String(JupyterRun.containerPort), label: jupyter.app.label)
            remoteEnv.insert((name: "JUPYTER_TOKEN", value: "${localEnv:JUPYTER_TOKEN}"), at: 0)
        }
        containerEnv = ([(name: "HOME", value: "/home/mlenv")] + remoteEnv).enumerated().map { index, pair in
            Variable(name: pair.name, value: pair.value, comma: index < remoteEnv.count ? "," : "")
        }
    }
}
