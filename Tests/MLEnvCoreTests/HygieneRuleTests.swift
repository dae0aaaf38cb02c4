import XCTest

@testable import MLEnvCore

/// W305 judges an `env:` entry by its value as well as its name; W301 knows the tags that move.
/// The cases are the false alarms and misses found on real projects, and their neighbours.
final class HygieneRuleTests: XCTestCase {
    /// Whether `HygieneRule` reports W305 for `name: value` (value written in YAML).
    func isSecret(_ name: String, _ value: String) -> Bool {
        diagnostics(minimalSpec + "env: {\(name): \(value)}\n").contains { $0.code.id == "W305" }
    }

    func testValuesThatAreNoSecretWhateverTheName() {
        let harmless: [(String, String)] = [
            ("HF_TOKEN_PATH", "/run/secrets/hf"), ("WANDB_API_KEY_FILE", "/secrets/key"), ("AUTH_MODE", "none"),
            ("SECRET_KEY_DIR", "~/keys"), ("PASSWORD_FILE", "./db-password"), ("TOKEN_CACHE", "../cache"),
            ("HF_TOKEN", "\"\""), ("HF_TOKEN", "\"${HF_TOKEN}\""), ("API_TOKEN", "$API_TOKEN"),
            ("API_KEY", "\"<your key>\""),
            ("USE_AUTH_TOKEN", "\"true\""), ("SECRET_ENABLED", "\"false\""), ("TOKEN_TTL", "\"3600\""),
            ("PASSWORD", "null"),
            ("MAX_TOKENS", "\"512\""), ("TOKENIZERS_PARALLELISM", "\"false\""), ("KEYBOARD", "us"),
            ("HF_ENDPOINT_URL", "https://huggingface.co"), ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
            ("SECRET_NAME", "db-credentials"), ("API_KEY_ID", "team-7"), ("WANDB_MODE", "offline"), ("AUTH", "basic"),
            ("GIT_COMMIT", "3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"),
            ("RUN_ID", "0f8fad5b-d9cb-469f-a165-70867728950e"),
            ("MODEL", "meta-llama/Llama-2-7b-chat-hf"), ("BIG_MODEL", "mistralai/Mixtral-8x7B-Instruct-v0.1"),
            ("DATABASE_URL", "\"postgres://ml:${DB_PASSWORD}@db:5432/runs\""),
            ("PIP_INDEX_URL", "https://pypi.example.org/simple"), ("SORT_KEY", "name"),
        ]
        for (name, value) in harmless { XCTAssertFalse(isSecret(name, value), "\(name): \(value)") }
    }

