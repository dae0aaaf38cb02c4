/// What a plan gives one team on a shared host: it replaces the spec's GPU request and port in
/// the team's run profile, and leaves the spec as written.
public struct Allocation: Sendable, Equatable {
    /// The GPU indices the team gets (empty for none).
    public var gpus: [Int]
    /// The host port of its Jupyter server, when it has one.
    public var port: Int?

    /// Creates an allocation.
    public init(gpus: [Int], port: Int?) {
        self.gpus = gpus
        self.port = port
    }
}

/// The translate stage: a checked, resolved environment (plus a plan's allocation) becomes the
/// two values every renderer reads, so that no renderer re-derives a fact or reads the spec or
/// the catalog.
enum Translator {
    /// What to build and how to run it.
    static func translate(
        _ environment: ResolvedEnvironment, header: GeneratedHeader, specFolderFromOutput: String,
        workingDirectory: String, allocation: Allocation? = nil, context: BuildContext? = nil,
        lock: LockFile? = nil
    ) -> (BuildRecipe, RunProfile) {
        var recipe = recipe(environment, header: header, workingDirectory: workingDirectory)
        var profile = profile(environment.spec, specFolderFromOutput: specFolderFromOutput, allocation: allocation)
        recipe.installer = environment.spec.installer
        if let context {
            recipe.context = context
            profile.buildContextFromOutput = context.fromOutput
            let spec = environment.spec
            let root = BuildContextRule.folder(environment) ?? "."
            let inContext = { (path: String) in SpecPaths.relativePath(from: root, to: path) ?? path }
            recipe.fileCopies = spec.files.map {
                FileCopy(
                    source: inContext(SpecPaths.resolve($0.value.source, relativeTo: spec.file)),
                    target: $0.value.target)
            }
            recipe.mountedFolders = spec.volumes.compactMap { volume -> String? in
                guard case .relativePath(let path) = volume.value.source else { return nil }
                let inside = inContext(SpecPaths.resolve(path, relativeTo: spec.file))
                return inside.hasPrefix("..") || inside == "." ? nil : inside
            }
            if let project = environment.project {
                recipe.project = ProjectInstall(
                    from: inContext(project.folder), target: ProjectInstall.imageFolder,
                    editable: spec.project?.editable ?? false, extras: project.extras,
                    dependencies: project.staticDependencies ? project.dependencies.map(\.value.text) : nil)
            }
        }
        if let lock { recipe = locked(recipe, by: lock, environment: environment) }
        return (recipe, profile)
    }

    static func profile(_ spec: EnvironmentSpec, specFolderFromOutput: String, allocation: Allocation?) -> RunProfile {
        let name = spec.name.value
        var gpus = spec.gpus.value
        if let allocation, gpus != .none { gpus = .devices(allocation.gpus.sorted()) }
        let jupyter = spec.jupyter.map { jupyter in
            JupyterRun(
                hostPort: allocation?.port ?? jupyter.port.value, bind: jupyter.bind.value,
                app: jupyter.lab ? .lab : .notebook)
        }
        var profile = RunProfile(
            name: name, localImage: "mlenv/\(name):latest", container: "mlenv-\(name)", gpus: gpus,
            sharedMemory: SharedMemorySetting(spec.sharedMemory), resources: spec.resources,
            mounts: spec.volumes.map { mount($0.value) },
            jupyter: jupyter, secrets: spec.secrets.map(\.value), command: spec.command?.value,
            workdir: spec.workdir.value,
            specFolderFromOutput: specFolderFromOutput, kubernetes: spec.kubernetes, slurm: spec.slurm)
        profile.devcontainer = (spec.devcontainer.extensions.map(\.value), spec.devcontainer.postCreate?.value)
        return profile
    }

    static func mount(_ volume: VolumeMount) -> Mount {
        switch volume.source {
        case .absolutePath(let path):
            Mount(
                source: .hostPath(SpecPaths.normalize(path)), target: volume.target, readOnly: volume.readOnly,
                writtenSource: path)
        case .relativePath(let path):
            Mount(
                source: .specRelative(SpecPaths.normalize(path)), target: volume.target, readOnly: volume.readOnly,
                writtenSource: path)
        case .named(let name):
            Mount(source: .named(name), target: volume.target, readOnly: volume.readOnly, writtenSource: name)
        }
    }

