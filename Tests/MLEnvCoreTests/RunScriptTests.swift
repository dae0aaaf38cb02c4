import Foundation
import XCTest

@testable import MLEnvCore

/// The generated run.sh, driven against a stand-in engine that records its arguments, so every
/// flag the script passes is checked without a real engine (the end-to-end test covers that).
final class RunScriptTests: XCTestCase {
    var folder: URL!
    var log: URL!

    /// A `docker` that logs its arguments, reports the NVIDIA runtime when FAKE_NVIDIA is set,
    /// FAKE_INFO as the rest of its `info`, and a running container when FAKE_RUNNING is set.
    static let fakeEngine = """
        #!/usr/bin/env bash
        printf '%s\\n' "$*" >> "$FAKE_LOG"
        case "$1" in
          build) [[ "$2" != --help ]] || echo "${FAKE_BUILD_HELP:-      --ignorefile string   path to an alternate .dockerignore file}" ;;
          info) [[ -z "${FAKE_NVIDIA:-}" ]] || echo ' Runtimes: io.containerd.runc.v2 nvidia runc'; printf '%s\n' "${FAKE_INFO:-}" ;;
          ps) [[ -z "${FAKE_RUNNING:-}" && ! -e "$FAKE_LOG.running" ]] || echo 0123456789ab ;;
          run) [[ " $* " != *" --detach "* ]] || touch "$FAKE_LOG.running"; exit "${FAKE_RUN_STATUS:-0}" ;;
          rm) rm -f "$FAKE_LOG.running" ;;
          exec) echo "${JUPYTER_TOKEN:-tok-from-container}" ;;
          image) [[ "$2" != inspect || "$3" != --format ]] || echo "${FAKE_LABEL:-}" ;;
        esac
        exit 0
        """

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("specs/data"), withIntermediateDirectories: true)
        let engine = folder.appendingPathComponent("bin/docker")
        try Data(Self.fakeEngine.utf8).write(to: engine)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: engine.path)
        log = folder.appendingPathComponent("engine.log")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Generates `spec` as specs/team.yaml into out/team under the scratch folder.
    func script(_ spec: String) throws -> String {
        let result = MLEnv.generate(
            SourceFile(path: "specs/team.yaml", text: spec), outputDirectory: "out/team",
            workingDirectory: folder.path, files: InMemoryFiles())
        XCTAssertFalse(result.diagnostics.containsErrors, "\(triples(result.diagnostics))")
        let output = folder.appendingPathComponent("out/team")
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        for file in result.outputs {
            if let text = file.text { try Data(text.utf8).write(to: output.appendingPathComponent(file.path)) }
        }
        return output.appendingPathComponent("run.sh").path
    }

    func run(_ script: String, _ arguments: [String], _ environment: [String: String] = [:]) throws -> (
        status: Int32, output: String, engine: [String]
    ) {
        try? FileManager.default.removeItem(at: log)
        try? FileManager.default.removeItem(atPath: log.path + ".running")
        var env = [
            "PATH": folder.appendingPathComponent("bin").path + ":/usr/bin:/bin", "FAKE_LOG": log.path,
            "HOME": folder.path,
        ]
        env.merge(environment) { $1 }
        let result = try runProcess("/bin/bash", [script] + arguments, environment: env)
        let calls = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        return (result.status, result.output, calls)
    }

    let gpuSpec =
        minimalSpec
        + "gpus: [0, 1]\nipc: host\njupyter: {port: 18888}\nvolumes: [\"./data:/workspace/data:ro\", \"cache:/cache\"]\n"

    func testUpPassesGPUAndNVIDIAFlagsAndPublishesJupyter() throws {
        let run = try script(gpuSpec)
        let result = try self.run(run, ["up"], ["FAKE_NVIDIA": "1", "JUPYTER_TOKEN": "secret-token"])
        XCTAssertEqual(result.status, 0, result.output)
        let call = try XCTUnwrap(result.engine.first { $0.hasPrefix("run ") })
        let uid = try runProcess("/usr/bin/id", ["-u"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        for flag in [
            "--detach", "--name mlenv-team --init", "--user \(uid):", "--env HOME=/home/mlenv", "--ipc=host",
            "--gpus \"device=0,1\"", "--ulimit memlock=-1 --ulimit stack=67108864",
            "--volume \(folder.path)/out/team/../../specs/data:/workspace/data:ro", "--volume cache:/cache:rw",
            "--publish 127.0.0.1:18888:8888", "--env JUPYTER_TOKEN mlenv/team:latest",
        ] {
            XCTAssertTrue(call.contains(flag), "missing \(flag) in: \(call)")
        }
        XCTAssertFalse(call.contains("secret-token"), "the token must not appear in the engine's arguments")
        XCTAssertFalse(call.contains("--privileged"), "containers never run privileged")
        XCTAssertFalse(try String(contentsOfFile: run, encoding: .utf8).contains("--privileged"))
        XCTAssertTrue(result.output.contains("http://127.0.0.1:18888/lab?token=secret-token"), result.output)
        XCTAssertTrue(result.output.contains("ssh -N -L 18888:127.0.0.1:18888 "), result.output)
    }

    func testWithoutGPUsNoGPUOnlyFlagsAreUsed() throws {
        let run = try script(gpuSpec)
        let result = try self.run(run, ["up"], ["MLENV_GPUS": "none"])
        XCTAssertEqual(result.status, 0, result.output)
        let call = try XCTUnwrap(result.engine.first { $0.hasPrefix("run ") })
        XCTAssertFalse(call.contains("--gpus"), call)
        XCTAssertFalse(call.contains("--ulimit"), call)
        XCTAssertTrue(call.contains("--ipc=host"), call)
    }

    func testOverridesAndCounts() throws {
        let run = try script(minimalSpec + "gpus: 2\n")
        let count = try self.run(run, ["shell"], ["FAKE_NVIDIA": "1"])
        XCTAssertTrue(count.engine.contains { $0.contains("--gpus 2 ") }, "\(count.engine)")
        XCTAssertTrue(count.engine.contains { $0.contains("--shm-size=1g") }, "\(count.engine)")
        let all = try self.run(run, ["shell"], ["FAKE_NVIDIA": "1", "MLENV_GPUS": "all"])
        XCTAssertTrue(all.engine.contains { $0.contains("--gpus all ") }, "\(all.engine)")
        let bad = try self.run(run, ["up"], ["FAKE_NVIDIA": "1", "MLENV_GPUS": "0;reboot"])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.output.contains("MLENV_GPUS must be none, all or device indices"), bad.output)
    }

    func testClearOneLineErrors() throws {
        let run = try script(gpuSpec)
        let noEngine = try self.run(run, ["up"], ["MLENV_ENGINE": "/nonexistent/docker"])
        XCTAssertEqual(noEngine.status, 1)
        XCTAssertEqual(
            noEngine.output,
            "run.sh: error: container engine '/nonexistent/docker' not found on PATH; install Docker or Podman (MLENV_ENGINE chooses which)\n"
        )
        let noRuntime = try self.run(run, ["up"])
        XCTAssertEqual(noRuntime.status, 1)
        XCTAssertEqual(noRuntime.output.split(separator: "\n").count, 1, noRuntime.output)
        XCTAssertTrue(
            noRuntime.output.contains("has no NVIDIA runtime") && noRuntime.output.contains("MLENV_GPUS=none"),
            noRuntime.output)
        XCTAssertFalse(noRuntime.engine.contains { $0.hasPrefix("run ") })
        let badEngine = try self.run(run, ["up"], ["MLENV_ENGINE": "rm"])
        XCTAssertEqual(badEngine.status, 1)
        try FileManager.default.removeItem(at: folder.appendingPathComponent("specs/data"))
        let noVolume = try self.run(run, ["up"], ["FAKE_NVIDIA": "1"])
        XCTAssertEqual(noVolume.status, 1)
        XCTAssertTrue(
            noVolume.output.contains("volume source") && noVolume.output.contains("does not exist"), noVolume.output)
    }

    func testPortInUseIsRefusedBeforeStarting() throws {
        let listener = Process()
        listener.executableURL = URL(fileURLWithPath: try requiredTool("python3"))
        listener.arguments = [
            "-c",
            "import socket,sys,time\ns=socket.socket(); s.bind(('127.0.0.1',0)); s.listen()\nprint(s.getsockname()[1], flush=True)\ntime.sleep(60)",
        ]
        let pipe = Pipe()
        listener.standardOutput = pipe
        try listener.run()
        defer { listener.terminate() }
        var port = ""
        while !port.hasSuffix("\n") {
            let byte = pipe.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { break }
            port += String(decoding: byte, as: UTF8.self)
        }
        let run = try script(
            minimalSpec + "gpus: none\njupyter: {port: \(port.trimmingCharacters(in: .whitespacesAndNewlines))}\n")
        let result = try self.run(run, ["up"])
        XCTAssertEqual(result.status, 1)
        XCTAssertTrue(result.output.contains("is already in use"), result.output)
        XCTAssertFalse(result.engine.contains { $0.hasPrefix("run ") })
    }

    /// Puts an `id` first on the script's PATH that runs `body` (a sh case on its arguments).
    func fakeID(_ body: String) throws {
        let id = folder.appendingPathComponent("bin/id")
        try Data("#!/bin/sh\n\(body)\n".utf8).write(to: id)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: id.path)
    }

    /// `podman info` of a rootless Podman, as Podman 4.3 prints it (the parts run.sh reads).
    static func rootlessInfo(runtime: String) -> String {
        "host:\n  ociRuntime:\n    name: \(runtime)\n    package: \(runtime)_1.8.1-1+deb12u1_amd64\n"
            + "  security:\n    rootless: true\n    seccompEnabled: true\n"
    }

    /// Rootless Podman maps the user with keep-id; rootful Podman (which refuses keep-id: "keep-id
    /// is only supported in rootless mode") runs as the user like Docker does.
    func testPodmanRootlessUsesKeepIDAndRootfulTheUsersIDs() throws {
        let podman = folder.appendingPathComponent("bin/podman")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("bin/docker"), to: podman)
        let run = try script(minimalSpec + "gpus: none\n")
        let rootless = try self.run(
            run, ["up"], ["MLENV_ENGINE": "podman", "FAKE_INFO": Self.rootlessInfo(runtime: "runc")])
        XCTAssertEqual(rootless.status, 0, rootless.output)
        let call = try XCTUnwrap(rootless.engine.first { $0.hasPrefix("run ") })
        XCTAssertTrue(call.contains("--userns=keep-id"), call)
        XCTAssertFalse(call.contains("--user ") || call.contains("keep-groups"), call)
        XCTAssertTrue(call.hasSuffix("mlenv/team:latest sleep infinity"), call)

        let rootful = try self.run(
            run, ["up"], ["MLENV_ENGINE": "podman", "FAKE_INFO": "host:\n  security:\n    rootless: false\n"])
        let rootfulCall = try XCTUnwrap(rootful.engine.first { $0.hasPrefix("run ") })
        let uid = try runProcess("/usr/bin/id", ["-u"]).output.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertTrue(rootfulCall.contains("--user \(uid):"), rootfulCall)
        XCTAssertFalse(rootfulCall.contains("keep-id"), rootfulCall)
    }

    /// With crun, rootless Podman keeps the user's other groups (team data readable by a group);
    /// runc ignores keep-groups, and a user with one group needs none.
    func testRootlessPodmanOnCrunKeepsTheUsersGroups() throws {
        let podman = folder.appendingPathComponent("bin/podman")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("bin/docker"), to: podman)
        try fakeID(
            #"case "$1" in -u) echo 1001 ;; -g) echo 1001 ;; -G) echo "${FAKE_GROUPS:-1001}" ;; -un) echo alice ;; esac"#
        )
        let run = try script(minimalSpec + "gpus: none\n")
        func call(_ runtime: String, groups: String) throws -> String {
            let result = try self.run(
                run, ["run", "true"],
                ["MLENV_ENGINE": "podman", "FAKE_INFO": Self.rootlessInfo(runtime: runtime), "FAKE_GROUPS": groups])
            return try XCTUnwrap(result.engine.first { $0.hasPrefix("run ") })
        }
        XCTAssertTrue(try call("crun", groups: "1001 27 2000").contains("--userns=keep-id --group-add keep-groups"))
        XCTAssertFalse(try call("runc", groups: "1001 27 2000").contains("keep-groups"))
        XCTAssertFalse(try call("crun", groups: "1001").contains("keep-groups"))
    }

    /// Under sudo (rootful Podman, or Docker for a user outside the docker group) the container
    /// runs as the user who ran sudo, and the ssh line names them.
    func testUnderSudoTheContainerRunsAsTheUserWhoRanSudo() throws {
        // A root process (whoever runs the tests): `id -G alice` answers alice's groups, and
        // `id -G` of a user the system does not know fails, as id does.
        try fakeID(
            #"case "$1" in -u | -g) echo 0 ;; -un) echo root ;; -G) case "${2:-}" in "") echo 0 ;; alice) echo 4343 27 ;; *) exit 1 ;; esac ;; esac"#
        )
        let run = try script(minimalSpec + "gpus: none\njupyter: true\n")
        let sudo = ["SUDO_UID": "4242", "SUDO_GID": "4343", "SUDO_USER": "alice", "JUPYTER_TOKEN": "t"]
        let result = try self.run(run, ["up"], sudo)
        XCTAssertEqual(result.status, 0, result.output)
        let call = try XCTUnwrap(result.engine.first { $0.hasPrefix("run ") })
        XCTAssertTrue(call.contains("--user 4242:4343 --group-add 27 "), call)
        XCTAssertTrue(result.output.contains(" alice@"), result.output)
        // A SUDO_USER id does not know: the primary group only.
        let unknown = try self.run(run, ["up"], sudo.merging(["SUDO_USER": "no-such-user-mlenv"]) { $1 })
        let unknownCall = try XCTUnwrap(unknown.engine.first { $0.hasPrefix("run ") })
        XCTAssertTrue(unknownCall.contains("--user 4242:4343 ") && !unknownCall.contains("--group-add"), unknownCall)
        // sudo to root by root, or values that are not ids: the container runs as root.
        for bad in [["SUDO_UID": "0", "SUDO_GID": "0"], ["SUDO_UID": "1; reboot", "SUDO_GID": "1"]] {
            let call = try XCTUnwrap(try self.run(run, ["up"], bad).engine.first { $0.hasPrefix("run ") })
            XCTAssertTrue(call.contains("--user 0:0 "), call)
        }
    }

    /// `run`: a fresh container with up's user, GPUs, volumes and limits, removed after, the
    /// spec's command unless words are given, and the command's exit status passed through.
    func testRunStartsAFreshContainerAndPassesTheExitStatus() throws {
        let run = try script(
            gpuSpec.replacingOccurrences(of: "jupyter: {port: 18888}\n", with: "")
                + "resources: {cpus: 4}\ncommand: [python, train.py, --note, \"it's $HOME\"]\n")
        let spec = try self.run(run, ["run"], ["FAKE_NVIDIA": "1"])
        XCTAssertEqual(spec.status, 0, spec.output)
        let call = try XCTUnwrap(spec.engine.first { $0.hasPrefix("run ") })
        let up = try XCTUnwrap(try self.run(run, ["up"], ["FAKE_NVIDIA": "1"]).engine.first { $0.hasPrefix("run ") })
        // The same flags as up's, up to the name and detaching.
        let shared = up.replacingOccurrences(of: "run --detach ", with: "")
            .replacingOccurrences(of: " --name mlenv-team --init mlenv/team:latest sleep infinity", with: "")
        XCTAssertTrue(call.hasPrefix("run " + shared + " --rm --init mlenv/team:latest "), "\(call)\nup: \(up)")
        XCTAssertTrue(call.contains("--cpus 4") && call.contains("--gpus \"device=0,1\""), call)
        XCTAssertTrue(call.hasSuffix("mlenv/team:latest python train.py --note it's $HOME"), call)
        XCTAssertFalse(call.contains("--tty"), "no terminal without one: \(call)")

        let given = try self.run(
            run, ["run", "--", "python", "-c", "exit(3)"], ["FAKE_NVIDIA": "1", "FAKE_RUN_STATUS": "3"])
        XCTAssertEqual(given.status, 3, "the command's exit status is the script's")
        XCTAssertTrue(
            try XCTUnwrap(given.engine.first { $0.hasPrefix("run ") }).hasSuffix("mlenv/team:latest python -c exit(3)"))

        let podman = folder.appendingPathComponent("bin/podman")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("bin/docker"), to: podman)
        let viaPodman = try self.run(
            run, ["run", "true"],
            ["MLENV_ENGINE": "podman", "MLENV_GPUS": "none", "FAKE_INFO": Self.rootlessInfo(runtime: "crun")])
        let podmanCall = try XCTUnwrap(viaPodman.engine.first { $0.hasPrefix("run ") })
        XCTAssertTrue(podmanCall.contains("--userns=keep-id") && podmanCall.contains("--rm --init"), podmanCall)

        let noCommand = try self.run(try script(minimalSpec + "gpus: none\n"), ["run"])
        XCTAssertEqual(noCommand.status, 1)
        XCTAssertTrue(noCommand.output.contains("has no command:"), noCommand.output)
        XCTAssertFalse(noCommand.engine.contains { $0.hasPrefix("run ") })
    }

    func testCountSyntaxCannotInjectArithmetic() throws {
        let podman = folder.appendingPathComponent("bin/podman")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("bin/docker"), to: podman)
        let run = try script(minimalSpec + "gpus: 2\n")
        let marker = folder.appendingPathComponent("pwned").path
        let result = try self.run(
            run, ["up"], ["MLENV_ENGINE": "podman", "MLENV_GPUS": "count:1+x[$(touch \(marker))0]"])
        XCTAssertEqual(result.status, 1)
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    func testSecretsPassByNameOnly() throws {
        let run = try script(minimalSpec + "gpus: none\nsecrets: [HF_TOKEN, WANDB_API_KEY]\n")
        let result = try self.run(run, ["up"], ["HF_TOKEN": "hf_very_secret"])
        XCTAssertEqual(result.status, 0, result.output)
        let call = try XCTUnwrap(result.engine.first { $0.hasPrefix("run ") })
        XCTAssertTrue(call.contains("--env HF_TOKEN "), call)
        XCTAssertFalse(call.contains("hf_very_secret"), call)
        XCTAssertFalse(call.contains("WANDB_API_KEY"), call)
        XCTAssertTrue(result.output.contains("secret WANDB_API_KEY is not set"), result.output)
        XCTAssertFalse(try String(contentsOfFile: run, encoding: .utf8).contains("hf_very_secret"))
    }

    func testVerifyComparesTheImageLabel() throws {
        let run = try script(minimalSpec + "gpus: none\n")
        let text = try String(contentsOfFile: run, encoding: .utf8)
        let hash = try XCTUnwrap(text.split(separator: "\n").first { $0.hasPrefix("readonly INPUTS_SHA256=") }).split(
            separator: "=")[1]
        let matching = try self.run(run, ["verify"], ["FAKE_LABEL": String(hash)])
        XCTAssertEqual(matching.status, 0, matching.output)
        XCTAssertTrue(
            matching.engine.contains {
                $0.contains(
                    "image inspect --format {{ index .Config.Labels \"io.mlenv.inputs.sha256\" }} mlenv/team:latest")
            }, "\(matching.engine)")
        let other = try self.run(run, ["verify"], ["FAKE_LABEL": "0000"])
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.output.contains("was built from other inputs"), other.output)
    }

    func testDownUrlAndUsage() throws {
        let run = try script(minimalSpec + "gpus: none\njupyter: true\n")
        let down = try self.run(run, ["down"], ["FAKE_RUNNING": "1"])
        XCTAssertEqual(down.status, 0)
        XCTAssertTrue(down.engine.contains("rm --force mlenv-team"), "\(down.engine)")
        let url = try self.run(run, ["url"], ["FAKE_RUNNING": "1"])
        XCTAssertTrue(url.output.hasPrefix("http://127.0.0.1:8888/lab?token=tok-from-container\n"), url.output)
        let notRunning = try self.run(run, ["url"])
        XCTAssertEqual(notRunning.status, 1)
        let usage = try self.run(run, ["bogus"])
        XCTAssertEqual(usage.status, 2)
        XCTAssertTrue(usage.output.hasPrefix("Usage: ./run.sh build|up|down|logs|url|shell"), usage.output)
        let build = try self.run(run, ["build"])
        XCTAssertEqual(build.status, 0)
        XCTAssertTrue(
            build.engine.contains {
                $0.hasPrefix("build --tag mlenv/team:latest --file ") && $0.hasSuffix("/out/team")
            }, "\(build.engine)")
        // Podman builds Docker-format images: for OCI ones Buildah ignores the Dockerfile's SHELL.
        let podman = folder.appendingPathComponent("bin/podman")
        try FileManager.default.copyItem(at: folder.appendingPathComponent("bin/docker"), to: podman)
        func podmanBuild(_ environment: [String: String] = [:]) throws -> String {
            let result = try self.run(run, ["build"], environment.merging(["MLENV_ENGINE": "podman"]) { $1 })
            XCTAssertEqual(result.status, 0, result.output)
            return try XCTUnwrap(result.engine.first { $0.hasPrefix("build --format") }, "\(result.engine)")
        }
        XCTAssertTrue(try podmanBuild().hasPrefix("build --format docker --tag mlenv/team:latest --file "))
        // Podman reads the ignore file beside the Dockerfile only when named (when it can be).
        let ignoreFile = folder.appendingPathComponent("out/team/Dockerfile.dockerignore")
        try Data(".git\n".utf8).write(to: ignoreFile)
        XCTAssertTrue(
            try podmanBuild().hasPrefix(
                "build --format docker --ignorefile \(ignoreFile.path) --tag mlenv/team:latest "))
        XCTAssertFalse(try podmanBuild(["FAKE_BUILD_HELP": "      --format string"]).contains("--ignorefile"))
    }
}
