import Foundation
import XCTest

@testable import MLEnvCore

/// `ignore:` in a spec and `--ignore` on the command line: ignored findings fail nothing and are
/// counted as ignored in every format; `--quiet` hides warnings but counts them.
final class SuppressionTests: XCTestCase {
    let spec = """
        mlenv: 1
        name: team
        base: python:3.11-slim
        cuda: none
        packages:
          pip: [numpy]
          apt: [git]
          requirements: [requirements.txt]
        ignore: [W302]

        """
    let files = InMemoryFiles(["requirements.txt": Array("scipy\n".utf8)])

    func testTheSpecsIgnoreCoversItsRequirementsFilesAndCountsThem() throws {
        let result = MLEnv.check([SourceFile(path: "spec.yaml", text: spec)], files: files)
        XCTAssertEqual(result.diagnostics.map(\.code.id), ["W303"], "\(result.diagnostics.map(\.message))")
        XCTAssertEqual(result.ignored.map(\.diagnostic.file).sorted(), ["requirements.txt", "spec.yaml"])
        XCTAssertFalse(result.ignored.contains { $0.byCommandLine })
        let report = Report(result.diagnostics, ignored: result.ignored, fileCount: 1)
        XCTAssertTrue(
            TextFormatter().format(report, sources: [:]).hasSuffix("0 errors, 1 warning in 1 file (2 ignored)\n"))
        XCTAssertTrue(JSONFormatter().format(report, sources: [:]).contains("\"ignored\": 2"))
        XCTAssertTrue(GitHubFormatter().format(report, sources: [:]).contains("in 1 file(s) (2 ignored)"))
        let sarif = SARIFFormatter().format(report, sources: [:])
        XCTAssertEqual(sarif.components(separatedBy: "\"suppressions\": [{\"kind\": \"inSource\"}]").count, 3)
    }

    func testTheCommandLineIgnoresEverywhereButNotTheErrorsOfReading() throws {
        var options = CheckOptions()
        options.ignored = [DiagnosticCode.named("W303")!, DiagnosticCode.named("E101")!]
        let broken = spec.replacingOccurrences(of: "ignore: [W302]", with: "ignore: [W302]\npyhton: \"3.11\"")
        let result = MLEnv.check([SourceFile(path: "spec.yaml", text: broken)], files: files, options: options)
        XCTAssertEqual(result.diagnostics.map(\.code.id), ["E101"])
        XCTAssertEqual(result.ignored.filter(\.byCommandLine).map(\.diagnostic.code.id), ["W303"])
        XCTAssertFalse(DiagnosticCode.named("E101")!.isIgnorable)
        XCTAssertTrue(DiagnosticCode.named("E130")!.isIgnorable)
    }

    func testAnIgnoredErrorNoLongerStopsGenerate() throws {
        let spec = """
            mlenv: 1
            name: team
            base: nvcr.io/nvidia/pytorch:23.10-py3
            packages: {pip: ["torch==2.3.0"]}
            """
        func outputs(_ text: String) -> Int {
            MLEnv.generate(
                SourceFile(path: "spec.yaml", text: text), outputDirectory: "out", workingDirectory: "/work",
                files: InMemoryFiles()
            ).outputs.count
        }
        XCTAssertEqual(outputs(spec), 0)
        XCTAssertGreaterThan(outputs(spec + "\nignore: [framework-reinstalled]\n"), 0)
    }

    func testQuietHidesWarningsButCountsThem() throws {
        let result = MLEnv.check([SourceFile(path: "spec.yaml", text: spec)], files: files)
        let report = Report([], hidden: result.diagnostics, fileCount: 1)
        XCTAssertEqual(
            TextFormatter().format(report, sources: [:]), "0 errors, 1 warning in 1 file (1 hidden by --quiet)\n")
        XCTAssertTrue(JSONFormatter().format(report, sources: [:]).contains("\"warnings\": 1"))
    }
}
