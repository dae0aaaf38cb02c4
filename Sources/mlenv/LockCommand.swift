import ArgumentParser
import Foundation
import MLEnvCore

struct LockCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lock",
        abstract: "Record the exact environment a spec resolves to, in a lock file beside it.",
        discussion: """
            specs/vision.yaml gets specs/vision.mlenv.lock: the exact base image (and digest when \
            known), Python, CUDA and framework versions, the pip requirements with the framework \
            pinned, the catalog's and mlenv's versions, and the spec's SHA-256. `generate` builds \
            from the lock while the spec is unchanged; `generate --locked` fails once it is not.

            Examples:
              mlenv lock specs/vision.yaml
              git add specs/vision.mlenv.lock
            """
    )

    @Argument(help: "The environment spec.")
    var spec: String

    @Flag(help: "Replace a lock file that was edited by hand.")
    var force = false

    @OptionGroup var knowledge: KnowledgeOptions

    @OptionGroup var waiting: WaitOption

    func run() throws {
        let (environment, source, options) = try knowledge.resolveOne(spec)
        let lock = LockFile.make(environment, specBytes: source.bytes, catalog: options.catalog)
        let path = LockFile.path(forSpec: spec)
        let parent = (path as NSString).deletingLastPathComponent
        let folder = parent.isEmpty ? "." : parent
        // Two `lock` runs at once (or a `generate -o` into the spec's folder) take turns.
        let folderLock = try FolderLock.acquireOrExit(folder, mode: .exclusive, wait: waiting.seconds)
        defer { folderLock?.release() }
        try AtomicWriter.writeOrExit(
            [OutputFile(path: (path as NSString).lastPathComponent, contents: .text(lock.render()))],
            into: folder, force: force)
        print("wrote \(path)")
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
