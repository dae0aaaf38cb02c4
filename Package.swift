// swift-tools-version:6.0
import Foundation
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
        // pyproject.toml (`project:`): TOML 1.0 read by toml++, not by a parser of our own.
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // libyaml from the system (Debian: libyaml-dev), read through its event API.
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // Build-time tool: turns the templates and the schema into Swift source, so the binary
        // carries them and works from any folder.
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
                .product(name: "TOMLKit", package: "TOMLKit"),
            ],
            exclude: ["Catalog/Data", "Schema", "README.md"],
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

// The libFuzzer target exists only in fuzzing builds (MLENV_FUZZ=1, Tests/Fuzz/run.sh): its entry
// point is libFuzzer's LLVMFuzzerTestOneInput, so it has no main of its own.
if ProcessInfo.processInfo.environment["MLENV_FUZZ"] != nil {
    // Instrument the core for coverage-guided fuzzing; build tools stay as they are.
    for target in package.targets where target.name == "MLEnvCore" {
        target.swiftSettings = [.unsafeFlags(["-sanitize=fuzzer,address"])]
    }
    package.targets.append(
        .executableTarget(
            name: "mlenv-fuzz",
            dependencies: ["MLEnvCore"],
            path: "Sources/mlenv-fuzz",
            swiftSettings: [.unsafeFlags(["-parse-as-library", "-sanitize=fuzzer,address"])],
            linkerSettings: [.unsafeFlags(["-sanitize=fuzzer,address"])]
        ))
}
