import ArgumentParser
import Foundation
import MLEnvCore

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Record the exact environment a spec resolves to, and what a built image holds, in a lock beside it.",
        discussion: """
            specs/vision.yaml gets specs/vision.mlenv.lock: the exact base image (and digest when \
            known), Python, CUDA and framework versions, the pip requirements with the framework \
            pinned, the catalog's and mlenv's versions, and the spec's SHA-256. `generate` builds \
            from the lock while the spec is unchanged; `generate --locked` fails once it is not.

            --from-image IMAGE also records what the build of the spec installed (run.sh lock \
            passes its image): the base image's digest, every Python distribution pip installed \
            with its sha256 (a VCS requirement by commit), the apt packages the build added, and \
            the image's ID. `generate --locked` then rebuilds exactly that.

            --check writes nothing: it says whether the lock still matches the spec (which \
            requirement changed) and what the lock lacks; with --from-image it also compares \
            the image with the lock (run.sh verify). It exits 1 on any difference.

            Examples:
              mlenv lock specs/vision.yaml
              out/vision/run.sh build && mlenv lock specs/vision.yaml --from-image mlenv/vision:latest
              mlenv lock --check specs/vision.yaml
              git add specs/vision.mlenv.lock
            """
    )

    @Argument(help: "The environment spec.")
    var spec: String

    @Option(help: "A built image of the spec: record what it installed.")
    var fromImage: String?

    @Flag(help: "Write nothing; exit 1 when the lock no longer matches the spec (or the image, with --from-image).")
    var check = false

    @Option(help: "The container engine: docker or podman, or a path to either (default: $MLENV_ENGINE, else docker).")
    var engine: String?

    @Flag(help: "Replace a lock file that was edited by hand.")
    var force = false

    @OptionGroup var knowledge: KnowledgeOptions

    @OptionGroup var waiting: WaitOption

    func run() throws {
        let (environment, source, options) = try knowledge.resolveOne(spec)
        var lock = LockFile.make(environment, specBytes: source.bytes, catalog: options.catalog)
        let path = LockFile.path(forSpec: spec)
        if check { return try self.check(against: lock, environment: environment, path: path) }
        if let fromImage { lock = lock.recording(try Self.record(fromImage, environment: environment, engine: engine)) }
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        // Two `lock` runs at once (or a `generate -o` into the spec's folder) take turns.
        let folderLock = try FolderLock.acquireOrExit(folder, mode: .exclusive, wait: waiting.seconds)
        defer { folderLock?.release() }
        try AtomicWriter.writeOrExit(
            [OutputFile(path: (path as NSString).lastPathComponent, contents: .text(lock.render()))],
            into: folder, force: force)
        print("wrote \(path)")
        for line in lock.lacks { print("  the lock lacks: \(line)") }
    }

    /// `--check`: the lock against the spec as it is now, and against the image when one is given.
    func check(against today: LockFile, environment: ResolvedEnvironment, path: String) throws {
        guard let bytes = FileManager.default.contents(atPath: path) else {
            printError("mlenv: error: \(spec) has no lock (\(path)); write one with: mlenv lock \(spec)")
            throw ExitStatus.problems
        }
        let (parsed, problems) = LockFile.parse(SourceFile(path: path, bytes: Array(bytes)))
        guard let lock = parsed else {
            for problem in problems { printError("mlenv: error: \(path): \(problem.message)") }
            throw ExitStatus.problems
        }
        var drift: [String] = []
        if case .edited = Seal.verdict(Array(bytes)) { drift.append("\(path) was edited after mlenv wrote it") }
        if lock.specSHA256 != today.specSHA256 { drift.append("\(spec) changed after it was locked") }
        drift += lock.intentDifferences(from: today)
        if let fromImage {
            let record = try Self.record(fromImage, environment: environment, engine: engine)
            if let differences = lock.differences(from: record) {
                drift += differences.map { "\(fromImage): \($0)" }
            } else {
                drift.append(
                    "the lock records no build to compare \(fromImage) with; run: mlenv lock \(spec) --from-image \(fromImage)"
                )
            }
        }
        for line in lock.lacks { print("\(path) lacks: \(line)") }
        if drift.isEmpty {
            print(fromImage.map { "\($0) and \(spec) match \(path)" } ?? "\(path) matches \(spec)")
            return
        }
        printError("\(path) does not match:")
        for line in drift { printError("  \(line)") }
        throw ExitStatus.problems
    }

    /// Reads what `image` recorded: the engine's inspection of it and of its base, and the files
    /// the build wrote in /opt/mlenv (read with `cat`, the image's entrypoint bypassed: NGC's
    /// prints a banner).
    static func record(_ image: String, environment: ResolvedEnvironment, engine: String?) throws -> ImageRecord {
        let engine = engine ?? ProcessInfo.processInfo.environment["MLENV_ENGINE"] ?? "docker"
        let inspection = try CatalogProbeCommand.execute(engine, ["image", "inspect", image])
        guard inspection.status == 0 else {
            printError(
                "mlenv: error: \(engine) could not inspect \(image) (build it first): \(inspection.errors.prefix(400))")
            throw ExitStatus.cannotRun
        }
        let base = environment.image
        let baseInspection = try CatalogProbeCommand.execute(engine, ["image", "inspect", base.description])
        func run(_ arguments: [String]) throws -> (status: Int32, output: Data, errors: String) {
            try CatalogProbeCommand.execute(engine, ["run", "--rm", "--network", "none", "--entrypoint"] + arguments)
        }
        let folder = ImageRecord.folder
        let listing = try run(["ls", image, "-1", folder])
        var files: [String: [UInt8]] = [:]
        if listing.status == 0 {
            let names = String(decoding: listing.output, as: UTF8.self).split(separator: "\n").map(String.init).filter {
                ImageRecord.isReport($0) || $0 == ImageRecord.aptFile || $0 == ImageRecord.aptBaseFile
            }
            for name in names {
                let file = try run(["cat", image, folder + "/" + name])
                guard file.status == 0 else {
                    printError("mlenv: error: cannot read \(folder)/\(name) in \(image): \(file.errors.prefix(400))")
                    throw ExitStatus.cannotRun
                }
                files[name] = Array(file.output)
            }
        }
        var record = ImageRecord.read(
            image: Array(inspection.output), base: baseInspection.status == 0 ? Array(baseInspection.output) : nil,
            baseReference: base, files: files,
            expectsPip: environment.frameworkInstall != nil || !environment.pip.isEmpty)
        if listing.status != 0 {
            record.missing.insert("\(image) has no \(folder): it was built before mlenv recorded builds", at: 0)
        }
        return record
    }
}

struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that a folder of generated files is what its spec (and lock) produce today.",
        discussion: """
            The Dockerfile records where its spec is (`# mlenv-spec:`); verify regenerates in \
            memory and exits 1 with a diff when anything drifted: a hand edit, a changed spec, a \
            changed lock.

            Examples:
              mlenv verify out/vision
            """
    )

    @Argument(help: "A folder written by `mlenv generate`.")
    var folder: String

    @OptionGroup var knowledge: KnowledgeOptions

    @OptionGroup var waiting: WaitOption

    func run() throws {
        let dockerfile = (folder as NSString).appendingPathComponent("Dockerfile")
        guard let text = try? String(contentsOfFile: dockerfile, encoding: .utf8),
            let relative = GeneratedFiles.specPath(inDockerfile: text)
        else {
            printError("mlenv: error: \(dockerfile) was not written by mlenv generate (no `# mlenv-spec:` line)")
            throw ExitStatus.cannotRun
        }
        let spec =
            relative.hasPrefix("/")
            ? relative : SpecPaths.normalize((folder as NSString).appendingPathComponent(relative))
        // The targets the folder was generated for, known by their files.
        let absoluteFolder =
            folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder
        let targets = Set(
            Target.allCases.filter {
                FileManager.default.fileExists(
                    atPath: (folder as NSString).appendingPathComponent(
                        GeneratedFiles.marker(of: $0, inFolder: absoluteFolder)))
            }
        ).union([.docker])
        try Generation(
            spec: spec, output: folder, format: .text, locked: false, check: true, knowledge: knowledge,
            targets: targets, wait: waiting.seconds
        ).run()
    }
}
