import Foundation
import XCTest

@testable import MLEnvCore

final class EmitterTests: XCTestCase {
    func testShellQuotingRoundTripsHostileStringsThroughBash() throws {
        let hostile = [
            "plain", "", "it's", "\"double\"", "$(id)", "`id`", "${PATH}", "a\\b", "# hash", "new\nline",
            "tab\there", "semi; rm -rf /", "unicode \u{2028} separator", "ünïcödé", "*?[glob]", "~user", "-n",
            // A quote followed by a combining mark is one Character but must still end the quoted part.
            "it'\u{301}s; id", "'\u{301}", "crlf\r\nline",
            String(repeating: "x'y", count: 2000),
        ]
        for text in hostile {
            let script = "printf '%s' " + Quoting.shell(text)
            let result = try runProcess("/bin/bash", ["-c", script])
            XCTAssertEqual(result.output, text, "round trip of \(text.prefix(40))")
        }
    }

    func testRunArgumentKeepsEveryCommandInsideOneInstruction() {
        XCTAssertEqual(BuildStepsView.runArgument("python -m pip check"), "python -m pip check")
        for command in ["a\nb", "[ -f x ] && y", "cat <<EOF", "echo \\", "--network=host true"] {
            let argument = BuildStepsView.runArgument(command)
            XCTAssertTrue(argument.hasPrefix("[\"/bin/bash\", \"-e\", \"-o\", \"pipefail\", \"-c\", "), argument)
            XCTAssertFalse(argument.contains("\n"), argument)
        }
    }

    func testHostileSetupCommandsParseAsExactlyOneRunEach() throws {
        let python = try requiredTool("python3")
        let commands = [
            "echo trailing \\", "--mount=type=bind,target=/x true", "a\nFROM evil\nRUN b", "[\"not\", \"json\"",
            "x <<EOF\ny\nEOF", "tab\there",
        ]
        var spec = minimalSpec + "gpus: none\nsetup:\n"
        for command in commands { spec += "  - \(Quoting.json(command))\n" }
        let outputs = generate(spec)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-emit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dockerfile = folder.appendingPathComponent("Dockerfile")
        try Data(try XCTUnwrap(outputs["Dockerfile"]).utf8).write(to: dockerfile)
        let parsed = try runProcess(
            python, [repositoryRoot.appendingPathComponent("Tests/Tools/parse_dockerfile.py").path, dockerfile.path])
        XCTAssertEqual(parsed.status, 0, parsed.output)
        let instructions = try JSONDecoder().decode([ParsedInstruction].self, from: Data(parsed.output.utf8))
        XCTAssertEqual(instructions.filter { $0.cmd == "FROM" }.count, 1)
        let runs = instructions.filter { $0.cmd == "RUN" }.suffix(commands.count)
        XCTAssertEqual(
            runs.map(\.value),
            commands.map { $0 == "tab\there" ? [$0] : ["/bin/bash", "-e", "-o", "pipefail", "-c", $0] })
        XCTAssertTrue(runs.allSatisfy { $0.flags.isEmpty })
    }

    func testOutputDoesNotDependOnTheWorkingDirectory() {
        let spec = SourceFile(path: "specs/v.yaml", text: minimalSpec + "volumes: [\"./data:/data\"]\n")
        let a = MLEnv.generate(spec, outputDirectory: "out/v", workingDirectory: "/home/a/repo", files: InMemoryFiles())
        let b = MLEnv.generate(
            SourceFile(path: "/srv/b/repo/specs/v.yaml", bytes: spec.bytes),
            outputDirectory: "/srv/b/repo/out/v", workingDirectory: "/tmp", files: InMemoryFiles())
        XCTAssertEqual(a.outputs, b.outputs)
        XCTAssertTrue(
            a.outputs.first { $0.path == "run.sh" }?.text?.contains("readonly SPEC_DIR=\"$HERE\"/../../specs") == true)
    }

    func testFrameworkIsInstalledOnlyWhenTheBaseLacksIt() {
        let ngc = generate(minimalSpec + "framework: pytorch\n")
        XCTAssertFalse(ngc["Dockerfile"]!.contains("pip install 'torch"))
        let cuda = generate(
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.1.1-runtime-ubuntu22.04\npython: \"3.10\"\nframework: {name: pytorch, version: \"2.1\"}\n"
        )
        XCTAssertTrue(cuda["Dockerfile"]!.contains("python3 -m pip install 'torch==2.1.*'"))
        let cpu = generate(
            "mlenv: 1\nname: t\nbase: python:3.11-slim\ncuda: none\nframework: {name: pytorch, version: \"2.1.2\"}\n")
        XCTAssertTrue(cpu["Dockerfile"]!.contains("torch==2.1.2 --index-url https://download.pytorch.org/whl/cpu"))
        let tf = generate(
            "mlenv: 1\nname: t\nbase: python:3.11\ncuda: \"12.2\"\nframework: {name: tensorflow, version: \"2.15\"}\n")
        XCTAssertTrue(tf["Dockerfile"]!.contains("'tensorflow[and-cuda]==2.15.*'"))
    }

