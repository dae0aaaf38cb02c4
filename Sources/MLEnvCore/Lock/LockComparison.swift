/// What `mlenv lock --check` and `run.sh verify` say: how a spec's intent today, or a built
/// image, differs from its lock. Each difference is one line, sorted, meant for a reviewer.
extension LockFile {
    /// How the spec as it is today (`today`, a fresh `LockFile.make` of it) differs from the
    /// intent this lock recorded: the base, Python, CUDA, framework and each requirement line
    /// added or removed. Empty when the lock still matches.
    public func intentDifferences(from today: LockFile) -> [String] {
        var lines: [String] = []
        func compare(_ what: String, _ locked: String?, _ now: String?) {
            if locked != now {
                lines.append("\(what): locked \(locked ?? "none"), the spec now gives \(now ?? "none")")
            }
        }
        compare("base", base, today.base)
        compare("python", python, today.python)
        compare("cuda", cuda, today.cuda)
        compare(
            "framework", frameworkName.map { "\($0) \(frameworkVersion ?? "")" },
            today.frameworkName.map {
                "\($0) \(today.frameworkVersion ?? "")"
            })
        let before = Set(pip)
        let after = Set(today.pip)
        lines += pip.filter { !after.contains($0) }.map { "requirement removed or changed: \($0)" }
        lines += today.pip.filter { !before.contains($0) }.map { "requirement added or changed: \($0)" }
        return lines
    }

    /// How `record`, read from a built image, differs from the `installed` section: the base's
    /// digest, each Python distribution added, removed or changed (version, hash or commit),
    /// each apt package added, removed or changed. Nil when the lock has no `installed` section.
    public func differences(from record: ImageRecord) -> [String]? {
        guard let installed else { return nil }
        var lines: [String] = []
        if let baseDigest, baseDigest != record.baseDigest {
            lines.append("base \(base): locked \(baseDigest), the image's base is \(record.baseDigest ?? "unknown")")
        }
        let locked = Dictionary(installed.distributions.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        let built = Dictionary(record.python.map { ($0.name, $0) }, uniquingKeysWith: { $1 })
        for name in Set(locked.keys).union(built.keys).sorted() {
            switch (locked[name], built[name]) {
            case (let old?, nil): lines.append("python: \(name) \(old.version) is locked but not in the image")
            case (nil, let new?): lines.append("python: \(name) \(new.version) is in the image but not locked")
            case (let old?, let new?):
                if old.url != nil || new.url != nil {
                    if old.url != new.url {
                        lines.append(
                            "python: \(name) locked from \(old.url ?? old.version), the image has \(new.url ?? new.version)"
                        )
                    }
                } else if old.version != new.version {
                    lines.append("python: \(name) locked \(old.version), the image has \(new.version)")
                }
                if old.url == new.url || old.version == new.version, let hash = old.sha256, hash != new.sha256 {
                    lines.append("python: \(name) \(new.version) has sha256 \(new.sha256 ?? "unknown"), locked \(hash)")
                }
            case (nil, nil): break
            }
        }
        func packages(_ lines: [String]) -> [String: String] {
            Dictionary(
                lines.compactMap { line -> (String, String)? in
                    guard let equals = line.firstIndex(of: "=") else { return nil }
                    return (String(line[..<equals]), String(line[line.index(after: equals)...]))
                }, uniquingKeysWith: { $1 })
        }
        let lockedApt = packages(installed.apt)
        let builtApt = packages(record.apt)
        for name in Set(lockedApt.keys).union(builtApt.keys).sorted() {
            switch (lockedApt[name], builtApt[name]) {
            case (let old?, nil): lines.append("apt: \(name) \(old) is locked but not in the image")
            case (nil, let new?): lines.append("apt: \(name) \(new) is in the image but not locked")
            case (let old?, let new?) where old != new: lines.append("apt: \(name) locked \(old), the image has \(new)")
            default: break
            }
        }
        return lines
    }
}
