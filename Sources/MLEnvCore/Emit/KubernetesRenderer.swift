/// `--target kubernetes`: a Deployment (interactive) or a Job (`command:`), a ClusterIP Service
/// for Jupyter, and a PersistentVolumeClaim per volume.
///
/// The Jupyter token and the spec's `secrets:` come from Kubernetes Secrets that the user
/// creates; no secret value is ever written into the manifests.
enum KubernetesRenderer: TargetRenderer {
    static let templates: [TemplateName] = []

    /// The user id pods run as: not root, and the owner (through `fsGroup`) of what they write
    /// to claims, as run.sh makes the invoking user the owner on a Docker host.
    static let podUser = 1000

    static func render(_ input: RenderInput) -> [OutputFile] {
        [OutputFile(path: GeneratedFiles.kubernetes, contents: .text(KubernetesManifests(input).text))]
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

/// kubernetes.yaml as documents: the claims, the workload (a Job for `command:`, else a
/// Deployment), and a Service when Jupyter runs.
struct KubernetesManifests {
    struct Claim {
        var name: String
        var description: String
    }

    let input: RenderInput
    let name: String
    let options: KubernetesOptions
    /// The pod volumes after `dshm`, with their claims.
    var volumes: [(mount: Mount, name: String, hostPath: String?, claim: String?)] = []
    /// What the pod runs: decided once, read by the comment, the pod and the Service.
    let workload: (job: Bool, command: [String], jupyter: JupyterRun?)
    var claims: [Claim] = []

    init(_ input: RenderInput) {
        self.input = input
        name = input.run.name
        options = input.run.kubernetes
        workload = Self.workload(input.run)
        var usedNames: Set<String> = ["dshm"]
        for mount in input.run.mounts {
            let volumeName = KubernetesRenderer.uniqueName(for: mount, used: &usedNames)
            if options.storage == .hostpath, case .hostPath(let path) = mount.source {
                volumes.append((mount, volumeName, path, nil))
                continue
            }
            let claim: String
            if case .named(let named) = mount.source {
                claim = KubernetesRenderer.dnsLabel("\(name)-\(named)")
            } else {
                claim = KubernetesRenderer.dnsLabel("\(name)-\(volumeName)")
            }
            volumes.append((mount, volumeName, nil, claim))
            if !claims.contains(where: { $0.name == claim }) {
                let description: String
                switch mount.source {
                case .hostPath: description = "host folder \(mount.writtenSource)"
                case .specRelative: description = "folder \(mount.writtenSource) beside the spec"
                case .named(let named): description = "named volume \(named)"
                }
                claims.append(Claim(name: claim, description: description))
            }
        }
    }

    /// What the pod runs, and whether it is a Job.
    private static func workload(_ run: RunProfile) -> (job: Bool, command: [String], jupyter: JupyterRun?) {
        if let command = run.command { return (true, command.map(KubernetesRenderer.literalArgument), nil) }
        // Without Jupyter an interactive environment is a pod to `kubectl exec` into.
        guard let jupyter = run.jupyter else { return (false, ["sleep", "infinity"], nil) }
        return (false, jupyter.serverCommand, jupyter)
    }

    var tokenSecret: String { "\(name)-jupyter" }
    var secretsSecret: String { "\(name)-secrets" }

    /// The file's text: the how-to comment, then every object.
    var text: String {
        YAMLPrinter.stream(claims.map(claim) + [pod] + (workload.jupyter == nil ? [] : [service]), header: header)
    }

    var header: [String] {
        let run = input.run
        let namespaceFlag = options.namespace.map { " -n \($0.value)" } ?? ""
        var lines = [
            "Generated by mlenv \(input.header.mlenvVersion) from \(input.header.sources) (inputs sha256 \(input.header.inputsHash)).",
            "Edit the spec and run `mlenv generate --target kubernetes` again: changes made here are overwritten.",
            "",
            "Run it:",
        ]
        if let image = options.image?.value {
            lines.append(
                "  - Build and push the image: ./run.sh build && docker tag mlenv/\(name):latest \(image) && docker push \(image)"
            )
        } else {
            lines += [
                "  - Build the image (./run.sh build) and make it available to the cluster's nodes: push it to",
                "    a registry and set `kubernetes.image` in the spec, or load it into a local cluster",
                "    (kind load docker-image \(run.localImage)).",
            ]
        }
        if workload.jupyter != nil {
            lines += [
                "  - Create the Jupyter token (never written here):",
                "    kubectl\(namespaceFlag) create secret generic \(tokenSecret) --from-literal=token=\"$(openssl rand -hex 24)\"",
            ]
        }
        if !run.secrets.isEmpty {
            lines += [
                "  - Create the spec's secrets (each is optional):",
                "    kubectl\(namespaceFlag) create secret generic \(secretsSecret)"
                    + run.secrets.map { " --from-literal=\($0)=\"$\($0)\"" }.joined(),
            ]
        }
        lines.append("  - kubectl apply -f kubernetes.yaml")
        if let jupyter = workload.jupyter {
            let port = JupyterRun.containerPort
            lines += [
                "  - kubectl\(namespaceFlag) port-forward service/\(name) \(jupyter.hostPort):\(port)",
                "    and open http://127.0.0.1:\(jupyter.hostPort)/\(jupyter.app.urlPath)?token=<the token>; read it back with",
                "    kubectl\(namespaceFlag) get secret \(tokenSecret) -o jsonpath='{.data.token}' | base64 -d",
            ]
        } else if workload.job {
            lines.append("  - kubectl\(namespaceFlag) logs -f job/\(name)")
        } else {
            lines.append("  - kubectl\(namespaceFlag) exec -it deployment/\(name) -- bash")
        }
        return lines
    }

    /// `metadata` with the object's name, namespace, labels and annotations.
    func metadata(_ objectName: String, partOf: String? = nil, annotations: Document? = nil) -> Document {
        .mapping([
            "name": .string(objectName),
            "namespace": options.namespace.map { .string($0.value) },
            "labels": labels(objectName, partOf: partOf),
            "annotations": annotations,
        ])
    }

    func labels(_ objectName: String, partOf: String? = nil) -> Document {
        .mapping([
            "app.kubernetes.io/name": .string(objectName),
            "app.kubernetes.io/part-of": partOf.map(Document.string),
            "app.kubernetes.io/managed-by": .string("mlenv"),
        ])
    }

    func claim(_ claim: Claim) -> Document {
        Document.mapping([
            "apiVersion": .string("v1"),
            "kind": .string("PersistentVolumeClaim"),
            "metadata": metadata(claim.name, partOf: name),
            "spec": .mapping([
                "accessModes": .strings(["ReadWriteOnce"], .flow),
                "storageClassName": options.storageClass.map { .string($0.value) },
                "resources": .mapping(["requests": .mapping(["storage": .string(options.storageSize)])]),
            ]),
        ]).commented(["The \(claim.description) as a claim: copy its data in once (kubectl cp, or a job)."])
    }

    var pod: Document {
        let run = input.run
        let gpuCount = run.gpuCount ?? 0
        var env: [Document] = [.mapping(["name": .string("HOME"), "value": .string("/home/mlenv")])]
        // NGC images set NVIDIA_VISIBLE_DEVICES=all: on nodes whose default runtime is NVIDIA's,
        // a pod asking for no GPU would otherwise see them all.
        if gpuCount == 0 {
            env.append(.mapping(["name": .string("NVIDIA_VISIBLE_DEVICES"), "value": .string("void")]))
        }
        if workload.jupyter != nil { env.append(secretVariable("JUPYTER_TOKEN", secret: tokenSecret, key: "token")) }
        env += run.secrets.map { secretVariable($0, secret: secretsSecret, key: $0, optional: true) }

        var limits: [Document.Entry] = []
        var requests: [Document.Entry] = []
        if gpuCount > 0 { limits.append(.init("nvidia.com/gpu", .string(String(gpuCount)))) }
        if let cpus = run.resources.cpus?.value {
            limits.append(.init("cpu", .string(String(cpus))))
            requests.append(.init("cpu", .string(String(cpus))))
        }
        if let memory = run.resources.memory?.value {
            limits.append(.init("memory", .string(memory.kubernetes)))
            requests.append(.init("memory", .string(memory.kubernetes)))
        }
        let resources: Document? =
            limits.isEmpty
            ? nil
            : .mapping([
                "limits": .mapping(entries: limits),
                "requests": requests.isEmpty ? nil : .mapping(entries: requests),
            ])

        let shmLimit: Document?
        switch run.sharedMemory {
        case .size(let size): shmLimit = .string(size.kubernetes)
        // Memory-backed /dev/shm without a limit: the closest a pod gets to `--ipc=host`
        // without sharing the node's IPC namespace.
        case .hostIPC: shmLimit = nil
        }
        let mounts: [Document] =
            [.mapping(["name": .string("dshm"), "mountPath": .string("/dev/shm")])]
            + volumes.map { volume in
                .mapping([
                    "name": .string(volume.name), "mountPath": .string(volume.mount.target),
                    "readOnly": volume.mount.readOnly ? .bool(true) : nil,
                ])
            }
        let podVolumes: [Document] =
            [
                Document.mapping([
                    "name": .string("dshm"),
                    "emptyDir": .mapping(["medium": .string("Memory"), "sizeLimit": shmLimit]),
                ]).commented(["Shared memory for data loaders and NCCL: a pod's default /dev/shm is 64 MiB."])
            ]
            + volumes.map { volume in
                .mapping([
                    "name": .string(volume.name),
                    "hostPath": volume.hostPath.map { .mapping(["path": .string($0), "type": .string("Directory")]) },
                    "persistentVolumeClaim": volume.claim.map {
                        .mapping(["claimName": .string($0), "readOnly": volume.mount.readOnly ? .bool(true) : nil])
                    },
                ])
            }

        let container = Document.mapping([
            "name": .string(name),
            "image": .string(options.image?.value ?? run.localImage),
            "imagePullPolicy": .string("IfNotPresent"),
            "command": .strings(workload.command),
            "workingDir": .string(run.workdir),
            "env": .sequence(env, .block),
            "ports": workload.jupyter == nil
                ? nil
                : .sequence(
                    [
                        .mapping(["name": .string("jupyter"), "containerPort": .integer(JupyterRun.containerPort)])
                    ], .block),
            "readinessProbe": workload.jupyter == nil
                ? nil
                : .mapping([
                    "tcpSocket": .mapping(["port": .string("jupyter")]),
                    "periodSeconds": .integer(10),
                ]),
            "resources": resources,
            "volumeMounts": .sequence(mounts, .block),
        ])
        let user = Document.integer(KubernetesRenderer.podUser)
        let podSpec = Document.mapping([
            "restartPolicy": workload.job ? .string("Never") : nil,
            "securityContext": .mapping(["runAsUser": user, "runAsGroup": user, "fsGroup": user]),
            "containers": .sequence([container], .block),
            "volumes": .sequence(podVolumes, .block),
        ])
        let template = Document.mapping(["metadata": .mapping(["labels": labels(name)]), "spec": podSpec])
        let spec: Document
        if workload.job {
            spec = .mapping(["backoffLimit": .integer(0), "template": template])
        } else {
            spec = .mapping([
                "replicas": .integer(1),
                "strategy": Document.mapping(["type": .string("Recreate")])
                    .commented(["GPUs and claims are held by one pod at a time: replace it, never run two."]),
                "selector": .mapping(["matchLabels": .mapping(["app.kubernetes.io/name": .string(name)])]),
                "template": template,
            ])
        }
        return .mapping([
            "apiVersion": .string(workload.job ? "batch/v1" : "apps/v1"),
            "kind": .string(workload.job ? "Job" : "Deployment"),
            "metadata": metadata(
                name, annotations: .mapping(["io.mlenv.inputs.sha256": .string(input.header.inputsHash)])),
            "spec": spec,
        ])
    }

    func secretVariable(_ variable: String, secret: String, key: String, optional: Bool = false) -> Document {
        .mapping([
            "name": .string(variable),
            "valueFrom": .mapping([
                "secretKeyRef": .mapping([
                    "name": .string(secret), "key": .string(key), "optional": optional ? .bool(true) : nil,
                ])
            ]),
        ])
    }

    var service: Document {
        .mapping([
            "apiVersion": .string("v1"),
            "kind": .string("Service"),
            "metadata": metadata(name),
            "spec": .mapping([
                "type": .string("ClusterIP"),
                "selector": .mapping(["app.kubernetes.io/name": .string(name)]),
                "ports": .sequence(
                    [
                        .mapping([
                            "name": .string("jupyter"), "port": .integer(JupyterRun.containerPort),
                            "targetPort": .string("jupyter"),
                        ])
                    ], .block),
            ]),
        ])
    }
}
