import Foundation

// Usage: EmbedTemplates OUTPUT.swift TEMPLATE.mustache...
// Writes `enum EmbeddedTemplates { static let sources: [String: String] }`, keyed by file name
// without the `.mustache` extension.

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
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: EmbedTemplates OUTPUT TEMPLATE...\n".utf8))
    exit(2)
}
var lines = [
    "// Generated at build time from templates/ by EmbedTemplates. Do not edit.",
    "enum EmbeddedTemplates {",
    "    static let sources: [String: String] = [",
]
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    let name = url.deletingPathExtension().lastPathComponent
    let text = try String(contentsOf: url, encoding: .utf8)
    lines.append("        \(swiftLiteral(name)): \(swiftLiteral(text)),")
}
lines.append("    ]")
lines.append("}")
try (lines.joined(separator: "\n") + "\n").write(toFile: output, atomically: true, encoding: .utf8)
