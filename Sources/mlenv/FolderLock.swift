import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// An advisory lock on a folder mlenv writes or compares: `FOLDER/.mlenv-folder.lock`, held with
/// flock(2). Writers (`generate`, `plan`, `lock`) hold it exclusively from their first read of
/// the folder to their last write; `verify` and `generate --check` hold it shared while they
/// compare. A second writer waits up to `--wait` seconds and then gives up naming the holder,
/// whose pid, host, command and start time are the file's contents.
///
/// The kernel releases a flock when its holder ends, however it ends, so a lock left by a killed
/// mlenv never blocks: its file is still there, unlocked. The holder removes the file before it
/// lets go, and whoever takes a lock checks that the file it locked is still the one at the
/// path, so removing it never lets two holders in.
final class FolderLock {
    static let fileName = ".mlenv-folder.lock"

    /// Writers take the lock exclusively; commands that only compare share it.
    enum Mode {
        case exclusive, shared
    }

    /// The folder is held by another mlenv, longer than this one would wait.
    struct BusyError: Error, CustomStringConvertible {
        let folder: String
        let holder: String
        let waited: Double
        var description: String {
            "\(folder) is held by \(holder); gave up after waiting \(FolderLock.seconds(waited)) (--wait SECONDS to wait longer)"
        }
    }

    /// The lock file cannot be created, opened or locked (a folder mlenv may not write, say).
    struct LockError: Error, CustomStringConvertible {
        let description: String
    }

    let folder: String
    let path: String
    let mode: Mode
    /// The folder did not exist before the lock: it is removed again if nothing was written.
    let createdFolder: Bool
    private var descriptor: Int32

    private init(folder: String, path: String, mode: Mode, createdFolder: Bool, descriptor: Int32) {
        self.folder = folder
        self.path = path
        self.mode = mode
        self.createdFolder = createdFolder
        self.descriptor = descriptor
    }

    deinit { release() }

