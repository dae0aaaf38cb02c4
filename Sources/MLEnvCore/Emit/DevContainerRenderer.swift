/// `--target devcontainer`: a Dev Container (VS Code, the devcontainer CLI, Codespaces) built from
/// the generated Dockerfile, with the run script's GPU, ulimit, shared-memory and volume settings.
/// Generated into a folder named `.devcontainer` (a repository's own), devcontainer.json sits
/// beside the Dockerfile there, so nothing is written at the repository's root.
enum DevContainerRenderer: TargetRenderer {
    static let templates: [TemplateName] = []

    static func render(_ input: RenderInput) -> [OutputFile] {
        [
            OutputFile(
                path: input.intoDevContainerFolder
                    ? GeneratedFiles.devcontainerInItsFolder : GeneratedFiles.devcontainer,
                contents: .text(JSONPrinter.print(DevContainerDocument.make(input))))
        ]
    }
}

/// The run profile as devcontainer.json (the Dev Container metadata reference's names).
enum DevContainerDocument {
    /// The user the Dockerfile makes for dev containers.
    static let user = "mlenv"

    static func make(_ input: RenderInput) -> Document {
        let run = input.run
        var runArgs = ["--hostname", run.name, run.sharedMemory.engineFlag]
        switch run.gpus {
        case .none, .all: break
        case .count(let count): runArgs += ["--gpus", String(count)]
        case .devices(let devices):
            runArgs += ["--gpus", "\"device=\(devices.map(String.init).joined(separator: ","))\""]
        }
        for ulimit in run.nvidiaUlimits { runArgs += ["--ulimit", "\(ulimit.name)=\(ulimit.value)"] }
        runArgs += RunScriptView.resourceFlags(run.resources)
        // `${localWorkspaceFolder}` is the folder that holds `.devcontainer`: the output folder, or
        // its parent when the output folder is the `.devcontainer` itself.
        let fromWorkspace = input.intoDevContainerFolder ? ".devcontainer/" : ""
        let mounts = run.mounts.map { mount -> String in
            let readOnly = mount.readOnly ? ",readonly" : ""
            switch mount.source {
            case .hostPath(let path): return "source=\(path),target=\(mount.target),type=bind\(readOnly)"
            case .specRelative(let path):
                // Docker needs an absolute source: the workspace folder (this output folder) and
                // the way from it to the spec's folder.
                let fromHere = SpecPaths.normalize("\(fromWorkspace)\(run.specFolderFromOutput)/\(path)")
                let source = fromHere.hasPrefix("/") ? fromHere : "${localWorkspaceFolder}/" + fromHere
                return "source=\(source),target=\(mount.target),type=bind\(readOnly)"
            case .named(let name): return "source=\(name),target=\(mount.target),type=volume\(readOnly)"
            }
        }
        var containerEnv = [Document.Entry("HOME", .string("/home/mlenv"))]
        var jupyterFields: KeyValuePairs<String, Document?> = [:]
        if let jupyter = run.jupyter {
            // Jupyter is the container's own command (the Dockerfile's CMD), with the token
            // from the environment of whoever opens the container.
            let port = JupyterRun.containerPort
            jupyterFields = [
                "overrideCommand": .bool(false),
                "forwardPorts": .sequence([.integer(port)], .flow),
                "portsAttributes": .mapping([String(port): .mapping(["label": .string(jupyter.app.label)])]),
            ]
            containerEnv.append(.init("JUPYTER_TOKEN", .string("${localEnv:JUPYTER_TOKEN}")))
        }
        containerEnv += run.secrets.map { .init($0, .string("${localEnv:\($0)}")) }
        // devcontainer.json's paths start at its own folder; the build context is the output
        // folder's, or the project's with `project:` or `files:`.
        let (dockerfile, context) =
            input.intoDevContainerFolder
            ? ("Dockerfile", SpecPaths.normalize(run.buildContextFromOutput))
            : ("../Dockerfile", SpecPaths.normalize("../" + run.buildContextFromOutput))
        var entries: [Document.Entry] = [
            .init("name", .string(run.name)),
            .init("build", .mapping(["dockerfile": .string(dockerfile), "context": .string(context)])),
        ]
        // `hostRequirements.gpu` makes the Dev Containers CLI add `--gpus all` itself, which would
        // undo a count or pinned devices on a shared server: it is set for `gpus: all` only, and
        // the others pass their own `--gpus`.
        if run.gpus == .all { entries.append(.init("hostRequirements", .mapping(["gpu": .bool(true)]))) }
        entries.append(.init("runArgs", .strings(runArgs, .flow)))
        if !mounts.isEmpty { entries.append(.init("mounts", .strings(mounts, .flow))) }
        for (key, value) in jupyterFields { if let value { entries.append(.init(key, value)) } }
        entries.append(.init("containerEnv", .mapping(entries: containerEnv)))
        // The image's user `mlenv` (home /home/mlenv), whose uid and gid the Dev Containers CLI
        // changes to the local user's on Linux, so that files in the workspace stay theirs (as
        // run.sh starts containers as the invoking user).
        entries += [
            .init("containerUser", .string(DevContainerDocument.user)),
            .init("remoteUser", .string(DevContainerDocument.user)),
            .init("updateRemoteUserUID", .bool(true)),
        ]
        let options = input.run.devcontainer
        if let postCreate = options.postCreate { entries.append(.init("postCreateCommand", .string(postCreate))) }
        if !options.extensions.isEmpty {
            entries.append(
                .init(
                    "customizations",
                    .mapping(["vscode": .mapping(["extensions": .strings(options.extensions, .block)])])))
        }
        return .mapping(entries: entries)
    }
}