    func testPythonIsInstalledOnlyOnBasesWithoutIt() {
        let native = generate("mlenv: 1\nname: t\nbase: nvidia/cuda:12.1.1-runtime-ubuntu22.04\npython: \"3.10\"\n")[
            "Dockerfile"]!
        XCTAssertTrue(
            native.contains("apt-get install -y --no-install-recommends ca-certificates python3.10 python3.10-venv"))
        XCTAssertFalse(native.contains("deadsnakes"))
        let ppa = generate("mlenv: 1\nname: t\nbase: nvidia/cuda:12.1.1-runtime-ubuntu22.04\npython: \"3.12\"\n")[
            "Dockerfile"]!
        XCTAssertTrue(ppa.contains("add-apt-repository -y ppa:deadsnakes/ppa"))
        XCTAssertTrue(ppa.contains("RUN python3.12 -m venv /opt/mlenv/venv"))
        let ngc = generate(minimalSpec)["Dockerfile"]!
        XCTAssertFalse(ngc.contains("venv"))
    }

    /// Plain `ubuntu` and `debian` images have no Python: mlenv installs it (it used to assume
    /// unknown bases had one, and the build failed at `pip install`).
    func testPythonIsInstalledOnBareUbuntuAndDebian() {
        let jammy = generate("mlenv: 1\nname: t\nbase: ubuntu:22.04\npython: \"3.10\"\ncuda: none\n")["Dockerfile"]!
        XCTAssertTrue(
            jammy.contains("apt-get install -y --no-install-recommends ca-certificates python3.10 python3.10-venv"),
            jammy)
        let noble = generate("mlenv: 1\nname: t\nbase: ubuntu:noble\npython: \"3.11\"\ncuda: none\n")["Dockerfile"]!
        XCTAssertTrue(noble.contains("ppa:deadsnakes/ppa") && noble.contains("(ubuntu24.04 ships 3.12)"), noble)
        let bookworm = generate("mlenv: 1\nname: t\nbase: debian:bookworm-slim\npython: \"3.11\"\ncuda: none\n")[
            "Dockerfile"]!
        XCTAssertTrue(
            bookworm.contains("install Debian 12's Python 3.11") && bookworm.contains("python3.11 python3.11-venv"),
            bookworm)
        XCTAssertEqual(
            triples(diagnostics("mlenv: 1\nname: t\nbase: ubuntu:22.04\ncuda: none\n")), ["E128@3:7"],
            "say which Python")
        XCTAssertEqual(
            triples(diagnostics("mlenv: 1\nname: t\nbase: ubuntu:22.04\npython: \"3.10\"\ncuda: none\n")), [],
            "a known OS image is not `unknown` (N101)")
    }

    func testJupyterIsAddedOnlyWhenTheBaseLacksIt() {
        XCTAssertNil(generate(minimalSpec + "jupyter: true\n")["requirements.txt"], "NGC images ship JupyterLab")
        let plain = generate("mlenv: 1\nname: t\nbase: python:3.11\njupyter: true\n")
        XCTAssertTrue(plain["requirements.txt"]!.contains("\njupyterlab\n"))
        XCTAssertTrue(plain["Dockerfile"]!.contains("CMD [\"jupyter\", \"lab\""))
        XCTAssertTrue(plain["Dockerfile"]!.contains("EXPOSE 8888"))
        let none = generate("mlenv: 1\nname: t\nbase: python:3.11\n")
        XCTAssertTrue(none["Dockerfile"]!.contains("\nCMD [\"bash\"]\n# mlenv-sha256: "))
        XCTAssertFalse(none["Dockerfile"]!.contains("EXPOSE"))
    }

