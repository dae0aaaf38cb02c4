import Foundation
import XCTest

@testable import MLEnvCore

/// Several mlenv processes on one folder at once, as two teams on one server run them: real
/// processes, started together, never a sleep. Whatever the order, every file is whole and from
/// one run, none is missing, and a writer that has to wait is told who holds the folder.
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

    /// A spec that writes Dockerfile, run.sh and requirements.txt, told apart by its name.
    func spec(_ index: Int) -> String {
        """
        mlenv: 1
        name: team-\(index)
        base: nvcr.io/nvidia/pytorch:23.10-py3
        gpus: none
        env: {TEAM_INDEX: "\(index)"}
        packages:
          pip: ["transformers==4.35.\(index)"]

        """
    }

    /// The files `generate --target all` writes for `spec(_:)`.
    let generatedFiles = [
        ".devcontainer/devcontainer.json", "Apptainer.def", "Dockerfile", "job.sbatch", "kubernetes.yaml",
        "requirements.txt", "run.sh",
    ]

    /// The run a generated file comes from, when it is whole: the one whose inputs hash its
    /// header names, whose pin it lists (requirements.txt) or whose name it has
    /// (devcontainer.json, which has no comments and so no seal); a sealed file's seal must match
    /// what is above it.
    func origin(of path: String, count: Int) -> Int? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        if path.hasSuffix(".json") {
            guard text.hasSuffix("}\n") else { return nil }
        } else if Seal.verdict(Array(text.utf8)) != .intact {
            return nil
        }
        let matches = (0..<count).filter { index in
            text.contains("inputs sha256 \(SHA256.hex(Array(spec(index).utf8)))")
                || text.contains("transformers==4.35.\(index)\n") || text.contains("\"name\": \"team-\(index)\"")
        }
        return matches.count == 1 ? matches[0] : nil
    }

    /// Eight `generate` runs of eight different specs into one folder, released together (each
    /// reads its spec from standard input, which the test writes once all are running), ten
    /// rounds: the first into a folder that does not exist yet.
    func testParallelGenerateIntoOneFolderLeavesOneRunsFilesWhole() throws {
        let output = scratch.appendingPathComponent("out").path
        let count = 8
        for round in 0..<10 {
            let runs = try (0..<count).map { _ in
                try Running(["generate", "/dev/stdin", "-o", output, "--target", "all", "--wait", "60"])
            }
            for (index, run) in runs.enumerated() { run.send(spec(index)) }
            let results = runs.map { $0.finish() }
            for (index, result) in results.enumerated() {
                XCTAssertEqual(result.status, 0, "round \(round), team-\(index): \(result.output)")
            }
            XCTAssertEqual(
                try FileManager.default.contentsOfDirectory(atPath: output).sorted(),
                [
                    ".devcontainer", "Apptainer.def", "Dockerfile", "job.sbatch", "kubernetes.yaml", "requirements.txt",
                    "run.sh",
                ], "round \(round): a file is missing, or a temporary or the folder's lock is left")
            let origins = generatedFiles.map {
                origin(of: (output as NSString).appendingPathComponent($0), count: count)
            }
            XCTAssertFalse(origins.contains(nil), "round \(round): a file is torn or from no run: \(origins)")
            XCTAssertEqual(Set(origins).count, 1, "round \(round): the files come from different runs: \(origins)")
        }
    }

    /// Six `plan` runs into one folder, each with one team of its own, released together, three
    /// rounds (the first into a folder that does not exist): the plan's own files (compose.yaml,
    /// PLAN.md, host.svg, plan.json) all name the same team, and every team's folder is whole.
    func testParallelPlansIntoOneFolderLeaveOnePlansFiles() throws {
        let output = scratch.appendingPathComponent("plan").path
        let count = 6
        for round in 0..<3 {
            let teams = (0..<count).map { "planteam-\(round)\($0)" }
            let runs = try teams.map { _ in
                try Running(["plan", "/dev/stdin", "--host", "specs/dgx-01.yaml", "-o", output, "--wait", "60"])
            }
            for (team, run) in zip(teams, runs) {
                run.send("mlenv: 1\nname: \(team)\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: 1\njupyter: true\n")
            }
            for (team, result) in zip(teams, runs.map { $0.finish() }) {
                XCTAssertEqual(result.status, 0, "\(team): \(result.output)")
            }
            var named: [String: [String]] = [:]
            for file in ["compose.yaml", "PLAN.md", "host.svg", "plan.json"] {
                let text = try String(
                    contentsOfFile: (output as NSString).appendingPathComponent(file), encoding: .utf8)
                if !file.hasSuffix(".json") { XCTAssertEqual(Seal.verdict(Array(text.utf8)), .intact, file) }
                named[file] = teams.filter { text.contains($0) }
            }
            XCTAssertEqual(
                Set(named.values).count, 1, "round \(round): the plan's files come from different runs: \(named)")
            XCTAssertEqual(named["plan.json"]?.count, 1, "round \(round): \(named)")
            for team in teams {
                let folder = (output as NSString).appendingPathComponent(team)
                XCTAssertEqual(
                    try FileManager.default.contentsOfDirectory(atPath: folder).sorted(), ["Dockerfile", "run.sh"],
                    folder)
            }
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

    /// A pipe whose buffer is full: a process writing to it stops until it is read.
    func fullPipe() -> Pipe {
        let pipe = Pipe()
        let descriptor = pipe.fileHandleForWriting.fileDescriptor
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        let chunk = [UInt8](repeating: UInt8(ascii: "."), count: 4096)
        while chunk.withUnsafeBytes({ Glibc.write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        _ = fcntl(descriptor, F_SETFL, flags)
        return pipe
    }

    /// Starts `mlenv plan` into `folder` and returns once it holds the folder: it takes the
    /// folder's lock before planning and reports the specs' warnings on standard error while it
    /// holds it, and its standard error is a full pipe, so it stops there until `errors` is read.
    func startHoldingPlan(into folder: URL) throws -> (plan: Running, errors: Pipe) {
        let errors = fullPipe()
        let plan = try Running(
            ["plan", "specs/", "--host", "specs/dgx-01.yaml", "-o", folder.path], errors: errors)
        let lockFile = folder.appendingPathComponent(".mlenv-folder.lock").path
        let named = "pid: \(plan.process.processIdentifier)\n"
        // The lock file names the plan once the plan holds it (no sleep decides anything here).
        while (try? String(contentsOfFile: lockFile, encoding: .utf8))?.contains(named) != true {
            XCTAssertTrue(plan.process.isRunning, "the plan ended before it held the folder")
            if !plan.process.isRunning { break }
            usleep(1000)
        }
        return (plan, errors)
    }

    /// A real mlenv holds the folder (`plan`, stopped on a full standard error while it holds
    /// it). Another writer with `--wait 0` gives up at once, naming it (exit 3); one that waits
    /// says so and writes once the holder is done; and a killed holder's lock file blocks no one.
    func testASecondWriterIsToldWhoHoldsTheFolderAndAKilledHolderBlocksNoOne() throws {
        let folder = scratch.appendingPathComponent("plan")
        let lockFile = folder.appendingPathComponent(".mlenv-folder.lock").path
        let (planner, errors) = try startHoldingPlan(into: folder)
        let pid = planner.process.processIdentifier
        let recorded = try String(contentsOfFile: lockFile, encoding: .utf8)
        XCTAssertTrue(recorded.contains("command: mlenv plan specs/ --host specs/dgx-01.yaml -o "), recorded)

        let refused = try Running(["generate", "specs/vision.yaml", "-o", folder.path, "--wait", "0"]).finish()
        XCTAssertEqual(refused.status, 3, refused.output)
        XCTAssertTrue(
            refused.output.contains(
                "mlenv: error: \(folder.path) is held by pid \(pid) on \(ProcessInfo.processInfo.hostName) (`mlenv plan specs/"
            ), refused.output)
        XCTAssertTrue(refused.output.contains("gave up after waiting 0 seconds (--wait SECONDS to wait longer)"))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.appendingPathComponent("Dockerfile").path))

        // The holder goes on once its standard error is read, and the waiting writer after it.
        let waiter = try Running(["generate", "specs/vision.yaml", "-o", folder.path, "--wait", "120"])
        XCTAssertTrue(
            waiter.waitForOutput(containing: "mlenv: waiting for \(folder.path): held by pid \(pid) "),
            waiter.finish().output)
        _ = errors.fileHandleForReading.readDataToEndOfFile()
        let planned = planner.finish()
        XCTAssertEqual(planned.status, 0, planned.output)
        let written = waiter.finish()
        XCTAssertEqual(written.status, 0, written.output)
        for name in ["compose.yaml", "plan.json", "Dockerfile", "run.sh"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path), name)
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: lockFile), "the lock file is removed after the write")

        // Killed while it holds the folder: its lock file stays, and nobody waits for it.
        let (killed, _) = try startHoldingPlan(into: folder)
        kill(killed.process.processIdentifier, SIGKILL)
        killed.process.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: lockFile))
        let after = try Running(["generate", "specs/vision.yaml", "-o", folder.path, "--wait", "0"]).finish()
        XCTAssertEqual(after.status, 0, after.output)
        XCTAssertFalse(after.output.contains("waiting"), after.output)
        XCTAssertFalse(FileManager.default.fileExists(atPath: lockFile))
    }
}
