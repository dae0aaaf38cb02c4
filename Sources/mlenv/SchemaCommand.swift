import ArgumentParser
import Foundation
import MLEnvCore

struct SchemaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema for spec and host files, for editors and validators.",
        discussion: """
            The same file is in the repository as Sources/MLEnvCore/Schema/mlenv.schema.json. \
            With the YAML language server, put this on a spec's first line:
              # yaml-language-server: $schema=<path or URL of mlenv.schema.json>

            Examples:
              mlenv schema > mlenv.schema.json
            """
    )

    func run() throws {
        print(SpecSchema.text, terminator: "")
    }
}
