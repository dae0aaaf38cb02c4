/// Renders `templates/devcontainer.json.mustache`: a Dev Container (VS Code, the devcontainer
/// CLI, Codespaces) built from the generated Dockerfile, with the run script's GPU, ulimit,
/// shared-memory and volume settings.
enum DevContainerEmitter {
    static func render(_ spec: EnvironmentSpec, header: GeneratedHeader, specFolderFromOutput: String) -> String {
        var runArgs = ["--hostname", spec.name.value]
        switch spec.sharedMemory {
        case .defaultSize: runArgs.append("--shm-size=1g")
        case .size(let size): runArgs.append("--shm-size=\(size)")
        case .hostIPC: runArgs.append("--ipc=host")
        }
        // `hostRequirements.gpu` makes the Dev Containers CLI add `--gpus all` itself, which
        // would undo a count or pinned devices on a shared server: it is set for `gpus: all`
        // only, and the others pass their own `--gpus`.
        switch spec.gpus.value {
        case .none, .all: break
        case .count(let count): runArgs += ["--gpus", String(count)]
        case .devices(let devices): runArgs += ["--gpus", "\"device=\(devices.map(String.init).joined(separator: ","))\""]
        }
        if spec.gpus.value != .none { runArgs += ["--ulimit", "memlock=-1", "--ulimit", "stack=67108864"] }
        if let cpus = spec.resources.cpus?.value { runArgs += ["--cpus", String(cpus)] }
        if let memory = spec.resources.memory?.value { runArgs += ["--memory", memory.docker] }
        // Paths in devcontainer.json start at the folder holding .devcontainer, which is the output folder.
        let mounts = spec.volumes.map { volume -> String in
            let mount = volume.value
            let readOnly = mount.readOnly ? ",readonly" : ""
            switch mount.source {
            case .absolutePath(let path): return "source=\(SpecPaths.normalize(path)),target=\(mount.target),type=bind\(readOnly)"
            case .relativePath(let path):
                // Docker needs an absolute source: the workspace folder (this output folder) and
                // the way from it to the spec's folder.
                let fromHere = SpecPaths.normalize("\(specFolderFromOutput)/\(path)")
                let source = fromHere.hasPrefix("/") ? fromHere : "${localWorkspaceFolder}/" + fromHere
                return "source=\(source),target=\(mount.target),type=bind\(readOnly)"
            case .named(let name): return "source=\(name),target=\(mount.target),type=volume\(readOnly)"
            }
        }
        var remoteEnv = spec.secrets.map { (name: $0.value, value: "${localEnv:\($0.value)}") }
        var context: [String: Any] = [
            "version": header.mlenvVersion,
            "sources": header.sources,
            "name": spec.name.value,
            "runArgs": runArgs.map(Quoting.json).joined(separator: ", "),
            "mounts": mounts.map(Quoting.json).joined(separator: ", "),
            "hasMounts": !mounts.isEmpty,
            "gpus": spec.gpus.value == .all,
        ]
        if let jupyter = spec.jupyter {
            // Jupyter is the container's own command (the Dockerfile's CMD), with the token
            // from the environment of whoever opens the container.
            context["jupyter"] = ["port": "8888", "label": jupyter.lab ? "JupyterLab" : "Jupyter Notebook"]
            remoteEnv.insert((name: "JUPYTER_TOKEN", value: "${localEnv:JUPYTER_TOKEN}"), at: 0)
        }
        context["containerEnv"] = ([(name: "HOME", value: "/home/mlenv")] + remoteEnv).enumerated().map { index, pair in
            ["name": pair.name, "value": pair.value, "comma": index < remoteEnv.count ? "," : ""]
        }
        return TemplateRenderer.shared.render("devcontainer.json", context)
    }
}
