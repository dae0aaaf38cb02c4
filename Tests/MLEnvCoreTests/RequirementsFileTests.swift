import Foundation
import XCTest

@testable import MLEnvCore

/// `packages.requirements`: the reader against pip's own (Tests/Tools/pip_reads.py runs pip's
/// RequirementsFileParser on the same bytes), what the rules see, and what the build gets.
final class RequirementsFileTests: XCTestCase {
    /// Files whose lines pip and mlenv must read alike, including the corners of the grammar.
    static let corpus: [String] = [
        "numpy==1.26.4\nscipy>=1.11,<1.12 ; python_version >= \"3.9\"\n",
        "# a comment\n\n   \nnumpy  # trailing comment\nurl#fragment-not-a-comment\n\t# indented comment\n",
        "transformers==4.35.2 \\\n    --hash=sha256:aaaa \\\n    --hash=sha256:bbbb\nsix==1.16.0 --hash sha512:cc\n",
        "foo==1 \\\n# a comment ends the continuation \\\nbar==2\n",
        "a\\\n\\\nb==1\n",
        "\\\nnumpy==1 --hash=md5:x\n",
        "last line continues \\",
        "-i https://mirror.example/simple\n--index-url=https://other.example/simple\n-ihttps://third.example/simple\n",
        "--extra-index https://download.pytorch.org/whl/cu121\n--extra-index-url=https://x.example/simple\n",
        "--no-index --find-links https://wheels.example/\n-f https://more.example/\n--pre\n--prefer-binary\n",
        "--require-hashes\n--trusted-host mirror.example\n--use-feature truststore\n",
        "-e git+https://github.com/org/tool.git@v1.2#egg=tool\n-e .\n--editable=./src\n",
        "-r base.txt\n-c constraints.txt\n--requirement=other.txt\n--constraint c2.txt\n-r a.txt -r b.txt\n",
        "-r a.txt --pre\n",
        "pkg ; extra == \"a-b\"\npkg2 @ https://x.example/pkg2-1.0.tar.gz ; python_version < \"3.12\"\n",
        "git+https://github.com/huggingface/peft.git\nhttps://x.example/tool-1.0-py3-none-any.whl\n",
        "tool @ git+https://${GITHUB_TOKEN}@github.com/org/tool.git\n${NOT_SET}==1\n$lower\n",
        "windows\r\nline\r\nends\r\n",
        "form\u{0C}feed\u{0B}vertical\u{2028}separator\n",
        "numpy==1\t--hash=sha256:ab\n",
        "numpy==1 --hash \"sha256:quoted\" --hash 'sha256:single'\n",
        "numpy  ==1.0   --hash=sha256:ab\n",
        "--upgrade\n",
        "--index-url\n",
        "--pre=yes\n",
        "--no https://x\n",
        "numpy --hash=md5:abc\n",
        "numpy --hash=nocolon\n",
        "numpy --hash \"sha256:open\n",
        "numpy --hash sha256:a\\\\\n",
        "-x\n",
        "numpy==1 --config-settings key=value -C other=1 --global-option=--quiet\n",
        "torch==2.1.0 --index-url https://download.pytorch.org/whl/cu121\n",
        "--hash=sha256:abc\n",
        "-- numpy\n",
        "-r\n",
    ]

    struct PipLine: Decodable, Equatable {
        var line: Int
        var kind: String
        var text: String?
        var editable: Bool?
        var hashes: [String]?
        var constraints: Bool?
        var options: [[String?]]?
    }

    /// mlenv's reading of `text`, in the script's terms: nil when a line is refused.
    static func mlenvReads(_ text: String) -> [PipLine]? {
        let parsed = RequirementsFileParser.parse(text)
        guard parsed.problems.isEmpty else { return nil }
        var lines: [PipLine] = []
        for item in parsed.items {
            switch item {
            case .requirement(let requirement):
                lines.append(
                    PipLine(
                        line: requirement.location.line, kind: "requirement", text: requirement.text,
                        editable: requirement.editable, hashes: requirement.hashes.sorted()))
            case .include(let path, let constraints, let location):
                lines.append(PipLine(line: location.line, kind: "include", text: path, constraints: constraints))
            case .option(let name, let value, let location):
                // pip_reads.py lists one entry per logical line with every option of the line.
                guard
                    ![
                        "--no-binary", "--only-binary", "--global-option", "--hash", "--config-settings",
                        "--use-feature",
                    ].contains(name)
                else {
                    if lines.last?.line != location.line || lines.last?.kind != "options" {
                        lines.append(PipLine(line: location.line, kind: "options", options: []))
                    }
                    continue
                }
                if lines.last?.line == location.line, lines.last?.kind == "options" {
                    lines[lines.count - 1].options!.append([name, value])
                } else {
                    lines.append(PipLine(line: location.line, kind: "options", options: [[name, value]]))
                }
            }
        }
        return lines
    }

