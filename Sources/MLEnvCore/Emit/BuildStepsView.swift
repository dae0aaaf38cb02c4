/// The build recipe as the Dockerfile and Apptainer.def templates read it: the same steps, in
/// the same order, from the same values. Fields are read by name through the template engine;
/// `TemplateViewTests` checks that every name a template uses is a field here.
struct BuildStepsView: TemplateView {
    static let fields: [String: PartialKeyPath<Self> & Sendable] = [
        "version": \Self.version,
        "sources": \Self.sources,
        "inputsHash": \Self.inputsHash,
        "specPath": \Self.specPath,
        "base": \Self.base,
        "workdir": \Self.workdir,
        "pip": \Self.pip,
        "files": \Self.files,
        "hasFiles": \Self.hasFiles,
        "labels": \Self.labels,
        "defaultCommand": \Self.defaultCommand,
        "pipIndexURL": \Self.pipIndexURL,
        "caBundle": \Self.caBundle,
        "pythonInstall": \Self.pythonInstall,
        "apt": \Self.apt,
        "framework": \Self.framework,
        "protected": \Self.protected,
        "writableFolders": \Self.writableFolders,
        "jupyter": \Self.jupyter,
        "containerPort": \Self.containerPort,
        "hasEnv": \Self.hasEnv,
        "env": \Self.env,
        "buildEnv": \Self.buildEnv,
        "hasBuildEnv": \Self.hasBuildEnv,
        "buildEnvNames": \Self.buildEnvNames,
        "hasSetup": \Self.hasSetup,
        "setup": \Self.setup,
        "name": \Self.name,
        "gpus": \Self.gpus,
        "batch": \Self.batch,
        "command": \Self.command,
        "runJupyter": \Self.runJupyter,
        "relativeBinds": \Self.relativeBinds,
        "workdirBind": \Self.workdirBind,
        "binds": \Self.binds,
        "hasFileCopies": \Self.hasFileCopies,
        "fileCopies": \Self.fileCopies,
        "project": \Self.project,
        "uv": \Self.uv,
        "install": \Self.install,
        "cache": \Self.cache,
        "exports": \Self.exports,
        "baseTag": \Self.baseTag,
        "lockedPip": \Self.lockedPip,
    ]

