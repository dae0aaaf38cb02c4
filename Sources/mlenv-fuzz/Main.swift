#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The libFuzzer targets, one per stage, in one binary: `MLENV_FUZZ_TARGET=NAME mlenv-fuzz
/// [libFuzzer options] CORPUS...` (Tests/Fuzz/run.sh runs each). Built only with MLENV_FUZZ=1.
let targets: [(name: String, run: @Sendable ([UInt8]) -> Void)] = [
    ("pipeline", Targets.pipeline),
    ("yaml", Targets.yaml),
    ("spec", Targets.spec),
    ("requirement", Targets.requirement),
    ("requirements-file", Targets.requirementsFile),
    ("pyproject", Targets.pyproject),
    ("lock", Targets.lock),
    ("catalog", Targets.catalog),
    ("quote-shell", ShellRoundTrip.run),
    ("quote-yaml", Targets.quoteYAML),
    ("quote-dockerfile", Targets.quoteDockerfile),
]

/// The target this process runs, chosen once from MLENV_FUZZ_TARGET.
nonisolated(unsafe) var selected: (([UInt8]) -> Void)?

/// Called by libFuzzer for each input.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected?(size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

/// libFuzzer's driver, for programs that have a main of their own.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// SwiftPM links an executable target's entry point under this name; pick the target and hand
/// control to libFuzzer.
@_cdecl("mlenv_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    let name = getenv("MLENV_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = targets.first(where: { $0.name == name }) else {
        let names = targets.map(\.name).joined(separator: " ")
        printError("mlenv-fuzz: set MLENV_FUZZ_TARGET to one of: \(names)")
        return 2
    }
    selected = target.run
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzz(data, size) }
}

/// Stops the run with a message: libFuzzer reports the input as a crash.
func failure(_ message: String) -> Never {
    printError("mlenv-fuzz: \(message)")
    abort()
}

/// A line on standard error.
func printError(_ line: String) {
    let bytes = Array((line + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}
