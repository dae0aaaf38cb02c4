import Foundation
import MLEnvCore

/// Compares generated files with the ones in a folder and shows a unified diff of each that
/// differs: drift caught by CI and reviewers (`generate --check`, `verify`).
enum DriftCheck {
    static func compare(_ outputs: [OutputFile], with folder: String) throws {
        var drifted: [String] = []
        for file in outputs {
            let path = (folder as NSString).appendingPathComponent(file.path)
            let expected: Data
            switch file.contents {
            case .text(let text): expected = Data(text.utf8)
            case .copy(let source): expected = FileManager.default.contents(atPath: source) ?? Data()
            }
            guard let actual = FileManager.default.contents(atPath: path) else {
                drifted.append(path)
                print("missing: \(path)")
                continue
            }
            guard actual != expected else { continue }
            drifted.append(path)
            print(diff(expected: expected, actualPath: path))
        }
        if drifted.isEmpty {
            print("up to date: \(folder) is what the spec produces")
            return
        }
        printError(
            "mlenv: \(drifted.count) file\(drifted.count == 1 ? "" : "s") in \(folder) differ from what the spec produces; run `mlenv generate` to update them"
        )
        throw ExitStatus.problems
    }

    /// `diff -u` between what mlenv would write and what is there.
    static func diff(expected: Data, actualPath: String) -> String {
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent(
            "mlenv-expected-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: temporary) }
        guard (try? expected.write(to: temporary)) != nil else { return "differs: \(actualPath)" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/diff")
        process.arguments = [
            "-u", "--label", "\(actualPath) (generated now)", "--label", "\(actualPath) (on disk)", temporary.path,
            actualPath,
        ]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return "differs: \(actualPath)" }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