    func testSecretsByValueOrByNameAndLiteral() {
        let secrets: [(String, String)] = [
            // A password-ish name with a literal value, placeholders included: it is baked in all the same.
            ("PASSPHRASE", "changeme"), ("DB_PASSWORD", "hunter2"), ("JUPYTER_TOKEN", "mytoken"),
            ("CLIENT_SECRET", "abc123"),
            ("HF_TOKEN", "hf_abcdef"), ("OPENAI_API_KEY", "not-set-yet"), ("SSH_PRIVATE_KEY", "id_rsa_contents"),
            ("GOOGLE_CREDENTIALS", "\"{type: service_account}\""),
            // A token's shape is a secret under any name.
            ("NOTE", "hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"), ("EXTRA", "\"sk-proj-4f9Qx2LmZ8rT1vB6nK3wJ7hC\""),
            ("GH", "ghp_0123456789abcdefghijklmnopqrstuvwxyz"), ("AWS", "AKIAIOSFODNN7EXAMPLE"),
            ("GL", "glpat-a1B2c3D4e5F6g7H8i9J0"),
            ("SLACK", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx"),
            ("DEPLOY", "\"-----BEGIN OPENSSH PRIVATE KEY-----\""),
            ("BLOB", "Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB9aWq7sTv"),
            // A password in a URL.
            ("DATABASE_URL", "\"postgres://ml:s3cr3t@db:5432/runs\""),
            ("MIRROR", "https://bob:hunter2@pypi.corp/simple"),
            // A key-ish name with a machine-made value (W&B keys are 40 hex digits).
            ("WANDB_KEY", "0123456789abcdef0123456789abcdef01234567"),
        ]
        for (name, value) in secrets { XCTAssertTrue(isSecret(name, value), "\(name): \(value)") }
    }

    func testTheMessageSaysWhatGaveTheSecretAway() {
        let found = diagnostics(minimalSpec + "env: {NOTE: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789}\n").filter {
            $0.code.id == "W305"
        }
        XCTAssertEqual(triples(found), ["W305@4:7"])
        XCTAssertTrue(found.first?.message.contains("Hugging Face") == true, found.first?.message ?? "")
    }

    /// The entropy is computed without Foundation's log2; it must agree with Python's math.log2.
    func testEntropyWithoutFoundation() {
        XCTAssertEqual(SecretEvidence.log2(1024), 10, accuracy: 1e-12)
        XCTAssertEqual(SecretEvidence.log2(0.1), -3.321928094887362, accuracy: 1e-12)
        XCTAssertEqual(SecretEvidence.log2(1.999999), 0.9999992786522993, accuracy: 1e-12)
        XCTAssertEqual(SecretEvidence.entropy(Array("Zf3D0LXCM3EIMbgJpUNnkRtOfOueHznB".utf8)), 4.6875, accuracy: 1e-12)
        XCTAssertEqual(SecretEvidence.entropy(Array("aaaa".utf8)), 0, accuracy: 1e-12)
    }

    /// Whether W301 is reported for `base`.
    func isUnpinned(_ base: String) -> Bool {
        diagnostics("mlenv: 1\nname: team\nbase: \(base)\ncuda: none\npython: \"3.11\"\n").contains {
            $0.code.id == "W301"
        }
    }

    func testMovingTagsWarn() {
        for base in [
            "python", "rocm/pytorch:latest", "tensorflow/tensorflow:latest-gpu",
            "tensorflow/tensorflow:latest-gpu-jupyter",
            "pytorch/pytorch:nightly", "tensorflow/tensorflow:nightly-gpu", "alpine:edge", "ubuntu:devel",
            "ubuntu:rolling",
            "debian:testing", "debian:unstable", "debian:sid", "node:lts", "corp/ml:main", "corp/ml:master",
            "corp/ml:dev",
            "corp/ml:develop", "corp/ml:LATEST", "corp/ml:stable", "corp/ml:canary",
        ] {
            XCTAssertTrue(isUnpinned(base), base)
        }
    }

    func testVersionedTagsThatContainChannelWordsDoNotWarn() {
        let digest = "@sha256:" + String(repeating: "ab", count: 32)
        for base in [
            "nvidia/cuda:12.4.1-devel-ubuntu22.04", "nvcr.io/nvidia/pytorch:23.10-py3", "python:3.11-slim",
            "corp/ml:latest" + digest, "python" + digest, "corp/ml:nightly-20240101", "corp/ml:nightly-2024-01-15",
            "corp/ml:main-3f2a1b9", "corp/ml:dev-2024.01", "corp/ml:1.2-stable", "corp/ml:v2-latest",
            "corp/ml:edge-1.4",
            "corp/ml:latestfix", "corp/ml:development",
        ] {
            XCTAssertFalse(isUnpinned(base), base)
        }
    }

    func testTheUnpinnedBaseMessageNamesTheTag() {
        let found = diagnostics("mlenv: 1\nname: team\nbase: pytorch/pytorch:nightly\npython: \"3.11\"\n").filter {
            $0.code.id == "W301"
        }
        XCTAssertTrue(found.first?.message.contains("`nightly`") == true, found.first?.message ?? "")
    }
}
