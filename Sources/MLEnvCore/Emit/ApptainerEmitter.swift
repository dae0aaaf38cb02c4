/// Renders `templates/Apptainer.def.mustache`: an Apptainer (Singularity) definition file that
/// takes the Dockerfile's steps, in the same order, from the same values.
enum ApptainerEmitter {
    static func render(_ environment: ResolvedEnvironment, catalog: Catalog, header: GeneratedHeader, hasRequirements: Bool) -> String {
        let spec = environment.spec
        var context = DockerfileEmitter.context(environment, catalog: catalog, header: header, hasRequirements: hasRequirements)
        context["name"] = spec.name.value
        context["gpus"] = spec.gpus.value != .none
        context["labels"] = (context["labels"] as? [[String: Any]] ?? []).map { label in
            // `%labels` lines are `KEY VALUE` to the end of the line: no quoting.
            ["key": label["key"] ?? "", "value": MLEnv.printable("\(label["value"] ?? "")")]
        }
        if let command = spec.command?.value {
            context["command"] = command
            context["batch"] = true
        } else if let jupyter = spec.jupyter {
            context["runJupyter"] = ["app": jupyter.lab ? "lab" : "notebook", "port": String(jupyter.port.value)]
        }
        context["relativeBinds"] = spec.volumes.contains {
            if case .relativePath = $0.value.source { return true }
            return false
        }
        // The image is read-only: a folder beside the image is the writable working folder.
        context["workdirBind"] = Quoting.shell("workdir:\(spec.workdir.value)")
        context["binds"] = spec.volumes.compactMap { volume -> String? in
            let mount = volume.value
            switch mount.source {
            case .absolutePath(let path): return "--bind \(Quoting.shell("\(SpecPaths.normalize(path)):\(mount.target):\(mount.readOnly ? "ro" : "rw")"))"
            case .relativePath(let path): return "--bind \(Quoting.shell("SPEC_FOLDER/\(SpecPaths.normalize(path)):\(mount.target):\(mount.readOnly ? "ro" : "rw")"))"
            case .named: return nil
            }
        }.joined(separator: " ")
        return TemplateRenderer.shared.render("Apptainer.def", context)
    }
}
