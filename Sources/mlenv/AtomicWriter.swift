import Foundation
import MLEnvCore

#if canImport(Glibc)
    import Glibc
#endif

/// Writes a set of files so that none is ever half-written, nor missing for a moment: every file
/// goes to a temporary name in the target folder first, and only when all were written are they
/// renamed into place (rename is atomic within a folder and replaces the old file in one step).
/// A folder that does not exist yet is written whole under a temporary name beside it and
/// renamed into place, so that it appears with all its files. On failure the temporaries are
/// removed and the replaced files put back.
enum AtomicWriter {
    struct WriteError: Error, CustomStringConvertible {
        let description: String
    }

    /// Files that would be lost, with why; writing stops before anything changes.
    struct RefusedError: Error, CustomStringConvertible {
        let refusals: [OverwritePolicy.Refusal]
        var description: String {
            refusals.map { "\($0.path): \($0.reason)" }.joined(separator: "; ") + " (use --force to replace)"
        }
    }

    /// Writes `files` into `folder`. `wait` nil: the caller holds the folder's lock. Otherwise
    /// an existing folder is locked for the write (waiting up to `wait` seconds for another
    /// holder), and a new one is created whole.
    static func write(_ files: [OutputFile], into folder: String, force: Bool = false, wait: Double? = nil) throws {
        guard let wait else {
            try writeHeld(files, into: folder, force: force)
            return
        }
        if !FileManager.default.fileExists(atPath: folder), try writeNewFolder(files, into: folder) { return }
        let lock = try FolderLock.acquire(folder, mode: .exclusive, wait: wait)
        defer { lock?.release() }
        try writeHeld(files, into: folder, force: force)
    }

    /// `write`, into a folder this process holds (or that nobody else writes).
    static func writeHeld(_ files: [OutputFile], into folder: String, force: Bool) throws {
        let manager = FileManager.default
        // A folder that does not exist yet holds nothing to protect.
        if !force && manager.fileExists(atPath: folder) {
            let planned = files.map { file -> (path: String, bytes: [UInt8]) in
                switch file.contents {
                case .text(let text): return (file.path, Array(text.utf8))
                case .copy(let source): return (file.path, manager.contents(atPath: source).map { [UInt8]($0) } ?? [])
                }
            }
            let refusals = OverwritePolicy.refusals(planned) { path in
                manager.contents(atPath: (folder as NSString).appendingPathComponent(path)).map { [UInt8]($0) }
            }
            if !refusals.isEmpty { throw RefusedError(refusals: refusals) }
        }
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var staged: [(temporary: String, final: String)] = []
        var folders: Set<String> = [folder]
        do {
            for file in files {
                let final = (folder as NSString).appendingPathComponent(file.path)
                // Beside the final file (`.devcontainer/devcontainer.json`), so the rename stays in one folder.
                let parent = (final as NSString).deletingLastPathComponent
                if folders.insert(parent).inserted {
                    try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                }
                let temporary = (parent as NSString).appendingPathComponent(
                    ".\((final as NSString).lastPathComponent).mlenv-\(UUID().uuidString)")
                staged.append((temporary, final))
                let data: Data
                switch file.contents {
                case .text(let text): data = Data(text.utf8)
                case .copy(let source):
                    guard let contents = manager.contents(atPath: source) else {
                        throw WriteError(description: "cannot read \(source)")
                    }
                    data = contents
                }
                try writeNew(temporary, data, mode: file.executable ? 0o755 : 0o644)
            }
            // Each file the set replaces keeps a second name (a hard link), so that a failure
            // part-way puts every earlier file back and the folder is as it was; the file itself
            // stays at its name until the rename replaces it, so a reader never finds it missing.
            var done: [(final: String, backup: String?)] = []
            do {
                for (temporary, final) in staged {
                    var backup: String?
                    if manager.fileExists(atPath: final) {
                        let aside = final + ".mlenv-old-\(UUID().uuidString)"
                        // A file system without hard links: moved aside, missing for a moment.
                        guard link(final, aside) == 0 || rename(final, aside) == 0 else {
                            throw WriteError(description: "cannot keep a copy of \(final)")
                        }
                        backup = aside
                    }
                    done.append((final, backup))
                    guard rename(temporary, final) == 0 else {
                        throw WriteError(
                            description: "cannot rename into \(final): \(String(cString: strerror(errno)))")
                    }
                }
            } catch {
                for (final, backup) in done.reversed() {
                    if let backup { _ = rename(backup, final) } else { try? manager.removeItem(atPath: final) }
                }
                throw error
            }
            for case (_, let backup?) in done { try? manager.removeItem(atPath: backup) }
        } catch {
            for (temporary, _) in staged { try? manager.removeItem(atPath: temporary) }
            throw error
        }
    }