    func testLayersAreOrderedSoPipAndSetupEditsKeepTheAptLayer() {
        let text = generate(minimalSpec + "packages: {apt: [git], pip: [numpy]}\nenv: {A: b}\nsetup: [\"true\"]\n")[
            "Dockerfile"]!
        let order = ["apt-get install", "COPY requirements.txt", "ENV A=", "WORKDIR", "RUN true", "LABEL"]
        let positions = order.map { text.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil), "\(positions)")
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted())
    }

    func testAGenerateWithErrorsProducesNoFiles() {
        let result = MLEnv.generate(
            SourceFile(path: "s.yaml", text: minimalSpec + "gpus: [0, 0]\n"), outputDirectory: "o",
            workingDirectory: "/w", files: InMemoryFiles())
        XCTAssertTrue(result.diagnostics.containsErrors)
        XCTAssertEqual(result.outputs, [])
        let host = MLEnv.generate(
            SourceFile(path: "h.yaml", text: "mlenv: 1\nkind: host\nname: h\n"), outputDirectory: "o",
            workingDirectory: "/w", files: InMemoryFiles())
        XCTAssertEqual(triples(host.diagnostics), ["E132@1:1"])
    }

    func testSpecFileNameCannotInjectLines() {
        let result = MLEnv.generate(
            SourceFile(path: "specs/evil\nRUN curl x | sh\n.yaml", text: minimalSpec), outputDirectory: "o",
            workingDirectory: "/w", files: InMemoryFiles())
        for file in result.outputs {
            XCTAssertFalse(file.text?.contains("\nRUN curl") ?? false, file.path)
            XCTAssertTrue(file.text?.contains("evil?RUN curl x | sh?.yaml") ?? true, file.path)
        }
    }

    func testRequirementsDoNotChangeWhenOnlyOtherKeysDo() {
        let a = generate(minimalSpec + "packages: {pip: [\"numpy==1.26.4\"]}\n")
        let b = generate(minimalSpec + "packages: {pip: [\"numpy==1.26.4\"]}\nsetup: [\"true\"]\nenv: {A: b}\n")
        XCTAssertEqual(a["requirements.txt"], b["requirements.txt"])
        XCTAssertNotEqual(a["Dockerfile"], b["Dockerfile"])
    }

    func testFrameworkExtrasFollowTheRelease() {
        func dockerfile(_ framework: String, cuda: String = "12.2") -> String {
            generate(
                "mlenv: 1\nname: t\nbase: nvidia/cuda:\(cuda).0-runtime-ubuntu22.04\npython: \"3.10\"\ncuda: \"\(cuda)\"\nframework: \(framework)\n"
            )["Dockerfile"] ?? ""
        }
        XCTAssertTrue(
            dockerfile("{name: jax, version: \"0.4.20\"}").contains(
                "'jax[cuda12_pip]==0.4.20' -f https://storage.googleapis.com/jax-releases/jax_cuda_releases.html"))
        XCTAssertTrue(dockerfile("{name: jax, version: \"0.4.30\"}").contains("'jax[cuda12]==0.4.30'"))
        XCTAssertTrue(dockerfile("{name: tensorflow, version: \"2.15\"}").contains("'tensorflow[and-cuda]==2.15.*'"))
        XCTAssertTrue(
            dockerfile("{name: tensorflow, version: \"2.12\"}", cuda: "11.8").contains("'tensorflow==2.12.*'"))
        let unpinned = dockerfile("pytorch")
        XCTAssertTrue(
            unpinned.contains(
                "# hadolint ignore=DL3013\nRUN --mount=type=cache,target=/root/.cache/pip \\\n    PIP_REPORT=/opt/mlenv/pip-report-1.json python3 -m pip install torch"
            ), unpinned)
    }

    /// `mlenv lock --from-image` reads what the build recorded: each pip run writes its own
    /// installation report (PIP_REPORT is `--report`), and each apt step the dpkg set after it.
    func testTheBuildRecordsWhatItInstalls() {
        let dockerfile =
            generate(
                "mlenv: 1\nname: t\nbase: nvidia/cuda:12.1.0-runtime-ubuntu22.04\npython: \"3.10\"\ncuda: \"12.1\"\n"
                    + "framework: {name: pytorch, version: \"2.1\"}\npackages: {apt: [git], pip: [\"numpy==1.26.4\"]}\n"
            )["Dockerfile"] ?? ""
        let installs = dockerfile.split(separator: "\n").filter { $0.contains("pip install") && !$0.hasPrefix("#") }
        XCTAssertEqual(installs.count, 2, dockerfile)
        XCTAssertTrue(installs[0].contains("PIP_REPORT=/opt/mlenv/pip-report-1.json python3 -m pip install 'torch=="))
        XCTAssertTrue(installs[1].contains("PIP_REPORT=/opt/mlenv/pip-report-2.json python3 -m pip install -r"))
        let record = "dpkg-query -W -f '${db:Status-Abbrev}${binary:Package}=${Version}\\n'"
        XCTAssertTrue(dockerfile.contains(record + " > /opt/mlenv/apt-base.txt"), dockerfile)
        // The record of the base comes before any step that installs, the apt record after git.
        let base = dockerfile.range(of: "apt-base.txt")!.lowerBound
        XCTAssertLessThan(base, dockerfile.range(of: "apt-get install")!.lowerBound)
        XCTAssertTrue(
            dockerfile.contains("install -y --no-install-recommends git \\\n && " + record + " > /opt/mlenv/apt.txt"))
    }

    func testInstalledFrameworkConstrainsLaterPipInstalls() {
        let ngc = generate(minimalSpec + "packages: {pip: [\"numpy==1.26.4\"]}\n")["Dockerfile"]!
        XCTAssertTrue(ngc.contains("grep -iE '^(torch|torchvision|torchaudio)=='"), ngc)
        XCTAssertTrue(ngc.contains("-c /tmp/mlenv/constraints.txt"))
        let plain = generate("mlenv: 1\nname: t\nbase: python:3.11\npackages: {pip: [\"numpy==1.26.4\"]}\n")[
            "Dockerfile"]!
        XCTAssertFalse(plain.contains("constraints.txt"))
    }

    func testNamedVolumeFoldersAreWritable() {
        let text = generate(minimalSpec + "volumes: [\"cache:/workspace/.cache\", \"/data:/data\"]\n")["Dockerfile"]!
        XCTAssertTrue(
            text.contains(
                "RUN mkdir -p /home/mlenv /workspace /workspace/.cache \\\n && chmod 1777 /home/mlenv /workspace /workspace/.cache \\\n"
            ), text)
    }

    /// Packages installed at run time by any uid: the user site with the base's Python, the venv's
    /// folders made writable in mlenv's own venv, and the framework kept by a constraint.
    func testRunTimeInstallsHaveAPlaceForAnyUserAndKeepTheFramework() {
        let ngc = generate(minimalSpec)["Dockerfile"]!
        XCTAssertTrue(ngc.contains("ENV PYTHONUSERBASE=/home/mlenv/.local \\\n    PIP_BREAK_SYSTEM_PACKAGES=1"), ngc)
        XCTAssertTrue(ngc.contains("chmod -R 1777 /home/mlenv/.local"), ngc)
        XCTAssertTrue(ngc.contains("> /etc/mlenv/constraints.txt"), ngc)
        XCTAssertTrue(ngc.contains("PIP_CONSTRAINT=\"/etc/mlenv/constraints.txt ${PIP_CONSTRAINT}\""), ngc)
        XCTAssertFalse(ngc.contains("/opt/mlenv/venv"), ngc)
        // The ENV comes before setup: run-time and setup's pip both keep the framework.
        let setup = generate(minimalSpec + "setup: [\"pip install einops==0.7.0\"]\n")["Dockerfile"]!
        XCTAssertLessThan(
            setup.range(of: "PIP_CONSTRAINT=")!.lowerBound, setup.range(of: "RUN pip install einops")!.lowerBound)

        let venv = generate(
            "mlenv: 1\nname: t\nbase: nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04\npython: \"3.11\"\n"
                + "framework: {name: pytorch, version: \"2.1.0\"}\n")["Dockerfile"]!
        XCTAssertTrue(venv.contains("find /opt/mlenv/venv -type d -exec chmod a+rwx {} +"), venv)
        XCTAssertFalse(venv.contains("PYTHONUSERBASE"), "a venv has no user site: \(venv)")
        XCTAssertTrue(venv.contains("ENV PIP_CONSTRAINT="), venv)

        let plain = generate("mlenv: 1\nname: t\nbase: python:3.11\ncuda: none\n")["Dockerfile"]!
        XCTAssertTrue(plain.contains("PYTHONUSERBASE=/home/mlenv/.local"), plain)
        XCTAssertFalse(plain.contains("PIP_CONSTRAINT"), "no framework, no constraint: \(plain)")
    }

    func testCABundleIsCopiedIntoTheBuildContext() {
        let result = MLEnv.generate(
            SourceFile(path: "specs/s.yaml", text: minimalSpec + "build: {ca_bundle: certs/ca.pem}\n"),
            outputDirectory: "o", workingDirectory: "/w", files: InMemoryFiles(["specs/certs/ca.pem": [1]]))
        XCTAssertEqual(
            result.outputs.last, OutputFile(path: "ca-bundle.crt", contents: .copy(of: "specs/certs/ca.pem")))
    }
}

