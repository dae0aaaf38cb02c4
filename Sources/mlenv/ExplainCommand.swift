import ArgumentParser
import Foundation
import MLEnvCore

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain a diagnostic code, or list them all.",
        discussion: """
            Examples:
              mlenv explain E105
              mlenv explain --all
            """
    )

    @Argument(help: "A diagnostic code such as E105.")
    var code: String?

    @Flag(help: "List every code with its one-line summary.")
    var all = false

    func run() throws {
        if all || code == nil {
            for entry in DiagnosticCode.registry {
                print(
                    "\(entry.id)  \(entry.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0))  \(entry.name): \(entry.summary)"
                )
            }
            return
        }
        guard let code, let entry = DiagnosticCode.named(code) else {
            printError("mlenv: error: unknown diagnostic code '\(code ?? "")'; `mlenv explain --all` lists them")
            throw ExitStatus.cannotRun
        }
        print("\(entry.id) (\(entry.severity.rawValue)): \(entry.name)")
        print(entry.summary)
        print("")
        print(entry.explanation)
    }
}
