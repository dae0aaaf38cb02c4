/// What a built image holds on top of its base, read from what the build recorded in
/// `/opt/mlenv` (see the Dockerfile's "The build records what it installs" step) and from the
/// engine's inspections. The CLI runs the engine and reads the files; this reads their texts.
///
/// - Python: pip's installation report of each pip run (`pip-report-N.json`, pip's documented
///   format, https://pip.pypa.io/en/stable/reference/installation-report/): each installed
///   distribution's `metadata.name` and `metadata.version`, and from `download_info` the
///   archive's sha256 (`archive_info.hashes.sha256`, or the older `archive_info.hash`
///   `sha256=...`) or, for a VCS requirement, the commit pip checked out (`vcs_info.commit_id`).
///   A later run's entry for a name replaces an earlier one, as its install did.
/// - apt: the `dpkg-query` set after the build's apt steps (`apt.txt`) less the base's own
///   (`apt-base.txt`): the packages the build added or changed, dependencies included.
/// - The base's digest (the engine's `RepoDigests` of the base image) and the image's ID.
public struct ImageRecord: Sendable, Equatable {
    /// The base image's digest, `sha256:...`.
    public var baseDigest: String?
    /// The built image's ID, `sha256:...`.
    public var imageID: String?
    /// Every distribution pip installed, sorted by name.
    public var python: [LockedDistribution]
    /// `name=version` of every apt package the build added or changed, sorted.
    public var apt: [String]
    /// What could not be recorded, as sentences: an image built before mlenv recorded, a pip
    /// older than 22.2, a distribution pip installed from a local folder.
    public var missing: [String]

    public init(
        baseDigest: String?, imageID: String?, python: [LockedDistribution], apt: [String], missing: [String]
    ) {
        self.baseDigest = baseDigest
        self.imageID = imageID
        self.python = python
        self.apt = apt
        self.missing = missing
    }

    /// Where the build keeps what it installed (the Dockerfile's template names it too).
    public static let folder = "/opt/mlenv"

    /// The files the build writes there.
    public static let aptBaseFile = "apt-base.txt"
    public static let aptFile = "apt.txt"
    public static func isReport(_ name: String) -> Bool {
        name.hasPrefix("pip-report-") && name.hasSuffix(".json")
    }

    /// Reads the record. `files` are the record folder's files by name (the reports, apt.txt,
    /// apt-base.txt); `image` and `base` the engine's `image inspect` output for the built image
    /// and for its base; `base` is the base's reference, to pick its digest among RepoDigests.
    public static func read(
        image: [UInt8]?, base baseInspection: [UInt8]?, baseReference: ImageReference, files: [String: [UInt8]],
        expectsPip: Bool
    ) -> ImageRecord {
        var missing: [String] = []
        let imageObject = image.flatMap(inspected)
        let imageID = imageObject?["Id"]?.string
        // An image built FROM a digest (`generate --locked`) says which in its label: the engine
        // checked the content against it, and the tag may not be on this engine at all.
        var baseDigest =
            baseReference.digest ?? imageObject?["Config"]?["Labels"]?["org.opencontainers.image.base.digest"]?.string
        if baseDigest == nil, let baseInspection, let object = inspected(baseInspection) {
            let digests = (object["RepoDigests"]?.array ?? []).compactMap(\.string).compactMap {
                text -> (String, String)? in
                guard let at = text.firstIndex(of: "@") else { return nil }
                return (String(text[..<at]), String(text[text.index(after: at)...]))
            }
            let repository = baseReference.canonicalRepository
            baseDigest = digests.first { ImageReference(parsing: $0.0)?.canonicalRepository == repository }?.1
        }
        if baseDigest == nil {
            missing.append(
                "the base image \(baseReference) has no registry digest here (built locally, or not pulled from a registry)"
            )
        }

        // Python: the reports in run order (pip-report-2 before pip-report-10).
        let reports = files.keys.filter(isReport).sorted {
            (Int($0.dropFirst(11).dropLast(5)) ?? 0, $0) < (Int($1.dropFirst(11).dropLast(5)) ?? 0, $1)
        }
        var byName: [String: LockedDistribution] = [:]
        for name in reports {
            switch JSONReader.read(files[name]!) {
            case .failure(let failure):
                missing.append("\(name) is not JSON (\(failure.reason) at byte \(failure.offset))")
            case .success(let report):
                for item in report["install"]?.array ?? [] {
                    let (distribution, problem) = LockedDistribution.read(reportItem: item)
                    if let distribution { byName[distribution.name] = distribution }
                    if let problem { missing.append(problem) }
                }
            }
        }
        if reports.isEmpty && expectsPip {
            missing.append(
                "the image has no pip installation report (built before mlenv recorded one, or its pip is older than 22.2)"
            )
        }
        for distribution in byName.values.sorted() where distribution.sha256 == nil && distribution.commit == nil {
            missing.append("no sha256 for \(distribution.name) \(distribution.version) in pip's report")
        }

        var apt: [String] = []
        if let after = files[aptFile] {
            let before = Set(files[aptBaseFile].map(installedPackages) ?? [])
            if files[aptBaseFile] == nil {
                missing.append("the image has no \(aptBaseFile): every package is listed, the base's too")
            }
            apt = installedPackages(after).filter { !before.contains($0) }.sorted()
        }
        return ImageRecord(
            baseDigest: baseDigest, imageID: imageID, python: byName.values.sorted(), apt: apt, missing: missing)
    }

