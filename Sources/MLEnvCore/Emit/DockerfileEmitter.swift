/// Renders `templates/Dockerfile.mustache` for a checked spec.
///
/// Layers go from what changes least to what changes most: CA and Python, apt packages, the
/// framework, pip packages, env, setup, and the labels naming the spec's hash last, so that
/// editing `setup` or `packages.pip` never rebuilds the apt layer.
enum DockerfileEmitter {
    static func render(_ environment: ResolvedEnvironment, catalog: Catalog, header: GeneratedHeader, hasRequirements: Bool) -> String {
        TemplateRenderer.shared.render("Dockerfile", context(environment, catalog: catalog, header: header, hasRequirements: hasRequirements))
    }

    /// The build steps as template values; the Apptainer definition file follows the same steps.
    static func context(_ environment: ResolvedEnvironment, catalog: Catalog, header: GeneratedHeader, hasRequirements: Bool) -> [String: Any] {
        let spec = environment.spec
        let image = environment.image
        var context: [String: Any] = [
            "version": header.mlenvVersion,
            "sources": header.sources,
            "inputsHash": header.inputsHash,
            "specPath": header.specPathFromOutput,
            "base": image.description,
            "workdir": spec.workdir.value,
            "requirements": hasRequirements,
            "labels": labels(spec, image: image, header: header),
            "defaultCommand": defaultCommand(spec.jupyter),
        ]
        if let url = spec.build.pipIndexURL { context["pipIndexURL"] = url.value }
        if spec.build.caBundle != nil { context["caBundle"] = ["file": GeneratedFiles.caBundle] }
        if let install = pythonInstall(environment) { context["pythonInstall"] = install }
        if !spec.apt.isEmpty {
            context["apt"] = [
                "packages": spec.apt.map(\.value.argument).joined(separator: " "),
                "unpinned": spec.apt.contains { $0.value.version == nil },
            ] as [String: Any]
        }
        if let framework = FrameworkInstall.plan(environment, catalog: catalog) {
            context["framework"] = ["description": framework.description, "arguments": framework.arguments,
                                    "unpinned": environment.frameworkVersion == nil] as [String: Any]
        }
        if let framework = environment.framework {
            // Later pip installs may not replace the framework: its installed versions become
            // constraints, so a package that needs another version fails the build instead.
            context["protected"] = framework.protectedDistributions.joined(separator: "|")
        }
        let namedVolumeTargets = spec.volumes.compactMap { volume -> String? in
            if case .named = volume.value.source { return volume.value.target }
            return nil
        }
        context["writableFolders"] = (["/home/mlenv", spec.workdir.value] + namedVolumeTargets).joined(separator: " ")
        if spec.jupyter != nil { context["jupyter"] = true }
        context["hasEnv"] = !spec.env.isEmpty
        context["env"] = spec.env.map { ["name": $0.name.value, "value": $0.value.value] }
        context["hasSetup"] = !spec.setup.isEmpty
        context["setup"] = spec.setup.enumerated().map { index, command in
            ["command": runArgument(command.value), "script": command.value, "consecutive": index > 0] as [String: Any]
        }
        return context
    }

    /// How the base image gets the Python the spec asks for, when it has none.
    static func pythonInstall(_ environment: ResolvedEnvironment) -> [String: Any]? {
        let traits = environment.traits
        guard environment.catalogImage == nil, traits.shipsPython == false, let python = environment.spec.python?.value else { return nil }
        let minor = python.split(separator: ".").prefix(2).joined(separator: ".")
        let interpreter = "python\(minor)"
        let packages = "\(interpreter) \(interpreter)-venv"
        let native = BaseImageTraits.ubuntuPython(traits.operatingSystem) ?? BaseImageTraits.debianPython(traits.operatingSystem)
        if traits.family == .debian || native == minor {
            // Debian has no PPA: its own Python, which BaseImageRule checked is the one asked for.
            let osName = traits.operatingSystem.map { $0.hasPrefix("debian") ? "Debian " + $0.dropFirst(6) : $0 } ?? "the base image"
            return [
                "reason": "The base image has no Python: install \(osName)'s Python \(minor) into a virtual environment.",
                "bootstrapPackages": "ca-certificates \(packages)",
                "interpreter": interpreter,
            ]
        }
        let why = BaseImageTraits.ubuntuPython(traits.operatingSystem).map { " (\(traits.operatingSystem!) ships \($0))" } ?? ""
        return [
            "reason": "The base image has no Python: install Python \(minor) from the deadsnakes PPA\(why) into a virtual environment.",
            "bootstrapPackages": "ca-certificates gpg-agent software-properties-common",
            "ppa": "ppa:deadsnakes/ppa",
            "pythonPackages": packages,
            "interpreter": interpreter,
        ]
    }

    /// A `RUN` argument that keeps the command inside this one instruction: shell form when the
    /// command is one plain line, JSON exec form otherwise (line breaks, a leading `[` that
    /// would read as JSON, `<<` that BuildKit would read as a heredoc, a trailing `\`).
    static func runArgument(_ command: String) -> String {
        let trimmed = command.trimmingSpaces
        let needsExecForm = trimmed.contains("\n") || trimmed.hasPrefix("[") || trimmed.contains("<<")
            || trimmed.hasSuffix("\\") || trimmed.hasPrefix("--") || trimmed.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\t" }
        guard needsExecForm else { return trimmed }
        return "[\"/bin/bash\", \"-e\", \"-o\", \"pipefail\", \"-c\", \(Quoting.json(command))]"
    }

