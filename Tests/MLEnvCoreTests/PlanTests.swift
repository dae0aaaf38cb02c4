import Foundation
import XCTest

@testable import MLEnvCore

/// Several teams on one host: clashes, allocation, and the plan's files.
final class PlanTests: XCTestCase {
    let hostText =
        "mlenv: 1\nkind: host\nname: dgx\ndriver: \"535.129.03\"\ngpus: {model: A100-SXM4-80GB, count: 8}\njupyter_ports: 18800-18809\n"

    func team(_ name: String, _ extra: String) -> SourceFile {
        SourceFile(
            path: "specs/\(name).yaml",
            text: "mlenv: 1\nname: \(name)\nbase: nvcr.io/nvidia/pytorch:23.10-py3\n" + extra)
    }

    func host(_ text: String? = nil) -> HostSpec {
        let (file, _) = MLEnv.load(SourceFile(path: "specs/dgx.yaml", text: text ?? hostText))
        guard case .host(let host)? = file else { fatalError("host fixture does not decode") }
        return host
    }

    func clashes(_ sources: [SourceFile]) -> [String] {
        let result = MLEnv.check(sources + [SourceFile(path: "specs/dgx.yaml", text: hostText)], files: InMemoryFiles())
        return result.diagnostics.filter { $0.code.id.hasPrefix("E3") || $0.code.id == "W310" }
            .map {
                "\($0.file):\($0.code.id)@\($0.location.line):\($0.location.column)"
                    + ($0.notes.first.map { " note \($0.file ?? ""):\($0.location?.line ?? 0)" } ?? "")
            }
    }

    func testClashesAreReportedAtBothSides() {
        XCTAssertEqual(
            clashes([team("a", "gpus: [0, 1]\n"), team("b", "gpus: [1, 2]\n")]),
            ["specs/b.yaml:E301@4:7 note specs/a.yaml:4"])
        XCTAssertEqual(
            clashes([team("a", "gpus: [0]\ngpus_shared: true\n"), team("b", "gpus: [0]\ngpus_shared: true\n")]),
            ["specs/b.yaml:W310@4:7 note specs/a.yaml:4"])
        XCTAssertEqual(
            clashes([team("a", "gpus: [0]\ngpus_shared: true\n"), team("b", "gpus: [0]\n")]),
            ["specs/b.yaml:E301@4:7 note specs/a.yaml:4"], "both must agree to share")
        XCTAssertEqual(
            clashes([
                team("a", "jupyter: {port: 18801}\ngpus: none\n"), team("b", "jupyter: {port: 18801}\ngpus: none\n"),
            ]),
            ["specs/b.yaml:E303@4:17 note specs/a.yaml:4"])
        XCTAssertEqual(
            clashes([team("a", "jupyter: {port: 8888}\ngpus: none\n")]),
            ["specs/a.yaml:E304@4:17 note specs/dgx.yaml:6"])
        XCTAssertEqual(
            clashes([
                team("a", "gpus: none\n"),
                SourceFile(path: "specs/other.yaml", text: "mlenv: 1\nname: a\nbase: python:3.11\ngpus: none\n"),
            ]),
            ["specs/other.yaml:E305@2:7 note specs/a.yaml:2"])
        XCTAssertEqual(clashes([team("a", "gpus: [8]\n")]), ["specs/a.yaml:E306@4:7 note specs/dgx.yaml:5"])
        XCTAssertEqual(
            clashes([team("a", "gpus: 6\n"), team("b", "gpus: 3\n")]),
            ["specs/a.yaml:E302@4:7 note specs/dgx.yaml:5", "specs/b.yaml:E302@4:7 note specs/dgx.yaml:5"])
        // `all` takes every GPU: a second GPU user clashes with it, and a count cannot be filled.
        XCTAssertEqual(
            clashes([team("a", "gpus: all\n"), team("b", "gpus: 1\n")]),
            ["specs/b.yaml:E301@4:7 note specs/a.yaml:4", "specs/b.yaml:E302@4:7 note specs/dgx.yaml:5"])
    }

    func testPlanNeedsTheHostsCountAndPorts() {
        let bare = host("mlenv: 1\nkind: host\nname: bare\n")
        let result = MLEnv.plan(
            [team("a", "gpus: 1\njupyter: true\n")], host: bare, outputDirectory: "p", workingDirectory: "/w",
            files: InMemoryFiles())
        XCTAssertEqual(triples(result.diagnostics.filter { $0.code == .hostIncomplete }), ["E307@3:7", "E307@3:7"])
        XCTAssertEqual(result.outputs, [])
    }

    func testOverAskingSaysWhoAndByHowMuch() {
        let result = MLEnv.check(
            [team("a", "gpus: 6\n"), team("b", "gpus: 3\n"), SourceFile(path: "specs/dgx.yaml", text: hostText)],
            files: InMemoryFiles())
        let message = result.diagnostics.first { $0.code == .gpuOvercommit }?.message ?? ""
        XCTAssertTrue(message.contains("`a` 6, `b` 3") && message.contains("1 too many"), message)
    }

