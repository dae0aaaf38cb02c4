/// Renders `templates/run.sh.mustache`: the script that builds and starts the environment
/// with the right GPU, shared memory, volume and Jupyter flags.
enum RunScriptEmitter {
    static func render(_ spec: EnvironmentSpec, header: GeneratedHeader, specFolderFromOutput: String) -> String {
        let name = spec.name.value
        var context: [String: Any] = [
            "version": header.mlenvVersion,
            "specName": header.specName,
            "sources": header.sources,
            "inputsHash": header.inputsHash,
            "labelFormat": "{{ index .Config.Labels \"io.mlenv.inputs.sha256\" }}",
            "name": name,
            "image": "mlenv/\(name):latest",
            "container": "mlenv-\(name)",
            "gpus": gpuSetting(spec.gpus.value),
            "gpuDescription": gpuDescription(spec.gpus.value),
            "specDir": specFolderFromOutput,
            "sharedMemoryFlag": sharedMemoryFlag(spec.sharedMemory),
            "jupyterMode": "off",
            "jupyterBind": "",
            "jupyterPort": "",
        ]
        if let jupyter = spec.jupyter {
            context["jupyter"] = true
            context["jupyterMode"] = jupyter.lab ? "lab" : "tree"
            context["jupyterBind"] = jupyter.bind.value
            context["jupyterPort"] = String(jupyter.port.value)
        }
        context["secrets"] = spec.secrets.map(\.value)
        context["resourceFlags"] = resourceFlags(spec.resources)
        context["hasRelativeVolumes"] = hasRelativeVolumes(spec)
        context["volumes"] = volumeEntries(spec)
        return TemplateRenderer.shared.render("run.sh", context)
    }

    /// Whether a volume is relative to the spec's folder (the script then finds that folder).
    static func hasRelativeVolumes(_ spec: EnvironmentSpec) -> Bool {
        spec.volumes.contains {
            if case .relativePath = $0.value.source { return true }
            return false
        }
    }

    /// The volumes as the scripts' `add_volume`/`add_mount` arguments: kind (`path` or `named`),
    /// the shell-quoted source (relative paths start at `$SPEC_DIR`), target and mode.
    static func volumeEntries(_ spec: EnvironmentSpec) -> [[String: Any]] {
        spec.volumes.map { volume -> [String: Any] in
            let mount = volume.value
            let kind: String, source: String
            switch mount.source {
            case .absolutePath(let path):
                (kind, source) = ("path", Quoting.shell(SpecPaths.normalize(path)))
            case .relativePath(let path):
                (kind, source) = ("path", "\"$SPEC_DIR\"/" + Quoting.shell(SpecPaths.normalize(path)))
            case .named(let volumeName):
                (kind, source) = ("named", Quoting.shell(volumeName))
            }
            return ["kind": kind, "source": source, "target": mount.target, "mode": mount.readOnly ? "ro" : "rw"]
        }
    }

    /// The spec's GPU request in the script's own notation (also accepted in MLENV_GPUS).
    static func gpuSetting(_ request: GPURequest) -> String {
        switch request {
        case .none: "none"
        case .all: "all"
        case .count(let count): "count:\(count)"
        case .devices(let devices): devices.map(String.init).joined(separator: ",")
        }
    }

    static func gpuDescription(_ request: GPURequest) -> String {
        switch request {
        case .none: "no GPUs"
        case .all: "all GPUs"
        case .count(let count): count == 1 ? "any 1 GPU" : "any \(count) GPUs"
        case .devices(let devices): (devices.count == 1 ? "GPU " : "GPUs ") + devices.map(String.init).joined(separator: ",")
        }
    }

    /// `resources:` as engine flags: `--cpus 16 --memory 64g`, or nothing.
    static func resourceFlags(_ resources: ResourceSpec) -> String? {
        var flags: [String] = []
        if let cpus = resources.cpus?.value { flags += ["--cpus", String(cpus)] }
        if let memory = resources.memory?.value { flags += ["--memory", memory.docker] }
        return flags.isEmpty ? nil : flags.joined(separator: " ")
    }

    static func sharedMemoryFlag(_ setting: SharedMemory) -> String {
        switch setting {
        case .defaultSize: "--shm-size=1g"
        case .size(let size): "--shm-size=\(size)"
        case .hostIPC: "--ipc=host"
        }
    }
}