    /// Takes the folder's lock, waiting up to `wait` seconds for another holder (and saying so
    /// on standard error once). An exclusive lock creates the folder and its lock file; a shared
    /// one only locks a lock file that is there (nil when there is none: no writer is at work).
    static func acquire(_ folder: String, mode: Mode, wait: Double) throws -> FolderLock? {
        let path = (folder as NSString).appendingPathComponent(fileName)
        let deadline = Date().addingTimeInterval(max(0, wait))
        var toldWaiting = false
        var createdFolder = false
        while true {
            var descriptor: Int32
            if mode == .exclusive {
                // Again on every try: the holder before may have removed a folder it created.
                if !FileManager.default.fileExists(atPath: folder) {
                    do {
                        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                    } catch {
                        throw LockError(description: "cannot create \(folder): \(error.localizedDescription)")
                    }
                    createdFolder = true
                }
                if let lock = try publishNew(path, folder: folder, createdFolder: createdFolder) { return lock }
                // There is one already: a holder's, or one a killed mlenv left. 0666 lets whoever
                // may write the folder take it, and a read-only descriptor locks just as well.
                descriptor = open(path, O_RDWR | O_CLOEXEC)
                if descriptor < 0 && errno == EACCES { descriptor = open(path, O_RDONLY | O_CLOEXEC) }
                if descriptor < 0 && errno == ENOENT { continue }
            } else {
                descriptor = open(path, O_RDONLY | O_CLOEXEC)
                if descriptor < 0 && errno == ENOENT { return nil }
            }
            guard descriptor >= 0 else {
                throw LockError(description: "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            if flock(descriptor, (mode == .exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0 {
                // The holder before us may have removed the file we locked: then the lock is
                // worth nothing, and the file at the path (if any) is the one to lock.
                if isStillAtPath(descriptor, path) {
                    let lock = FolderLock(
                        folder: folder, path: path, mode: mode, createdFolder: createdFolder, descriptor: descriptor)
                    if mode == .exclusive { writeHolder(descriptor) }
                    return lock
                }
                close(descriptor)
                if mode == .shared && access(path, F_OK) != 0 { return nil }
                continue
            }
            let failure = errno
            guard failure == EWOULDBLOCK || failure == EINTR else {
                close(descriptor)
                throw LockError(description: "cannot lock \(path): \(String(cString: strerror(failure)))")
            }
            let holder = describeHolder(descriptor)
            close(descriptor)
            let now = Date()
            if now >= deadline {
                throw BusyError(folder: folder, holder: holder, waited: max(0, wait))
            }
            if !toldWaiting {
                printError(
                    "mlenv: waiting for \(folder): held by \(holder); waiting up to \(seconds(wait)) (--wait)")
                toldWaiting = true
            }
            usleep(UInt32(min(0.05, deadline.timeIntervalSince(now)) * 1_000_000))
        }
    }

    /// A lock file that names its holder from the moment it has its name: written and locked
    /// under a temporary name, then linked to `path` (on a file system without hard links,
    /// created at `path` and written right after). Nil when there is a file at `path` already.
    private static func publishNew(_ path: String, folder: String, createdFolder: Bool) throws -> FolderLock? {
        let temporary = path + "." + UUID().uuidString
        let descriptor = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            throw LockError(description: "cannot create \(temporary): \(String(cString: strerror(errno)))")
        }
        defer { unlink(temporary) }
        _ = fchmod(descriptor, 0o666)
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0, writeHolder(descriptor) else {
            close(descriptor)
            throw LockError(description: "cannot lock \(temporary): \(String(cString: strerror(errno)))")
        }
        if link(temporary, path) == 0 {
            return FolderLock(
                folder: folder, path: path, mode: .exclusive, createdFolder: createdFolder, descriptor: descriptor)
        }
        let failure = errno
        close(descriptor)
        if failure == EEXIST { return nil }
        guard failure == EPERM || failure == EOPNOTSUPP else {
            throw LockError(description: "cannot create \(path): \(String(cString: strerror(failure)))")
        }
        let created = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o666)
        guard created >= 0 else {
            if errno == EEXIST { return nil }
            throw LockError(description: "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        _ = fchmod(created, 0o666)
        guard flock(created, LOCK_EX | LOCK_NB) == 0 else {
            // Someone opened it first and holds it now.
            close(created)
            return nil
        }
        _ = writeHolder(created)
        return FolderLock(
            folder: folder, path: path, mode: .exclusive, createdFolder: createdFolder, descriptor: created)
    }

    /// Removes the lock file (a writer's), and the folder when the lock created it and nothing
    /// was written into it; then lets go.
    func release() {
        guard descriptor >= 0 else { return }
        if mode == .exclusive {
            unlink(path)
            if createdFolder { rmdir(folder) }
        }
        close(descriptor)
        descriptor = -1
    }

    /// `acquire`, with the CLI's messages: exit 3 when another mlenv holds the folder for longer
    /// than `wait` seconds, 2 when the lock cannot be taken at all.
    static func acquireOrExit(_ folder: String, mode: Mode, wait: Double) throws -> FolderLock? {
        do {
            return try acquire(folder, mode: mode, wait: wait)
        } catch let busy as BusyError {
            printError("mlenv: error: \(busy)")
            throw ExitStatus.busy
        } catch {
            printError("mlenv: error: \(error)")
            throw ExitStatus.cannotRun
        }
    }

    /// Whether the open file `descriptor` is the file now at `path`.
    static func isStillAtPath(_ descriptor: Int32, _ path: String) -> Bool {
        var opened = stat()
        var named = stat()
        guard fstat(descriptor, &opened) == 0, stat(path, &named) == 0 else { return false }
        return opened.st_dev == named.st_dev && opened.st_ino == named.st_ino
    }

    /// Writes who holds the lock into its file, for the next one to read; false when it cannot
    /// (a read-only descriptor).
    @discardableResult
    static func writeHolder(_ descriptor: Int32) -> Bool {
        guard ftruncate(descriptor, 0) == 0 else { return false }
        let bytes = Array(holder.utf8)
        return bytes.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } == bytes.count
    }

    /// This machine's name.
    static let hostName: String = {
        var name = [UInt8](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return "?" }
        return String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
    }()

    /// What a lock this process holds says about it.
    static let holder: String = {
        let command = (["mlenv"] + CommandLine.arguments.dropFirst()).joined(separator: " ")
        return """
            pid: \(getpid())
            host: \(hostName)
            command: \(String(command.map { $0.isNewline ? " " : $0 }))
            since: \(ISO8601DateFormatter().string(from: Date()))

            """
    }()

    /// The holder, as its lock file names it: `pid 123 on dgx-01 (mlenv plan ...) since ...`.
    static func describeHolder(_ descriptor: Int32) -> String {
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = pread(descriptor, &bytes, bytes.count, 0)
        var fields: [String: String] = [:]
        for line in String(decoding: bytes.prefix(max(0, count)), as: UTF8.self).split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        guard let pid = fields["pid"], let host = fields["host"],
            // A writer killed on this host left its name behind: a reader holds the file now.
            host != hostName || Int32(pid).map({ kill($0, 0) == 0 || errno != ESRCH }) == true
        else {
            // A reader, or a writer that has not written its name yet.
            return "another mlenv process"
        }
        var text = "pid \(pid) on \(host)"
        if let command = fields["command"] { text += " (`\(command)`)" }
        if let since = fields["since"] { text += " since \(since)" }
        return text
    }

    /// `10 seconds`, `1 second`.
    static func seconds(_ value: Double) -> String {
        "\(Int(value)) second\(value == 1 ? "" : "s")"
    }
}