    func plan(_ sources: [SourceFile], previous: [String: Allocation] = [:]) -> PlanResult {
        MLEnv.plan(
            sources, host: host(), outputDirectory: "plan", workingDirectory: "/w", files: InMemoryFiles(),
            previous: previous)
    }

    func allocation(_ result: PlanResult) -> [String] {
        (result.plan?.teams ?? []).map {
            "\($0.name):\($0.gpus.map(String.init).joined(separator: ","))@\($0.port.map(String.init) ?? "-")"
        }
    }

    func testAllocationHonoursExplicitChoicesAndFillsTheRest() {
        let teams = [
            team("c", "gpus: 2\njupyter: true\n"), team("a", "gpus: [2, 3]\njupyter: {port: 18800}\n"),
            team("b", "gpus: 1\njupyter: true\n"), team("d", "gpus: none\n"),
        ]
        let result = plan(teams)
        XCTAssertEqual(triples(result.diagnostics.filter { $0.severity == .error }), [])
        XCTAssertEqual(allocation(result), ["a:2,3@18800", "b:0@18801", "c:1,4@18802", "d:@-"])
        XCTAssertEqual(allocation(plan(teams.reversed())), allocation(result), "input order does not matter")
        XCTAssertEqual(plan(teams).outputs, result.outputs, "the same input gives the same files")
    }

    func testAddingATeamKeepsTheOthersWherePlanned() {
        let before = plan([team("m", "gpus: 2\njupyter: true\n"), team("z", "gpus: 1\njupyter: true\n")])
        XCTAssertEqual(allocation(before), ["m:0,1@18800", "z:2@18801"])
        var previous: [String: Allocation] = [:]
        for team in before.plan!.teams { previous[team.name] = Allocation(gpus: team.gpus, port: team.port) }
        let after = plan(
            [
                team("m", "gpus: 2\njupyter: true\n"), team("z", "gpus: 1\njupyter: true\n"),
                team("a", "gpus: 2\njupyter: true\n"),
            ], previous: previous)
        XCTAssertEqual(allocation(after), ["a:3,4@18802", "m:0,1@18800", "z:2@18801"])
        let fresh = plan([
            team("m", "gpus: 2\njupyter: true\n"), team("z", "gpus: 1\njupyter: true\n"),
            team("a", "gpus: 2\njupyter: true\n"),
        ])
        XCTAssertEqual(
            allocation(fresh), ["a:0,1@18800", "m:2,3@18801", "z:4@18802"],
            "without the previous plan, name order decides")
    }

    func testTeamFilesUseThePlannedGPUsAndPort() {
        let result = plan([team("b", "gpus: 1\njupyter: true\n"), team("a", "gpus: 3\njupyter: true\n")])
        let script = result.outputs.first { $0.path == "b/run.sh" }?.text ?? ""
        XCTAssertTrue(script.contains("readonly SPEC_GPUS=3\n"), script)
        XCTAssertTrue(script.contains("readonly JUPYTER_PORT=18801\n"), script)
        XCTAssertTrue(script.contains("from b.yaml and plan.json"), script)
        XCTAssertEqual(
            Set(result.outputs.map(\.path)).isSuperset(of: [
                "compose.yaml", "PLAN.md", "host.svg", "plan.json", "a/Dockerfile", "b/run.sh",
            ]), true)
    }

