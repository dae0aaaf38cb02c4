import Foundation
import XCTest

@testable import MLEnvCore

/// Several mlenv processes on one folder at once, as two teams on one server run them: real
/// processes, started together, never a sleep.
final class ConcurrencyTests: XCTestCase {
    var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("mlenv-race-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A running mlenv, its standard input open until `send`, standard output and error together.
    final class Running {
        let process = Process()
        let input = Pipe()
        let output = Pipe()
        var seen = Data()

        init(
            _ arguments: [String], in directory: URL = repositoryRoot, executable: String = CommandLineTests.binary,
            errors: Pipe? = nil
        ) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            process.currentDirectoryURL = directory
            var environment = ProcessInfo.processInfo.environment
            environment["NO_COLOR"] = "1"
            process.environment = environment
            process.standardInput = input
            process.standardOutput = output
            process.standardError = errors ?? output
            try process.run()
        }

        /// Writes `text` to its standard input and closes it.
        func send(_ text: String) {
            input.fileHandleForWriting.write(Data(text.utf8))
            try? input.fileHandleForWriting.close()
        }

        /// Reads its output until `text` appears (or it ends); whether it appeared.
        func waitForOutput(containing text: String) -> Bool {
            while !String(decoding: seen, as: UTF8.self).contains(text) {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { return false }
                seen += chunk
            }
            return true
        }

        /// Waits for it to end: its status and everything it printed.
        func finish() -> (status: Int32, output: String) {
            try? input.fileHandleForWriting.close()
            seen += output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: seen, as: UTF8.self))
        }
    }

    /// `mlenv lock` rewriting a spec's lock again and again while `generate --locked` reads it,
    /// and a reader that looks at the lock file all the time: it is always there, and always whole.
    func testLockWhileGenerateLockedReadsIt() throws {
        let folder = scratch.appendingPathComponent("repo")
        try FileManager.default.createDirectory(
            at: folder.appendingPathComponent("specs"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: repositoryRoot.appendingPathComponent("specs/speech.yaml"),
            to: folder.appendingPathComponent("specs/speech.yaml"))
        XCTAssertEqual(try Running(["lock", "specs/speech.yaml"], in: folder).finish().status, 0)
        let lock = folder.appendingPathComponent("specs/speech.mlenv.lock").path
        let binary = CommandLineTests.binary
        // The reader counts the times the lock was missing or did not end with its seal line.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/bash")
        reader.arguments = [
            "-c",
            """
            bad=0
            while [[ ! -e "$1.stop" ]]; do
              if [[ ! -e "$1" ]]; then bad=$((bad + 1)); continue; fi
              text="$(<"$1")" || { bad=$((bad + 1)); continue; }
              [[ "${text##*$'\\n'}" == "# mlenv-sha256: "* ]] || bad=$((bad + 1))
            done
            echo "$bad"
            """,
            "reader", lock,
        ]
        let readerOutput = Pipe()
        reader.standardOutput = readerOutput
        try reader.run()
        let writer = try Running(
            [
                "-c", "for i in $(seq 1 15); do \"$1\" lock --force specs/speech.yaml >/dev/null || exit 1; done", "w",
                binary,
            ],
            in: folder, executable: "/bin/bash")
        let generators = try (0..<2).map { index in
            try Running(
                [
                    "-c",
                    "for i in $(seq 1 8); do \"$1\" generate --locked specs/speech.yaml -o out/\(index) --force >/dev/null || exit 1; done",
                    "g", binary,
                ], in: folder, executable: "/bin/bash")
        }
        let written = writer.finish()
        let generated = generators.map { $0.finish() }
        XCTAssertTrue(FileManager.default.createFile(atPath: lock + ".stop", contents: Data()))
        let misses = String(decoding: readerOutput.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        reader.waitUntilExit()
        XCTAssertEqual(written.status, 0, written.output)
        for result in generated { XCTAssertEqual(result.status, 0, result.output) }
        XCTAssertEqual(misses.trimmingCharacters(in: .whitespacesAndNewlines), "0", "the lock was missing or torn")
    }
}
