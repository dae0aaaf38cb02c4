import Foundation
import XCTest

@testable import MLEnvCore

/// The `mlenv` executable as users run it: exit codes, report formats, files written.
final class CommandLineTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    static var binary: String {
        let beside = Bundle.main.bundleURL.appendingPathComponent("mlenv").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return repositoryRoot.appendingPathComponent(".build/debug/mlenv").path
    }

    /// Runs mlenv; `output` holds standard output and error together unless `stdoutOnly`.
    @discardableResult
    func mlenv(_ arguments: String..., in directory: URL? = nil, stdoutOnly: Bool = false) throws -> (
        status: Int32, output: String
    ) {
        try mlenv(arguments, in: directory, stdoutOnly: stdoutOnly)
    }

    func mlenv(_ arguments: [String], in directory: URL? = nil, stdoutOnly: Bool = false) throws -> (
        status: Int32, output: String
    ) {
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: Self.binary), "build mlenv first: swift build")
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        return try runProcess(
            Self.binary, arguments, environment: environment, directory: directory ?? repositoryRoot,
            discardErrors: stdoutOnly)
    }

    func write(_ text: String, to name: String) throws -> String {
        let url = scratch.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
        return url.path
    }

    func testFoldersAreReadInOrderSkippingHiddenEntriesAndFolderLinks() throws {
        let spec = "mlenv: 1\nname: NAME\nbase: python:3.11\n"
        _ = try write(spec.replacingOccurrences(of: "NAME", with: "b"), to: "tree/b.yaml")
        _ = try write(spec.replacingOccurrences(of: "NAME", with: "a"), to: "tree/sub/a.yml")
        _ = try write("not: [valid", to: "tree/.hidden/broken.yaml")
        _ = try write("not: [valid", to: "tree/.broken.yaml")
        _ = try write("ignored", to: "tree/notes.txt")
        let tree = scratch.appendingPathComponent("tree")
        try FileManager.default.createSymbolicLink(
            at: tree.appendingPathComponent("sub/loop"), withDestinationURL: tree)
        try FileManager.default.createSymbolicLink(
            at: tree.appendingPathComponent("c.yaml"), withDestinationURL: tree.appendingPathComponent("b.yaml"))
        let result = try mlenv("check", "--format", "json", tree.path, stdoutOnly: true)
        XCTAssertTrue(result.output.contains(#""files": 3"#), result.output)
        XCTAssertTrue(result.output.contains("E305"), "b.yaml and the link c.yaml to it share a name: \(result.output)")
    }

    func testGenerateFolderWritesOneFolderPerSpec() throws {
        let output = scratch.appendingPathComponent("all")
        let result = try mlenv("generate", "specs", "-o", output.path, "--target", "all")
        XCTAssertEqual(result.status, 0, result.output)
        let folders = try FileManager.default.contentsOfDirectory(atPath: output.path).sorted()
        XCTAssertEqual(folders, ["nlp", "speech", "vision"], "the host file dgx-01.yaml is skipped")
        for file in [
            "Dockerfile", "run.sh", "kubernetes.yaml", "job.sbatch", "Apptainer.def", ".devcontainer/devcontainer.json",
        ] {
            XCTAssertTrue(
                FileManager.default.fileExists(atPath: output.appendingPathComponent("vision/\(file)").path), file)
        }
        // The same bytes as generating the spec alone into that folder.
        let alone = scratch.appendingPathComponent("alone/vision")
        XCTAssertEqual(try mlenv("generate", "specs/vision.yaml", "-o", alone.path, "--target", "all").status, 0)
        XCTAssertEqual(
            try Data(contentsOf: output.appendingPathComponent("vision/job.sbatch")),
            try Data(contentsOf: alone.appendingPathComponent("job.sbatch")))

        let spec = "mlenv: 1\nname: twin\nbase: python:3.11\ncuda: none\n"
        _ = try write(spec, to: "twins/a.yaml")
        _ = try write(spec, to: "twins/b.yaml")
        let twins = try mlenv(
            "generate", scratch.appendingPathComponent("twins").path, "-o",
            scratch.appendingPathComponent("twins-out").path)
        XCTAssertEqual(twins.status, 1)
        XCTAssertTrue(twins.output.contains("b.yaml:2:7: error[E305]: another spec is also named `twin`"), twins.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("twins-out").path))
    }

    /// A repository with its own Dockerfile and requirements.txt gets its dev container in
    /// `.devcontainer/`, beside them and without touching them; `verify` knows the layout.
    func testDevContainerFolderInARepositoryLeavesTheRootAlone() throws {
        let repository = scratch.appendingPathComponent("repo")
        let own = "FROM python:3.11\nRUN pip install -r requirements.txt\n"
        _ = try write(own, to: "repo/Dockerfile")
        _ = try write("numpy==1.26.4\n", to: "repo/requirements.txt")
        _ = try write(
            "mlenv: 1\nname: repo\nbase: python:3.11-slim\ncuda: none\nvolumes: [\"./data:/data\"]\n"
                + "packages: {pip: [\"einops==0.7.0\"]}\n"
                + "devcontainer: {extensions: [ms-python.python], post_create: pip install -e .}\n",
            to: "repo/env.yaml")
        let result = try mlenv(
            ["generate", "env.yaml", "-o", ".devcontainer", "--target", "devcontainer"], in: repository)
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertEqual(try String(contentsOf: repository.appendingPathComponent("Dockerfile"), encoding: .utf8), own)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: repository.path).sorted(),
            [".devcontainer", "Dockerfile", "env.yaml", "requirements.txt"])
        let folder = repository.appendingPathComponent(".devcontainer")
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(),
            ["Dockerfile", "devcontainer.json", "requirements.txt", "run.sh"])
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: folder.appendingPathComponent("devcontainer.json")))
                as? [String: Any])
        XCTAssertEqual(json["build"] as? [String: String], ["dockerfile": "Dockerfile", "context": "."])
        XCTAssertEqual(
            json["mounts"] as? [String], ["source=${localWorkspaceFolder}/data,target=/data,type=bind"],
            "the workspace folder is the repository, the spec's folder")
        XCTAssertEqual(json["postCreateCommand"] as? String, "pip install -e .")
        XCTAssertEqual(json["remoteUser"] as? String, "mlenv")
        let verified = try mlenv(["verify", ".devcontainer"], in: repository)
        XCTAssertEqual(verified.status, 0, verified.output)
        // An edited devcontainer.json is found by verify: it knows the file is beside the Dockerfile.
        try Data("{}\n".utf8).write(to: folder.appendingPathComponent("devcontainer.json"))
        XCTAssertNotEqual(try mlenv(["verify", ".devcontainer"], in: repository).status, 0)
    }

    /// A folder's YAML files that are not mlenv files are passed over with N102, not judged as specs.
    func testCheckFolderPassesOverOtherYAMLFiles() throws {
        _ = try write("mlenv: 1\nname: a\nbase: python:3.11-slim\ncuda: none\n", to: "mixed/a.yaml")
        let precommit = try write(
            "repos:\n  - repo: https://github.com/psf/black\n    rev: 24.1.0\n", to: "mixed/.config/../pre-commit.yaml")
        _ = try write("services:\n  web: {image: nginx}\n", to: "mixed/compose.yml")
        let checked = try mlenv("check", scratch.appendingPathComponent("mixed").path)
        XCTAssertEqual(checked.status, 0, checked.output)
        XCTAssertTrue(checked.output.contains("note[N102]"), checked.output)
        XCTAssertFalse(checked.output.contains("error["), checked.output)
        // Named on the command line, the same file is checked as a spec.
        let named = try mlenv("check", precommit)
        XCTAssertEqual(named.status, 1, named.output)
        XCTAssertTrue(named.output.contains("E103") || named.output.contains("E101"), named.output)
    }

    func testVersionAndHelp() throws {
        let version = try mlenv("--version")
        XCTAssertEqual(version.status, 0)
        XCTAssertEqual(version.output, MLEnv.version + "\n")
        for command in ["check", "generate", "explain"] {
            let help = try mlenv(command, "--help")
            XCTAssertEqual(help.status, 0, command)
            XCTAssertTrue(help.output.contains("Examples:"), command)
        }
        // Defaults read as a user writes them, never as a Swift value (`TargetList(targets: ...)`).
        for command in [
            ["check"], ["generate"], ["plan"], ["lock"], ["verify"], ["resolve"], ["catalog"], ["catalog", "probe"],
            ["schema"],
            ["explain"],
        ] {
            let help = try mlenv(command + ["--help"])
            XCTAssertEqual(help.status, 0, "\(command)")
            for swiftValue in ["MLEnvCore.", "Set([", "Optional(", "(targets:"] {
                XCTAssertFalse(help.output.contains(swiftValue), "\(command) --help: \(help.output)")
            }
        }
        XCTAssertTrue(try mlenv("generate", "--help").output.contains("(default: docker)"))
    }

    func testCheckExitCodes() throws {
        XCTAssertEqual(try mlenv("check", "specs").status, 0)
        let bad = try write("mlenv: 1\nname: Bad Name\nbase: python:3.11\n", to: "bad.yaml")
        let failed = try mlenv("check", bad)
        XCTAssertEqual(failed.status, 1)
        XCTAssertTrue(failed.output.hasPrefix("\(bad):2:7: error[E105]: "), failed.output)
        XCTAssertTrue(failed.output.contains(" 2 | name: Bad Name\n   |       ^\n"), failed.output)
        XCTAssertTrue(failed.output.hasSuffix("1 error, 0 warnings in 1 file\n"), failed.output)
        XCTAssertEqual(try mlenv("check", scratch.appendingPathComponent("missing.yaml").path).status, 2)
        XCTAssertEqual(try mlenv("check", "--no-such-flag", "specs").status, 2)
        XCTAssertEqual(try mlenv("check", "--format", "xml", "specs").status, 2)
    }

    func testCheckFolderFindsYAMLFilesAndSkipsHiddenFolders() throws {
        _ = try write("mlenv: 1\nname: a\nbase: python:3.11\n", to: "tree/a.yaml")
        _ = try write("mlenv: 1\nname: b\nbase: python:3.11\njupyter: yes\n", to: "tree/sub/b.yml")
        _ = try write("not: [valid", to: "tree/.git/c.yaml")
        _ = try write("ignored", to: "tree/notes.txt")
        let result = try mlenv("check", "--format", "json", scratch.appendingPathComponent("tree").path)
        XCTAssertEqual(result.status, 1)
        let report = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any]
        let summary = report?["summary"] as? [String: Int]
        XCTAssertEqual(summary?["files"], 2)
        XCTAssertEqual(summary?["errors"], 1)
    }

    func testJSONReportHasTheContractedShape() throws {
        let bad = try write(
            "mlenv: 1\nname: x\nbase: python:3.10-slim\npython: \"3.10\"\npython: \"3.11\"\n", to: "dup.yaml")
        let result = try mlenv("check", "--format", "json", bad)
        XCTAssertEqual(result.status, 1)
        let report = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        XCTAssertEqual(Set(report.keys), ["diagnostics", "summary"])
        let diagnostic = try XCTUnwrap((report["diagnostics"] as? [[String: Any]])?.first)
        XCTAssertEqual(diagnostic["code"] as? String, "E002")
        XCTAssertEqual(diagnostic["severity"] as? String, "error")
        XCTAssertEqual(diagnostic["file"] as? String, bad)
        XCTAssertEqual(diagnostic["line"] as? Int, 5)
        XCTAssertEqual(diagnostic["column"] as? Int, 1)
        XCTAssertNotNil(diagnostic["message"] as? String)
        let note = try XCTUnwrap((diagnostic["notes"] as? [[String: Any]])?.first)
        XCTAssertEqual(note["line"] as? Int, 4)
        XCTAssertEqual(note["file"] as? String, bad)
        let summary = try XCTUnwrap(report["summary"] as? [String: Int])
        XCTAssertEqual(summary["files"], 1)
        XCTAssertEqual(summary["errors"], 1)
        XCTAssertEqual(summary["warnings"], 0)
    }

    func testGenerateWritesExecutableScriptAndNoTemporaries() throws {
        let output = scratch.appendingPathComponent("out/vision").path
        let result = try mlenv("generate", "specs/vision.yaml", "-o", output)
        XCTAssertEqual(result.status, 0, result.output)
        let names = try FileManager.default.contentsOfDirectory(atPath: output).sorted()
        XCTAssertEqual(names, ["Dockerfile", "requirements.txt", "run.sh"])
        XCTAssertTrue(FileManager.default.isExecutableFile(atPath: output + "/run.sh"))
        XCTAssertFalse(FileManager.default.isExecutableFile(atPath: output + "/Dockerfile"))
    }

    func testGenerateWithErrorsWritesNothingAndKeepsExistingFiles() throws {
        let spec = try write("mlenv: 1\nname: x\nbase: python:3.11\ngpus: [1, 1]\n", to: "x.yaml")
        let output = scratch.appendingPathComponent("out")
        let fresh = try mlenv("generate", spec, "-o", output.path)
        XCTAssertEqual(fresh.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: output.path))
        _ = try write("keep me", to: "out/Dockerfile")
        XCTAssertEqual(try mlenv("generate", spec, "-o", output.path).status, 1)
        XCTAssertEqual(try String(contentsOf: output.appendingPathComponent("Dockerfile"), encoding: .utf8), "keep me")
    }

    func testGenerateIsTheSameFromAnyWorkingDirectory() throws {
        let fromRoot = scratch.appendingPathComponent("a")
        XCTAssertEqual(try mlenv("generate", "specs/vision.yaml", "-o", fromRoot.path).status, 0)
        let fromSpecs = scratch.appendingPathComponent("b")
        XCTAssertEqual(
            try mlenv(
                "generate", "vision.yaml", "-o", fromSpecs.path, in: repositoryRoot.appendingPathComponent("specs")
            ).status, 0)
        for name in ["Dockerfile", "requirements.txt"] {
            XCTAssertEqual(
                try Data(contentsOf: fromRoot.appendingPathComponent(name)),
                try Data(contentsOf: fromSpecs.appendingPathComponent(name)), name)
        }
    }

    func testGenerateAndCheckRefuseWhatTheyCannotUse() throws {
        let unknown = try mlenv(
            "generate", "specs/vision.yaml", "-o", scratch.appendingPathComponent("o").path, "--target", "docker,nomad")
        XCTAssertEqual(unknown.status, 2)
        XCTAssertFalse(FileManager.default.fileExists(atPath: scratch.appendingPathComponent("o").path))
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("empty"), withIntermediateDirectories: true)
        let empty = try mlenv("check", scratch.appendingPathComponent("empty").path)
        XCTAssertEqual(empty.status, 2)
        XCTAssertTrue(empty.output.contains("no *.yaml"), empty.output)
    }

    func testGenerateJSONIsAloneOnStandardOutput() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = [
            "generate", "--format", "json", "specs/vision.yaml", "-o", scratch.appendingPathComponent("v").path,
        ]
        process.currentDirectoryURL = repositoryRoot
        let out = Pipe()
        process.standardOutput = out
        process.standardError = Pipe()
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        let report = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertNotNil(report?["summary"])
    }

    func testResolveAndCatalog() throws {
        let resolved = try mlenv("resolve", "--format", "json", "specs/vision.yaml", stdoutOnly: true)
        XCTAssertEqual(resolved.status, 0, resolved.output)
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(resolved.output.utf8)) as? [String: Any])
        XCTAssertEqual(object["base"] as? String, "nvcr.io/nvidia/pytorch:23.10-py3")
        XCTAssertEqual(object["python"] as? String, "3.10")
        XCTAssertEqual(object["cuda"] as? String, "12.2")
        XCTAssertEqual((object["framework"] as? [String: Any])?["name"] as? String, "pytorch")
        let auto = try write(
            "mlenv: 1\nname: a\nbase: auto\nframework: {name: pytorch, version: \"2.1\"}\npython: \"3.10\"\ncuda: \"12.2\"\n",
            to: "auto.yaml")
        let chosen = try mlenv("resolve", auto, stdoutOnly: true)
        XCTAssertEqual(chosen.status, 0, chosen.output)
        XCTAssertTrue(chosen.output.contains("base:      nvcr.io/nvidia/pytorch:23.10-py3"), chosen.output)
        XCTAssertTrue(object["install"] is NSNull, "the NGC image ships PyTorch")
        // A framework mlenv installs says which wheels, from where.
        let wheels = try write(
            "mlenv: 1\nname: w\nbase: nvidia/cuda:12.4.1-base-ubuntu22.04\nframework: {name: pytorch, version: \"2.7\"}\npython: \"3.11\"\n",
            to: "wheels.yaml")
        let installed = try mlenv("resolve", wheels, stdoutOnly: true)
        XCTAssertTrue(
            installed.output.contains(
                "install:   pip install 'torch==2.7.*' --index-url https://download.pytorch.org/whl/cu126"),
            installed.output)
        let catalog = try mlenv("catalog", "--framework", "pytorch", "--format", "json", stdoutOnly: true)
        let listed = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(catalog.output.utf8)) as? [String: Any])
        XCTAssertEqual(
            (listed["images"] as? [Any])?.count, CatalogLoader.builtIn.images.filter { $0.framework == .pytorch }.count)
        let corp = try write(
            "mlenv-catalog: 1\ntable: corp\nimages:\n  - image: registry.corp/ml/base:2024.1\n    python: \"3.11\"\n",
            to: "corp.yaml")
        let spec = try write("mlenv: 1\nname: c\nbase: registry.corp/ml/base:2024.1\npython: \"3.10\"\n", to: "c.yaml")
        let checked = try mlenv("check", "--catalog", corp, spec)
        XCTAssertEqual(checked.status, 1)
        XCTAssertTrue(checked.output.contains("error[E203]"), checked.output)
        let hosted = try mlenv("check", "--host", "specs/dgx-01.yaml", "specs/speech.yaml")
        XCTAssertEqual(hosted.status, 0, hosted.output)
    }

    func testHugeFilesAreReportedNotRead() throws {
        let path = scratch.appendingPathComponent("huge.yaml")
        _ = FileManager.default.createFile(atPath: path.path, contents: nil)
        let handle = try FileHandle(forWritingTo: path)
        let chunk = Data(repeating: UInt8(ascii: "#"), count: 1 << 20)
        for _ in 0..<50 { handle.write(chunk) }
        try handle.close()
        let result = try mlenv("check", path.path)
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("error[E008]"), result.output)
        XCTAssertEqual(
            try mlenv("check", "--max-file-size", "100000000", "--format", "json", path.path).status, 1,
            "raised: it parses, and is empty")
    }

    func testPipesAreReadWhole() throws {
        // A pipe has no size to read ahead of time (`mlenv check <(render-spec)`): the reader
        // must grow past its first buffer and find the error on the last line.
        let padding = String(repeating: "# padding line that is long enough to matter\n", count: 500)
        let spec = padding + "mlenv: 1\nname: piped\nbase: python:3.11\ngpus: none\nshm_size: lots\n"
        var environment = ProcessInfo.processInfo.environment
        environment["NO_COLOR"] = "1"
        let result = try runProcess(Self.binary, ["check", "/dev/stdin"], input: spec, environment: environment)
        XCTAssertEqual(result.status, 1, result.output)
        XCTAssertTrue(result.output.contains("/dev/stdin:505:11: error[E"), result.output)
    }

    func testAFileThatCannotBeOpenedStopsTheCommand() throws {
        // A socket cannot be opened, even by root (who can read a mode-000 file).
        _ = try write("mlenv: 1\nname: a\nbase: python:3.11\ngpus: none\n", to: "tree/a.yaml")
        let socket = scratch.appendingPathComponent("tree/s.yaml").path
        let made = try runProcess(
            "/usr/bin/python3", ["-c", "import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])", socket])
        XCTAssertEqual(made.status, 0, made.output)
        let result = try mlenv("check", scratch.appendingPathComponent("tree").path)
        XCTAssertEqual(result.status, 2, result.output)
        XCTAssertTrue(result.output.contains("tree/s.yaml: cannot be read"), result.output)
    }

    func testStrictAndQuiet() throws {
        let warned = try write("mlenv: 1\nname: w\nbase: python:latest\ngpus: none\n", to: "w.yaml")
        let plain = try mlenv("check", warned)
        XCTAssertEqual(plain.status, 0, "warnings alone pass")
        XCTAssertTrue(plain.output.contains("warning[W301]"), plain.output)
        XCTAssertEqual(try mlenv("check", "--strict", warned).status, 1, "--strict fails on warnings")
        let quiet = try mlenv("check", "--quiet", warned)
        XCTAssertFalse(quiet.output.contains("W301"), quiet.output)
        // Hidden, not forgotten: the summary still counts the warning.
        XCTAssertTrue(quiet.output.hasSuffix("0 errors, 1 warning in 1 file (1 hidden by --quiet)\n"), quiet.output)
        let ignored = try mlenv("check", "--strict", "--ignore", "unpinned-base", warned)
        XCTAssertEqual(ignored.status, 0, "an ignored warning fails nothing: \(ignored.output)")
        XCTAssertTrue(ignored.output.hasSuffix("0 errors, 0 warnings in 1 file (1 ignored)\n"), ignored.output)
        let unknown = try mlenv("check", "--ignore", "W999", warned)
        XCTAssertEqual(unknown.status, 2, unknown.output)
        XCTAssertTrue(unknown.output.contains("--ignore W999: no such code"), unknown.output)
        XCTAssertEqual(try mlenv("check", "--ignore", "E101", warned).status, 2, "reading errors cannot be ignored")
    }

    func testExplain() throws {
        let known = try mlenv("explain", "e105")
        XCTAssertEqual(known.status, 0)
        XCTAssertTrue(known.output.hasPrefix("E105 (error): invalid-name\n"), known.output)
        let all = try mlenv("explain", "--all")
        XCTAssertEqual(all.output.split(separator: "\n").count, DiagnosticCode.registry.count)
        XCTAssertEqual(try mlenv("explain", "X999").status, 2)
    }
}