    func testAThousandTeamsOnTenThousandGPUs() {
        let many = (0..<1000).map { index in
            SourceFile(
                path: "specs/t\(index).yaml",
                text:
                    "mlenv: 1\nname: team-\(String(format: "%04d", index))\nbase: python:3.11\ncuda: \"12.2\"\ngpus: \(index % 4 + 8)\njupyter: true\n"
            )
        }
        let big = host(
            "mlenv: 1\nkind: host\nname: big\ngpus: {model: H100, count: 10000}\njupyter_ports: 20000-21999\n")
        let result = MLEnv.plan(many, host: big, outputDirectory: "p", workingDirectory: "/w", files: InMemoryFiles())
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }.count, 0)
        let gpus = result.plan?.teams.flatMap(\.gpus) ?? []
        XCTAssertEqual(gpus.count, (0..<1000).reduce(0) { $0 + $1 % 4 + 8 })
        XCTAssertEqual(Set(gpus).count, gpus.count, "no GPU is given twice")
    }

    func testPlanFilesMatchGoldenFilesAndPassComposeValidation() throws {
        let folder = repositoryRoot.appendingPathComponent("specs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter {
            $0.hasSuffix(".yaml") && $0 != "dgx-01.yaml"
        }.sorted()
        let sources = try names.map {
            SourceFile(path: "specs/\($0)", bytes: Array(try Data(contentsOf: folder.appendingPathComponent($0))))
        }
        let hostSource = SourceFile(
            path: "specs/dgx-01.yaml", bytes: Array(try Data(contentsOf: folder.appendingPathComponent("dgx-01.yaml"))))
        guard case .host(let host)? = MLEnv.load(hostSource).0 else { return XCTFail("host") }
        let result = MLEnv.plan(
            sources, host: host, outputDirectory: "plan/dgx-01", workingDirectory: "/work", files: InMemoryFiles())
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        let golden = repositoryRoot.appendingPathComponent("Tests/Fixtures/plan")
        let update = ProcessInfo.processInfo.environment["MLENV_UPDATE_GOLDEN"] == "1"
        for name in ["compose.yaml", "compose.sh", "PLAN.md", "host.svg", "plan.json"] {
            let text = try XCTUnwrap(result.outputs.first { $0.path == name }?.text)
            let url = golden.appendingPathComponent(name)
            if update {
                try FileManager.default.createDirectory(at: golden, withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            } else if try String(contentsOf: url, encoding: .utf8) != text {
                XCTFail(
                    "\(name) differs:\n\(try GoldenTests.diff(expected: try String(contentsOf: url, encoding: .utf8), actual: text))"
                )
            }
        }
        // docker-compose also checks that each team's build folder exists: validate a written copy.
        let written = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-plan-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: written) }
        for file in result.outputs {
            guard let text = file.text else { continue }
            let url = written.appendingPathComponent(file.path)
            try FileManager.default.createDirectory(
                at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }
        let compose = written.appendingPathComponent("compose.yaml").path
        let schema = repositoryRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/schemas/compose-spec.json"
        ).path
        let validated = try runProcess(try requiredTool("check-jsonschema"), ["--schemafile", schema, compose])
        XCTAssertEqual(validated.status, 0, validated.output)
        var environment = ProcessInfo.processInfo.environment
        for team in ["NLP", "SPEECH", "VISION"] { environment["JUPYTER_TOKEN_\(team)"] = "token" }
        let config = try runProcess(
            try requiredTool("docker-compose"), ["-f", compose, "config", "--quiet"], environment: environment)
        XCTAssertEqual(config.status, 0, config.output)
        try checkComposeScript(in: written, environment: environment)
    }

    /// compose.sh passes the invoking user's supplementary groups, as run.sh does: run with a stand-in
    /// `id` (uid 1000, groups 1000 1001 2000) and a stand-in `docker-compose` that keeps the
    /// override it is given, then the real docker-compose merges both files.
    func checkComposeScript(in folder: URL, environment: [String: String]) throws {
        let script = folder.appendingPathComponent("compose.sh").path
        let lint = try runProcess(try requiredTool("shellcheck"), [script])
        XCTAssertEqual(lint.status, 0, lint.output)
        let bin = folder.appendingPathComponent("stand-ins")
        try FileManager.default.createDirectory(at: bin, withIntermediateDirectories: true)
        let kept = folder.appendingPathComponent("override.yaml").path
        let standIns = [
            "id":
                "#!/bin/sh\ncase \"$1\" in -u) echo 1000 ;; -g) echo 1000 ;; -G) echo 1000 1001 2000 ;; *) exec /usr/bin/id \"$@\" ;; esac\n",
            "docker": "#!/bin/sh\nexit 1\n",
            "docker-compose":
                "#!/bin/sh\nprintf '%s\\n' \"$MLENV_UID:$MLENV_GID $*\" > \(kept).args\ncp \"$4\" \(kept)\n",
        ]
        for (name, text) in standIns {
            let url = bin.appendingPathComponent(name)
            try Data(text.utf8).write(to: url)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
        }
        var withStandIns = environment
        withStandIns["PATH"] = bin.path + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
        let ran = try runProcess("/bin/bash", [script, "up", "-d"], environment: withStandIns)
        XCTAssertEqual(ran.status, 0, ran.output)
        let args = try String(contentsOfFile: kept + ".args", encoding: .utf8)
        XCTAssertTrue(args.hasPrefix("1000:1000 -f \(folder.path)/compose.yaml -f "), args)
        XCTAssertTrue(args.hasSuffix(" up -d\n"), args)
        let merged = try runProcess(
            try requiredTool("docker-compose"),
            ["-f", folder.appendingPathComponent("compose.yaml").path, "-f", kept, "config"],
            environment: environment)
        XCTAssertEqual(merged.status, 0, merged.output)
        for team in ["nlp", "speech", "vision"] {
            XCTAssertTrue(merged.output.contains("  \(team):"), merged.output)
        }
        XCTAssertEqual(
            merged.output.components(separatedBy: "group_add:\n    - '1001'\n    - '2000'").count - 1, 3, merged.output)
    }
}
