/// The teams' run profiles as compose.yaml reads them.
struct ComposeView: TemplateView {
    static let fields: [String: PartialKeyPath<Self> & Sendable] = [
        "version": \Self.version,
        "host": \Self.host,
        "teamCount": \Self.teamCount,
        "services": \Self.services,
        "namedVolumes": \Self.namedVolumes,
        "hasNamedVolumes": \Self.hasNamedVolumes,
        "serviceList": \Self.serviceList,
    ]

    struct Port: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "bind": \Self.bind,
            "port": \Self.port,
            "tokenExpression": \Self.tokenExpression,
        ]

        var bind: String
        var port: String
        var tokenExpression: String
    }

    struct Secret: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "name": \Self.name,
            "expression": \Self.expression,
        ]

        var name: String
        /// `${NAME:-}`: passed through from the environment of `docker compose up`, by name.
        var expression: String
    }

    struct GPUs: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "ids": \Self.ids,
        ]

        var ids: String
    }

    struct Ulimit: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "name": \Self.name,
            "value": \Self.value,
        ]

        var name: String
        var value: String
    }

    struct Service: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "name": \Self.name,
            "image": \Self.image,
            "container": \Self.container,
            "port": \Self.port,
            "ipcHost": \Self.ipcHost,
            "shmSize": \Self.shmSize,
            "cpus": \Self.cpus,
            "memory": \Self.memory,
            "gpus": \Self.gpus,
            "ulimits": \Self.ulimits,
            "secrets": \Self.secrets,
            "hasVolumes": \Self.hasVolumes,
            "volumes": \Self.volumes,
            "containerPort": \Self.containerPort,
        ]

        var name: String
        var image: String
        var container: String
        var port: Port?
        var ipcHost: Bool
        var shmSize: String?
        var cpus: String?
        var memory: String?
        var gpus: GPUs?
        var ulimits: [Ulimit]
        var secrets: [Secret]
        var hasVolumes: Bool
        var volumes: [String]
        var containerPort = String(JupyterRun.containerPort)

        init(_ run: RunProfile, tokenVariable: String) {
            name = run.name
            image = run.localImage
            container = run.container
            port = run.jupyter.map { jupyter in
                Port(bind: jupyter.bind, port: String(jupyter.hostPort),
                     tokenExpression: "${\(tokenVariable):?set \(tokenVariable) to this team's Jupyter token}")
            }
            switch run.sharedMemory {
            case .hostIPC: ipcHost = true
            case .size(let size): (ipcHost, shmSize) = (false, size.docker)
            }
            cpus = run.resources.cpus.map { String($0.value) }
            memory = run.resources.memory?.value.docker
            if case .devices(let devices) = run.gpus, !devices.isEmpty {
                gpus = GPUs(ids: devices.map { Quoting.json(String($0)) }.joined(separator: ", "))
            }
            ulimits = gpus == nil ? [] : run.nvidiaUlimits.map { Ulimit(name: $0.name, value: $0.value) }
            secrets = run.secrets.map { Secret(name: $0, expression: "${\($0):-}") }
            hasVolumes = !run.mounts.isEmpty
            volumes = run.mounts.map { mount in
                switch mount.source {
                case .hostPath(let path): return "\(path):\(mount.target):\(mount.mode)"
                case .specRelative(let path):
                    let relative = SpecPaths.normalize(run.specFolderFromOutput + "/" + path)
                    return "\(relative.hasPrefix(".") || relative.hasPrefix("/") ? relative : "./" + relative):\(mount.target):\(mount.mode)"
                case .named(let name): return "\(name):\(mount.target):\(mount.mode)"
                }
            }
        }
    }

    var version: String
    var host: String
    var teamCount: Int
    var services: [Service]
    var namedVolumes: [String]
    var hasNamedVolumes: Bool

    /// The service names as shell words, for compose.sh.
    var serviceList: String
}
