/// The last line of every file mlenv generates: a SHA-256 of everything above it. It tells
/// a file mlenv wrote and nobody changed since (safe to overwrite) from one a person wrote or
/// edited (kept unless `--force`).
public enum Seal {
    /// How a format writes a comment.
    public enum Style: Sendable {
        /// `# mlenv-sha256: ...` (Dockerfile, shell, YAML, requirements).
        case hash
        /// `<!-- mlenv-sha256: ... -->` (Markdown, SVG).
        case markup
    }

    /// What an existing file says about itself.
    public enum Verdict: Equatable, Sendable {
        /// Written by mlenv and unchanged since.
        case intact
        /// Written by mlenv, then edited.
        case edited
        /// Not written by mlenv (no seal).
        case foreign
    }

    static let marker = "mlenv-sha256: "

    /// `text` with its seal appended.
    public static func apply(_ text: String, style: Style) -> String {
        let hash = SHA256.hex(Array(text.utf8))
        switch style {
        case .hash: return text + "# \(marker)\(hash)\n"
        case .markup: return text + "<!-- \(marker)\(hash) -->\n"
        }
    }

    /// Whether `bytes` end with a seal that matches what is above it.
    public static func verdict(_ bytes: [UInt8]) -> Verdict {
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.hasSuffix("\n") else { return text.contains(marker) ? .edited : .foreign }
        let body = text.dropLast()
        let start = body.lastIndex(of: "\n").map { body.index(after: $0) } ?? body.startIndex
        let line = body[start...]
        for (prefix, suffix) in [("# " + marker, ""), ("<!-- " + marker, " -->")]
        where line.hasPrefix(prefix) && line.hasSuffix(suffix) {
            let hash = line.dropFirst(prefix.count).dropLast(suffix.count)
            return hash == SHA256.hex(Array(text[..<start].utf8))[...] ? .intact : .edited
        }
        // A seal above the last line: mlenv wrote the file and someone added to it.
        return text.contains(marker) ? .edited : .foreign
    }

    /// The seal style for a generated file, by name; nil for formats without comments.
    static func style(for path: String) -> Style? {
        if path.hasSuffix(".md") || path.hasSuffix(".svg") { return .markup }
        if path.hasSuffix(".json") || path.hasSuffix(".crt") { return nil }
        return .hash
    }

    /// Seals every text output that can carry a seal.
    static func seal(_ outputs: [OutputFile]) -> [OutputFile] {
        outputs.map { file in
            guard case .text(let text) = file.contents, let style = style(for: file.path) else { return file }
            var sealed = file
            sealed.contents = .text(apply(text, style: style))
            return sealed
        }
    }
}

/// Decides which existing files a write may replace: those mlenv wrote and nobody changed, those
/// already holding the new contents, and files without a seal of their own (plan.json, a copied
/// CA bundle) in a folder whose sealed files are intact. Everything else needs `--force`.
public enum OverwritePolicy {
    /// A file that would be replaced against the rules, and why.
    public struct Refusal: Equatable, Sendable {
        public var path: String
        public var reason: String
    }

    /// `outputs` as (path inside the folder, new bytes); `existing` reads a file of the folder.
    public static func refusals(_ outputs: [(path: String, bytes: [UInt8])], existing: (String) -> [UInt8]?)
        -> [Refusal]
    {
        var refusals: [Refusal] = []
        var sealedIntact = false
        var unsealed: [String] = []
        for (path, bytes) in outputs {
            guard let current = existing(path), current != bytes else { continue }
            guard Seal.style(for: path) != nil else {
                unsealed.append(path)
                continue
            }
            switch Seal.verdict(current) {
            case .intact: sealedIntact = true
            case .edited: refusals.append(Refusal(path: path, reason: "it was edited after mlenv wrote it"))
            case .foreign: refusals.append(Refusal(path: path, reason: "mlenv did not write it"))
            }
        }
        let folderIsMlenvs =
            sealedIntact
            || outputs.contains { output in
                Seal.style(for: output.path) != nil && existing(output.path).map { Seal.verdict($0) == .intact } == true
            }
        if !folderIsMlenvs {
            refusals += unsealed.map { Refusal(path: $0, reason: "it exists in a folder mlenv did not write") }
        }
        return refusals
    }
}
