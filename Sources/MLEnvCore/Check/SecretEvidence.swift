/// Why an `env:` entry looks like a secret: the value is judged first, the name second.
///
/// Name-only rules (hadolint's DL3064, BuildKit's SecretsUsedInArgOrEnv) flag `HF_TOKEN_PATH`
/// and `AUTH_MODE: none` and pass `PASSPHRASE: changeme`; hadolint/hadolint#1245 asks for
/// `_FILE`/`_PATH` names to be spared. What is followed here:
/// - gitleaks' `generic-api-key` (cmd/generate/config/rules/generic.go): a credential keyword
///   in the name, a value of 10-150 `[\w.=-]` with Shannon entropy at least 3.5, never a value
///   of letters only (its `^[a-zA-Z_.-]+$` allowlist), and never names such as `token_file`,
///   `key_file`, `token_url`, `api_endpoint`, `secret_name`, `key_id`, `public_key`;
///   gitleaks' token rules for the known prefixes (`hf_`, `ghp_`, `github_pat_`, `glpat-`,
///   `xoxb-`, `AKIA` + 16, `-----BEGIN ... PRIVATE KEY`).
/// - detect-secrets: `KeywordDetector`'s name list, `BasicAuthDetector` for `user:password@`
///   in URLs, `Base64HighEntropyString` (limit 4.5 bits over the base64 alphabet) for a value
///   that is random under any name, and its filters `is_templated_secret` (`${X}`, `<X>`),
///   `is_prefixed_with_dollar_sign` and the false positives `none`, `null`, `true`, `false`.
/// Unknown is no warning: W305 is a warning only, and a false one teaches people to ignore it.
enum SecretEvidence: Equatable {
    /// The value has the shape of a token a service issues (the service's name).
    case issuedToken(String)
    /// The value is a PEM private key.
    case privateKey
    /// The value is a URL with a password (`scheme://user:password@host`).
    case passwordInURL
    /// The value is a long random string over the base64 alphabet.
    case randomString
    /// The name says password, secret or token, and the value is a literal.
    case secretName

    /// What gave the entry away; nil when it is not a secret, or mlenv cannot tell.
    static func of(name: String, value: String) -> SecretEvidence? {
        guard !value.isEmpty else { return nil }
        if let shape = valueShape(value) { return shape }
        if isInert(value) { return nil }
        // Names are ASCII letters, digits and `_` (the decoder refuses others): read as bytes.
        let words = name.utf8.split(separator: UInt8(ascii: "_")).map { word in
            String(decoding: word.map { ASCII.isLower($0) ? $0 - 0x20 : $0 }, as: UTF8.self)
        }
        guard let last = words.last, !pointerSuffixes.contains(last), !words.contains("PUBLIC") else { return nil }
        let pairs = zip(words, words.dropFirst()).map { $0 + "_" + $1 }
        if words.contains(where: secretWords.contains) || pairs.contains(where: secretPairs.contains) {
            return value.utf8.count >= 3 ? .secretName : nil
        }
        if words.contains(where: keywords.contains), isMachineMade(value) { return .secretName }
        return nil
    }

    /// A secret by its value alone, whatever the name.
    static func valueShape(_ value: String) -> SecretEvidence? {
        let bytes = Array(value.utf8)
        if let begin = offset(of: "-----BEGIN", in: bytes[...]), offset(of: "PRIVATE KEY", in: bytes[begin...]) != nil {
            return .privateKey
        }
        for (prefix, service) in tokenPrefixes where bytes.starts(with: prefix.utf8) {
            let rest = bytes.dropFirst(prefix.utf8.count)
            if rest.count >= 16,
                rest.allSatisfy({ ASCII.isAlnum($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }),
                rest.contains(where: ASCII.isDigit)
            {
                return .issuedToken(service)
            }
        }
        // AWS access key ids: `(AKIA|ASIA)[A-Z0-9]{16}`.
        if bytes.count == 20, bytes.starts(with: "AKIA".utf8) || bytes.starts(with: "ASIA".utf8),
            bytes.allSatisfy({ ASCII.isDigit($0) || ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) })
        {
            return .issuedToken("AWS access key")
        }
        if hasPasswordInURL(bytes) { return .passwordInURL }
        if bytes.count >= 20, bytes.allSatisfy(isBase64), bytes.contains(where: ASCII.isDigit),
            bytes.contains(where: ASCII.isLetter),
            entropy(bytes) > 4.5
        {
            return .randomString
        }
        return nil
    }

