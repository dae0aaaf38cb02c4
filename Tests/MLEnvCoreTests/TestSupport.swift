import Foundation
import XCTest

@testable import MLEnvCore

/// The repository's root folder, found from this file's path.
let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A minimal valid spec; tests replace or append lines to make one thing wrong.
let minimalSpec = """
    mlenv: 1
    name: team
    base: nvcr.io/nvidia/pytorch:23.10-py3

    """

/// Every diagnostic for a spec given as text, at path `spec.yaml`.
func diagnostics(_ text: String, files: [String: String] = [:]) -> [Diagnostic] {
    let view = InMemoryFiles(files.mapValues { Array($0.utf8) })
    return MLEnv.check([SourceFile(path: "spec.yaml", text: text)], files: view).diagnostics
}

/// (code, line, column) triples, for compact assertions.
func triples(_ diagnostics: [Diagnostic]) -> [String] {
    diagnostics.map { "\($0.code.id)@\($0.location.line):\($0.location.column)" }
}

/// The outputs of generating `text` as `specs/spec.yaml` into `out/spec`, failing the test on
/// errors.
func generate(
    _ text: String, path: String = "specs/spec.yaml", output: String = "out/spec",
    files: [String: String] = [:], targets: Set<Target> = [.docker],
    file: StaticString = #filePath, line: UInt = #line
) -> [String: String] {
    let view = InMemoryFiles(files.mapValues { Array($0.utf8) })
    let result = MLEnv.generate(
        SourceFile(path: path, text: text), outputDirectory: output,
        workingDirectory: "/work", files: view, targets: targets)
    XCTAssertFalse(
        result.diagnostics.containsErrors,
        "unexpected errors: \(triples(result.diagnostics)) \(result.diagnostics.map(\.message))", file: file, line: line
    )
    var texts: [String: String] = [:]
    for output in result.outputs {
        if let text = output.text { texts[output.path] = text }
    }
    return texts
}

/// Runs a program and returns its exit status and combined output.
@discardableResult
func runProcess(
    _ executable: String, _ arguments: [String], input: String? = nil,
    environment: [String: String]? = nil, directory: URL? = nil,
    discardErrors: Bool = false
) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment { process.environment = environment }
    if let directory { process.currentDirectoryURL = directory }
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = discardErrors ? FileHandle.nullDevice : pipe
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inputPipe.fileHandleForWriting.close()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// A tool the tests need: first the project's own virtual environment (`.venv/bin`, made by
/// `.ci/run`), then PATH. A missing tool fails the test: these checks are never skipped.
func requiredTool(_ name: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
    var candidates = [repositoryRoot.appendingPathComponent(".venv/bin/\(name)").path]
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
        candidates.append("\(folder)/\(name)")
    }
    if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
    XCTFail("`\(name)` is not installed; run `bash .ci/run` once to install the test tools", file: file, line: line)
    throw CocoaError(.fileNoSuchFile)
}
