/// `--target docker`, part of every generation: the Dockerfile, requirements.txt, the copy of the
/// CA bundle, and run.sh, which builds and starts the environment with the right GPU, shared
/// memory, volume and Jupyter flags.
enum DockerRenderer: TargetRenderer {
    static let templates: [TemplateName] = [.dockerfile, .runScript, .requirements]

    static func render(_ input: RenderInput) -> [OutputFile] {
        var outputs = [
            OutputFile(
                path: GeneratedFiles.dockerfile,
                contents: .text(TemplateRenderer.shared.render(.dockerfile, BuildStepsView(input))))
        ]
        outputs.append(
            OutputFile(
                path: GeneratedFiles.runScript,
                contents: .text(TemplateRenderer.shared.render(.runScript, RunScriptView(input))),
                executable: true))
        if let requirements = input.recipe.requirements {
            let view = RequirementsView(
                version: input.header.mlenvVersion, specName: input.header.specName,
                requirements: requirements.requirements, added: requirements.added,
                hasAdded: !requirements.added.isEmpty)
            outputs.append(
                OutputFile(
                    path: GeneratedFiles.requirements,
                    contents: .text(TemplateRenderer.shared.render(.requirements, view))))
        }
        for copy in input.recipe.requirementsFiles?.copies ?? [] {
            outputs.append(OutputFile(path: copy.contextPath, contents: .copy(of: copy.source)))
        }
        if let bundle = input.recipe.caBundle {
            outputs.append(OutputFile(path: bundle.file, contents: .copy(of: bundle.source)))
        }
        return outputs
    }
}

/// requirements.txt: only the requirements, so that other edits of the spec keep the pip layer cached.
struct RequirementsView: TemplateView {
    static let fields: [String: PartialKeyPath<Self> & Sendable] = [
        "version": \Self.version,
        "specName": \Self.specName,
        "requirements": \Self.requirements,
        "added": \Self.added,
        "hasAdded": \Self.hasAdded,
    ]

    var version: String
    var specName: String
    var requirements: [String]
    var added: [String]
    var hasAdded: Bool
}

/// The run profile as run.sh reads it: a data header of shell values, then literal bash.
struct RunScriptView: TemplateView {
    static let fields: [String: PartialKeyPath<Self> & Sendable] = [
        "version": \Self.version,
        "specName": \Self.specName,
        "sources": \Self.sources,
        "inputsHash": \Self.inputsHash,
        "labelFormat": \Self.labelFormat,
        "name": \Self.name,
        "image": \Self.image,
        "container": \Self.container,
        "gpus": \Self.gpus,
        "gpuDescription": \Self.gpuDescription,
        "specDir": \Self.specDir,
        "sharedMemoryFlag": \Self.sharedMemoryFlag,
        "jupyter": \Self.jupyter,
        "jupyterMode": \Self.jupyterMode,
        "jupyterBind": \Self.jupyterBind,
        "jupyterPort": \Self.jupyterPort,
        "containerPort": \Self.containerPort,
        "secrets": \Self.secrets,
        "resourceFlags": \Self.resourceFlags,
        "hasRelativeVolumes": \Self.hasRelativeVolumes,
        "volumes": \Self.volumes,
    ]

    struct Volume: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "kind": \Self.kind,
            "source": \Self.source,
            "target": \Self.target,
            "mode": \Self.mode,
        ]

        /// `path` or `named`.
        var kind: String
        /// Shell-quoted; relative paths start at `$SPEC_DIR`.
        var source: String
        var target: String
        var mode: String
    }

    var version: String
    var specName: String
    var sources: String
    var inputsHash: String
    var labelFormat = "{{ index .Config.Labels \"io.mlenv.inputs.sha256\" }}"
    var name: String
    var image: String
    var container: String
    var gpus: String
    var gpuDescription: String
    var specDir: String
    var sharedMemoryFlag: String
    var jupyter: Bool
    var jupyterMode: String
    var jupyterBind: String
    var jupyterPort: String
    var containerPort = String(JupyterRun.containerPort)
    var secrets: [String]
    var resourceFlags: String?
    var hasRelativeVolumes: Bool
    var volumes: [Volume]

    init(_ input: RenderInput) {
        let run = input.run
        version = input.header.mlenvVersion
        specName = input.header.specName
        sources = input.header.sources
        inputsHash = input.header.inputsHash
        name = run.name
        image = run.localImage
        container = run.container
        gpus = Self.gpuSetting(run.gpus)
        gpuDescription = Self.gpuDescription(run.gpus)
        specDir = run.specFolderFromOutput
        sharedMemoryFlag = run.sharedMemory.engineFlag
        jupyter = run.jupyter != nil
        jupyterMode = run.jupyter?.app.urlPath ?? "off"
        jupyterBind = run.jupyter?.bind ?? ""
        jupyterPort = run.jupyter.map { String($0.hostPort) } ?? ""
        secrets = run.secrets
        let flags = Self.resourceFlags(run.resources)
        resourceFlags = flags.isEmpty ? nil : flags.joined(separator: " ")
        hasRelativeVolumes = run.hasSpecRelativeMounts
        volumes = Self.volumes(run.mounts)
    }

    /// The volumes as the scripts' `add_volume`/`add_mount` arguments (job.sbatch uses them too).
    static func volumes(_ mounts: [Mount]) -> [Volume] {
        mounts.map { mount in
            switch mount.source {
            case .hostPath(let path):
                Volume(kind: "path", source: Quoting.shell(path), target: mount.target, mode: mount.mode)
            case .specRelative(let path):
                Volume(
                    kind: "path", source: "\"$SPEC_DIR\"/" + Quoting.shell(path), target: mount.target, mode: mount.mode
                )
            case .named(let name):
                Volume(kind: "named", source: Quoting.shell(name), target: mount.target, mode: mount.mode)
            }
        }
    }

    /// The GPU request in the script's own notation (also accepted in MLENV_GPUS).
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
        case .devices(let devices):
            (devices.count == 1 ? "GPU " : "GPUs ") + devices.map(String.init).joined(separator: ",")
        }
    }

    /// `resources:` as engine flags: `--cpus 16 --memory 64g`, or none.
    static func resourceFlags(_ resources: ResourceSpec) -> [String] {
        var flags: [String] = []
        if let cpus = resources.cpus?.value { flags += ["--cpus", String(cpus)] }
        if let memory = resources.memory?.value { flags += ["--memory", memory.docker] }
        return flags
    }
}
