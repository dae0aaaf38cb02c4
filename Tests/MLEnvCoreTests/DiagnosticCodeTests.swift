import XCTest
@testable import MLEnvCore

/// Every diagnostic code, provoked by a small spec, asserting code, line and column.
final class DiagnosticCodeTests: XCTestCase {
    /// (case name, spec text, expected code@line:column in reading order)
    static let cases: [(String, String, [String])] = [
        ("E001", "mlenv: 1\nname: [team\n", ["E001@3:1"]),
        ("E001tab", "mlenv: 1\npackages:\n\tpip: [numpy]\n", ["E001@3:1"]),
        ("E002", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npython: \"3.10\"\npython: \"3.11\"\n", ["E002@5:1"]),
        ("E003", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nenv: {A: &x hello, B: *x}\n", ["E003@4:10", "E003@4:23"]),
        ("E004", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\n---\nmlenv: 1\n", ["E004@4:1"]),
        ("E005", "\n", ["E005@1:1"]),
        ("E006", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npython: !!float 3.10\n", ["E006@4:9"]),
        ("E007", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nenv: {? [a, b] : c}\n", ["E007@4:9"]),
        ("E008", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nenv: [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]\n", ["E008@4:69"]),
        ("E101", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npyhton: \"3.10\"\n", ["E101@4:1"]),
        ("E102", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  pip: numpy\n", ["E102@5:8"]),
        ("E103", "mlenv: 1\nname: team\n", ["E103@1:1"]),
        ("E104", "mlenv: 2\nname: team\nbase: python:3.11\n", ["E104@1:8"]),
        ("E105", "mlenv: 1\nname: Vision Team\nbase: python:3.11\n", ["E105@2:7"]),
        ("E106", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npython: \"3\"\n", ["E106@4:9"]),
        ("E107", "mlenv: 1\nname: team\nbase: NVCR.io/Nvidia/PyTorch:23.10\n", ["E107@3:7"]),
        ("E108", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\njupyter: {port: 70000}\n", ["E108@4:17"]),
        ("E109", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: [0, 1, 0]\n", ["E109@4:14"]),
        ("E110", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nvolumes: [\"/data:/workspace/data:rx\"]\n", ["E110@4:11"]),
        ("E111", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nenv: {HF-HOME: /x}\n", ["E111@4:7"]),
        ("E112", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\njupyter: yes\n", ["E112@4:10"]),
        ("E113", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nframework: torch\n", ["E113@4:12"]),
        ("E114", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nshm_size: 16g\nipc: host\n", ["E114@5:1"]),
        ("E115", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nshm_size: lots\n", ["E115@4:11"]),
        ("E116", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  pip: [\"numpy; rm -rf /\"]\n", ["E116@5:9"]),
        ("E117", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  apt: [\"git && curl x | sh\"]\n", ["E117@5:9"]),
        ("E118", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\njupyter: {bind: localhost}\n", ["E118@4:17"]),
        ("E119", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nbuild: {ca_bundle: certs/missing.pem}\n", ["E119@4:20"]),
        ("E120", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nworkdir: workspace\n", ["E120@4:10"]),
        ("E121", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nbuild: {pip_index_url: \"ftp://mirror\"}\n", ["E121@4:24"]),
        ("E122", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nenv: {GREETING: \"hello\\nworld\"}\n", ["E122@4:17"]),
        ("E123", "mlenv: 1\nkind: cluster\nname: x\n", ["E123@2:7"]),
        ("E124", "mlenv: 1\nkind: host\nname: dgx\njupyter_ports: 18899-18800\n", ["E124@4:16"]),
        ("E125", "mlenv: 1\nkind: host\nname: dgx\ndriver: latest\n", ["E125@4:9"]),
        ("E126", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  apt: [git, htop, git]\n", ["W303@5:9", "E126@5:20"]),
        ("E127", "mlenv: 1\nname: team\nbase: auto\nframework: {name: pytorch, version: \"2.1\"}\npython: \"3.11\"\n", ["E127@3:7"]),
        ("E128", "mlenv: 1\nname: team\nbase: nvidia/cuda:12.2.2-runtime-ubuntu22.04\n", ["E128@3:7"]),
        ("E129", "mlenv: 1\nname: team\nbase: nvidia/cuda:12.2.2-runtime-rockylinux9\npython: \"3.11\"\n", ["E129@3:7"]),
        ("E130", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  pip: [\"torch==2.3.0\"]\n", ["E130@5:9"]),
        ("E131", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nframework: tensorflow\n", ["E131@4:12"]),
        ("E133", "mlenv: 1\nname: team\nbase: python:3.11\nslurm: {runtime: singularity, time: \"1:2:3:4\"}\nkubernetes: {namespace: ML}\n", ["E133@4:18", "E133@4:37", "E133@5:25"]),
        ("E134", "mlenv: 1\nname: team\nbase: debian:12-slim\npython: \"3.10\"\n", ["E134@4:9"]),
        ("E201", "mlenv: 1\nname: team\nbase: nvidia/cuda:12.2.2-runtime-ubuntu22.04\nframework: {name: tensorflow, version: \"2.15\"}\npython: \"3.12\"\ncuda: \"12.2\"\n", ["E201@5:9"]),
        ("E202", "mlenv: 1\nname: team\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\nframework: {name: pytorch, version: \"2.1\"}\npython: \"3.10\"\ncuda: \"12.4\"\n", ["E202@6:7"]),
        ("E203", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nframework: {name: pytorch, version: \"2.2\"}\npython: \"3.8\"\ncuda: \"12.1\"\n", ["E203@4:37", "E203@5:9", "E203@6:7"]),
        ("E204", "mlenv: 1\nname: team\nbase: python:3.11-slim\nframework: {name: pytorch, version: \"2.1\"}\ncuda: none\npackages:\n  pip: [\"numpy<2,>=2.0\", \"torch==2.3.0\"]\n", ["E204@7:9", "W302@7:9", "E204@7:26"]),
        ("N101", "mlenv: 1\nname: team\nbase: registry.corp/ml/base:2024.1\n", ["N101@3:7"]),
        ("N127", "mlenv: 1\nname: team\nbase: auto\nframework: {name: pytorch, version: \"2.1\"}\npython: \"3.10\"\ncuda: \"12.2\"\n", ["N127@3:7"]),
        ("N201", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:22.09-py3\ncuda: \"12.0\"\n", ["N201@4:7"]),
        ("W202", "mlenv: 1\nname: team\nbase: nvidia/cuda:12.4.1-runtime-ubuntu22.04\nframework: {name: tensorflow, version: \"2.15\"}\npython: \"3.10\"\ncuda: \"12.4\"\n", ["W202@6:7"]),
        ("W204", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  pip: [\"tensorflow==2.15.0\"]\n", ["W204@5:9"]),
        ("W205", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\npackages:\n  pip: [\"torch>=2.0\"]\n", ["W205@5:9", "W302@5:9"]),
        ("W301", "mlenv: 1\nname: team\nbase: python\n", ["W301@3:7"]),
        ("W304", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\njupyter: {bind: 0.0.0.0}\n", ["W304@4:17"]),
        ("W305", "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\nenv: {HF_TOKEN: hf_abcdef, TOKENIZERS_PARALLELISM: \"false\", NOTE: \"sk-live-123\"}\n", ["W305@4:7", "W305@4:61"]),
        ("E122backslash", "mlenv: 1\nname: team\nbase: python:3.11\nenv: {P: 'C:\\'}\n", ["E122@4:10"]),
    ]

    func testEveryCaseReportsItsCodeAtItsPosition() {
        for (name, text, expected) in Self.cases {
            XCTAssertEqual(triples(diagnostics(text)), expected, "case \(name)")
        }
    }

    func testEveryRegisteredCodeIsProvokedByACase() {
        let provoked = Set(Self.cases.flatMap { $0.2.map { String($0.prefix(4)) } })
        // E132 is covered by EmitterTests, E140 and the host rules by CatalogTests, locks by LockTests,
        // the shared-host codes by PlanTests.
        // The cluster target codes (E401, W402, E403, E404) by ClusterTargetTests.
        let elsewhere: Set<String> = ["E132", "E140", "E401", "W402", "E403", "E404", "E206", "W206", "E207", "E150", "E151", "E152", "W150",
                                      "E301", "W310", "E302", "E303", "E304", "E305", "E306", "E307"]
        let untested = DiagnosticCode.registry.map(\.id).filter { !provoked.contains($0) && !elsewhere.contains($0) }
        XCTAssertEqual(untested, [], "codes without a case here")
    }

    func testRegistryIdsAreUniqueAndExplained() {
        let ids = DiagnosticCode.registry.map(\.id)
        XCTAssertEqual(ids.count, Set(ids).count)
        for code in DiagnosticCode.registry {
            XCTAssertFalse(code.explanation.isEmpty, code.id)
            XCTAssertFalse(code.summary.isEmpty, code.id)
            let letter: Character = code.severity == .error ? "E" : code.severity == .warning ? "W" : "N"
            XCTAssertEqual(code.id.first, letter, "\(code.id) letter matches its severity")
            XCTAssertEqual(DiagnosticCode.named(code.id.lowercased()), code)
        }
    }

    /// Cases found in review: each was accepted and produced a broken or unsafe artifact.
    func testReviewRegressions() {
        XCTAssertEqual(triples(diagnostics("mlenv: 1\nname: team-\nbase: python:3.11\n")), ["E105@2:7"], "image names cannot end in -")
        XCTAssertEqual(triples(diagnostics(minimalSpec + "workdir: /usr/local\n")), ["E120@4:10"], "workdir is made world-writable")
        XCTAssertEqual(triples(diagnostics(minimalSpec + "workdir: /\n")), ["E120@4:10"])
        XCTAssertEqual(triples(diagnostics(minimalSpec + "workdir: /srv/team\n")), [])
        XCTAssertEqual(triples(diagnostics(minimalSpec + "build: {pip_index_url: \"https://bob:s3cret@pypi.corp/simple\"}\n")), ["E121@4:24"])
        XCTAssertEqual(triples(diagnostics(minimalSpec + "description: \"ends with \\\\ \"\n")), ["E122@4:14"], "folded text ends in a backslash")
        let markers = minimalSpec + "packages:\n  pip: [\"numpy==1.26.4; python_version < '3.9'\", \"numpy==2.1.0; python_version >= '3.9'\"]\n"
        XCTAssertEqual(triples(diagnostics(markers)), [], "the same package under different markers is not a duplicate")
    }

    func testDuplicateKeyPointsAtTheFirstOccurrence() {
        let found = diagnostics(minimalSpec + "python: \"3.10\"\npython: \"3.11\"\n")
        XCTAssertEqual(found.first?.notes.first?.location, SourceLocation(line: 4, column: 1))
    }

    func testUnknownKeySuggestsTheNearestKey() {
        let found = diagnostics(minimalSpec + "pyhton: \"3.10\"\n")
        XCTAssertEqual(found.first?.fix, "rename `pyhton` to `python`")
        let nested = diagnostics(minimalSpec + "jupyter: {prot: 8888}\n")
        XCTAssertEqual(triples(nested), ["E101@4:11"])
        XCTAssertTrue(nested[0].message.contains("did you mean `port`"), nested[0].message)
    }

    func testAllProblemsInAllFilesAreReported() {
        let files = [
            SourceFile(path: "a.yaml", text: "mlenv: 1\nname: A\nbase: python:3.11\njupyter: yes\n"),
            SourceFile(path: "b.yaml", text: "mlenv: 1\nname: b\nbase: python:3.11\npyhton: x\ngpus: [1, 1]\n"),
        ]
        let result = MLEnv.check(files, files: InMemoryFiles())
        XCTAssertEqual(result.diagnostics.map { "\($0.file):\($0.code.id)" }, ["a.yaml:E105", "a.yaml:E112", "b.yaml:E101", "b.yaml:E109"])
    }

    func testExampleSpecsHaveNoDiagnostics() throws {
        let folder = repositoryRoot.appendingPathComponent("specs")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".yaml") }.sorted()
        XCTAssertGreaterThanOrEqual(names.count, 4)
        let sources = try names.map { SourceFile(path: "specs/\($0)", bytes: Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
        let result = MLEnv.check(sources, files: InMemoryFiles())
        XCTAssertEqual(result.diagnostics.filter { $0.severity == .error }.map(\.message), [])
        // The examples pin what they can; the only warnings left are unpinned apt packages.
        XCTAssertEqual(Set(result.diagnostics.map(\.code.id)), ["W303"])
    }
}