extension CommandLineTests {
    func testLockGenerateAndVerifyCatchDrift() throws {
        let folder = scratch.appendingPathComponent("repo")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("specs"), withIntermediateDirectories: true)
        let spec = folder.appendingPathComponent("specs/speech.yaml")
        try FileManager.default.copyItem(at: repositoryRoot.appendingPathComponent("specs/speech.yaml"), to: spec)
        XCTAssertEqual(try mlenv("lock", "specs/speech.yaml", in: folder).status, 0)
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: folder.appendingPathComponent("specs/speech.mlenv.lock").path))
        XCTAssertEqual(try mlenv("generate", "--locked", "specs/speech.yaml", "-o", "out/speech", in: folder).status, 0)
        let clean = try mlenv("verify", "out/speech", in: folder)
        XCTAssertEqual(clean.status, 0, clean.output)
        XCTAssertTrue(clean.output.contains("up to date"), clean.output)
        XCTAssertEqual(try mlenv("generate", "--check", "specs/speech.yaml", "-o", "out/speech", in: folder).status, 0)

        // A hand edit is caught, with a diff.
        let script = folder.appendingPathComponent("out/speech/run.sh")
        try (try String(contentsOf: script, encoding: .utf8) + "# hand edit\n").write(
            to: script, atomically: true, encoding: .utf8)
        let edited = try mlenv("verify", "out/speech", in: folder)
        XCTAssertEqual(edited.status, 1)
        XCTAssertTrue(edited.output.contains("+# hand edit"), edited.output)

        // A changed spec is caught, and --locked refuses the stale lock. (Regenerating over the
        // hand edit needs --force.)
        XCTAssertEqual(try mlenv("generate", "specs/speech.yaml", "-o", "out/speech", in: folder).status, 1)
        XCTAssertEqual(try mlenv("generate", "--force", "specs/speech.yaml", "-o", "out/speech", in: folder).status, 0)
        try (try String(contentsOf: spec, encoding: .utf8) + "shm_size: 4g\n").write(
            to: spec, atomically: true, encoding: .utf8)
        XCTAssertEqual(try mlenv("verify", "out/speech", in: folder).status, 1)
        let refused = try mlenv("generate", "--locked", "specs/speech.yaml", "-o", "out/speech", in: folder)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("error[E150]"), refused.output)
    }
}

