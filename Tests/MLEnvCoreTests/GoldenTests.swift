import Foundation
import XCTest

@testable import MLEnvCore

/// Generated artifacts compared byte for byte with files committed under Tests/Fixtures, then
/// judged by the real tools: BuildKit's parser, hadolint, `bash -n` and shellcheck.
///
/// `MLENV_UPDATE_GOLDEN=1 swift test --filter GoldenTests` rewrites the expected files on
/// purpose; review the diff before committing it.
final class GoldenTests: XCTestCase {
    struct Case {
        var name: String
        var spec: URL
        var expected: URL
        var files: [String: String] = [:]
        /// Where it is generated: `out/NAME`, or for a `repo-` case `specs/.devcontainer`, the
        /// dev container of a repository whose root holds the spec.
        var outputDirectory: String {
            name.hasPrefix("repo-") ? "specs/.devcontainer" : "out/\(name)"
        }
    }

    static let fixtures = repositoryRoot.appendingPathComponent("Tests/Fixtures")

    /// Every environment spec in specs/ (expected files in Tests/Fixtures/examples/NAME), and
    /// every Tests/Fixtures/CASE/spec.yaml (expected files beside it), each for every target.
    static func cases() throws -> [Case] {
        var cases: [Case] = []
        let specs = repositoryRoot.appendingPathComponent("specs")
        for name in try FileManager.default.contentsOfDirectory(atPath: specs.path).sorted()
        where name.hasSuffix(".yaml") {
            let url = specs.appendingPathComponent(name)
            guard !(try String(contentsOf: url, encoding: .utf8)).contains("kind: host") else { continue }
            let stem = String(name.dropLast(5))
            cases.append(Case(name: stem, spec: url, expected: fixtures.appendingPathComponent("examples/\(stem)")))
        }
        // Every fixture folder with a spec.yaml is a case; examples/ holds the expected files of
        // specs/, and reports/, plan/ and schema/ belong to other tests.
        for name in try FileManager.default.contentsOfDirectory(atPath: fixtures.path).sorted()
        where !["examples", "reports", "schema", "plan"].contains(name) {
            let folder = fixtures.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: folder.appendingPathComponent("spec.yaml").path) else {
                continue
            }
            var files: [String: String] = [:]
            let bundle = folder.appendingPathComponent("corp-ca.pem")
            if FileManager.default.fileExists(atPath: bundle.path) {
                files["specs/corp-ca.pem"] = try String(contentsOf: bundle, encoding: .utf8)
            }
            // A case's project/ folder holds the files its spec names, as they sit beside it.
            let project = folder.appendingPathComponent("project")
            if let names = FileManager.default.enumerator(atPath: project.path) {
                for case let name as String in names {
                    let url = project.appendingPathComponent(name)
                    guard let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                    files["specs/\(name)"] = text
                }
            }
            cases.append(
                Case(name: name, spec: folder.appendingPathComponent("spec.yaml"), expected: folder, files: files))
        }
        return cases
    }

    /// Generates a case as `specs/NAME.yaml` into its output folder, from `/work`, so output
    /// never depends on where the repository is.
    static func generateCase(_ test: Case) throws -> GenerateResult {
        let bytes = Array(try Data(contentsOf: test.spec))
        let view = InMemoryFiles(test.files.mapValues { Array($0.utf8) })
        // A spec that builds from its project's folder is generated into a folder inside it.
        let text = String(decoding: bytes, as: UTF8.self)
        let fromProject = text.contains("\nproject:") || text.contains("\nfiles:")
        return MLEnv.generate(
            SourceFile(path: "specs/\(test.name).yaml", bytes: bytes),
            outputDirectory: fromProject ? "specs/.mlenv/\(test.name)" : test.outputDirectory,
            workingDirectory: "/work", files: view, targets: Set(Target.allCases))
    }

    func testGeneratedFilesMatchTheGoldenFiles() throws {
        let update = ProcessInfo.processInfo.environment["MLENV_UPDATE_GOLDEN"] == "1"
        let cases = try Self.cases()
        XCTAssertGreaterThanOrEqual(cases.count, 5)
        for test in cases {
            let result = try Self.generateCase(test)
            XCTAssertFalse(result.diagnostics.containsErrors, "\(test.name): \(result.diagnostics.map(\.message))")
            let generated = result.outputs.compactMap { file in file.text.map { (file.path, $0) } }
            XCTAssertFalse(generated.isEmpty, test.name)
            for (path, text) in generated {
                let url = test.expected.appendingPathComponent(path)
                if update {
                    try FileManager.default.createDirectory(
                        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                    try Data(text.utf8).write(to: url)
                    continue
                }
                guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
                    XCTFail("\(test.name): no golden file \(url.path); run with MLENV_UPDATE_GOLDEN=1")
                    continue
                }
                if expected != text {
                    XCTFail(
                        "\(test.name)/\(path) differs from the golden file:\n\(try Self.diff(expected: expected, actual: text))"
                    )
                }
            }
            let expectedNames = Set(
                generated.map { String($0.0.split(separator: "/")[0]) } + ["spec.yaml", "corp-ca.pem", "project"])
            let present = (try? FileManager.default.contentsOfDirectory(atPath: test.expected.path)) ?? []
            for stale in present where !expectedNames.contains(stale) {
                XCTFail("\(test.name): golden file \(stale) is no longer generated")
            }
        }
    }

    func testGeneratedOutputPassesTheRealTools() throws {
        let hadolint = try requiredTool("hadolint")
        let shellcheck = try requiredTool("shellcheck")
        let python = try requiredTool("python3")
        let parser = repositoryRoot.appendingPathComponent("Tests/Tools/parse_dockerfile.py").path
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-golden-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        for test in try Self.cases() {
            let result = try Self.generateCase(test)
            let folder = scratch.appendingPathComponent(test.name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in result.outputs {
                guard let text = file.text else { continue }
                let url = folder.appendingPathComponent(file.path)
                try FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(text.utf8).write(to: url)
            }
            let dockerfile = folder.appendingPathComponent("Dockerfile").path
            let script = folder.appendingPathComponent("run.sh").path

            let lint = try runProcess(hadolint, ["--no-color", dockerfile])
            XCTAssertEqual(lint.status, 0, "\(test.name): hadolint: \(lint.output)")
            XCTAssertEqual(lint.output, "", "\(test.name): hadolint findings")

            let parsed = try runProcess(python, [parser, dockerfile])
            XCTAssertEqual(parsed.status, 0, "\(test.name): BuildKit's parser: \(parsed.output)")
            let instructions = try JSONDecoder().decode([ParsedInstruction].self, from: Data(parsed.output.utf8))
            let spec = try XCTUnwrap(Self.spec(test), test.name)
            assertInstructions(instructions, match: spec, name: test.name)

            let syntax = try runProcess("/bin/bash", ["-n", script])
            XCTAssertEqual(syntax.status, 0, "\(test.name): bash -n: \(syntax.output)")
            let check = try runProcess(shellcheck, ["--norc", "--severity=style", script])
            XCTAssertEqual(check.status, 0, "\(test.name): shellcheck: \(check.output)")
            try assertClusterFilesPassTheRealTools(
                in: folder, name: test.name,
                devcontainer: GeneratedFiles.marker(of: .devcontainer, inFolder: "/work/" + test.outputDirectory))
        }
    }

    /// The other targets, judged the same way: the Kubernetes API's own schemas (strict: no
    /// unknown field), the Dev Container schema, bash and shellcheck for the sbatch script and
    /// for the shell sections of the Apptainer definition.
    func assertClusterFilesPassTheRealTools(in folder: URL, name: String, devcontainer path: String) throws {
        let manifests = folder.appendingPathComponent(GeneratedFiles.kubernetes).path
        let kubernetes = try runProcess(
            try requiredTool("kubernetes-validate"), ["--strict", "--quiet", "-k", "1.30.0", manifests])
        XCTAssertEqual(kubernetes.status, 0, "\(name): kubernetes-validate: \(kubernetes.output)")

        let schema = repositoryRoot.deletingLastPathComponent().appendingPathComponent(
            "shared/schemas/devContainer.base.schema.json"
        ).path
        let devcontainer = folder.appendingPathComponent(path).path
        let validated = try runProcess(try requiredTool("check-jsonschema"), ["--schemafile", schema, devcontainer])
        XCTAssertEqual(validated.status, 0, "\(name): devcontainer.json: \(validated.output)")
        // The Dockerfile it names (relative to its own folder) is the generated one, and the
        // context holds the output folder (it is the output folder, or the project's with `project:`).
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: devcontainer))) as? [String: Any])
        let build = try XCTUnwrap(json["build"] as? [String: String], name)
        let here = URL(fileURLWithPath: devcontainer).deletingLastPathComponent()
        XCTAssertEqual(
            here.appendingPathComponent(try XCTUnwrap(build["dockerfile"])).standardizedFileURL.path,
            folder.appendingPathComponent("Dockerfile").standardizedFileURL.path, name)
        let context = here.appendingPathComponent(try XCTUnwrap(build["context"])).standardizedFileURL.path
        XCTAssertTrue((folder.standardizedFileURL.path + "/").hasPrefix(context + "/"), "\(name): context \(context)")

        let sbatch = folder.appendingPathComponent(GeneratedFiles.slurm).path
        XCTAssertEqual(try runProcess("/bin/bash", ["-n", sbatch]).status, 0, "\(name): bash -n job.sbatch")
        let lint = try runProcess(try requiredTool("shellcheck"), ["--norc", "--severity=style", sbatch])
        XCTAssertEqual(lint.status, 0, "\(name): shellcheck job.sbatch: \(lint.output)")

        let definition = try String(
            contentsOf: folder.appendingPathComponent(GeneratedFiles.apptainer), encoding: .utf8)
        for section in ["%post", "%runscript", "%environment"] {
            let body = try XCTUnwrap(ApptainerSections.body(of: section, in: definition), "\(name): no \(section)")
            let script = folder.appendingPathComponent("apptainer\(section.dropFirst()).sh")
            try Data(("#!/bin/bash\n" + body).utf8).write(to: script)
            XCTAssertEqual(try runProcess("/bin/bash", ["-n", script.path]).status, 0, "\(name): bash -n \(section)")
            let check = try runProcess(try requiredTool("shellcheck"), ["--norc", "--severity=style", script.path])
            XCTAssertEqual(check.status, 0, "\(name): shellcheck \(section): \(check.output)")
        }
    }

    static func spec(_ test: Case) throws -> EnvironmentSpec? {
        let (file, _) = MLEnv.load(
            SourceFile(path: "specs/\(test.name).yaml", bytes: Array(try Data(contentsOf: test.spec))))
        if case .environment(let spec)? = file { return spec }
        return nil
    }

    /// What BuildKit sees must be what the spec says: the base first, one ENV per variable with
    /// its exact value, one RUN per setup command with its exact text, the default command last.
    func assertInstructions(_ instructions: [ParsedInstruction], match spec: EnvironmentSpec, name: String) {
        XCTAssertEqual(instructions.first?.cmd, "FROM", name)
        if case .image(let image) = spec.base.value {
            XCTAssertEqual(instructions.first?.value, [image.description], name)
        }
        XCTAssertEqual(instructions.last?.cmd, "CMD", name)
        let env = instructions.filter {
            $0.cmd == "ENV" && $0.value.count == 2 && !$0.value[0].hasPrefix("PIP_") && $0.value[0] != "VIRTUAL_ENV"
        }
        XCTAssertEqual(env.map { $0.value[0] }, spec.env.map(\.name.value), name)
        // `$$` is a literal `$`; `${NAME}` stays for ENV to expand to the image's previous value.
        let expected = spec.env.map { variable in
            variable.parts.map { part -> String in
                switch part {
                case .literal(let text): text
                case .previousValue: "${\(variable.name.value)}"
                }
            }.joined()
        }
        XCTAssertEqual(env.map { DockerfileWords.unquote($0.value[1]) }, expected, name)
        let runs = instructions.filter { $0.cmd == "RUN" }
        let setupRuns = Array(runs.suffix(spec.setup.count))
        XCTAssertEqual(setupRuns.count, spec.setup.count, name)
        for (run, command) in zip(setupRuns, spec.setup) {
            if run.json {
                XCTAssertEqual(run.value, ["/bin/bash", "-e", "-o", "pipefail", "-c", command.value], name)
            } else {
                XCTAssertEqual(run.value, [command.value.trimmingSpaces], name)
            }
        }
    }

    static func diff(expected: String, actual: String) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-diff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Data(expected.utf8).write(to: folder.appendingPathComponent("expected"))
        try Data(actual.utf8).write(to: folder.appendingPathComponent("actual"))
        return try runProcess(
            "/usr/bin/diff",
            ["-u", folder.appendingPathComponent("expected").path, folder.appendingPathComponent("actual").path]
        ).output
    }
}

/// One instruction as BuildKit's parser reports it.
struct ParsedInstruction: Decodable {
    var cmd: String
    var flags: [String]
    var value: [String]
    var json: Bool
}

/// The Dockerfile's word rules for the double-quoted values mlenv writes: inside quotes a
/// backslash escapes the next character.
enum DockerfileWords {
    static func unquote(_ word: String) -> String {
        guard word.hasPrefix("\""), word.hasSuffix("\""), word.count >= 2 else { return word }
        var result = ""
        var escaped = false
        for character in word.dropFirst().dropLast() {
            if escaped {
                result.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else {
                result.append(character)
            }
        }
        return result
    }
}

/// The sections of an Apptainer definition file.
enum ApptainerSections {
    /// The lines of `section` (`%post`, with or without arguments after it) up to the next section.
    static func body(of section: String, in definition: String) -> String? {
        var lines: [Substring] = []
        var inside = false
        for line in definition.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("%") {
                if inside { break }
                inside = line == section || line.hasPrefix(section + " ")
                continue
            }
            if inside { lines.append(line) }
        }
        return inside ? lines.joined(separator: "\n") + "\n" : nil
    }
}
