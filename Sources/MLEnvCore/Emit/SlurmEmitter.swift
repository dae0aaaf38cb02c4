/// Renders `templates/job.sbatch.mustache`: a Slurm batch script that asks for the spec's GPUs,
/// CPUs and memory and starts the environment with the cluster's container runtime.
enum SlurmEmitter {
    static func render(_ spec: EnvironmentSpec, header: GeneratedHeader, specFolderFromOutput: String) -> String {
        let name = spec.name.value
        let options = spec.slurm
        let runtime = options.runtime
        var directives: [String] = ["--job-name=\(name)", "--output=\(name)-%j.out", "--nodes=1", "--ntasks=1"]
        let gpuCount: Int
        switch spec.gpus.value {
        case .none, .all: gpuCount = 0
        case .count(let count): gpuCount = count
        case .devices(let devices): gpuCount = devices.count
        }
        if gpuCount > 0 { directives.append("--gres=gpu:\(gpuCount)") }
        if let cpus = spec.resources.cpus?.value { directives.append("--cpus-per-task=\(cpus)") }
        if let memory = spec.resources.memory?.value { directives.append("--mem=\(memory.slurm)") }
        if let partition = options.partition?.value { directives.append("--partition=\(partition)") }
        if let account = options.account?.value { directives.append("--account=\(account)") }
        if let time = options.time?.value { directives.append("--time=\(time)") }

        let defaultImage: String
        let imageHelp: String
        switch runtime {
        case .pyxis:
            defaultImage = "\"$HERE\"/\(name).sqsh"
            imageHelp = "enroot import -o \(name).sqsh dockerd://mlenv/\(name):latest   (after ./run.sh build)"
        case .apptainer:
            defaultImage = "\"$HERE\"/\(name).sif"
            imageHelp = "apptainer build \(name).sif Apptainer.def   (mlenv generate --target apptainer writes it)"
        case .docker, .podman:
            defaultImage = "mlenv/\(name):latest"
            imageHelp = "./run.sh build on every node the job may land on, or set slurm.image to a registry image"
        }
        var context: [String: Any] = [
            "version": header.mlenvVersion,
            "sources": header.sources,
            "inputsHash": header.inputsHash,
            "directives": directives,
            "name": name,
            "runtime": runtime.rawValue,
            "imageHelp": options.image == nil ? imageHelp : "slurm.image names it",
            "workdir": spec.workdir.value,
            "specDir": specFolderFromOutput,
            "gpus": gpuCount > 0,
            "sharedMemoryFlag": RunScriptEmitter.sharedMemoryFlag(spec.sharedMemory),
            "secrets": spec.secrets.map { ["name": $0.value, "isSet": "${\($0.value)+set}"] },
            "pyxis": runtime == .pyxis,
            "apptainer": runtime == .apptainer,
            "engine": runtime == .docker || runtime == .podman,
        ]
        context["imageDefault"] = options.image.map { imageArgument($0.value, runtime: runtime) } ?? defaultImage
        if let cpus = spec.resources.cpus?.value { context["cpus"] = String(cpus) }
        if let memory = spec.resources.memory?.value { context["memory"] = memory.docker }
        if let command = spec.command?.value {
            context["batch"] = true
            context["command"] = command
        } else if let jupyter = spec.jupyter {
            context["jupyter"] = ["app": jupyter.lab ? "lab" : "notebook", "path": jupyter.lab ? "lab" : "tree",
                                  "port": String(jupyter.port.value)]
        }
        context["hasRelativeVolumes"] = RunScriptEmitter.hasRelativeVolumes(spec)
        context["volumes"] = RunScriptEmitter.volumeEntries(spec)
        return TemplateRenderer.shared.render("job.sbatch", context)
    }

    /// Whether `slurm.image` names a file (an enroot `.sqsh`, an Apptainer `.sif`) rather than a
    /// registry image.
    static func isImageFile(_ image: String) -> Bool {
        image.hasPrefix("/") || image.hasPrefix("./") || image.hasPrefix("../") || image.hasSuffix(".sqsh") || image.hasSuffix(".sif")
    }

    /// `slurm.image` as the runtime reads it, shell-quoted: files relative to the script's
    /// folder; for pyxis `REGISTRY#REPOSITORY:TAG` (enroot's notation: without `#` it pulls from
    /// Docker Hub); for Apptainer `docker://REFERENCE` (a bare name would be read as a file).
    static func imageArgument(_ image: String, runtime: SlurmOptions.Runtime) -> String {
        if isImageFile(image) {
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