extension CommandLineTests {
    func testGenerateNeverOverwritesForeignOrEditedFiles() throws {
        let output = scratch.appendingPathComponent("out")
        _ = try write("FROM my-own-image\n", to: "out/Dockerfile")
        let refused = try mlenv("generate", "specs/vision.yaml", "-o", output.path)
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.output.contains("Dockerfile: mlenv did not write it"), refused.output)
        XCTAssertEqual(
            try String(contentsOf: output.appendingPathComponent("Dockerfile"), encoding: .utf8), "FROM my-own-image\n")
        XCTAssertFalse(
            FileManager.default.fileExists(atPath: output.appendingPathComponent("run.sh").path), "nothing is written")
        XCTAssertEqual(try mlenv("generate", "--force", "specs/vision.yaml", "-o", output.path).status, 0)
        XCTAssertEqual(
            try mlenv("generate", "specs/vision.yaml", "-o", output.path).status, 0, "its own files are replaced")
        let script = output.appendingPathComponent("run.sh")
        try (try String(contentsOf: script, encoding: .utf8) + "echo local tweak\n").write(
            to: script, atomically: true, encoding: .utf8)
        let edited = try mlenv("generate", "specs/vision.yaml", "-o", output.path)
        XCTAssertEqual(edited.status, 1)
        XCTAssertTrue(edited.output.contains("run.sh: it was edited after mlenv wrote it"), edited.output)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: output.path).filter { $0.hasPrefix(".") }
        XCTAssertEqual(leftovers, [], "no temporary files remain")
    }
}
