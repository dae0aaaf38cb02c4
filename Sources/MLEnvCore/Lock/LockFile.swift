extension DiagnosticCode {
    static let lockMismatch = DiagnosticCode(
        "E150", .error, name: "lock-mismatch", summary: "The lock file no longer matches its spec (`--locked`).",
        explanation: """
            `mlenv lock SPEC` records the exact environment a spec resolved to, with the spec's \
            SHA-256. After the spec changes, `generate --locked` refuses to build from the stale \
            lock, so CI and review teams notice. Run `mlenv lock SPEC` again and commit the lock.
            """)
    static let lockMissing = DiagnosticCode(
        "E151", .error, name: "lock-missing", summary: "`--locked` was given but the spec has no lock file.",
        explanation: """
            `generate --locked` builds only from a lock. Create one with `mlenv lock SPEC` and \
            commit it beside the spec.
            """)
    static let lockStale = DiagnosticCode(
        "W150", .warning, name: "lock-stale", summary: "The lock file is older than its spec and is ignored.",
        explanation: """
            The spec changed after `mlenv lock` ran, so `generate` resolves the spec afresh and \
            ignores the lock. Run `mlenv lock SPEC` again to record the new environment.
            """)
    static let invalidLock = DiagnosticCode(
        "E152", .error, name: "invalid-lock", summary: "The lock file cannot be read.",
        explanation: """
            A lock file is written by `mlenv lock`; a hand-edited or truncated one cannot be \
            trusted. Delete it and run `mlenv lock SPEC` again.
            """)
}

/// The exact environment a spec resolved to, written beside the spec by `mlenv lock` so that a
/// review team can rebuild it months later: `specs/vision.yaml` -> `specs/vision.mlenv.lock`.
public struct LockFile: Sendable, Equatable {
    /// The spec's file name.
    public var spec: String
    /// SHA-256 of the spec's bytes when it was locked.
    public var specSHA256: String
    /// The mlenv version that wrote it.
    public var mlenvVersion: String
    /// SHA-256 of the catalog tables used.
    public var catalogSHA256: String
    /// The exact base image.
    public var base: String
    /// Its digest, when the spec or the catalog gives one.
    public var baseDigest: String?
    /// Python, CUDA and framework as resolved (`?` marks unconfirmed, as in the catalog).
    public var python: String?
    public var cuda: String?
    public var frameworkName: String?
    public var frameworkVersion: String?
    /// The pip requirements as written (packages.pip, then the requirements files' lines), plus
    /// the framework pin when mlenv installs it: the spec's intent, which `lock --check` compares.
    public var pip: [String]
    /// What a built image held (`mlenv lock SPEC --from-image IMAGE`); nil in a lock of the
    /// spec's intent only, and in every lock written before mlenv recorded builds.
    public var installed: Installed? = nil

    /// The `installed:` section: what `generate --locked` rebuilds and `verify` compares.
    public struct Installed: Sendable, Equatable {
        /// The image the record was read from.
        public var imageID: String?
        /// `LockedDistribution.line` of every distribution pip installed, sorted by name.
        public var pip: [String]
        /// `name=version` of every apt package the build added or changed, sorted.
        public var apt: [String]
        /// What the image did not record (`ImageRecord.missing`).
        public var missing: [String]

        public init(imageID: String?, pip: [String], apt: [String], missing: [String]) {
            self.imageID = imageID
            self.pip = pip
            self.apt = apt
            self.missing = missing
        }

        /// The distributions, read back from their lines.
        public var distributions: [LockedDistribution] { pip.compactMap(LockedDistribution.init(line:)) }
    }

    /// Adds what `record` read from a built image.
    public func recording(_ record: ImageRecord) -> LockFile {
        var lock = self
        lock.baseDigest = record.baseDigest ?? baseDigest
        lock.installed = Installed(
            imageID: record.imageID, pip: record.python.map(\.line), apt: record.apt, missing: record.missing)
        return lock
    }

    /// What this lock cannot reproduce exactly, as sentences (empty for a full lock).
    public var lacks: [String] {
        guard let installed else {
            return [
                "it records the spec's intent only: no base digest from a build, no installed Python distributions "
                    + "with hashes, no apt versions (run `mlenv lock SPEC --from-image IMAGE` after a build)"
            ]
        }
        return (baseDigest == nil ? ["no base image digest"] : []) + installed.missing
    }

    /// The lock's path for a spec path.
    public static func path(forSpec spec: String) -> String {
        let folder = SpecPaths.folder(of: spec)
        var name = MLEnv.lastComponent(spec)
        for suffix in [".yaml", ".yml"] where name.hasSuffix(suffix) { name = String(name.dropLast(suffix.count)) }
        return (folder == "." && !spec.hasPrefix("./") ? "" : folder + "/") + name + ".mlenv.lock"
    }

