import XCTest

@testable import MLEnvCore

/// `project:` and `files:`: the project's pyproject.toml read with TOMLKit, its dependencies
/// checked where they are written, and the build from the project's folder.
final class ProjectTests: XCTestCase {
    let cpuSpec = """
        mlenv: 1
        name: team
        base: python:3.11-slim
        cuda: none

        """

    /// A pyproject.toml laid out as real ones are: `[project.urls]` before `[project]`, comments
    /// in the lists, single quotes, markers.
    let pyproject = """
        [build-system]
        requires = ["setuptools>=61"]
        build-backend = "setuptools.build_meta"

        [project.urls]
        source = "https://example.org/demo"

        [project]
        name = "Demo_Pkg"
        version = "1.0"
        requires-python = ">=3.10"
        dependencies = [
            # pinned
            "rich==13.7.1",
            'tomli==2.0.1; python_version < "3.11"',  # only on old Pythons
        ]

        [project.optional-dependencies]
        train = ["demo-pkg[log]", "accelerate==0.25.0"]
        log = ["tqdm==4.66.1"]
        all = ["demo_pkg[train]", "demo-pkg[log]"]

        [project.scripts]
        demo = "demo.cli:main"

        """

    func read(_ spec: String, files: [String: String]) -> (PythonProject?, [Diagnostic]) {
        let source = SourceFile(path: "repo/mlenv.yaml", text: spec)
        guard case .environment(let decoded)? = MLEnv.load(source).0 else {
            XCTFail("the spec does not decode")
            return (nil, [])
        }
        return ProjectReader.read(decoded, files: InMemoryFiles(files.mapValues { Array($0.utf8) }))
    }

    func testDependenciesAndExtrasAreReadWithTheirPositionsAndSelfReferencesFollowed() throws {
        let (project, found) = read(
            cpuSpec + "project: {path: ., extras: [all]}\n", files: ["repo/pyproject.toml": pyproject])
        XCTAssertEqual(found.map(\.message), [])
        let demo = try XCTUnwrap(project)
        XCTAssertEqual(demo.name, "demo-pkg")
        XCTAssertEqual(demo.scripts, ["demo"])
        XCTAssertEqual(demo.requiresPython?.value, ">=3.10")
        XCTAssertEqual(demo.requiresPython?.location, SourceLocation(line: 11, column: 19))
        // `all` names the project itself with `train` (which names `log`) and `log` again:
        // followed once each, never installed as a package.
        XCTAssertEqual(
            demo.dependencies.map(\.value.text),
            ["rich==13.7.1", "tomli==2.0.1; python_version < \"3.11\"", "tqdm==4.66.1", "accelerate==0.25.0"])
        XCTAssertEqual(
            demo.dependencies.map { "\($0.location.line):\($0.location.column)" }, ["14:6", "15:6", "20:9", "19:28"])
        XCTAssertTrue(demo.dependencies.allSatisfy { $0.file == "repo/pyproject.toml" })
    }

    func testTOMLErrorsPointIntoPyproject() {
        let cases: [(String, String)] = [
            ("[project]\nname = \"demo\nversion = \"1\"\n", "repo/pyproject.toml:2:13"),
            ("[project]\nname = \"a\"\nname = \"b\"\n", "repo/pyproject.toml:3:8"),
            ("[project]\nname = \"a\"\ndependencies = \"numpy\"\n", "repo/pyproject.toml:3:16"),
            ("[project]\nname = \"a\"\ndependencies = [\"numpy\", 3]\n", "repo/pyproject.toml:3:16"),
            ("[project]\nname = \"a\"\nrequires-python = \">=3.x\"\n", "repo/pyproject.toml:3:19"),
            ("[project]\nname = \"a\"\ndependencies = [\"numpy >= \"]\n", "repo/pyproject.toml:3:18"),
            ("[project]\nname = \"a\u{0}\"\n", "repo/pyproject.toml:2:10"),
        ]
        for (text, place) in cases {
            let (_, found) = read(cpuSpec + "project: .\n", files: ["repo/pyproject.toml": text])
            XCTAssertEqual(
                found.map { "\($0.file):\($0.location.line):\($0.location.column)" }, [place],
                "\(text.debugDescription)")
            XCTAssertTrue(found.allSatisfy { $0.severity == .error }, "\(text.debugDescription)")
        }
    }