    /// Values that hold no secret under any name: a path, a switch, a number, a reference to
    /// another variable or a template.
    static func isInert(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard let first = bytes.first else { return true }
        if first == UInt8(ascii: "/") || value == "~" || value == "." || value == ".." { return true }
        if value.hasPrefix("~/") || value.hasPrefix("./") || value.hasPrefix("../") { return true }
        if first == UInt8(ascii: "$") || value.hasPrefix("{{")
            || (first == UInt8(ascii: "<") && bytes.last == UInt8(ascii: ">"))
        {
            return true
        }
        let lower = String(decoding: bytes.map { ASCII.isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        if switchWords.contains(lower) { return true }
        let digits = first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        return !digits.isEmpty && digits.allSatisfy { ASCII.isDigit($0) || $0 == UInt8(ascii: ".") }
            && digits.contains(where: ASCII.isDigit)
    }

    /// gitleaks' generic-api-key test of the value: 10-150 characters of `[A-Za-z0-9_.=-]`,
    /// a digit and a letter among them, entropy at least 3.5 bits.
    static func isMachineMade(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        return (10...150).contains(bytes.count)
            && bytes.allSatisfy { ASCII.isAlnum($0) || ASCII.isOne(of: "_.=-", $0) }
            && bytes.contains(where: ASCII.isDigit) && bytes.contains(where: ASCII.isLetter)
            && entropy(bytes) >= 3.5
    }

    /// `scheme://user:password@host`, the password not a `$VARIABLE` (detect-secrets'
    /// BasicAuthDetector leaves `$`, `@`, `:` and `/` out of both parts).
    static func hasPasswordInURL(_ bytes: [UInt8]) -> Bool {
        guard let start = offset(of: "://", in: bytes[...]) else { return false }
        let authority = bytes[(start + 3)...].prefix { !ASCII.isOne(of: "/?#", $0) }
        guard let at = authority.lastIndex(of: UInt8(ascii: "@")) else { return false }
        let userinfo = authority[..<at]
        guard let colon = userinfo.firstIndex(of: UInt8(ascii: ":")) else { return false }
        let user = userinfo[..<colon]
        let password = userinfo[(colon + 1)...]
        let plain = { (part: ArraySlice<UInt8>) in
            !part.isEmpty && !part.contains { ASCII.isOne(of: "$:@{}", $0) || $0 <= 0x20 }
        }
        return plain(user) && plain(password)
    }

    /// Where `needle` (ASCII) starts in `bytes`, as an index of `bytes`.
    static func offset(of needle: StaticString, in bytes: ArraySlice<UInt8>) -> Int? {
        let pattern = UnsafeBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
        guard bytes.count >= pattern.count else { return nil }
        return (bytes.startIndex...(bytes.endIndex - pattern.count)).first {
            bytes[$0..<$0 + pattern.count].elementsEqual(pattern)
        }
    }

    /// Shannon entropy in bits per character.
    static func entropy(_ bytes: [UInt8]) -> Double {
        var counts = [Int](repeating: 0, count: 256)
        for byte in bytes { counts[Int(byte)] += 1 }
        let total = Double(bytes.count)
        return counts.reduce(0.0) { sum, count in
            guard count > 0 else { return sum }
            let p = Double(count) / total
            return sum - p * log2(p)
        }
    }

    /// log2 without Foundation: the exponent, plus the significand's logarithm from the series
    /// ln(s) = 2 atanh((s - 1) / (s + 1)), which converges fast for s in [1, 2).
    static func log2(_ x: Double) -> Double {
        let s = x.significand
        let z = (s - 1) / (s + 1)
        let z2 = z * z
        var term = z
        var sum = 0.0
        for k in stride(from: 1, through: 29, by: 2) {
            sum += term / Double(k)
            term *= z2
        }
        return Double(x.exponent) + 2 * sum / 0.693_147_180_559_945_3
    }

    static func isBase64(_ byte: UInt8) -> Bool { ASCII.isAlnum(byte) || ASCII.isOne(of: "+/=_-", byte) }

    /// Token prefixes and their services, longest first where one prefix starts another.
    static let tokenPrefixes: [(String, String)] = [
        ("hf_", "Hugging Face token"), ("github_pat_", "GitHub token"), ("ghp_", "GitHub token"),
        ("gho_", "GitHub token"),
        ("ghu_", "GitHub token"), ("ghs_", "GitHub token"), ("ghr_", "GitHub token"), ("glpat-", "GitLab token"),
        ("sk-ant-", "Anthropic key"), ("sk-", "OpenAI key"), ("sk_live_", "Stripe key"), ("rk_live_", "Stripe key"),
        ("xoxb-", "Slack token"), ("xoxp-", "Slack token"), ("xoxa-", "Slack token"), ("xapp-", "Slack token"),
        ("AIza", "Google API key"), ("npm_", "npm token"), ("pypi-", "PyPI token"),
    ]
    /// Words that make a name a secret's, whatever the literal value.
    static let secretWords: Set<String> = [
        "PASSWORD", "PASSWD", "PASSPHRASE", "SECRET", "TOKEN", "APIKEY", "CREDENTIAL", "CREDENTIALS",
    ]
    /// Two-word names that do the same.
    static let secretPairs: Set<String> = [
        "API_KEY", "PRIVATE_KEY", "SECRET_KEY", "ACCESS_KEY", "AUTH_KEY", "CLIENT_KEY", "ENCRYPTION_KEY", "SIGNING_KEY",
        "MASTER_KEY",
    ]
    /// gitleaks' other keywords: a secret's name only with a machine-made value (`WANDB_KEY`, not `SORT_KEY: name`).
    static let keywords: Set<String> = ["KEY", "AUTH", "ACCESS", "CREDS", "PRIVATE"]
    /// Last words of names that point at a secret or describe it rather than hold it.
    static let pointerSuffixes: Set<String> = [
        "PATH", "FILE", "DIR", "FOLDER", "MODE", "URL", "URI", "ENDPOINT", "HOST", "PORT", "NAME", "ID", "VERSION",
        "TYPE",
        "LENGTH", "SIZE", "TTL", "TIMEOUT", "ENABLED", "USER", "USERNAME", "VAR",
    ]
    /// Values that switch something, in lower case.
    static let switchWords: Set<String> = [
        "none", "null", "nil", "true", "false", "yes", "no", "on", "off", "enabled", "disabled", "unset",
    ]

    /// What the message says gave the entry away.
    var phrase: String {
        switch self {
        case .issuedToken(let service): "holds what looks like a \(service)"
        case .privateKey: "holds a private key"
        case .passwordInURL: "holds a URL with a password in it"
        case .randomString: "holds a long random string, the shape of a key"
        case .secretName: "looks like a secret"
        }
    }
}
