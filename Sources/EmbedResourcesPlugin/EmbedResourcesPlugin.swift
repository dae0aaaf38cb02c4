import Foundation
import PackagePlugin

/// Runs `EmbedResources` over the package's text resources, so that templates and the schema
/// stay ordinary files in the repository while the binary needs no folder at run time:
/// `templates/*.mustache` become `EmbeddedTemplates.sources`, and
/// `Sources/MLEnvCore/Schema/*.json` become `EmbeddedSchema.sources`. (The catalog tables are
/// compiled into Swift values instead: see `CatalogLoader.builtIn`.)
@main
struct EmbedResourcesPlugin: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let tool = try context.tool(named: "EmbedResources").url
        let root = context.package.directoryURL
        return try [
            embed(
                root.appending(path: "templates"), extension: "mustache", as: "EmbeddedTemplates", tool: tool,
                context: context),
            embed(
                root.appending(path: "Sources/MLEnvCore/Schema"), extension: "json", as: "EmbeddedSchema", tool: tool,
                context: context),
        ]
    }

    func embed(_ folder: URL, extension: String, as name: String, tool: URL, context: PluginContext) throws -> Command {
        let files = try FileManager.default
            .contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == `extension` }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "\(name).swift")
        return .buildCommand(
            displayName: "Embedding \(files.count) files as \(name)",
            executable: tool,
            arguments: [output.path, name] + files.map(\.path),
            inputFiles: files,
            outputFiles: [output]
        )
    }
}
