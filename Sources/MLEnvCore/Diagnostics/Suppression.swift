/// A finding that a spec's `ignore:` or the command line's `--ignore` asked not to report: kept,
/// so that every report counts it (and SARIF lists it as suppressed), but it fails nothing.
public struct IgnoredDiagnostic: Hashable, Sendable {
    /// The finding.
    public var diagnostic: Diagnostic
    /// Whether `--ignore` asked for it (else the spec's `ignore:`).
    public var byCommandLine: Bool
}

extension DiagnosticCode {
    /// Whether `ignore:` and `--ignore` may name the code: every code but the errors of reading and
    /// decoding a file, which leave nothing to check or build.
    public var isIgnorable: Bool { severity != .error || !Self.readingCodes.contains(self) }

    /// The codes of reading and decoding a spec.
    private static let readingCodes = Set(YAMLReaderCodes.description.codes + SpecDecoderCodes.description.codes)
}

/// Which findings are ignored: the command line's codes everywhere, a spec's own in its files.
struct Suppression {
    /// `--ignore`.
    var commandLine: Set<DiagnosticCode>

    /// `diagnostics`, split into those reported and those ignored; `spec` names what the spec
    /// itself ignores.
    func apply(_ diagnostics: [Diagnostic], spec: EnvironmentSpec?) -> ([Diagnostic], [IgnoredDiagnostic]) {
        let own = Set(spec?.ignore.map(\.value) ?? [])
        guard !commandLine.isEmpty || !own.isEmpty else { return (diagnostics, []) }
        var reported: [Diagnostic] = []
        var ignored: [IgnoredDiagnostic] = []
        for diagnostic in diagnostics {
            guard diagnostic.code.isIgnorable else {
                reported.append(diagnostic)
                continue
            }
            if commandLine.contains(diagnostic.code) {
                ignored.append(IgnoredDiagnostic(diagnostic: diagnostic, byCommandLine: true))
            } else if own.contains(diagnostic.code) {
                ignored.append(IgnoredDiagnostic(diagnostic: diagnostic, byCommandLine: false))
            } else {
                reported.append(diagnostic)
            }
        }
        return (reported, ignored)
    }
}
