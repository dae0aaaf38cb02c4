/// A file that a generator wants written. The CLI writes all of them, atomically, or none.
public struct OutputFile: Sendable, Equatable {
    /// What goes into the file.
    public enum Contents: Sendable, Equatable {
        /// Generated text.
        case text(String)
        /// A copy of a file the spec names (path relative to the working directory).
        case copy(of: String)
    }

    /// The path inside the output folder.
    public var path: String
    /// The contents.
    public var contents: Contents
    /// Whether to mark the file executable.
    public var executable: Bool

    /// Creates an output file.
    public init(path: String, contents: Contents, executable: Bool = false) {
        self.path = path
        self.contents = contents
        self.executable = executable
    }

    /// The generated text, for files that have one.
    public var text: String? {
        if case .text(let text) = contents { return text }
        return nil
    }
}
