/// What every rule sees: the resolved environment, the catalog and the host, and a place to
/// put diagnostics.
struct RuleContext {
    let environment: ResolvedEnvironment
    let catalog: Catalog
    let host: HostSpec?
    private(set) var diagnostics: [Diagnostic] = []

    init(environment: ResolvedEnvironment, catalog: Catalog, host: HostSpec?) {
        self.environment = environment
        self.catalog = catalog
        self.host = host
    }

    var spec: EnvironmentSpec { environment.spec }
    var file: String { spec.file }

    mutating func report(
        _ code: DiagnosticCode, _ message: String, at location: SourceLocation, in other: String? = nil,
        notes: [DiagnosticNote] = [], fix: String? = nil
    ) {
        diagnostics.append(Diagnostic(code, message, file: other ?? file, at: location, notes: notes, fix: fix))
    }

    /// A diagnostic at a pip requirement, in the file it is written in.
    mutating func report(
        _ code: DiagnosticCode, _ message: String, at entry: PipEntry, notes: [DiagnosticNote] = [],
        fix: String? = nil
    ) {
        diagnostics.append(Diagnostic(code, message, file: entry.file, at: entry.location, notes: notes, fix: fix))
    }

    /// A diagnostic in another file than the spec (the project's pyproject.toml).
    mutating func report(_ diagnostic: Diagnostic) {
        diagnostics.append(diagnostic)
    }

    /// A note pointing at a key of the spec, when it is written.
    func note(_ message: String, atKey key: String) -> DiagnosticNote? {
        spec.keyLocations[key].map { DiagnosticNote(message, file: file, at: $0) }
    }

    /// A note pointing at a place in the host file.
    func hostNote(_ message: String, at location: SourceLocation?) -> DiagnosticNote? {
        guard let host, let location else { return nil }
        return DiagnosticNote(message, file: host.file, at: location)
    }

    /// Where the spec's base is written.
    var baseNote: DiagnosticNote {
        DiagnosticNote("the base image is declared here", file: file, at: spec.base.location)
    }

    /// The host's GPU model, when the host names one the catalog knows.
    var hostGPU: GPUModel? { host?.gpuModel.flatMap { catalog.gpu(named: $0.value) } }

    /// The host's driver version.
    var hostDriver: DottedVersion? { host?.driver.flatMap { DottedVersion($0.value) } }
}
