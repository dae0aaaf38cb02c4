import MLEnvCore

/// libFuzzer entry point over the whole pipeline: parse, check and generate, with one spec file
/// and a fixed host. Any crash, hang or sanitizer report is a bug; every input must end in
/// diagnostics or files. Built only with MLENV_FUZZ=1 (see Tests/Fuzz/run.sh).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    let spec = SourceFile(path: "specs/fuzz.yaml", bytes: bytes)
    let host = SourceFile(
        path: "specs/host.yaml",
        text:
            "mlenv: 1\nkind: host\nname: h\ndriver: \"535.129.03\"\ngpus: {model: A100, count: 8}\njupyter_ports: 18800-18899\n"
    )
    let result = MLEnv.check([spec, host], files: InMemoryFiles())
    _ = TextFormatter().format(
        result.diagnostics, fileCount: 2, sources: ["specs/fuzz.yaml": String(decoding: bytes, as: UTF8.self)])
    _ = SARIFFormatter().format(result.diagnostics, fileCount: 2, sources: [:])
    let generated = MLEnv.generate(spec, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles())
    if generated.diagnostics.containsErrors && !generated.outputs.isEmpty { fatalError("files written despite errors") }
    return 0
}

/// libFuzzer's driver, for programs that have a main of their own.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// SwiftPM links an executable target's entry point under this name; hand control to libFuzzer.
@_cdecl("mlenv_fuzz_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var arguments = argv
    return runFuzzerDriver(&count, &arguments) { data, size in fuzz(data, size) }
}