    /// A folder that does not exist: written whole as `.NAME.mlenv-UUID` beside it, then renamed
    /// into place (one rename for the folder rather than one per file: a plan of 1,000 teams
    /// writes 1,000 folders). False when the folder appeared meanwhile, and nothing was written.
    static func writeNewFolder(_ files: [OutputFile], into folder: String) throws -> Bool {
        let name = (folder as NSString).lastPathComponent
        let parent = (folder as NSString).deletingLastPathComponent
        let staging = ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent(
            ".\(name).mlenv-\(UUID().uuidString)")
        try writeFresh(files, into: staging)
        if rename(staging, folder) == 0 { return true }
        let failure = errno
        try? FileManager.default.removeItem(atPath: staging)
        if failure == ENOTEMPTY || failure == EEXIST { return false }
        throw WriteError(description: "cannot rename into \(folder): \(String(cString: strerror(failure)))")
    }

    /// A folder that nobody else can see yet: every file is new, so each is created under its
    /// own name (no temporary and rename), and the folder is removed again if any file fails.
    static func writeFresh(_ files: [OutputFile], into folder: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        do {
            var folders: Set<String> = [folder]
            for file in files {
                let final = (folder as NSString).appendingPathComponent(file.path)
                let parent = (final as NSString).deletingLastPathComponent
                if folders.insert(parent).inserted {
                    try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
                }
                let data: Data
                switch file.contents {
                case .text(let text): data = Data(text.utf8)
                case .copy(let source):
                    guard let contents = manager.contents(atPath: source) else {
                        throw WriteError(description: "cannot read \(source)")
                    }
                    data = contents
                }
                try writeNew(final, data, mode: file.executable ? 0o755 : 0o644)
            }
        } catch {
            try? manager.removeItem(atPath: folder)
            throw error
        }
    }

    /// `write`, with the CLI's messages: exit 1 when files would be lost, 2 when writing failed,
    /// 3 when another mlenv held the folder longer than `wait`.
    static func writeOrExit(_ files: [OutputFile], into folder: String, force: Bool, wait: Double? = nil) throws {
        do {
            try write(files, into: folder, force: force, wait: wait)
        } catch let refused as RefusedError {
            printError("mlenv: error: not writing into \(folder): \(refused)")
            throw ExitStatus.problems
        } catch let busy as FolderLock.BusyError {
            printError("mlenv: error: \(busy)")
            throw ExitStatus.busy
        } catch {
            printError("mlenv: error: could not write into \(folder): \(error)")
            throw ExitStatus.cannotRun
        }
    }

    /// Creates `path` (which must not exist) with `data`: one open, write and close, where
    /// FileManager.createFile would itself write through another temporary file and rename.
    static func writeNew(_ path: String, _ data: Data, mode: mode_t) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw WriteError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        try data.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                guard written > 0 else {
                    throw WriteError(description: "cannot write \(path): \(String(cString: strerror(errno)))")
                }
                offset += written
            }
        }
        // The umask must not take the executable bit off run.sh.
        guard fchmod(descriptor, mode) == 0 else { throw WriteError(description: "cannot set the mode of \(path)") }
    }
}