    func testTheReaderAgreesWithPipOnEveryLine() throws {
        let python = try requiredTool("python3")
        let script = repositoryRoot.appendingPathComponent("Tests/Tools/pip_reads.py").path
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-pip-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var paths: [String] = []
        for (index, text) in Self.corpus.enumerated() {
            let url = folder.appendingPathComponent("case\(index).txt")
            try Data(text.utf8).write(to: url)
            paths.append(url.path)
        }
        // optparse prints its usage line to stderr on a refused line: only stdout is the answer.
        let result = try runProcess(python, [script] + paths, discardErrors: true)
        XCTAssertEqual(result.status, 0, result.output)
        let answers = result.output.split(separator: "\n")
        XCTAssertEqual(answers.count, Self.corpus.count)
        for (text, answer) in zip(Self.corpus, answers) {
            let pip: [PipLine]? = try? JSONDecoder().decode([PipLine].self, from: Data(answer.utf8))
            let ours = Self.mlenvReads(text)
            // pip's option lines carry the options it keeps; ours are reduced to the same names.
            // pip keeps the spaces before the options; it strips them when it reads the requirement.
            // A line whose options have no effect (or none compared here) is no line to either.
            func comparable(_ lines: [PipLine]?) -> [PipLine]? {
                lines?.filter { $0.kind != "options" || $0.options?.isEmpty == false }.map { line in
                    var line = line
                    line.text = line.text?.trimmingCharacters(in: .whitespaces)
                    return line
                }
            }
            XCTAssertEqual(comparable(ours), comparable(pip), "\(text.debugDescription): pip read \(answer)")
        }
    }

    /// A spec with requirements files, checked through `files`.
    func check(_ files: [String: String], requirements: [String] = ["requirements.txt"], extra: String = "")
        -> CheckResult
    {
        let spec = """
            mlenv: 1
            name: team
            base: python:3.11-slim
            cuda: none
            packages:
              requirements: [\(requirements.joined(separator: ", "))]
            \(extra)
            """
        let view = InMemoryFiles(files.mapValues { Array($0.utf8) })
        return MLEnv.check([SourceFile(path: "spec.yaml", text: spec)], files: view)
    }

    func testDiagnosticsPointIntoTheRequirementsFile() throws {
        let result = check(
            [
                "requirements.txt": "numpy==1.26.4\n-r sub/more.txt\n",
                "sub/more.txt": "# more\nnumpy==2.0.0\n-c ../missing.txt\n",
            ])
        let conflict = try XCTUnwrap(result.diagnostics.first { $0.code.id == "E204" })
        XCTAssertEqual(conflict.file, "sub/more.txt")
        XCTAssertEqual(conflict.location, SourceLocation(line: 2, column: 1))
        XCTAssertEqual(conflict.notes.first?.file, "requirements.txt")
        let missing = try XCTUnwrap(result.diagnostics.first { $0.code.id == "E119" })
        XCTAssertEqual(missing.file, "sub/more.txt")
        XCTAssertEqual(missing.location, SourceLocation(line: 3, column: 1))
        XCTAssertTrue(missing.message.contains("missing.txt"), missing.message)
    }

    func testAProblemAfterAContinuationIsReportedAtItsOwnColumn() throws {
        let parsed = RequirementsFileParser.parse("\\\nnumpy==1 --hash=md5:x\n")
        XCTAssertEqual(parsed.problems.map(\.location), [SourceLocation(line: 2, column: 10)])
    }

    func testAFileIncludedTwiceIsReportedOnce() throws {
        let result = check(
            [
                "requirements.txt": "-r x.txt\n-r y.txt\n",
                "x.txt": "-r common.txt\n",
                "y.txt": "-r common.txt\n",
                "common.txt": "numpy==1.26.4\n-r https://example.org/more.txt\n-r missing.txt\n",
            ], requirements: ["requirements.txt", "x.txt"])
        let found = result.diagnostics.map { "\($0.code.id)@\($0.file):\($0.location.line)" }
        XCTAssertEqual(found.filter { $0.hasPrefix("N165") }, ["N165@common.txt:2"])
        XCTAssertEqual(found.filter { $0.hasPrefix("E119") }, ["E119@common.txt:3"])
    }