final class FolderGenerateTests: XCTestCase {
    func testAFolderPassesHostFilesOverAndRefusesTwoSpecsWithOneName() {
        let spec = { (name: String) in "mlenv: 1\nname: \(name)\nbase: nvcr.io/nvidia/pytorch:23.10-py3\n" }
        let sources = [
            SourceFile(path: "specs/a.yaml", text: spec("vision")),
            SourceFile(path: "specs/b.yaml", text: spec("vision")),
            SourceFile(path: "specs/c.yaml", text: spec("speech")),
            SourceFile(path: "specs/host.yaml", text: "mlenv: 1\nkind: host\nname: dgx\n"),
        ]
        let result = MLEnv.generateFolder(
            sources.map { ($0, nil) }, outputFolder: "out", workingDirectory: "/w", files: InMemoryFiles())
        XCTAssertEqual(result.environments.map(\.outputDirectory), ["out/speech"])
        XCTAssertEqual(result.diagnostics.map(\.code.id), ["E305"])
        XCTAssertEqual(result.diagnostics.first?.file, "specs/b.yaml")
        XCTAssertEqual(result.diagnostics.first?.location, SourceLocation(line: 2, column: 7))
        XCTAssertEqual(result.diagnostics.first?.notes.first?.file, "specs/a.yaml")
    }

