/// Path arithmetic on `/`-separated strings, so the core can relate the spec's folder, the
/// output folder and paths inside the spec without touching the file system.
public enum SpecPaths {
    /// The folder part of `path` (`specs/a.yaml` -> `specs`, `a.yaml` -> `.`).
    public static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let folder = String(path[..<slash])
        return folder.isEmpty ? "/" : folder
    }

    /// `relative` taken relative to the folder of `file`, normalised.
    public static func resolve(_ relative: String, relativeTo file: String) -> String {
        if relative.hasPrefix("/") { return normalize(relative) }
        return normalize(folder(of: file) + "/" + relative)
    }

    /// `path` as an absolute path: as it is when absolute, else below `workingDirectory`; normalised.
    public static func absolute(_ path: String, in workingDirectory: String) -> String {
        normalize(path.hasPrefix("/") ? path : workingDirectory + "/" + path)
    }

    /// Removes `.` components and folds `name/..`, keeping leading `..`.
    public static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        if absolute { return "/" + joined }
        return joined.isEmpty ? "." : joined
    }

    /// The path that leads from folder `from` to `to`; both relative to the same working
    /// directory, or both absolute. Nil when that cannot be known (one absolute, one not,
    /// or `from` climbs above the working directory).
    public static func relativePath(from: String, to: String) -> String? {
        let a = normalize(from)
        let b = normalize(to)
        guard a.hasPrefix("/") == b.hasPrefix("/") else { return nil }
        let aParts = a == "." ? [] : a.split(separator: "/")
        let bParts = b == "." ? [] : b.split(separator: "/")
        var common = 0
        while common < aParts.count, common < bParts.count, aParts[common] == bParts[common] { common += 1 }
        guard !aParts[common...].contains("..") else { return nil }
        let ups = Array(repeating: "..", count: aParts.count - common)
        let result = (ups + bParts[common...].map(String.init)).joined(separator: "/")
        return result.isEmpty ? "." : result
    }
}