    func testAMissingRequirementsFileIsReportedAtTheSpecEntry() throws {
        let result = check([:], requirements: ["requirements.txt"])
        let missing = try XCTUnwrap(result.diagnostics.first { $0.code.id == "E119" })
        XCTAssertEqual(missing.file, "spec.yaml")
        XCTAssertEqual(missing.location, SourceLocation(line: 6, column: 18))
    }

    func testFrameworkOnAnNGCImageIsCheckedInTheFile() throws {
        let spec = """
            mlenv: 1
            name: team
            base: nvcr.io/nvidia/pytorch:23.10-py3
            packages:
              requirements: [requirements.txt]
            """
        let files = InMemoryFiles(["requirements.txt": Array("torch>=2.0\ntransformers==4.35.2\ntorch==2.3.0\n".utf8)])
        let result = MLEnv.check([SourceFile(path: "spec.yaml", text: spec)], files: files)
        let codes = result.diagnostics.map { "\($0.code.id)@\($0.file):\($0.location.line)" }
        // `torch>=2.0` is satisfied by the image's torch (no W205 for a file that also serves
        // installs outside the image); `torch==2.3.0` would replace it.
        XCTAssertTrue(codes.contains("E130@requirements.txt:3"), "\(codes)")
        XCTAssertFalse(codes.contains { $0.hasPrefix("W205") }, "\(codes)")
        let reinstall = try XCTUnwrap(result.diagnostics.first { $0.code.id == "E130" })
        XCTAssertEqual(reinstall.fix, "remove `torch==2.3.0` from `requirements.txt`")
    }

    func testUnpinnedRequirementsOfAFileAreOneWarningAndConstraintsPin() throws {
        let result = check(
            [
                "requirements.txt": "-c constraints.txt\naccelerate\nnumpy\nblack\nblack[jupyter]\ndatasets\n",
                "constraints.txt": "numpy==1.26.4\n",
            ])
        let unpinned = result.diagnostics.filter { $0.code.id == "W302" }
        XCTAssertEqual(unpinned.count, 1, "\(unpinned.map(\.message))")
        XCTAssertEqual(unpinned.first?.location, SourceLocation(line: 2, column: 1))
        XCTAssertEqual(
            unpinned.first?.message,
            "3 requirements of `requirements.txt` are not pinned to one version: accelerate, black, datasets")
    }

    func testHashedFilesInstallInARunOfTheirOwnAndEveryFileIsCopied() throws {
        let spec = """
            mlenv: 1
            name: team
            base: python:3.11-slim
            cuda: none
            packages:
              pip: [rich==13.7.0]
              requirements: [requirements/locked.txt, requirements/dev.txt]
            """
        let files = InMemoryFiles([
            "project/requirements/locked.txt": Array("-r ../base.txt\nsix==1.16.0 --hash=sha256:8abb\n".utf8),
            "project/base.txt": Array(
                "idna==3.6 --hash=sha256:c05567e9c24a6b9faaa835c4821bad0590fbb9d5779e7caa6e1cc4978e7eb24f\n".utf8),
            "project/requirements/dev.txt": Array("pytest==8.0.0\n".utf8),
        ])
        let result = MLEnv.generate(
            SourceFile(path: "project/spec.yaml", text: spec), outputDirectory: "out", workingDirectory: "/work",
            files: files)
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        let copies = result.outputs.compactMap { file -> String? in
            if case .copy(let source) = file.contents { return "\(source) -> \(file.path)" }
            return nil
        }
        XCTAssertEqual(
            copies,
            [
                "project/requirements/locked.txt -> requirements-files/requirements/locked.txt",
                "project/base.txt -> requirements-files/base.txt",
                "project/requirements/dev.txt -> requirements-files/requirements/dev.txt",
            ])
        let dockerfile = try XCTUnwrap(result.outputs.first { $0.path == "Dockerfile" }?.text)
        XCTAssertTrue(
            dockerfile.contains(
                "python3 -m pip install --require-hashes -r /tmp/mlenv/requirements-files/requirements/locked.txt\n"),
            dockerfile)
        XCTAssertTrue(
            dockerfile.contains(
                "python3 -m pip install -r /tmp/mlenv/requirements-files/requirements/dev.txt -r /tmp/mlenv/requirements.txt\n"
            ), dockerfile)
        // requirements.txt is copied after the hash-checked run: editing packages.pip keeps it cached.
        let order = ["COPY requirements-files/", "--require-hashes", "COPY requirements.txt", "requirements/dev.txt"]
        let positions = order.compactMap { dockerfile.range(of: $0)?.lowerBound }
        XCTAssertEqual(positions.count, order.count, dockerfile)
        XCTAssertEqual(positions, positions.sorted(), dockerfile)
    }