    /// `project:`: its code copied and installed after the packages.
    struct ProjectStep: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "comment": \Self.comment,
            "from": \Self.from,
            "to": \Self.to,
            "arguments": \Self.arguments,
            "constraintNames": \Self.constraintNames,
            "report": \Self.report,
        ]

        var comment: String
        /// `PIP_REPORT=FILE ` (see `Run.report`).
        var report: String
        /// The project's folder in the build context (Dockerfile) or from the output folder (Apptainer).
        var from: String
        var to: String
        var arguments: String
        /// Set when pip resolves the project's dependencies itself (they are dynamic): the
        /// framework is then kept as the other pip runs keep it.
        var constraintNames: String?
    }

    /// `generate --locked`'s pip step (`LockedPipInstall`).
    struct LockedPip: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "lockName": \Self.lockName,
            "hashedArguments": \Self.hashedArguments,
            "unhashedArguments": \Self.unhashedArguments,
            "hashedReport": \Self.hashedReport,
            "unhashedReport": \Self.unhashedReport,
            "file": \Self.file,
            "imageFile": \Self.imageFile,
        ]

        var lockName: String
        var hashedArguments: String?
        var unhashedArguments: String?
        var hashedReport = BuildStepsView.reportPath(1)
        var unhashedReport: String
        var file = LockedPipInstall.file
        var imageFile = "/tmp/mlenv/" + LockedPipInstall.file
    }

    struct Label: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "key": \Self.key,
            "value": \Self.value,
            "plainValue": \Self.plainValue,
            "last": \Self.last,
        ]

        var key: String
        /// Quoted by the Dockerfile's content type.
        var value: String
        /// For Apptainer's `%labels`, which reads `KEY VALUE` to the end of the line: no quoting,
        /// control characters replaced.
        var plainValue: String
        var last: Bool
    }

    struct CABundle: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "file": \Self.file
        ]

        var file: String
    }

    struct Python: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "reason": \Self.reason,
            "bootstrapPackages": \Self.bootstrapPackages,
            "ppa": \Self.ppa,
            "pythonPackages": \Self.pythonPackages,
            "interpreter": \Self.interpreter,
        ]

        var reason: String
        var bootstrapPackages: String
        var ppa: String?
        var pythonPackages: String?
        var interpreter: String
    }

    struct Apt: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "packages": \Self.packages,
            "unpinned": \Self.unpinned,
            "locked": \Self.locked,
        ]

        var packages: String
        var unpinned: Bool
        /// The versions are a lock's: the step names those the archive no longer has.
        var locked = false
    }

    /// The pip steps after the framework: each run after the files it reads are copied in.
    struct PipSteps: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "comment": \Self.comment,
            "runs": \Self.runs,
        ]

        var comment: String
        var runs: [Run]

        /// Every file copied, in order.
        var copies: [Copy] { runs.flatMap(\.copies) }
    }

    /// A file or folder of the build context and where the image gets it.
    struct Copy: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "from": \Self.from,
            "to": \Self.to,
        ]

        var from: String
        var to: String
    }

    /// One `pip install`, after the files it reads that no earlier run copied.
    struct Run: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "copies": \Self.copies,
            "arguments": \Self.arguments,
            "constraintNames": \Self.constraintNames,
            "explainsConstraint": \Self.explainsConstraint,
            "consecutive": \Self.consecutive,
            "report": \Self.report,
        ]

        var copies: [Copy]
        var arguments: String
        /// The protected distributions as a `grep -E` alternation, when there are any.
        var constraintNames: String?
        /// The first run that uses the constraint says why.
        var explainsConstraint: Bool
        /// Not the first run: hadolint's DL3059 (consecutive RUNs) is meant.
        var consecutive: Bool
        /// `PIP_REPORT=FILE ` before pip: where it writes its installation report of this run
        /// (empty under `installer: uv`, which writes none).
        var report: String
    }

    struct Framework: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "description": \Self.description,
            "arguments": \Self.arguments,
            "unpinned": \Self.unpinned,
            "report": \Self.report,
        ]

        var description: String
        var arguments: String
        var unpinned: Bool
        /// `PIP_REPORT=FILE ` before pip: where it writes its installation report of this run
        /// (empty under `installer: uv`, which writes none).
        var report: String
    }

    struct Variable: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "name": \Self.name,
            "dockerfileValue": \Self.dockerfileValue,
            "shellValue": \Self.shellValue,
            "quietsDL3064": \Self.quietsDL3064,
        ]

        var name: String
        /// A Dockerfile double-quoted word, `${NAME}` left for `ENV` to expand.
        var dockerfileValue: String
        /// A shell word, `"${NAME}"` left for the shell to expand.
        var shellValue: String
        /// hadolint's DL3064 would flag the name, and mlenv judged the value no secret: the
        /// Dockerfile says so to hadolint. A value W305 warns about keeps DL3064.
        var quietsDL3064: Bool

        init(name: String, parts: [EnvPart], notSecret: Bool) {
            self.name = name
            dockerfileValue = Quoting.dockerfile(parts: parts, name: name)
            shellValue = Quoting.shell(parts: parts, name: name)
            quietsDL3064 = notSecret && HadolintSensitiveNames.flags(name)
        }
    }

    struct Setup: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "command": \Self.command,
            "script": \Self.script,
            "consecutive": \Self.consecutive,
        ]

        /// The `RUN` argument: shell form, or JSON exec form when the command needs it.
        var command: String
        /// The command as written, for Apptainer's `bash -c`.
        var script: String
        var consecutive: Bool
    }

    struct JupyterServer: TemplateView {
        static let fields: [String: PartialKeyPath<Self> & Sendable] = [
            "app": \Self.app,
            "port": \Self.port,
        ]

        var app: String
        var port: String
    }

    var version: String
    var sources: String
    var inputsHash: String
    var specPath: String
    var base: String
    var workdir: String
    var pip: PipSteps?
    /// What Apptainer's `%files` copies for pip.
    var files: [Copy]
    var hasFiles: Bool
    var labels: [Label]
    var defaultCommand: String
    var pipIndexURL: String?
    var caBundle: CABundle?
    var pythonInstall: Python?
    var apt: Apt?
    var framework: Framework?
    var protected: String?
    var writableFolders: String
    var jupyter: Bool
    var containerPort = String(JupyterRun.containerPort)
    var hasEnv: Bool
    var env: [Variable]
    /// `build.env`: `ARG`s (Dockerfile) and `export`s in `%post` (Apptainer), not in the image.
    var buildEnv: [Variable]
    var hasBuildEnv: Bool
    var buildEnvNames: String
    var hasSetup: Bool
    var setup: [Setup]
    // Apptainer only: how the image runs, from the run profile.
    var name: String
    var gpus: Bool
    var batch: Bool
    var command: [String]?
    var runJupyter: JupyterServer?
    var relativeBinds: Bool
    var workdirBind: String
    var binds: String
    var hasFileCopies: Bool
    /// `files:`, for the Dockerfile (paths in the build context).
    var fileCopies: [Copy]
    var project: ProjectStep?
    /// `installer: uv`: the uv release installed first.
    var uv: String?
    /// The command that installs Python packages: pip's, or uv's pip interface.
    var install: String
    /// The installer's cache folder, a BuildKit cache mount.
    var cache: String
    /// `export NAME=value ... && ` of build.env, first in each package step of the Dockerfile.
    var exports: String
    /// The tag of a base built by its locked digest.
    var baseTag: String?
    var lockedPip: LockedPip?

    init(_ input: RenderInput, apptainer isApptainer: Bool = false) {
        let recipe = input.recipe
        let run = input.run
        let header = input.header
        version = header.mlenvVersion
        sources = header.sources
        inputsHash = header.inputsHash
        specPath = header.specPathFromOutput
        base = recipe.base.description
        baseTag = recipe.baseTag
        lockedPip = recipe.lockedPip.map { locked in
            let options = locked.options.map(Quoting.shell)
            return LockedPip(
                lockName: locked.lockName,
                hashedArguments: locked.hashed.isEmpty
                    ? nil
                    : (options + ["--require-hashes", "--no-deps", "-r", "/tmp/mlenv/" + LockedPipInstall.file])
                        .joined(separator: " "),
                unhashedArguments: locked.unhashed.isEmpty
                    ? nil : (options + ["--no-deps"] + locked.unhashed.map(Quoting.shell)).joined(separator: " "),
                unhashedReport: Self.reportPath(locked.hashed.isEmpty ? 1 : 2))
        }
        workdir = recipe.workdir
        // The Dockerfile names files by their place in the build context; Apptainer's `%files`
        // by their place from the output folder, where `apptainer build` runs.
        let context = recipe.context
        let generated = { (path: String) in isApptainer ? path : context?.generated(path) ?? path }
        let projectFile = { (path: String) in
            guard let context, isApptainer else { return path }
            return SpecPaths.normalize(context.fromOutput + "/" + path)
        }
        pip = Self.pipSteps(recipe, generated: generated, firstReport: recipe.framework == nil ? 1 : 2)
        switch recipe.installer {
        case .pip:
            uv = nil
            install = "python3 -m pip install"
            cache = "/root/.cache/pip"
        case .uv:
            uv = Installer.uvVersion
            // uv installs into the active virtual environment (VIRTUAL_ENV, set when mlenv made
            // one), else, with --system, where the image's python3 is; PEP 668's marker (Debian
            // 12, Ubuntu 24.04) is overridden as PIP_BREAK_SYSTEM_PACKAGES does for pip.
            install = recipe.python == nil ? "uv pip install --system --break-system-packages" : "uv pip install"
            cache = "/root/.cache/uv"
        }
        fileCopies = recipe.fileCopies.map { Copy(from: projectFile($0.source), to: $0.target) }
        hasFileCopies = !fileCopies.isEmpty
        let names = recipe.protectedDistributions.isEmpty ? nil : recipe.protectedDistributions.joined(separator: "|")
        // The project's run comes after every other pip run, the locked ones included.
        let lockedRuns = recipe.lockedPip.map { ($0.hashed.isEmpty ? 0 : 1) + ($0.unhashed.isEmpty ? 0 : 1) } ?? 0
        let projectReport = Self.reportPrefix(
            (recipe.framework == nil ? 1 : 2) + (pip?.runs.count ?? 0) + lockedRuns, recipe)
        project = recipe.project.map { install in
            let path =
                install.target + (install.extras.isEmpty ? "" : "[" + install.extras.joined(separator: ",") + "]")
            let words =
                (install.dependencies == nil ? [] : ["--no-deps"]) + (install.editable ? ["-e"] : []) + [path]
            return ProjectStep(
                comment: install.dependencies == nil
                    ? "project: its code, and its dependencies (dynamic: pip asks the build backend for them)"
                    : "project: its code, without dependencies (installed above), so that editing it rebuilds only this layer",
                report: projectReport,
                from: projectFile(install.from), to: install.target,
                arguments: words.map(Quoting.shell).joined(separator: " "),
                constraintNames: install.dependencies == nil ? names : nil)
        }
        files =
            (pip?.copies.map { Copy(from: Self.withoutSlash($0.from), to: Self.withoutSlash($0.to)) } ?? [])
            + (isApptainer ? fileCopies + (project.map { [Copy(from: $0.from, to: $0.to)] } ?? []) : [])
        if recipe.lockedPip?.hashed.isEmpty == false {
            files.append(Copy(from: LockedPipInstall.file, to: "/tmp/mlenv/" + LockedPipInstall.file))
        }
        hasFiles = !files.isEmpty || recipe.caBundle != nil
        labels = recipe.labels.enumerated().map { index, label in
            Label(
                key: label.key, value: label.value, plainValue: MLEnv.printable(label.value),
                last: index == recipe.labels.count - 1)
        }
        defaultCommand = "[" + recipe.defaultCommand.map(Quoting.json).joined(separator: ", ") + "]"
        pipIndexURL = recipe.pipIndexURL
        caBundle = recipe.caBundle.map { CABundle(file: generated($0.file)) }
        pythonInstall = recipe.python.map { python in
            Python(
                reason: python.reason, bootstrapPackages: python.bootstrapPackages.joined(separator: " "),
                ppa: python.ppa,
                pythonPackages: python.ppa == nil ? nil : python.ppaPackages.joined(separator: " "),
                interpreter: python.interpreter)
        }
        apt =
            recipe.apt.isEmpty
            ? nil
            : Apt(
                packages: recipe.apt.map(\.argument).joined(separator: " "),
                unpinned: recipe.apt.contains { $0.version == nil }, locked: recipe.aptLocked)
        framework = recipe.framework.map { install in
            Framework(
                description: install.description, arguments: install.words.map(Quoting.shell).joined(separator: " "),
                unpinned: install.unpinned, report: Self.reportPrefix(1, recipe))
        }
        protected = recipe.protectedDistributions.isEmpty ? nil : recipe.protectedDistributions.joined(separator: "|")
        writableFolders = recipe.writableFolders.joined(separator: " ")
        jupyter = recipe.exposedPort != nil
        hasEnv = !recipe.env.isEmpty
        env = recipe.env.map { Variable(name: $0.name, parts: $0.value, notSecret: $0.notSecret) }
        buildEnv = recipe.buildEnv.map { Variable(name: $0.name, parts: $0.value, notSecret: $0.notSecret) }
        hasBuildEnv = !buildEnv.isEmpty
        buildEnvNames = buildEnv.map(\.name).joined(separator: ", ")
        // The Dockerfile's package and setup steps export build.env themselves (an image's ENV
        // of the same name would win over an ARG); Apptainer's %post exports it once.
        let exports =
            isApptainer || buildEnv.isEmpty
            ? "" : "export " + buildEnv.map { "\($0.name)=\($0.shellValue)" }.joined(separator: " ") + " && "
        self.exports = exports
        hasSetup = !recipe.setup.isEmpty
        setup = recipe.setup.enumerated().map { index, command in
            Setup(command: Self.runArgument(exports + command), script: command, consecutive: index > 0)
        }
        name = run.name
        gpus = run.usesGPUs
        command = run.command
        batch = run.command != nil
        runJupyter =
            run.command == nil
            ? run.jupyter.map { JupyterServer(app: $0.app.rawValue, port: String($0.hostPort)) } : nil
        relativeBinds = run.hasSpecRelativeMounts
        // The image is read-only: a folder beside the image is the writable working folder.
        workdirBind = Quoting.shell("workdir:\(run.workdir)")
        binds = run.mounts.compactMap { mount -> String? in
            switch mount.source {
            case .hostPath(let path): return "--bind \(Quoting.shell("\(path):\(mount.target):\(mount.mode)"))"
            case .specRelative(let path):
                return "--bind \(Quoting.shell("SPEC_FOLDER/\(path):\(mount.target):\(mount.mode)"))"
            case .named: return nil
            }
        }.joined(separator: " ")
    }

    /// requirements.txt and the project's requirements files: hash-checked files in a run of
    /// their own (pip's hash-checking mode needs every requirement of its run hashed), then the
    /// others together with requirements.txt.
    static func pipSteps(_ recipe: BuildRecipe, generated: (String) -> String, firstReport: Int = 1) -> PipSteps? {
        let files = recipe.requirementsFiles
        let projectDependencies = recipe.project?.dependencies.flatMap { $0.isEmpty ? nil : $0 }
        guard recipe.requirements != nil || files != nil || projectDependencies != nil else { return nil }
        let projectFiles = Copy(
            from: generated(RequirementsFilesInstall.folder) + "/", to: RequirementsFilesInstall.imageFolder + "/")
        var comment: [String] = []
        // (copies, arguments) of each run; requirements.txt is copied only before the run that
        // reads it, so that editing packages.pip leaves the hash-checked run cached.
        var plans: [([Copy], [String])] = []
        if let hashed = files?.hashed, !hashed.isEmpty {
            plans.append(([projectFiles], ["--require-hashes"] + hashed.map { "-r " + Quoting.shell($0) }))
        }
        var plain = (files?.plain ?? []).map { "-r " + Quoting.shell($0) }
        var plainCopies = plans.isEmpty && files != nil ? [projectFiles] : []
        if files != nil { comment.append("packages.requirements (the project's files, copied as they are)") }
        if projectDependencies != nil {
            plainCopies.append(
                Copy(from: generated(GeneratedFiles.projectRequirements), to: "/tmp/mlenv/project-requirements.txt"))
            comment.append("the project's dependencies (from its pyproject.toml)")
            plain.append("-r /tmp/mlenv/project-requirements.txt")
        }
        if recipe.requirements != nil {
            plainCopies.append(Copy(from: generated(GeneratedFiles.requirements), to: "/tmp/mlenv/requirements.txt"))
            comment.append("packages.pip (see requirements.txt)")
            plain.append("-r /tmp/mlenv/requirements.txt")
        }
        if !plain.isEmpty { plans.append((plainCopies, plain)) }
        let names = recipe.protectedDistributions.isEmpty ? nil : recipe.protectedDistributions.joined(separator: "|")
        let index = recipe.indexOptions.map(Quoting.shell)
        let runs = plans.enumerated().map { number, plan in
            Run(
                copies: plan.0, arguments: (index + plan.1).joined(separator: " "), constraintNames: names,
                explainsConstraint: number == 0 && names != nil, consecutive: number > 0 && plan.0.isEmpty,
                report: reportPrefix(firstReport + number, recipe))
        }
        return PipSteps(comment: comment.joined(separator: ", then "), runs: runs)
    }

    /// pip's installation report of the build's `number`th pip run (the framework's is the first).
    static func reportPath(_ number: Int) -> String { "\(ImageRecord.folder)/pip-report-\(number).json" }

    /// The environment that makes the `number`th pip run write its report (`PIP_REPORT` is
    /// `--report`); nothing under uv, whose `uv pip install` has no installation report.
    static func reportPrefix(_ number: Int, _ recipe: BuildRecipe) -> String {
        recipe.installer == .pip ? "PIP_REPORT=\(reportPath(number)) " : ""
    }

    /// A folder as Apptainer's `%files` names it: without the Dockerfile's trailing `/`.
    static func withoutSlash(_ path: String) -> String { path.hasSuffix("/") ? String(path.dropLast()) : path }

    /// A `RUN` argument that keeps the command inside this one instruction: shell form when the
    /// command is one plain line, JSON exec form otherwise (line breaks, a leading `[` that
    /// would read as JSON, `<<` that BuildKit would read as a heredoc, a trailing `\`).
    static func runArgument(_ command: String) -> String {
        let trimmed = command.trimmingSpaces
        let needsExecForm =
            trimmed.contains("\n") || trimmed.hasPrefix("[") || trimmed.contains("<<")
            || trimmed.hasSuffix("\\") || trimmed.hasPrefix("--")
            || trimmed.unicodeScalars.contains { $0.properties.generalCategory == .control && $0 != "\t" }
        guard needsExecForm else { return trimmed }
        return "[\"/bin/bash\", \"-e\", \"-o\", \"pipefail\", \"-c\", \(Quoting.json(command))]"
    }
}
