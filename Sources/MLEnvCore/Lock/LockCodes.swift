/// What `generate` says about a spec's lock: missing under `--locked`, stale, or unreadable. The
/// codes are declared beside `LockFile`.
enum LockCodes: Rule {
    static let description = RuleDescription(
        title: "locks",
        overview: "`generate --locked` without a lock, or with a lock the spec changed after; a truncated lock",
        codes: [.lockMismatch, .lockMissing, .invalidLock, .lockStale],
        triggering: [
            RuleExample(
                .lockMismatch, "↓" + spec, with: [.lock(lock(specSHA256: String(repeating: "0", count: 64)))],
                command: .generate(locked: true)),
            RuleExample(.lockMissing, "↓" + spec, command: .generate(locked: true)),
            RuleExample(.invalidLock, spec, with: [.lock("↓mlenv-lock: 1\nspec: spec.yaml\n")], command: .generate()),
            RuleExample(
                .lockStale, "↓" + spec, with: [.lock(lock(specSHA256: String(repeating: "0", count: 64)))],
                command: .generate()),
        ],
        passing: [
            RuleExample(spec, with: [.lock(lock(specSHA256: specSHA256))], command: .generate(locked: true))
        ])

    /// The spec the examples lock.
    private static let spec = "mlenv: 1\nname: team\nbase: nvcr.io/nvidia/pytorch:23.10-py3\n"

    /// SHA-256 of `spec`, as `mlenv lock` records it.
    private static let specSHA256 = SHA256.hex(Array(spec.utf8))

    /// A lock of `spec.yaml` recording `specSHA256`.
    private static func lock(specSHA256: String) -> String {
        """
        mlenv-lock: 1
        spec: spec.yaml
        spec_sha256: \(specSHA256)
        mlenv: 0.1.0
        catalog_sha256: \(String(repeating: "0", count: 64))
        base: nvcr.io/nvidia/pytorch:23.10-py3
        """
    }
}
