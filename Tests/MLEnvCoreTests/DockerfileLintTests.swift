import Foundation
import XCTest

@testable import MLEnvCore

/// hadolint's DL3064 judges `ARG` and `ENV` by the name alone; mlenv judges the value too
/// (W305). The generated Dockerfile tells hadolint what mlenv judged, and nothing more: the
/// real hadolint is quiet on a harmless value under a token-sounding name and still reports a
/// value W305 warns about.
final class DockerfileLintTests: XCTestCase {
    /// hadolint's findings on `text`, as `(line, code)` pairs.
    func hadolint(_ text: String) throws -> [(line: Int, code: String)] { try hadolintFindings(text) }

    /// The 1-based line of the instruction that sets `name` (`ENV NAME=` or `ARG NAME=`).
    func line(setting name: String, in text: String) throws -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let index = try XCTUnwrap(
            lines.firstIndex { $0.hasPrefix("ENV \(name)=") || $0.hasPrefix("ARG \(name)=") }, "no \(name)")
        return index + 1
    }

    func testHadolintStaysQuietOnValuesMlenvJudgedAndReportsTheSecretsW305Reports() throws {
        let spec =
            minimalSpec + """
                gpus: none
                env:
                  TOKENIZERS_PARALLELISM: "false"
                  MAX_TOKENS: "512"
                  HF_TOKEN_PATH: /run/secrets/hf
                  HF_TOKEN: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
                  PASSPHRASE: changeme
                  OMP_NUM_THREADS: "8"
                build:
                  env: {PIP_PASSWORD_FILE: /run/secrets/pip, NPM_TOKEN: npm_abcdefghijklmnop1234}

                """
        let warned = diagnostics(spec).filter { $0.code == .secretInImage }.map(\.message)
        XCTAssertEqual(warned.count, 3, "\(warned)")
        let dockerfile = try XCTUnwrap(generate(spec)["Dockerfile"])
        let findings = try hadolint(dockerfile)
        XCTAssertEqual(
            findings.map { "\($0.line) \($0.code)" },
            // build.env is exported inside RUN steps, where DL3064 does not look: W305 judges it.
            try ["HF_TOKEN"].map { "\(try line(setting: $0, in: dockerfile)) DL3064" },
            dockerfile)
        // PASSPHRASE is W305's and not DL3064's: nothing to keep and nothing to silence.
        XCTAssertFalse(HadolintSensitiveNames.flags("PASSPHRASE"))
        XCTAssertEqual(dockerfile.components(separatedBy: "# hadolint ignore=DL3064\n").count - 1, 3, dockerfile)
        // BuildKit sees the same instructions: the pragma is a comment.
        let parsed = try parse(dockerfile)
        XCTAssertEqual(
            parsed.filter { $0.cmd == "ENV" && $0.value.count == 2 }.map { $0.value[0] },
            ["TOKENIZERS_PARALLELISM", "MAX_TOKENS", "HF_TOKEN_PATH", "HF_TOKEN", "PASSPHRASE", "OMP_NUM_THREADS"])
    }

    /// mlenv's copy of DL3064's name test says what the real hadolint says, name by name: every
    /// known name, each word in several places and cases, and names that come close.
    func testHadolintSensitiveNamesAgreesWithHadolint() throws {
        var names = HadolintSensitiveNames.knownNames.sorted()
        for word in HadolintSensitiveNames.words {
            names += [word, "MY_\(word)", "\(word)_FILE", "X\(word)X", word.lowercased()]
        }
        names += [
            "KEY", "API", "APIKEY", "API_KEYS", "CLIENTKEY", "PASSWD", "PASSPHRASE", "CREDENTIALS", "AUTH",
            "GH_TOKE", "AWS_ACCESS_KEY", "DOCKER_USER", "TOKE_N", "MODE", "HF_HOME", "WANDB_API", "OS_USER",
        ]
        let dockerfile = "FROM scratch\n" + names.map { "ENV \($0)=1\n" }.joined()
        let flagged = Set(try hadolint(dockerfile).filter { $0.code == "DL3064" }.map { names[$0.line - 2] })
        for name in names {
            XCTAssertEqual(HadolintSensitiveNames.flags(name), flagged.contains(name), name)
        }
        XCTAssertGreaterThan(flagged.count, HadolintSensitiveNames.knownNames.count)
    }

    func parse(_ dockerfile: String) throws -> [ParsedInstruction] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-parse-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("Dockerfile")
        try Data(dockerfile.utf8).write(to: path)
        let parsed = try runProcess(
            try requiredTool("python3"),
            [repositoryRoot.appendingPathComponent("Tests/Tools/parse_dockerfile.py").path, path.path])
        XCTAssertEqual(parsed.status, 0, parsed.output)
        return try JSONDecoder().decode([ParsedInstruction].self, from: Data(parsed.output.utf8))
    }
}

/// hadolint's findings on `text`, as `(line, code)` pairs.
func hadolintFindings(_ text: String) throws -> [(line: Int, code: String)] {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-lint-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let dockerfile = folder.appendingPathComponent("Dockerfile")
    try Data(text.utf8).write(to: dockerfile)
    let lint = try runProcess(try requiredTool("hadolint"), ["--no-color", "--no-fail", dockerfile.path])
    XCTAssertEqual(lint.status, 0, lint.output)
    // `PATH:LINE CODE severity: message`
    return lint.output.split(separator: "\n").compactMap { line in
        let words = line.split(separator: " ")
        guard words.count > 1, let number = words[0].split(separator: ":").last.flatMap({ Int($0) }) else {
            return nil
        }
        return (number, String(words[1]))
    }
}
