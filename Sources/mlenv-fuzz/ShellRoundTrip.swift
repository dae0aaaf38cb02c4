import MLEnvCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// `Quoting.shell` read back by a real bash: the quoted word as a command's argument and as an
/// assignment's value (where bash also expands `~` after `=` and `:`) is the input, byte for
/// byte. One bash runs for the whole fuzzing session, fed one line per input through a pipe;
/// it answers with `printf '%s\0'`, so its output is read up to two NULs.
enum ShellRoundTrip {
    nonisolated(unsafe) static var bash: Coprocess?

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        // A bash word cannot hold NUL (`Quoting.shell` says so); every other text must survive.
        if text.unicodeScalars.contains("\0") { return }
        let quoted = Quoting.shell(text)
        if bash == nil { bash = Coprocess(["/bin/bash", "--norc", "--noprofile"]) }
        let answers = bash!.ask("printf '%s\\0' \(quoted); v=\(quoted); printf '%s\\0' \"$v\"\n", answers: 2)
        let expected = Array(text.utf8)
        if answers[0] != expected || answers[1] != expected {
            failure(
                "\(String(reflecting: text)) quoted as \(quoted) reads back in bash as "
                    + "\(String(reflecting: String(decoding: answers[0], as: UTF8.self))) and "
                    + "\(String(reflecting: String(decoding: answers[1], as: UTF8.self)))")
        }
    }
}

/// A child process fed through a pipe, whose answers end in NUL.
final class Coprocess {
    let pid: pid_t
    let input: CInt
    let output: CInt
    var pending: [UInt8] = []

    init(_ command: [String]) {
        signal(SIGPIPE, SIG_IGN)  // a dead child is reported below, not by a signal
        var toChild: [CInt] = [0, 0]
        var fromChild: [CInt] = [0, 0]
        guard pipe(&toChild) == 0, pipe(&fromChild) == 0 else { failure("pipe failed") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        posix_spawn_file_actions_adddup2(&actions, toChild[0], 0)
        posix_spawn_file_actions_adddup2(&actions, fromChild[1], 1)
        for fd in toChild + fromChild { posix_spawn_file_actions_addclose(&actions, fd) }
        let settings = ["PATH=/usr/bin:/bin", "LC_ALL=C.UTF-8", "HOME=/nonexistent"]
        let arguments: [UnsafeMutablePointer<CChar>?] = command.map { strdup($0) } + [nil]
        let environment: [UnsafeMutablePointer<CChar>?] = settings.map { strdup($0) } + [nil]
        var child: pid_t = 0
        let status = posix_spawn(&child, command[0], &actions, nil, arguments, environment)
        posix_spawn_file_actions_destroy(&actions)
        for pointer in arguments + environment { free(pointer) }
        guard status == 0 else { failure("cannot start \(command[0]): error \(status)") }
        close(toChild[0])
        close(fromChild[1])
        pid = child
        input = toChild[1]
        output = fromChild[0]
    }

    /// Writes `line` and reads `answers` NUL-terminated answers (5 s at most: an unterminated
    /// quote makes bash wait for more input, which is a quoting bug too).
    func ask(_ line: String, answers count: Int) -> [[UInt8]] {
        let bytes = Array(line.utf8)
        var written = 0
        while written < bytes.count {
            let n = bytes[written...].withUnsafeBytes { write(input, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }  // libFuzzer's timer (SIGALRM) interrupts calls
            if n <= 0 { failure("bash stopped reading (it exited?) at \(String(reflecting: line))") }
            written += n
        }
        var answers: [[UInt8]] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while answers.count < count {
            if let end = pending.firstIndex(of: 0) {
                answers.append(Array(pending[..<end]))
                pending.removeSubrange(...end)
                continue
            }
            var poller = pollfd(fd: output, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 5000)
            if ready < 0 && errno == EINTR { continue }
            if ready <= 0 { failure("bash gave no answer in 5 s to \(String(reflecting: line))") }
            let n = buffer.withUnsafeMutableBytes { read(output, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { failure("bash exited at \(String(reflecting: line))") }
            pending += buffer[..<n]
        }
        return answers
    }
}
