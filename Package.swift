// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mlenv",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mlenv", targets: ["mlenv"]),
        .library(name: "MLEnvCore", targets: ["MLEnvCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
    ],
    targets: [
        // libyaml from the system (Debian: libyaml-dev), read through its event API.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Build-time tool: turns the templates and catalog tables into Swift source, so the
        // binary carries them and works from any folder.
        .executableTarget(name: "EmbedResources", path: "Sources/EmbedResources"),
        .plugin(
            name: "EmbedResourcesPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedResources"],
            path: "Sources/EmbedResourcesPlugin"
        ),
        // The whole pipeline: text in, values out. No printing, no exit(), no file system.
        .target(
            name: "MLEnvCore",
            dependencies: [
                "CYAML",
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            exclude: ["Catalog/Data", "Schema"],
            plugins: ["EmbedResourcesPlugin"]
        ),
        // The command line: argument parsing, file I/O and exit codes.
        .executableTarget(
            name: "mlenv",
            dependencies: [
                "MLEnvCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .testTarget(
            name: "MLEnvCoreTests",
            dependencies: ["MLEnvCore"]
        ),
    ]
)