    /// Found by the `pyproject` fuzz target: toml++ 3.4 asserts (abort) on a table header whose
    /// key does not start like a key (`[)project.scripts]`) and on `s=[}`, where it should
    /// report an error.
    /// mlenv refuses these headers before toml++ reads the text; `[` at the start of a line in
    /// an array, an inline table or a string is no header.
    func testTableHeadersAndBracketsTOMLPlusPlusWouldAbortOnAreErrors() {
        let cases: [(String, String)] = [
            ("[build-system]\nrequires = [\"setuptools\"]\n[)project.scripts]\n", "repo/pyproject.toml:3:2"),
            ("[project]\nname = \"a\"\n[\n", "repo/pyproject.toml:3:2"),
            ("[[ .tool]]\n", "repo/pyproject.toml:1:4"),
            ("[ {a}]\n", "repo/pyproject.toml:1:3"),
            ("s=[}", "repo/pyproject.toml:1:4"),
            ("[project]\nx = {a = [1]]\n", "repo/pyproject.toml:2:13"),
        ]
        for (text, place) in cases {
            let (_, found) = read(cpuSpec + "project: .\n", files: ["repo/pyproject.toml": text])
            XCTAssertEqual(
                found.map { "\($0.code.id) \($0.file):\($0.location.line):\($0.location.column)" }, ["E166 " + place],
                "\(text.debugDescription)")
        }
        let valid = #"""
            [project]
            name = "demo"
            version = "1.0"
            [tool.demo]
            matrix = [
            [1, 2],
            {a = 1},
            ]
            text = """
            [)not a header
            """
            literal = '''
            [
            '''
            "[)key" = 1 # [)
            [ tool . "other" ]

            """#
        let (project, found) = read(cpuSpec + "project: .\n", files: ["repo/pyproject.toml": valid])
        XCTAssertEqual(found.map(\.message), [])
        XCTAssertEqual(project?.name, "demo")
    }

    func testProjectsWhoseDependenciesOnlyTheBackendKnowsAreNotedNotRefused() {
        let setupOnly = read(cpuSpec + "project: .\n", files: ["repo/setup.py": "from setuptools import setup\n"])
        XCTAssertEqual(setupOnly.1.map(\.code), [.projectDependenciesUnknown])
        XCTAssertEqual(setupOnly.0?.staticDependencies, false)
        let poetry = read(
            cpuSpec + "project: .\n",
            files: [
                "repo/pyproject.toml":
                    "[tool.poetry]\nname = \"demo\"\n[tool.poetry.dependencies]\npython = \"^3.10\"\n"
            ])
        XCTAssertEqual(poetry.1.map(\.code), [.projectDependenciesUnknown])
        let missing = read(cpuSpec + "project: sub\n", files: [:])
        XCTAssertEqual(missing.1.map(\.code), [.missingFile])
        XCTAssertEqual(missing.1.first?.location, SourceLocation(line: 5, column: 10))
    }

    func testRequiresPythonIsJudgedAgainstThePythonTheImageRuns() {
        let files = { (requires: String) in
            ["pyproject.toml": "[project]\nname = \"d\"\nrequires-python = \"\(requires)\"\n"]
        }
        // python:3.11-slim runs 3.11.x.
        for (requires, excluded) in [
            (">=3.12", true), (">=3.11", false), ("<3.11", true), ("~=3.10", false), ("==3.11.4", false),
            ("!=3.11.*", true), (">=3.11.7", false), ("<3.11.0", true),
        ] {
            let found = diagnostics(cpuSpec + "project: .\n", files: files(requires))
            XCTAssertEqual(found.contains { $0.code == .requiresPythonExcluded }, excluded, requires)
        }
        // Unknown Python (a private image): nothing is said.
        let privateImage = diagnostics(
            "mlenv: 1\nname: t\nbase: registry.example.org/team/image:1\nproject: .\n", files: files(">=3.13"))
        XCTAssertFalse(privateImage.contains { $0.code == .requiresPythonExcluded })
    }

    func testDependenciesGetThePipChecks() {
        // An exact torch pin that contradicts the framework the spec installs.
        let text = """
            [project]
            name = "demo"
            dependencies = ["torch==2.4.1", "numpy"]
            """
        let found = diagnostics(
            """
            mlenv: 1
            name: t
            base: nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04
            python: "3.10"
            framework: {name: pytorch, version: "2.5"}
            project: .

            """, files: ["pyproject.toml": text])
        XCTAssertTrue(
            found.contains { $0.file == "pyproject.toml" && $0.severity == .error && $0.location.line == 3 },
            "\(found.map { "\($0.code.id) \($0.file):\($0.location.line) \($0.message)" })")
        XCTAssertTrue(found.contains { $0.code == .unpinnedPip && $0.file == "pyproject.toml" })
    }

    func testUnknownExtraNamesTheOnesThereAre() {
        let found = diagnostics(
            cpuSpec + "project: {extras: [trian]}\n",
            files: [
                "pyproject.toml": "[project]\nname = \"d\"\n[project.optional-dependencies]\ntrain = []\ndev = []\n"
            ])
        let warning = found.first { $0.code == .unknownProjectExtra }
        XCTAssertEqual(warning?.location, SourceLocation(line: 5, column: 20))
        XCTAssertEqual(warning?.fix, "use one of `dev`, `train`")
    }

    func testFilesEntriesAreDecodedAndChecked() {
        let cases: [(String, String)] = [
            ("files: [\"/etc/passwd:/opt/x\"]", "E120@5:9"),
            ("files: [\"assets\"]", "E120@5:9"),
            ("files: [\"assets:relative\"]", "E120@5:9"),
            ("files: [\"as*ets:/opt/a\"]", "E120@5:9"),
            ("files: [\"$HOME/x:/opt/a\"]", "E120@5:9"),
            ("files: [\"missing:/opt/a\"]", "E119@5:9"),
            ("files: [\"../outside:/opt/a\"]", "E120@5:9"),
            ("files: [\"assets:/opt/a\", \"assets/a.txt:/opt/a\"]", "E126@5:26"),
        ]
        for (line, expected) in cases {
            let found = diagnostics(cpuSpec + line + "\n", files: ["assets/a.txt": "a"])
            XCTAssertEqual(triples(found.filter { $0.severity == .error }), [expected], line)
        }
        XCTAssertEqual(diagnostics(cpuSpec + "files: [\"assets:/opt/a\"]\n", files: ["assets/a.txt": "a"]).count, 0)
    }

    func testTheBuildReadsTheProjectFolderAndLayersCodeLast() throws {
        let files = [
            "repo/pyproject.toml": pyproject, "repo/assets/a.txt": "a", "repo/src/demo/__init__.py": "",
        ]
        let out = generate(
            cpuSpec + "project: {path: .., extras: [train], editable: true}\nfiles: [\"../assets:/opt/assets\"]\n",
            path: "repo/specs/mlenv.yaml", output: "repo/.mlenv/team", files: files)
        let dockerfile = try XCTUnwrap(out["Dockerfile"])
        let order = [
            "COPY .mlenv/team/project-requirements.txt /tmp/mlenv/project-requirements.txt",
            "COPY assets /opt/assets", "COPY . /opt/project",
            "python3 -m pip install --no-deps -e '/opt/project[train]'",
        ]
        let positions = order.map { dockerfile.range(of: $0)?.lowerBound }
        XCTAssertFalse(positions.contains(nil), dockerfile)
        XCTAssertEqual(positions.compactMap { $0 }, positions.compactMap { $0 }.sorted())
        XCTAssertEqual(
            out["project-requirements.txt"]?.split(separator: "\n").filter { !$0.hasPrefix("#") },
            ["rich==13.7.1", "tomli==2.0.1; python_version < \"3.11\"", "tqdm==4.66.1", "accelerate==0.25.0"])
        XCTAssertTrue(out["run.sh"]?.contains(#"--file "$HERE/Dockerfile" "$@" "$HERE"/../.."#) ?? false)
        let ignore = try XCTUnwrap(out["Dockerfile.dockerignore"]).split(separator: "\n").map(String.init)
        XCTAssertTrue(ignore.contains(".git"))
        XCTAssertTrue(ignore.contains(".mlenv/team"))
        XCTAssertTrue(ignore.contains("!.mlenv/team/project-requirements.txt"))
        XCTAssertEqual(ignore.last { !$0.hasPrefix("#") }, "!assets")
        // A project with its own .dockerignore keeps it.
        var own = files
        own["repo/.dockerignore"] = "data/\n"
        let withOwn = generate(
            cpuSpec + "project: ..\n", path: "repo/specs/mlenv.yaml", output: "repo/.mlenv/team", files: own)
        XCTAssertNil(withOwn["Dockerfile.dockerignore"])
        // Without project: or files:, nothing changes: the output folder is the context.
        let plain = generate(cpuSpec)
        XCTAssertTrue(plain["run.sh"]?.contains(#""$@" "$HERE""#) ?? false)
        XCTAssertNil(plain["Dockerfile.dockerignore"])
    }

    func testDynamicDependenciesInstallWithTheProjectKeepingTheFramework() throws {
        let out = generate(
            minimalSpec + "project: .\n", path: "mlenv.yaml", output: ".mlenv/team",
            files: ["pyproject.toml": "[project]\nname = \"d\"\ndynamic = [\"dependencies\"]\n"])
        let dockerfile = try XCTUnwrap(out["Dockerfile"])
        XCTAssertNil(out["project-requirements.txt"])
        XCTAssertTrue(
            dockerfile.contains("python3 -m pip install /opt/project -c /tmp/mlenv-constraints.txt"), dockerfile)
        XCTAssertTrue(dockerfile.contains("grep -iE '^(torch|torchvision|torchaudio)=='"), dockerfile)
        // The extras still reach pip, which resolves their packages with the project's.
        let withExtras = try XCTUnwrap(
            generate(
                minimalSpec + "project: {extras: [gpu]}\n", path: "mlenv.yaml", output: ".mlenv/team",
                files: ["pyproject.toml": "[project]\nname = \"d\"\ndynamic = [\"dependencies\"]\n"])["Dockerfile"])
        XCTAssertTrue(withExtras.contains("python3 -m pip install '/opt/project[gpu]'"), withExtras)
    }

    func testOutputOutsideTheProjectIsRefusedAtTheProjectKey() {
        let result = MLEnv.generate(
            SourceFile(path: "repo/mlenv.yaml", text: cpuSpec + "project: .\n"), outputDirectory: "/tmp/out",
            workingDirectory: "/work",
            files: InMemoryFiles(["repo/pyproject.toml": Array("[project]\nname='d'\n".utf8)]))
        XCTAssertEqual(triples(result.diagnostics), ["E170@5:1"])
        XCTAssertEqual(result.diagnostics.first?.fix, "generate into a folder inside it, such as `-o repo/.mlenv/team`")
        XCTAssertTrue(result.outputs.isEmpty)
    }

    func testUvInstallsEveryPackageStepIntoTheImagesPython() throws {
        let spec = minimalSpec + "installer: uv\npackages: {pip: [\"rich==13.7.1\"]}\n"
        let dockerfile = try XCTUnwrap(generate(spec)["Dockerfile"])
        XCTAssertTrue(dockerfile.contains("python3 -m pip install uv==\(Installer.uvVersion)"), dockerfile)
        XCTAssertTrue(dockerfile.contains("RUN --mount=type=cache,target=/root/.cache/uv"), dockerfile)
        XCTAssertTrue(
            dockerfile.contains(
                "uv pip install --system --break-system-packages -r /tmp/mlenv/requirements.txt -c /tmp/mlenv/constraints.txt"
            ), dockerfile)
        XCTAssertFalse(dockerfile.contains("python3 -m pip install -r"), dockerfile)
        // Inside the virtual environment mlenv makes, uv finds it through VIRTUAL_ENV.
        let venv = try XCTUnwrap(
            generate(
                "mlenv: 1\nname: t\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\npython: \"3.10\"\ninstaller: uv\npackages: {pip: [\"rich==13.7.1\"]}\n"
            )["Dockerfile"])
        XCTAssertTrue(venv.contains("    uv pip install -r /tmp/mlenv/requirements.txt"), venv)
        XCTAssertEqual(triples(diagnostics(minimalSpec + "installer: conda\n")), ["E102@4:12"])
    }

    func testAPlanIntoAFolderOutsideTheProjectIsRefusedToo() throws {
        let host = SourceFile(
            path: "repo/host.yaml",
            text:
                "mlenv: 1\nkind: host\nname: h\ndriver: \"535.129.03\"\ngpus: {model: A100, count: 2}\njupyter_ports: 18800-18899\n"
        )
        guard case .host(let inventory)? = MLEnv.load(host).0 else { return XCTFail("the host does not decode") }
        let spec = SourceFile(path: "repo/team.yaml", text: minimalSpec + "gpus: 1\nproject: .\n")
        let files = InMemoryFiles(["repo/pyproject.toml": Array("[project]\nname = \"d\"\n".utf8)])
        let outside = MLEnv.plan([spec], host: inventory, outputDirectory: "plan", workingDirectory: "/w", files: files)
        XCTAssertEqual(triples(outside.diagnostics), ["E170@5:1"])
        XCTAssertTrue(outside.outputs.isEmpty)
        let inside = MLEnv.plan(
            [spec], host: inventory, outputDirectory: "repo/.mlenv/plan", workingDirectory: "/w", files: files)
        XCTAssertFalse(inside.diagnostics.containsErrors, "\(inside.diagnostics.map(\.message))")
        let dockerfile = try XCTUnwrap(inside.outputs.first { $0.path == "team/Dockerfile" }?.text)
        XCTAssertTrue(dockerfile.contains("COPY . /opt/project"), dockerfile)
    }
}
