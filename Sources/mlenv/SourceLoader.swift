import ArgumentParser
import Foundation
import MLEnvCore

/// Reads the files named on the command line; folders contribute every *.yaml / *.yml below
/// them, in sorted order, skipping hidden folders.
enum SourceLoader {
    /// Reads the files; reading stops one byte past `limit` (the core then reports the file as
    /// too large), so memory stays bounded whatever a file's size.
    static func load(_ paths: [String], limit: Int = YAMLLimits().maximumBytes) throws -> [SourceFile] {
        var files: [(path: String, inFolder: Bool)] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                printError("mlenv: error: \(path): no such file or folder")
                throw ExitStatus.cannotRun
            }
            let found = isFolder.boolValue ? try yamlFiles(in: path).map { ($0, true) } : [(path, false)]
            if found.isEmpty {
                printError("mlenv: error: \(path): no *.yaml or *.yml files in this folder")
                throw ExitStatus.cannotRun
            }
            files += found
        }
        // Read on every core: a CI run reads thousands of small files, and the system calls
        // are most of the cost. The first file that cannot be read stops the command.
        let contents = files.parallelMap { file in Result { try read(file.path, limit: limit) } }
        var sources: [SourceFile] = []
        sources.reserveCapacity(files.count)
        for (file, content) in zip(files, contents) {
            guard case .success(let bytes) = content else {
                printError("mlenv: error: \(file.path): cannot be read")
                throw ExitStatus.cannotRun
            }
            sources.append(SourceFile(path: file.path, bytes: bytes, foundInFolder: file.inFolder))
        }
        return sources
    }

    /// The file's bytes, up to `limit` + 1; the caller says which file could not be read.
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        // One open and a read or two: a CI run reads thousands of small specs.
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw ExitStatus.cannotRun
        }
        defer { close(descriptor) }
        // Straight into the array's own storage, sized by fstat: zero-filling a 64 KiB chunk per
        // file cost more than the reads themselves (6% of checking 1,000 specs).
        var status = stat()
        let size = fstat(descriptor, &status) == 0 ? Int(status.st_size) : 0
        var bytes: [UInt8] = []
        var capacity = min(max(size + 1, 4096), limit + 1)
        while true {
            let start = bytes.count
            let more = [UInt8](unsafeUninitializedCapacity: capacity - start) { buffer, count in
                count = 0
                while count < buffer.count {
                    let read = Glibc.read(descriptor, buffer.baseAddress! + count, buffer.count - count)
                    if read < 0 && errno == EINTR { continue }
                    guard read > 0 else { break }
                    count += read
                }
            }
            if start == 0 { bytes = more } else { bytes += more }
            // Short of the capacity: the end of the file. At limit + 1: too large, stop.
            guard bytes.count == capacity, capacity <= limit else { break }
            capacity = min(capacity * 2, limit + 1)
        }
        return bytes
    }

    /// Every `*.yaml` / `*.yml` below `folder`, sorted, hidden entries skipped; read with
    /// readdir, which costs a fraction of FileManager's enumerator on large folders.
    static func yamlFiles(in folder: String) throws -> [String] {
        guard let directory = opendir(folder) else {
            printError("mlenv: error: \(folder): cannot be listed")
            throw ExitStatus.cannotRun
        }
        var found: [String] = []
        var folders: [String] = []
        let prefix = folder.hasSuffix("/") ? folder : folder + "/"
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name.hasPrefix(".") { continue }
            let path = prefix + name
            var isFolder = entry.pointee.d_type == UInt8(DT_DIR)
            if entry.pointee.d_type == UInt8(DT_UNKNOWN) {
                var status = stat()
                isFolder = lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR
            } else if entry.pointee.d_type == UInt8(DT_LNK) {
                // A link to a file counts; links to folders are not followed (they can loop).
                var status = stat()
                if stat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFDIR { continue }
            }
            if isFolder {
                folders.append(path)
            } else if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                found.append(path)
            }
        }
        closedir(directory)
        for subfolder in folders { found += try yamlFiles(in: subfolder) }
        return found.sorted()
    }

    /// The text of each source that `diagnostics` point into, for quoting lines in reports
    /// (decoding every file of a large folder would cost more than checking it).
    static func texts(_ sources: [SourceFile], for diagnostics: [Diagnostic]) -> [String: String] {
        var wanted = Set(diagnostics.map(\.file))
        for diagnostic in diagnostics { wanted.formUnion(diagnostic.notes.compactMap(\.file)) }
        var texts: [String: String] = [:]
        for source in sources where wanted.contains(source.path) {
            texts[source.path] = String(decoding: source.bytes, as: UTF8.self)
        }
        // Files the specs name (requirements files, pyproject.toml) are read for their lines too.
        for path in wanted where texts[path] == nil {
            if let bytes = DiskFiles().contents(of: path) { texts[path] = String(decoding: bytes, as: UTF8.self) }
        }
        return texts
    }
}

/// The real file system, for the core's questions about files a spec names.
struct DiskFiles: FileSystemView {
    func contents(of path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }
}
