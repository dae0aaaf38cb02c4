import ArgumentParser
import Foundation
import MLEnvCore

/// Reads the files named on the command line; folders contribute every *.yaml / *.yml below
/// them, in sorted order, skipping hidden folders.
enum SourceLoader {
    /// Reads the files; reading stops one byte past `limit` (the core then reports the file as
    /// too large), so memory stays bounded whatever a file's size.
    static func load(_ paths: [String], limit: Int = YAMLLimits().maximumBytes) throws -> [SourceFile] {
        var sources: [SourceFile] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                printError("mlenv: error: \(path): no such file or folder")
                throw ExitStatus.cannotRun
            }
            let files = isFolder.boolValue ? try yamlFiles(in: path) : [path]
            if files.isEmpty {
                printError("mlenv: error: \(path): no *.yaml or *.yml files in this folder")
                throw ExitStatus.cannotRun
            }
            for file in files {
                sources.append(SourceFile(path: file, bytes: try read(file, limit: limit)))
            }
        }
        return sources
    }

    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        guard let handle = FileHandle(forReadingAtPath: path) else {
            printError("mlenv: error: \(path): cannot be read")
            throw ExitStatus.cannotRun
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: limit + 1)) ?? Data()
        return [UInt8](data)
    }

    static func yamlFiles(in folder: String) throws -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: folder) else {
            printError("mlenv: error: \(folder): cannot be listed")
            throw ExitStatus.cannotRun
        }
        var found: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if (enumerator.fileAttributes?[.type] as? FileAttributeType) == .typeDirectory { enumerator.skipDescendants() }
                continue
            }
            if name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
                found.append(folder.hasSuffix("/") ? folder + relative : folder + "/" + relative)
            }
        }
        return found.sorted()
    }

    /// The text of each source, for quoting lines in reports.
    static func texts(_ sources: [SourceFile]) -> [String: String] {
        var texts: [String: String] = [:]
        for source in sources { texts[source.path] = String(decoding: source.bytes, as: UTF8.self) }
        return texts
    }
}

/// The real file system, for the core's questions about files a spec names.
struct DiskFiles: FileSystemView {
    func contents(of path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }
}
