/// `--target slurm`: a Slurm batch script that asks for the profile's GPUs, CPUs and memory and
/// starts the environment with the cluster's container runtime.
enum SlurmRenderer: TargetRenderer {
    static let templates: [TemplateName] = [.slurm]

    static func render(_ input: RenderInput) -> [OutputFile] {
        [
            OutputFile(
                path: GeneratedFiles.slurm, contents: .text(TemplateRenderer.shared.render(.slurm, SlurmView(input))),
                executable: true)
        ]
    }

    /// `slurm.image` as the runtime reads it, shell-quoted: files relative to the script's
    /// folder; for pyxis `REGISTRY#REPOSITORY:TAG` (enroot's notation: without `#` it pulls from
    /// Docker Hub); for Apptainer `docker://REFERENCE` (a bare name would be read as a file).
    static func imageArgument(_ image: String, runtime: SlurmOptions.Runtime) -> String {
        if SlurmOptions.isImageFile(image) {
            return image.hasPrefix("/") ? Quoting.shell(image) : "\"$HERE\"/" + Quoting.shell(image)
        }
        switch runtime {
        case .pyxis:
            guard let reference = ImageReference(parsing: image) else { return Quoting.shell(image) }
            let registry = reference.registry.map { $0 + "#" } ?? ""
            return Quoting.shell(registry + reference.repository + (reference.tag.map { ":" + $0 } ?? ""))
        case .apptainer:
            return Quoting.shell("docker://" + image)
        case .docker, .podman:
            return Quoting.shell(image)
        }
    }
}

/// The run profile as job.sbatch reads it.
struct SlurmView {
    struct Secret {
        var name: String
        /// `${NAME+set}`: empty when the variable is unset.
        var isSet: String
    }

    struct Jupyter {
        var app: String
        var path: String
        var port: String
    }

    var version: String
    var sources: String
    var inputsHash: String
    var directives: [String]
    var name: String
    var runtime: String
    var imageHelp: String
    var imageDefault: String
    var workdir: String
    var specDir: String
    var gpus: Bool
    var sharedMemoryFlag: String
    var secrets: [Secret]
    var pyxis: Bool
    var apptainer: Bool
    var engine: Bool
    var cpus: String?
    var memory: String?
    var batch: Bool
    var command: [String]?
    var jupyter: Jupyter?
    var containerPort = String(JupyterRun.containerPort)
    var hasRelativeVolumes: Bool
    var volumes: [RunScriptView.Volume]

    init(_ input: RenderInput) {
        let run = input.run
        let name = run.name
        let options = run.slurm
        let runtime = options.runtime
        var directives: [String] = ["--job-name=\(name)", "--output=\(name)-%j.out", "--nodes=1", "--ntasks=1"]
        let gpuCount = run.gpuCount ?? 0
        if gpuCount > 0 { directives.append("--gres=gpu:\(gpuCount)") }
        if let cpus = run.resources.cpus?.value { directives.append("--cpus-per-task=\(cpus)") }
        if let memory = run.resources.memory?.value { directives.append("--mem=\(memory.slurm)") }
        if let partition = options.partition?.value { directives.append("--partition=\(partition)") }
        if let account = options.account?.value { directives.append("--account=\(account)") }
        if let time = options.time?.value { directives.append("--time=\(time)") }

        let defaultImage: String
        let imageHelp: String
        switch runtime {
        case .pyxis:
            defaultImage = "\"$HERE\"/\(name).sqsh"
            imageHelp = "enroot import -o \(name).sqsh dockerd://\(run.localImage)   (after ./run.sh build)"
        case .apptainer:
            defaultImage = "\"$HERE\"/\(name).sif"
            imageHelp = "apptainer build \(name).sif Apptainer.def   (mlenv generate --target apptainer writes it)"
        case .docker, .podman:
            defaultImage = run.localImage
            imageHelp = "./run.sh build on every node the job may land on, or set slurm.image to a registry image"
        }
        version = input.header.mlenvVersion
        sources = input.header.sources
        inputsHash = input.header.inputsHash
        self.directives = directives
        self.name = name
        self.runtime = runtime.rawValue
        self.imageHelp = options.image == nil ? imageHelp : "slurm.image names it"
        imageDefault = options.image.map { SlurmRenderer.imageArgument($0.value, runtime: runtime) } ?? defaultImage
        workdir = run.workdir
        specDir = run.specFolderFromOutput
        gpus = gpuCount > 0
        sharedMemoryFlag = run.sharedMemory.engineFlag
        secrets = run.secrets.map { Secret(name: $0, isSet: "${\($0)+set}") }
        pyxis = runtime == .pyxis
        apptainer = runtime == .apptainer
        engine = runtime == .docker || runtime == .podman
        cpus = run.resources.cpus.map { String($0.value) }
        memory = run.resources.memory?.value.docker
        command = run.command
        batch = run.command != nil
        jupyter =
            run.command == nil
            ? run.jupyter.map { Jupyter(app: $0.app.rawValue, path: $0.app.urlPath, port: String($0.hostPort)) } : nil
        hasRelativeVolumes = run.hasSpecRelativeMounts
        volumes = RunScriptView.volumes(run.mounts)
    }
}