    static func recipe(
        _ environment: ResolvedEnvironment, header: GeneratedHeader, workingDirectory: String
    ) -> BuildRecipe {
        let spec = environment.spec
        let namedVolumeTargets = spec.volumes.compactMap { volume -> String? in
            if case .named = volume.value.source { return volume.value.target }
            return nil
        }
        let app: JupyterRun.App? = spec.jupyter.map { $0.lab ? .lab : .notebook }
        return BuildRecipe(
            base: environment.image, pipIndexURL: spec.build.pipIndexURL?.value,
            caBundle: spec.build.caBundle.map {
                CABundleCopy(file: GeneratedFiles.caBundle, source: SpecPaths.resolve($0.value, relativeTo: spec.file))
            }, python: pythonInstall(environment),
            apt: spec.apt.map(\.value), framework: environment.frameworkInstall,
            requirements: requirements(environment),
            requirementsFiles: requirementsFiles(environment.requirements, workingDirectory: workingDirectory),
            indexOptions: spec.index.extraURLs.flatMap { ["--extra-index-url", $0.value] }
                + spec.index.findLinks.flatMap { ["--find-links", $0.value] },
            protectedDistributions: environment.framework?.protectedDistributions ?? [],
            env: spec.env.map(judged), buildEnv: spec.build.env.map(judged), workdir: spec.workdir.value,
            writableFolders: ["/home/mlenv", spec.workdir.value] + namedVolumeTargets, setup: spec.setup.map(\.value),
            labels: labels(environment, header: header), exposedPort: app == nil ? nil : JupyterRun.containerPort,
            defaultCommand: app.map {
                [
                    "jupyter", $0.rawValue, "--ip=0.0.0.0", "--port=\(JupyterRun.containerPort)", "--no-browser",
                    "--allow-root",
                ]
            }
                ?? ["bash"])
    }

    /// `generate --locked` from a lock that records a build: the base by digest, pip's list
    /// exactly, apt's packages pinned. What the lock does not record is built as the spec says.
    static func locked(_ recipe: BuildRecipe, by lock: LockFile, environment: ResolvedEnvironment) -> BuildRecipe {
        guard let installed = lock.installed else { return recipe }
        var recipe = recipe
        if let digest = lock.baseDigest, recipe.base.digest == nil {
            var tagless = recipe.base
            tagless.tag = nil
            tagless.digest = digest
            recipe.baseTag = recipe.base.description
            recipe.base = tagless
            recipe.labels = recipe.labels.flatMap { label in
                label.key == "org.opencontainers.image.base.name"
                    ? [(label.key, recipe.baseTag!), ("org.opencontainers.image.base.digest", digest)] : [label]
            }
        }
        let distributions = installed.distributions
        if !distributions.isEmpty {
            // The framework's own index (PyTorch's, JAX's find-links) stays reachable.
            var options = recipe.indexOptions
            var words = recipe.framework?.words ?? []
            while !words.isEmpty {
                let word = words.removeFirst()
                guard !words.isEmpty else { break }
                if word == "--index-url" || word == "-i" || word == "--extra-index-url" {
                    options += ["--extra-index-url", words.removeFirst()]
                } else if word == "-f" || word == "--find-links" {
                    options += ["--find-links", words.removeFirst()]
                }
            }
            let hashed = distributions.filter { $0.sha256 != nil && $0.commit == nil }
            recipe.lockedPip = LockedPipInstall(
                hashed: hashed.map(\.line),
                unhashed: distributions.filter { $0.sha256 == nil || $0.commit != nil }.map { distribution in
                    distribution.url.map { "\(distribution.name) @ \($0)" }
                        ?? "\(distribution.name)==\(distribution.version)"
                },
                options: options, lockName: MLEnv.lastComponent(LockFile.path(forSpec: lock.spec)))
            recipe.framework = nil
            recipe.requirements = nil
            recipe.requirementsFiles = nil
            recipe.protectedDistributions = []
            // The project's own code is still installed, without its dependencies: the lock has them.
            recipe.project?.dependencies = []
        }
        if !recipe.apt.isEmpty, !installed.apt.isEmpty {
            recipe.apt = installed.apt.compactMap { line in
                guard let equals = line.firstIndex(of: "=") else { return nil }
                return AptPackage(name: String(line[..<equals]), version: String(line[line.index(after: equals)...]))
            }
            recipe.aptLocked = true
        }
        return recipe
    }

    /// An `env:` or `build.env` entry with the judgement W305 made of it, which the Dockerfile
    /// passes on to hadolint.
    static func judged(_ variable: EnvVariable) -> (name: String, value: [EnvPart], notSecret: Bool) {
        (
            variable.name.value, variable.parts,
            SecretEvidence.of(name: variable.name.value, value: variable.value.value) == nil
        )
    }