    static func defaultCommand(_ jupyter: JupyterSpec?) -> String {
        guard let jupyter else { return "[\"bash\"]" }
        let app = jupyter.lab ? "lab" : "notebook"
        return "[\"jupyter\", \"\(app)\", \"--ip=0.0.0.0\", \"--port=8888\", \"--no-browser\", \"--allow-root\"]"
    }

    static func labels(_ spec: EnvironmentSpec, image: ImageReference, header: GeneratedHeader) -> [[String: Any]] {
        var pairs: [(String, String)] = [("org.opencontainers.image.title", spec.name.value)]
        if let description = spec.description { pairs.append(("org.opencontainers.image.description", description)) }
        pairs += [
            ("org.opencontainers.image.base.name", image.description),
            ("io.mlenv.spec", header.specName),
            ("io.mlenv.spec.sha256", header.specHash),
            ("io.mlenv.inputs.sha256", header.inputsHash),
            ("io.mlenv.version", header.mlenvVersion),
        ]
        return pairs.enumerated().map { index, pair in
            ["key": pair.0, "value": pair.1, "last": index == pairs.count - 1]
        }
    }
}

/// The framework installed with pip on a base image that does not ship it.
struct FrameworkInstall {
    /// What the Dockerfile's comment says.
    var description: String
    /// The shell words after `pip install`.
    var arguments: String

    static func plan(_ environment: ResolvedEnvironment, catalog: Catalog) -> FrameworkInstall? {
        guard !environment.imageShipsFramework, let framework = environment.framework,
              environment.spec.framework != nil else { return nil }
        let version = environment.frameworkVersion
        let pin = version.map { $0.split(separator: ".").count >= 3 ? "==\($0)" : "==\($0).*" } ?? ""
        let cpuOnly = environment.cpuOnly
        let cuda = environment.cuda.any
        let cudaMajor = cuda.map { String($0.major) }
        let versionText = version.map { " \($0)" } ?? ""
        switch framework {
        case .pytorch:
            if cpuOnly {
                return FrameworkInstall(description: "PyTorch\(versionText), CPU build from PyTorch's own index",
                                        arguments: Quoting.shell("torch\(pin)") + " --index-url https://download.pytorch.org/whl/cpu")
            }
            let releases = catalog.pytorch.filter { release in version.map { Compatibility.matches(release.version, prefix: $0) } ?? false }
            if let cuda, case let variant = Compatibility.pytorchVariant(cuda),
               releases.contains(where: { $0.cudaWheels.contains { $0.any == variant } }) {
                return FrameworkInstall(description: "PyTorch\(versionText) built for CUDA \(cuda.prefix(2)), from PyTorch's own index",
                                        arguments: Quoting.shell("torch\(pin)") + " --index-url https://download.pytorch.org/whl/\(variant)")
            }
            return FrameworkInstall(description: "PyTorch\(versionText) from PyPI (Linux wheels bundle their CUDA libraries)",
                                    arguments: Quoting.shell("torch\(pin)"))
        case .tensorflow:
            // The `and-cuda` extra, which brings CUDA's pip wheels, exists from TensorFlow 2.14
            // (tensorflow.org/install/pip); older releases use the system's CUDA.
            let hasExtra = version.flatMap(PEP440Version.init).map { $0 >= PEP440Version(release: [2, 14]) } ?? true
            let extra = cpuOnly || !hasExtra ? "" : "[and-cuda]"
            return FrameworkInstall(description: "TensorFlow\(versionText) from PyPI" + (extra.isEmpty ? "" : " with its CUDA libraries"),
                                    arguments: Quoting.shell("tensorflow\(extra)\(pin)"))
        case .jax:
            guard !cpuOnly, let cudaMajor else {
                return FrameworkInstall(description: "JAX\(versionText) from PyPI, CPU only", arguments: Quoting.shell("jax\(pin)"))
            }
            // JAX names its CUDA extras differently over time (`cuda12_pip` and a find-links
            // page before 0.4.26, `cuda12` after): take what the catalog says the release has.
            let releases = catalog.jax.filter { release in version.map { Compatibility.matches(release.version, prefix: $0) } ?? true }
            let extras = Set(releases.flatMap { $0.cudaExtras.compactMap(\.any) })
            if !extras.contains("cuda\(cudaMajor)"), extras.contains("cuda\(cudaMajor)_pip") {
                return FrameworkInstall(description: "JAX\(versionText) with CUDA \(cudaMajor) wheels from JAX's release page",
                                        arguments: Quoting.shell("jax[cuda\(cudaMajor)_pip]\(pin)") + " -f https://storage.googleapis.com/jax-releases/jax_cuda_releases.html")
            }
            return FrameworkInstall(description: "JAX\(versionText) from PyPI with CUDA \(cudaMajor) wheels",
                                    arguments: Quoting.shell("jax[cuda\(cudaMajor)]\(pin)"))
        case .none:
            return nil
        }
    }
}