    /// The `name=version` lines of `dpkg-query -W -f '${db:Status-Abbrev}${binary:Package}=${Version}\n'`
    /// whose package is installed (`ii `): removed packages whose configuration stays (`rc `) are not.
    static func installedPackages(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline).compactMap { line -> String? in
            guard line.hasPrefix("ii ") else { return nil }
            let entry = String(line.dropFirst(3)).trimmingSpaces
            return entry.contains("=") ? String(entry) : nil
        }
    }

    /// The first object of an `image inspect` answer (a list of one, Docker and Podman alike).
    static func inspected(_ bytes: [UInt8]) -> JSONValue? {
        guard case .success(let value) = JSONReader.read(bytes) else { return nil }
        if case .array(let items) = value { return items.first }
        return value
    }
}

/// One Python distribution as the lock records it, and its line in the locked requirements file.
public struct LockedDistribution: Sendable, Equatable, Comparable {
    /// The name, normalized as PEP 503 does (`Foo_Bar` -> `foo-bar`).
    public var name: String
    public var version: String
    /// The sha256 of the archive pip installed from.
    public var sha256: String?
    /// A direct reference (PEP 440's `name @ URL`), when pip installed from one rather than from
    /// an index: `git+https://...@COMMIT` for a VCS requirement, else the archive's URL.
    public var url: String?
    /// The commit pip checked out, for a VCS requirement.
    public var commit: String?

    public init(name: String, version: String, sha256: String?, url: String? = nil, commit: String? = nil) {
        self.name = Self.normalize(name)
        self.version = version
        self.sha256 = sha256
        self.url = url
        self.commit = commit
    }

    public static func < (a: Self, b: Self) -> Bool { (a.name, a.version) < (b.name, b.version) }

    /// PEP 503's normalized name: runs of `-`, `_` and `.` become one `-`, lowercased.
    public static func normalize(_ name: String) -> String {
        var result = ""
        var separator = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                separator = true
                continue
            }
            if separator && !result.isEmpty { result.append("-") }
            separator = false
            result.append(character)
        }
        return result
    }

    /// The lock's line, which is also a requirements-file line pip reads:
    /// `name==version --hash=sha256:HEX`; `name @ URL --hash=sha256:HEX` for an archive pip took
    /// from a URL; `name @ git+URL@COMMIT` for a VCS requirement. A direct reference's version
    /// follows as a comment (`  # 1.2.0`), which pip ignores.
    public var line: String {
        let hash = sha256.map { " --hash=sha256:\($0)" } ?? ""
        if let url { return "\(name) @ \(url)\(hash)  # \(version)" }
        return "\(name)==\(version)" + hash
    }

    /// Reads a line written by `line`.
    public init?(line: String) {
        var text = Substring(line.trimmingSpaces)
        var version: String?
        if let comment = text.range(of: "  # ") {
            version = String(text[comment.upperBound...]).trimmingSpaces
            text = text[..<comment.lowerBound]
        }
        let words = text.split(separator: " ")
        let hash = words.first { $0.hasPrefix("--hash=sha256:") }.map { String($0.dropFirst(14)) }
        if words.count >= 3, words[1] == "@" {
            let url = String(words[2])
            var commit: String?
            if url.split(separator: ":").first?.contains("+") == true, let at = url.lastIndex(of: "@") {
                commit = String(url[url.index(after: at)...])
            }
            self.init(name: String(words[0]), version: version ?? "?", sha256: hash, url: url, commit: commit)
            return
        }
        guard let pin = words.first, let equals = pin.range(of: "=="), !pin[..<equals.lowerBound].isEmpty,
            !pin[equals.upperBound...].isEmpty
        else { return nil }
        self.init(name: String(pin[..<equals.lowerBound]), version: String(pin[equals.upperBound...]), sha256: hash)
    }

    /// One entry of the report's `install` list, or why it cannot be locked.
    static func read(reportItem item: JSONValue) -> (LockedDistribution?, problem: String?) {
        guard let name = item["metadata"]?["name"]?.string, let version = item["metadata"]?["version"]?.string else {
            return (nil, "an entry of pip's report has no metadata name and version")
        }
        let download = item["download_info"]
        if let vcs = download?["vcs_info"], let url = download?["url"]?.string {
            guard let commit = vcs["commit_id"]?.string, let kind = vcs["vcs"]?.string else {
                return (nil, "\(name) \(version) came from \(url) but pip's report names no commit")
            }
            return (
                LockedDistribution(
                    name: name, version: version, sha256: nil, url: "\(kind)+\(url)@\(commit)", commit: commit), nil
            )
        }
        if download?["dir_info"] != nil {
            return (nil, "\(name) \(version) was installed from a local folder, which a lock cannot pin")
        }
        let archive = download?["archive_info"]
        var sha256 = archive?["hashes"]?["sha256"]?.string
        if sha256 == nil, let legacy = archive?["hash"]?.string, legacy.hasPrefix("sha256=") {
            sha256 = String(legacy.dropFirst(7))
        }
        // A requirement given as a URL (`is_direct`) is locked to that URL, since the index may
        // not hold it; one found on an index is locked by name, version and hash.
        let direct = item["is_direct"] == .bool(true) ? download?["url"]?.string : nil
        return (LockedDistribution(name: name, version: version, sha256: sha256, url: direct), nil)
    }
}