    /// The spec's pip requirements, plus Jupyter when the spec wants it and the base lacks it;
    /// nil when there is nothing to install.
    static func requirements(_ environment: ResolvedEnvironment) -> RequirementsList? {
        let spec = environment.spec
        var added: [String] = []
        if let jupyter = spec.jupyter {
            let names = Set(spec.pip.map(\.value.normalizedName))
            if jupyter.lab && !environment.imageShipsJupyter && !names.contains("jupyterlab") {
                added.append("jupyterlab")
            }
            if !jupyter.lab && !names.contains("notebook") { added.append("notebook") }
        }
        guard !spec.pip.isEmpty || !added.isEmpty else { return nil }
        return RequirementsList(requirements: spec.pip.map(\.value.text), added: added)
    }

    /// The requirements files' places in the build: their paths below the deepest folder that
    /// holds them all, so that the folders between them (and their includes) stay as they are.
    static func requirementsFiles(
        _ requirements: ProjectRequirements, workingDirectory: String
    ) -> RequirementsFilesInstall? {
        guard !requirements.files.isEmpty else { return nil }
        let absolute = { (path: String) in SpecPaths.absolute(path, in: workingDirectory) }
        let parts = requirements.files.map { absolute($0.path).split(separator: "/").map(String.init) }
        var common = parts[0].count - 1
        for path in parts.dropFirst() {
            var shared = 0
            while shared < min(common, path.count - 1), path[shared] == parts[0][shared] { shared += 1 }
            common = shared
        }
        var inContext: [String: String] = [:]
        let copies = zip(requirements.files, parts).map { file, path in
            let contextPath = ([RequirementsFilesInstall.folder] + path[common...]).joined(separator: "/")
            inContext[file.path] = contextPath
            return RequirementsFilesInstall.Copy(source: file.path, contextPath: contextPath)
        }
        let inImage = { (root: ProjectRequirements.Root) in
            "/tmp/mlenv/" + (inContext[root.path] ?? RequirementsFilesInstall.folder)
        }
        return RequirementsFilesInstall(
            copies: copies, hashed: requirements.roots.filter(\.usesHashes).map(inImage),
            plain: requirements.roots.filter { !$0.usesHashes }.map(inImage))
    }

    /// How the base image gets the Python the spec asks for, when it has none.
    static func pythonInstall(_ environment: ResolvedEnvironment) -> PythonInstall? {
        let traits = environment.traits
        // The spec's Python, or the one `base: auto` chose for it.
        guard environment.catalogImage == nil, traits.shipsPython == false,
            let python = environment.spec.python?.value ?? environment.python.known?.description
        else { return nil }
        let minor = python.split(separator: ".").prefix(2).joined(separator: ".")
        let interpreter = "python\(minor)"
        let packages = [interpreter, "\(interpreter)-venv"]
        let native =
            BaseImageTraits.ubuntuPython(traits.operatingSystem) ?? BaseImageTraits.debianPython(traits.operatingSystem)
        if traits.family == .debian || native == minor {
            // Debian has no PPA: its own Python, which BaseImageRule checked is the one asked for.
            let osName =
                traits.operatingSystem.map { $0.hasPrefix("debian") ? "Debian " + $0.dropFirst(6) : $0 }
                ?? "the base image"
            return PythonInstall(
                reason: "The base image has no Python: install \(osName)'s Python \(minor) into a virtual environment.",
                bootstrapPackages: ["ca-certificates"] + packages, ppa: nil, ppaPackages: [], interpreter: interpreter)
        }
        let why =
            BaseImageTraits.ubuntuPython(traits.operatingSystem).map { " (\(traits.operatingSystem!) ships \($0))" }
            ?? ""
        return PythonInstall(
            reason:
                "The base image has no Python: install Python \(minor) from the deadsnakes PPA\(why) into a virtual environment.",
            bootstrapPackages: ["ca-certificates", "gpg-agent", "software-properties-common"],
            ppa: "ppa:deadsnakes/ppa",
            ppaPackages: packages, interpreter: interpreter)
    }

    static func labels(_ environment: ResolvedEnvironment, header: GeneratedHeader) -> [(key: String, value: String)] {
        let spec = environment.spec
        var pairs: [(key: String, value: String)] = [("org.opencontainers.image.title", spec.name.value)]
        if let description = spec.description { pairs.append(("org.opencontainers.image.description", description)) }
        pairs += [
            ("org.opencontainers.image.base.name", environment.image.description),
            ("io.mlenv.spec", header.specName),
            ("io.mlenv.spec.sha256", header.specHash),
            ("io.mlenv.inputs.sha256", header.inputsHash),
            ("io.mlenv.version", header.mlenvVersion),
        ]
        return pairs
    }
}
