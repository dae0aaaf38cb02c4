/// The few questions about the file system that checking and generating need answered,
/// injected so the core itself never touches the disk (tests pass a dictionary).
public protocol FileSystemView: Sendable {
    /// The contents of the file at `path` (relative to the working directory or absolute),
    /// or nil when it cannot be read.
    func contents(of path: String) -> [UInt8]?

    /// Whether a file or folder exists at `path` (`files:` may copy folders).
    func exists(_ path: String) -> Bool
}

extension FileSystemView {
    public func exists(_ path: String) -> Bool { contents(of: path) != nil }
}

/// A `FileSystemView` over files held in memory.
public struct InMemoryFiles: FileSystemView {
    /// File contents by path.
    public var files: [String: [UInt8]]

    /// Creates a view over `files`.
    public init(_ files: [String: [UInt8]] = [:]) {
        self.files = files
    }

    public func contents(of path: String) -> [UInt8]? { files[path] }

    /// A file, or a folder: the prefix of a file's path.
    public func exists(_ path: String) -> Bool {
        let folder = SpecPaths.normalize(path)
        return files[path] != nil || files.keys.contains { SpecPaths.normalize($0).hasPrefix(folder + "/") }
    }
}
