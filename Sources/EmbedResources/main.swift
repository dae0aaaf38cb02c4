import Foundation

// Usage: EmbedResources OUTPUT.swift ENUM FILE...
// Writes `enum ENUM { static let sources: [String: String] }`, keyed by file name without its
// extension.

/// A Swift string literal for any text: escapes quotes, backslashes and every non-printable scalar.
func swiftLiteral(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": out += "\\\\"
        case "\"": out += "\\\""
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case " "..."~": out.unicodeScalars.append(scalar)
        default: out += "\\u{\(String(scalar.value, radix: 16))}"
        }
    }
    return out + "\""
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count >= 2, let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: EmbedResources OUTPUT ENUM FILE...\n".utf8))
    exit(2)
}
let enumName = arguments[arguments.startIndex + 1]
var lines = [
    "// Generated at build time by EmbedResources. Do not edit.",
    "enum \(enumName) {",
    "    static let sources: [String: String] = [",
]
if arguments.count == 2 { lines.append("        :") }
for path in arguments.dropFirst(2) {
    let url = URL(fileURLWithPath: path)
    let name = url.deletingPathExtension().lastPathComponent
    let text = try String(contentsOf: url, encoding: .utf8)
    lines.append("        \(swiftLiteral(name)): \(swiftLiteral(text)),")
}
lines.append("    ]")
lines.append("}")
try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