    func testTheDockerfileNamesItsSpecForVerify() throws {
        let result = MLEnv.generate(
            SourceFile(path: "specs/t.yaml", text: "mlenv: 1\nname: t\nbase: python:3.11-slim\n"),
            outputDirectory: "out/t", workingDirectory: "/w", files: InMemoryFiles())
        let dockerfile = try XCTUnwrap(result.outputs.first { $0.path == GeneratedFiles.dockerfile })
        guard case .text(let text) = dockerfile.contents else { return XCTFail("text") }
        XCTAssertEqual(GeneratedFiles.specPath(inDockerfile: text), "../../specs/t.yaml")
        XCTAssertNil(
            GeneratedFiles.specPath(inDockerfile: "# a\n# b\n# c\n# d\n# e\n# mlenv-spec: late\n"),
            "only the header's lines count")
        XCTAssertNil(GeneratedFiles.specPath(inDockerfile: "# mlenv-spec: \n"))
    }
}

final class BuildEnvTests: XCTestCase {
    /// `build.env` reaches the build's steps (ARG, %post) and never the image's environment.
    func testBuildEnvIsForTheBuildOnly() throws {
        let spec = """
            mlenv: 1
            name: t
            base: nvidia/cuda:12.4.1-devel-ubuntu22.04
            python: "3.10"
            build: {env: {TORCH_CUDA_ARCH_LIST: "8.0;9.0", MAX_JOBS: "4"}}
            setup: ["pip install --no-build-isolation flash-attn==2.7.4.post1"]
            """
        let result = MLEnv.generate(
            SourceFile(path: "t.yaml", text: spec), outputDirectory: "out", workingDirectory: "/w",
            files: InMemoryFiles(),
            targets: [.docker, .apptainer])
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        func text(_ path: String) throws -> String {
            let file = try XCTUnwrap(result.outputs.first { $0.path == path }, "no \(path)")
            guard case .text(let text) = file.contents else { throw XCTestError(.failureWhileWaiting) }
            return text
        }
        let dockerfile = try text("Dockerfile")
        // Exported in the step itself: an ARG would be hidden by an ENV of the base of that name.
        XCTAssertTrue(
            dockerfile.contains(
                "RUN export TORCH_CUDA_ARCH_LIST='8.0;9.0' MAX_JOBS=4 && pip install --no-build-isolation flash-attn==2.7.4.post1\n"
            ), dockerfile)
        XCTAssertFalse(dockerfile.contains("ARG MAX_JOBS"), dockerfile)
        XCTAssertFalse(dockerfile.contains("ENV MAX_JOBS"), dockerfile)
        let definition = try text("Apptainer.def")
        let environment = try XCTUnwrap(
            definition.components(separatedBy: "%environment").dropFirst().first?.components(separatedBy: "%post").first
        )
        XCTAssertFalse(environment.contains("MAX_JOBS"), environment)
        XCTAssertTrue(definition.contains("    export MAX_JOBS=4\n"), definition)
        // The toolkit checks know CUDA code is compiled, from build.env.
        let check = MLEnv.check([SourceFile(path: "t.yaml", text: spec)], files: InMemoryFiles())
        XCTAssertEqual(check.environments.first?.cudaCompilation?.evidence, "`TORCH_CUDA_ARCH_LIST` in `build.env`")
    }
}
