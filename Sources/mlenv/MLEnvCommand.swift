import ArgumentParser
import Foundation
import MLEnvCore

/// `mlenv`: the command line. Parses arguments, reads and writes files, sets the exit status;
/// everything else happens in MLEnvCore.
struct MLEnvCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mlenv",
        abstract: "A compiler for ML environments on shared GPU machines.",
        discussion: """
            Each team describes its environment in a short YAML spec; mlenv checks it and \
            generates a Dockerfile and a run script.

            Examples:
              mlenv check specs/
              mlenv generate specs/vision.yaml -o out/vision
              mlenv resolve --host specs/dgx-01.yaml specs/vision.yaml
              mlenv catalog --framework pytorch
              mlenv explain E105
            """,
        version: MLEnv.version,
        subcommands: [
            CheckCommand.self, GenerateCommand.self, PlanCommand.self, LockCommand.self, VerifyCommand.self,
            ResolveCommand.self,
            CatalogCommand.self, SchemaCommand.self, ExplainCommand.self,
        ]
    )

    /// Runs the command line with mlenv's exit codes: 0 success, 1 problems found, 2 the
    /// command could not run (a bad flag, an unreadable path), 3 another mlenv held the folder.
    static func runAndExit() {
        do {
            var command = try parseAsRoot()
            try command.run()
            Foundation.exit(0)
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch {
            let status = exitCode(for: error)
            if status == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

extension ReportFormat: ExpressibleByArgument {}

/// The exit statuses mlenv documents.
enum ExitStatus {
    static let problems = ExitCode(1)
    static let cannotRun = ExitCode(2)
    /// Another mlenv held the folder for longer than `--wait`.
    static let busy = ExitCode(3)
}

/// `--wait SECONDS`, for the commands that write or compare a folder another mlenv may be
/// writing at the same time.
struct WaitOption: ParsableArguments {
    @Option(
        help: ArgumentHelp(
            "How long to wait for another mlenv that is writing the same folder; exit 3 after.",
            valueName: "seconds"))
    var wait: Int = 10

    /// `--wait`, for `FolderLock`.
    var seconds: Double { Double(max(0, wait)) }
}

/// Prints to standard error.
func printError(_ text: String) {
    FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
}

/// Whether colour is wanted on this stream: a terminal, and NO_COLOR not set.
func wantsColor(_ descriptor: Int32) -> Bool {
    isatty(descriptor) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
}
