/// The few questions about the file system that checking and generating need answered,
/// injected so the core itself never touches the disk (tests pass a dictionary).
public protocol FileSystemView: Sendable {
    /// The contents of the file at `path` (relative to the working directory or absolute),
    /// or nil when it cannot be read.
    func contents(of path: String) -> [UInt8]?
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
}