    /// Records a resolved environment.
    public static func make(_ environment: ResolvedEnvironment, specBytes: [UInt8], catalog: Catalog) -> LockFile {
        func fact(_ value: Fact<DottedVersion>) -> String? {
            switch value {
            case .known(let v): return v.description
            case .likely(let v): return "\(v)?"
            case .unknown: return nil
            }
        }
        var pip = environment.pip.filter { $0.role != .constraint }.map(\.value.text)
        var frameworkVersion = environment.frameworkVersion
        if !environment.imageShipsFramework, let framework = environment.framework {
            // Pin the newest release the catalog knows for the spec's prefix: `2.1` -> 2.1.2.
            let releases = Compatibility.releases(framework, environment.frameworkVersion, in: catalog).filter {
                !$0.isPrerelease
            }
            if let exact = releases.max() {
                frameworkVersion = exact.description
                pip.append("\(framework.pipDistributions[0])==\(exact)")
            }
        } else if let shipped = environment.catalogImage?.frameworkVersion.any {
            frameworkVersion = shipped.description
        }
        return LockFile(
            spec: MLEnv.lastComponent(environment.spec.file), specSHA256: SHA256.hex(specBytes),
            mlenvVersion: MLEnv.version,
            catalogSHA256: catalog.fingerprint, base: environment.image.description,
            baseDigest: environment.image.digest,
            python: fact(environment.python), cuda: environment.cpuOnly ? "none" : fact(environment.cuda),
            frameworkName: environment.framework?.rawValue, frameworkVersion: frameworkVersion, pip: pip)
    }

    /// The lock's text, sealed.
    public func render() -> String {
        let header = [
            "mlenv lock for \(spec): `mlenv generate` builds exactly this environment while the spec's",
            "hash matches. Written by `mlenv lock`; do not edit. Commit it beside the spec.",
        ]
        let document = Document.mapping([
            "mlenv-lock": .integer(1),
            "spec": .string(spec),
            "spec_sha256": .string(specSHA256),
            "mlenv": .string(mlenvVersion),
            "catalog_sha256": .string(catalogSHA256),
            "base": .string(base),
            "base_digest": baseDigest.map(Document.string),
            "python": python.map(Document.string),
            "cuda": cuda.map(Document.string),
            "framework": frameworkName.map {
                .mapping(["name": .string($0), "version": frameworkVersion.map(Document.string)])
            },
            "pip": pip.isEmpty ? nil : .strings(pip),
            "installed": installed.map { installed in
                .mapping([
                    "image_id": installed.imageID.map(Document.string),
                    "pip": .strings(installed.pip),
                    "apt": .strings(installed.apt),
                    "missing": installed.missing.isEmpty ? nil : .strings(installed.missing),
                ])
            },
        ])
        return Seal.apply(YAMLPrinter.print(document, header: header), style: .hash)
    }

    /// Reads a lock file written by `render()`.
    public static func parse(_ source: SourceFile) -> (LockFile?, [Diagnostic]) {
        let document = YAMLReader.read(source.bytes, file: source.path)
        guard let root = document.root else { return (nil, document.diagnostics) }
        var decoder = NodeDecoder(file: source.path)
        guard var fields = decoder.mapping(root, "") else { return (nil, decoder.diagnostics) }
        func text(_ key: String) -> String? {
            fields.take(key).flatMap { decoder.text($0.value, key) }?.value
        }
        guard let version = fields.take("mlenv-lock"), decoder.integer(version.value, "mlenv-lock")?.value == 1,
            let spec = text("spec"), let specSHA256 = text("spec_sha256"), let mlenvVersion = text("mlenv"),
            let catalogSHA256 = text("catalog_sha256"), let base = text("base")
        else {
            return (
                nil,
                document.diagnostics + decoder.diagnostics
                    + [
                        Diagnostic(
                            .invalidLock, "`\(source.path)` is not a complete mlenv lock file", file: source.path,
                            at: root.location,
                            fix: "delete it and run `mlenv lock` again")
                    ]
            )
        }
        var lock = LockFile(
            spec: spec, specSHA256: specSHA256, mlenvVersion: mlenvVersion, catalogSHA256: catalogSHA256,
            base: base, baseDigest: text("base_digest"), python: text("python"), cuda: text("cuda"),
            frameworkName: nil, frameworkVersion: nil, pip: [])
        if let pair = fields.take("framework"), var framework = decoder.mapping(pair.value, "framework") {
            lock.frameworkName = framework.take("name").flatMap { decoder.text($0.value, "framework.name") }?.value
            lock.frameworkVersion =
                framework.take("version").flatMap { decoder.text($0.value, "framework.version") }?.value
            decoder.reportUnknownKeys(framework)
            // `mlenv lock` writes a framework with its name; a version without one means nothing.
            if lock.frameworkName == nil && !decoder.diagnostics.containsErrors {
                decoder.diagnostics.append(
                    Diagnostic(
                        .invalidLock, "`framework` in `\(source.path)` has no `name`", file: source.path,
                        at: pair.value.location))
            }
        }
        if let pair = fields.take("pip"), let items = decoder.sequence(pair.value, "pip") {
            lock.pip = items.compactMap { decoder.text($0, "pip")?.value }
        }
        if let pair = fields.take("installed"), var section = decoder.mapping(pair.value, "installed") {
            func strings(_ key: String) -> [String] {
                guard let pair = section.take(key), let items = decoder.sequence(pair.value, "installed.\(key)") else {
                    return []
                }
                return items.compactMap { decoder.text($0, "installed.\(key)")?.value }
            }
            let imageID = section.take("image_id").flatMap { decoder.text($0.value, "installed.image_id") }?.value
            lock.installed = Installed(
                imageID: imageID, pip: strings("pip"), apt: strings("apt"), missing: strings("missing"))
            decoder.reportUnknownKeys(section)
        }
        decoder.reportUnknownKeys(fields)
        let problems = document.diagnostics + decoder.diagnostics
        guard !problems.containsErrors else {
            return (
                nil,
                problems + [
                    Diagnostic(.invalidLock, "`\(source.path)` cannot be read", file: source.path, at: root.location)
                ]
            )
        }
        return (lock, problems)
    }
}