    func testEditingARequirementsFileChangesTheInputsHash() throws {
        let spec = "mlenv: 1\nname: team\nbase: python:3.11-slim\ncuda: none\npackages: {requirements: [r.txt]}\n"
        func hash(_ contents: String) throws -> String {
            let result = MLEnv.generate(
                SourceFile(path: "spec.yaml", text: spec), outputDirectory: "out", workingDirectory: "/work",
                files: InMemoryFiles(["r.txt": Array(contents.utf8)]))
            let dockerfile = try XCTUnwrap(result.outputs.first { $0.path == "Dockerfile" }?.text)
            return String(try XCTUnwrap(dockerfile.split(separator: "\n").first { $0.contains("inputs sha256") }))
        }
        XCTAssertNotEqual(try hash("numpy==1.26.4\n"), try hash("numpy==1.26.3\n"))
    }

    func testPackageIndexesReachThePackageStepsOnlyAndCarryNoCredentials() throws {
        let spec = """
            mlenv: 1
            name: team
            base: nvidia/cuda:12.1.1-runtime-ubuntu22.04
            python: "3.11"
            framework: {name: pytorch, version: "2.1"}
            packages:
              pip: ["torch-scatter==2.1.2"]
              index:
                extra_urls: ["https://download.pytorch.org/whl/cu121"]
                find_links: ["https://data.pyg.org/whl/torch-2.1.0+cu121.html"]
            """
        let result = MLEnv.generate(
            SourceFile(path: "spec.yaml", text: spec), outputDirectory: "out", workingDirectory: "/work",
            files: InMemoryFiles())
        XCTAssertFalse(result.diagnostics.containsErrors, "\(result.diagnostics.map(\.message))")
        let dockerfile = try XCTUnwrap(result.outputs.first { $0.path == "Dockerfile" }?.text)
        let pipLines = dockerfile.split(separator: "\n").filter { $0.contains("pip install") }
        XCTAssertEqual(pipLines.filter { $0.contains("--extra-index-url") }.count, 1, dockerfile)
        XCTAssertTrue(
            pipLines.contains {
                $0.contains(
                    "--extra-index-url https://download.pytorch.org/whl/cu121 --find-links https://data.pyg.org/whl/torch-2.1.0+cu121.html -r /tmp/mlenv/requirements.txt"
                )
            }, dockerfile)

        let secret = spec.replacingOccurrences(of: "https://download", with: "https://me:hunter2@download")
        let refused = MLEnv.check([SourceFile(path: "spec.yaml", text: secret)], files: InMemoryFiles())
        XCTAssertEqual(refused.diagnostics.filter { $0.code.id == "E121" }.map(\.location.line), [9])
    }

    func testCredentialsInARequirementsURLAreRefusedButABuildVariableIsNot() throws {
        let result = check([
            "requirements.txt": """
            tool @ git+https://ghp_abc123@github.com/org/tool.git@v1
            other @ git+https://${GITHUB_TOKEN}@github.com/org/other.git@v2
            third @ git+ssh://git@github.com/org/third.git@v3
            cuda-tool==1.0+cu${CUDA_VERSION}
            """
        ])
        let found = result.diagnostics.map { "\($0.code.id):\($0.location.line)" }
        XCTAssertTrue(found.contains("E121:1"), "\(found)")
        XCTAssertFalse(found.contains { $0.hasPrefix("E121:") && $0 != "E121:1" }, "\(found)")
        // `${GITHUB_TOKEN}` is set by nothing in the build (W164); `${CUDA_VERSION}` may be the image's.
        XCTAssertTrue(found.contains("W164:2"), "\(found)")
        XCTAssertFalse(found.contains("W164:4"), "\(found)")
    }
}
