import Foundation

/// Renders `templates/kubernetes.yaml.mustache`: a Deployment (interactive) or a Job
/// (`command:`), a ClusterIP Service for Jupyter, and a PersistentVolumeClaim per volume.
///
/// The Jupyter token and the spec's `secrets:` come from Kubernetes Secrets that the user
/// creates; no secret value is ever written into the manifests.
enum KubernetesEmitter {
    /// The user id pods run as: not root, and the owner (through `fsGroup`) of what they write
    /// to claims, as run.sh makes the invoking user the owner on a Docker host.
    static let podUser = 1000

    static func render(_ spec: EnvironmentSpec, header: GeneratedHeader) -> String {
        let name = spec.name.value
        let options = spec.kubernetes
        let image = options.image?.value ?? "mlenv/\(name):latest"
        let namespaceFlag = options.namespace.map { " -n \($0.value)" } ?? ""
        var context: [String: Any] = [
            "version": header.mlenvVersion,
            "sources": header.sources,
            "inputsHash": header.inputsHash,
            "name": name,
            "image": image,
            "localImage": options.image == nil,
            "pushImage": options.image?.value ?? "",
            "namespaceFlag": namespaceFlag,
            "workdir": spec.workdir.value,
            "podUser": podUser,
            "tokenSecret": "\(name)-jupyter",
            "secretsSecret": "\(name)-secrets",
            "secrets": spec.secrets.map(\.value),
            "hasSecrets": !spec.secrets.isEmpty,
        ]
        if let namespace = options.namespace { context["namespace"] = namespace.value }
        let gpuCount: Int
        switch spec.gpus.value {
        case .none, .all: gpuCount = 0
        case .count(let count): gpuCount = count
        case .devices(let devices): gpuCount = devices.count
        }
        var limits: [[String: String]] = []
        var requests: [[String: String]] = []
        if gpuCount > 0 { limits.append(["key": "nvidia.com/gpu", "value": String(gpuCount)]) }
        // NGC images set NVIDIA_VISIBLE_DEVICES=all: on nodes whose default runtime is NVIDIA's,
        // a pod asking for no GPU would otherwise see them all.
        context["noGPUs"] = gpuCount == 0
        if let cpus = spec.resources.cpus?.value {
            limits.append(["key": "cpu", "value": String(cpus)])
            requests.append(["key": "cpu", "value": String(cpus)])
        }
        if let memory = spec.resources.memory?.value {
            limits.append(["key": "memory", "value": memory.kubernetes])
            requests.append(["key": "memory", "value": memory.kubernetes])
        }
        context["limits"] = limits
        context["requests"] = requests
        context["hasResources"] = !limits.isEmpty
        context["hasRequests"] = !requests.isEmpty

        if let command = spec.command?.value {
            context["job"] = true
            context["command"] = command.map(literalArgument)
        } else if let jupyter = spec.jupyter {
            context["deployment"] = true
            context["jupyter"] = ["app": jupyter.lab ? "lab" : "notebook", "path": jupyter.lab ? "lab" : "tree",
                                  "localPort": String(jupyter.port.value)]
            context["command"] = ["jupyter", jupyter.lab ? "lab" : "notebook", "--ip=0.0.0.0", "--port=8888", "--no-browser"]
        } else {
            // An interactive environment without Jupyter: a pod to `kubectl exec` into.
            context["deployment"] = true
            context["command"] = ["sleep", "infinity"]
        }

        switch spec.sharedMemory {
        case .defaultSize: context["shmLimit"] = "1Gi"
        case .size(let size): context["shmLimit"] = MemorySize(parsing: size)?.kubernetes ?? size
        // Memory-backed /dev/shm without a limit: the closest a pod gets to `--ipc=host`
        // without sharing the node's IPC namespace.
        case .hostIPC: break
        }

        var usedNames: Set<String> = ["dshm"]
        var claims: [[String: Any]] = []
        context["volumes"] = spec.volumes.map { volume -> [String: Any] in
            let mount = volume.value
            let volumeName = uniqueName(for: mount, used: &usedNames)
            var entry: [String: Any] = ["name": volumeName, "target": mount.target, "readOnly": mount.readOnly]
            if options.storage == .hostpath, case .absolutePath(let path) = mount.source {
                entry["hostPath"] = SpecPaths.normalize(path)
            } else {
                let claim: String
                if case .named(let named) = mount.source { claim = dnsLabel("\(name)-\(named)") } else { claim = dnsLabel("\(name)-\(volumeName)") }
                entry["claim"] = claim
                if !claims.contains(where: { $0["name"] as? String == claim }) {
                    let description: String
                    switch mount.source {
                    case .absolutePath(let path): description = "host folder \(path)"
                    case .relativePath(let path): description = "folder \(path) beside the spec"
                    case .named(let named): description = "named volume \(named)"
                    }
                    var claimEntry: [String: Any] = ["name": claim, "partOf": name, "description": description, "size": options.storageSize]
                    if let storageClass = options.storageClass { claimEntry["storageClass"] = storageClass.value }
                    claims.append(claimEntry)
                }
            }
            return entry
        }
        context["claims"] = claims
        return TemplateRenderer.shared.render("kubernetes.yaml", context)
    }

    /// A command word that Kubernetes passes on unchanged: it expands `$(NAME)` from the
    /// container's environment and reads `$$` as `$`, so every `$` is doubled.
    static func literalArgument(_ word: String) -> String {
        word.replacingOccurrences(of: "$", with: "$$")
    }

    /// A pod volume name from the mount's last folder (`/workspace/data` -> `data`), unique in the pod.
    static func uniqueName(for mount: VolumeMount, used: inout Set<String>) -> String {
        let last = mount.target.split(separator: "/").last.map(String.init) ?? "volume"
        let base = dnsLabel(last.isEmpty ? "volume" : last, limit: 50)
        var candidate = base
        var counter = 2
        while used.contains(candidate) {
            candidate = "\(base)-\(counter)"
            counter += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// `text` as a DNS label: lower case, other characters as `-`, at most `limit` characters.
    static func dnsLabel(_ text: String, limit: Int = 63) -> String {
        var result = ""
        for character in text.lowercased() {
            if character.isLowerAlnum { result.append(character) } else if !result.hasSuffix("-") { result.append("-") }
        }
        result = String(result.prefix(limit))
        while result.hasPrefix("-") { result.removeFirst() }
        while result.hasSuffix("-") { result.removeLast() }
        return result.isEmpty ? "volume" : result
    }
}
