/// `--target kubernetes`: a Deployment (interactive) or a Job (`command:`), a ClusterIP Service
/// for Jupyter, and a PersistentVolumeClaim per volume.
///
/// The Jupyter token and the spec's `secrets:` come from Kubernetes Secrets that the user
/// creates; no secret value is ever written into the manifests.
enum KubernetesRenderer: TargetRenderer {
    static let templates: [TemplateName] = [.kubernetes]

    /// The user id pods run as: not root, and the owner (through `fsGroup`) of what they write
    /// to claims, as run.sh makes the invoking user the owner on a Docker host.
    static let podUser = 1000

    static func render(_ input: RenderInput) -> [OutputFile] {
        [OutputFile(path: GeneratedFiles.kubernetes, contents: .text(TemplateRenderer.shared.render(.kubernetes, KubernetesView(input))))]
    }

    /// A command word that Kubernetes passes on unchanged: it expands `$(NAME)` from the
    /// container's environment and reads `$$` as `$`, so every `$` is doubled.
    static func literalArgument(_ word: String) -> String {
        word.replacing("$", with: "$$")
    }

    /// A pod volume name from the mount's last folder (`/workspace/data` -> `data`), unique in the pod.
    static func uniqueName(for mount: Mount, used: inout Set<String>) -> String {
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

/// The run profile as kubernetes.yaml reads it.
struct KubernetesView {
    struct Quantity {
        var key: String
        var value: String
    }

    struct Jupyter {
        var app: String
        var path: String
        var localPort: String
    }

    struct Volume {
        var name: String
        var target: String
        var readOnly: Bool
        var hostPath: String?
        var claim: String?
    }

    struct Claim {
        var name: String
        var partOf: String
        var description: String
        var size: String
        var storageClass: String?
    }

    var version: String
    var sources: String
    var inputsHash: String
    var name: String
    var image: String
    var localImage: Bool
    var pushImage: String
    var namespaceFlag: String
    var namespace: String?
    var workdir: String
    var podUser = KubernetesRenderer.podUser
    var tokenSecret: String
    var secretsSecret: String
    var secrets: [String]
    var hasSecrets: Bool
    var limits: [Quantity] = []
    var requests: [Quantity] = []
    var hasResources: Bool
    var hasRequests: Bool
    /// NGC images set NVIDIA_VISIBLE_DEVICES=all: on nodes whose default runtime is NVIDIA's,
    /// a pod asking for no GPU would otherwise see them all.
    var noGPUs: Bool
    var job: Bool
    var deployment: Bool
    var command: [String]
    var jupyter: Jupyter?
    var containerPort = String(JupyterRun.containerPort)
    var shmLimit: String?
    var volumes: [Volume] = []
    var claims: [Claim] = []

    init(_ input: RenderInput) {
        let run = input.run
        let name = run.name
        let options = run.kubernetes
        version = input.header.mlenvVersion
        sources = input.header.sources
        inputsHash = input.header.inputsHash
        self.name = name
        image = options.image?.value ?? run.localImage
        localImage = options.image == nil
        pushImage = options.image?.value ?? ""
        namespaceFlag = options.namespace.map { " -n \($0.value)" } ?? ""
        namespace = options.namespace?.value
        workdir = run.workdir
        tokenSecret = "\(name)-jupyter"
        secretsSecret = "\(name)-secrets"
        secrets = run.secrets
        hasSecrets = !run.secrets.isEmpty
        let gpuCount = run.gpuCount ?? 0
        if gpuCount > 0 { limits.append(Quantity(key: "nvidia.com/gpu", value: String(gpuCount))) }
        noGPUs = gpuCount == 0
        if let cpus = run.resources.cpus?.value {
            limits.append(Quantity(key: "cpu", value: String(cpus)))
            requests.append(Quantity(key: "cpu", value: String(cpus)))
        }
        if let memory = run.resources.memory?.value {
            limits.append(Quantity(key: "memory", value: memory.kubernetes))
            requests.append(Quantity(key: "memory", value: memory.kubernetes))
        }
        hasResources = !limits.isEmpty
        hasRequests = !requests.isEmpty

        if let command = run.command {
            job = true
            deployment = false
            self.command = command.map(KubernetesRenderer.literalArgument)
        } else if let jupyter = run.jupyter {
            job = false
            deployment = true
            self.jupyter = Jupyter(app: jupyter.app.rawValue, path: jupyter.app.urlPath, localPort: String(jupyter.hostPort))
            self.command = jupyter.serverCommand
        } else {
            // An interactive environment without Jupyter: a pod to `kubectl exec` into.
            job = false
            deployment = true
            self.command = ["sleep", "infinity"]
        }

        switch run.sharedMemory {
        case .size(let size): shmLimit = size.kubernetes
        // Memory-backed /dev/shm without a limit: the closest a pod gets to `--ipc=host`
        // without sharing the node's IPC namespace.
        case .hostIPC: shmLimit = nil
        }

        var usedNames: Set<String> = ["dshm"]
        for mount in run.mounts {
            let volumeName = KubernetesRenderer.uniqueName(for: mount, used: &usedNames)
            var volume = Volume(name: volumeName, target: mount.target, readOnly: mount.readOnly)
            if options.storage == .hostpath, case .hostPath(let path) = mount.source {
                volume.hostPath = path
            } else {
                let claim: String
                if case .named(let named) = mount.source {
                    claim = KubernetesRenderer.dnsLabel("\(name)-\(named)")
                } else {
                    claim = KubernetesRenderer.dnsLabel("\(name)-\(volumeName)")
                }
                volume.claim = claim
                if !claims.contains(where: { $0.name == claim }) {
                    let description: String
                    switch mount.source {
                    case .hostPath: description = "host folder \(mount.writtenSource)"
                    case .specRelative: description = "folder \(mount.writtenSource) beside the spec"
                    case .named(let named): description = "named volume \(named)"
                    }
                    claims.append(Claim(name: claim, partOf: name, description: description, size: options.storageSize,
                                        storageClass: options.storageClass?.value))
                }
            }
            volumes.append(volume)
        }
    }
}
