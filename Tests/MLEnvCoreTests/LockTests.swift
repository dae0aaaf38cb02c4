import Foundation
import XCTest

@testable import MLEnvCore

/// The review team's tools: lock files, building from them, and catching drift.
final class LockTests: XCTestCase {
    let autoSpec =
        "mlenv: 1\nname: t\nbase: auto\nframework: {name: pytorch, version: \"2.1\"}\npython: \"3.10\"\ncuda: \"12.2\"\n"
    let pipSpec =
        "mlenv: 1\nname: t\nbase: nvidia/cuda:12.1.1-runtime-ubuntu22.04\npython: \"3.10\"\nframework: {name: pytorch, version: \"2.1\"}\n"

    func lock(_ text: String, path: String = "specs/t.yaml") -> SourceFile {
        let source = SourceFile(path: path, text: text)
        let environment = MLEnv.check([source], files: InMemoryFiles()).environments[0]
        let lock = LockFile.make(environment, specBytes: source.bytes, catalog: CatalogLoader.builtIn)
        return SourceFile(path: LockFile.path(forSpec: path), text: lock.render())
    }

    func testLockRoundTripsAndRecordsTheResolvedEnvironment() throws {
        let file = lock(autoSpec)
        XCTAssertEqual(file.path, "specs/t.mlenv.lock")
        let (parsed, problems) = LockFile.parse(file)
        XCTAssertEqual(problems, [])
        let lock = try XCTUnwrap(parsed)
        XCTAssertEqual(lock.base, "nvcr.io/nvidia/pytorch:23.10-py3")
        XCTAssertEqual(lock.python, "3.10")
        XCTAssertEqual(lock.cuda, "12.2")
        XCTAssertEqual(lock.frameworkVersion, "2.1.0a0+32f93b1")
        XCTAssertEqual(lock.specSHA256, SHA256.hex(Array(autoSpec.utf8)))
        XCTAssertEqual(lock.catalogSHA256, CatalogLoader.builtIn.fingerprint)
        XCTAssertEqual(lock.render(), String(decoding: file.bytes, as: UTF8.self), "render is deterministic")
        XCTAssertEqual(LockFile.path(forSpec: "vision.yml"), "vision.mlenv.lock")
    }

    func testTheRulesCheckTheLockedEnvironment() throws {
        // A lock made when the catalog chose another image (or edited since): the rules judge the
        // image the Dockerfile builds, not the one a fresh `base: auto` would choose.
        let spec = SourceFile(path: "specs/t.yaml", text: autoSpec)
        var recorded = try XCTUnwrap(LockFile.parse(lock(autoSpec)).0)
        recorded.base = "nvcr.io/nvidia/pytorch:24.05-py3"
        let lockFile = SourceFile(path: "specs/t.mlenv.lock", text: recorded.render())
        let result = MLEnv.generate(
            spec, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles(), lock: lockFile, locked: true)
        XCTAssertTrue(
            result.diagnostics.contains { $0.code.id == "E203" && $0.location.line == 6 },
            "\(triples(result.diagnostics))")
        XCTAssertEqual(result.outputs, [], "an image that breaks the spec is not built")
        let resolved = Resolver.resolve(
            try XCTUnwrap(
                MLEnv.load(spec).0.flatMap { file -> EnvironmentSpec? in
                    if case .environment(let spec) = file { return spec }
                    return nil
                }), catalog: CatalogLoader.builtIn, host: nil, lock: recorded
        ).0
        XCTAssertEqual(resolved?.image.description, "nvcr.io/nvidia/pytorch:24.05-py3")
        XCTAssertEqual(resolved?.choice, "locked in t.yaml")
    }

    /// `base: auto` chose nvidia/cuda and Ubuntu 24.04's own Python for a spec without `python:`:
    /// the lock records that Python, and `generate --locked` installs it (no E128).
    func testALockedNVIDIACUDAChoiceKeepsItsPython() throws {
        let text = "mlenv: 1\nname: t\nbase: auto\nframework: {name: jax, version: \"0.5\"}\n"
        let file = lock(text)
        let recorded = try XCTUnwrap(LockFile.parse(file).0)
        XCTAssertEqual(recorded.base, "nvidia/cuda:12.9.1-runtime-ubuntu24.04")
        XCTAssertEqual(recorded.python, "3.12")
        let result = MLEnv.generate(
            SourceFile(path: "specs/t.yaml", text: text), outputDirectory: "out", workingDirectory: "/w",
            files: InMemoryFiles(), lock: file, locked: true)
        XCTAssertFalse(result.diagnostics.containsErrors, "\(triples(result.diagnostics))")
        let dockerfile = try XCTUnwrap(result.outputs.first { $0.path.hasSuffix("Dockerfile") })
        guard case .text(let text) = dockerfile.contents else { return XCTFail("a generated Dockerfile") }
        XCTAssertTrue(text.contains("python3.12 -m venv"), "the locked Python")
    }

    func testGenerateBuildsFromTheLock() {
        let spec = SourceFile(path: "specs/t.yaml", text: pipSpec)
        let unlocked = MLEnv.generate(spec, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles())
        let locked = MLEnv.generate(
            spec, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles(), lock: lock(pipSpec),
            locked: true)
        XCTAssertEqual(locked.diagnostics.filter { $0.severity != .warning }.count, 0, "\(triples(locked.diagnostics))")
        let before = unlocked.outputs[0].text ?? ""
        let after = locked.outputs[0].text ?? ""
        XCTAssertTrue(before.contains("'torch==2.1.*'"), before)
        XCTAssertTrue(after.contains("torch==2.1.2 --index-url https://download.pytorch.org/whl/cu121"), after)
        XCTAssertTrue(
            after.hasPrefix("# Generated by mlenv \(MLEnv.version) from t.yaml and t.mlenv.lock (inputs sha256 "), after
        )
        XCTAssertTrue(after.contains("# mlenv-spec: ../specs/t.yaml\n"), after)
    }

    /// `generate --locked` from a lock that records a build: the base by digest, every
    /// distribution by hash without resolving again, apt at the recorded versions.
    func testLockedGenerateRebuildsWhatTheLockRecorded() throws {
        let text =
            pipSpec + "packages: {apt: [git], pip: [\"idna>=3\", \"peft @ git+https://github.com/huggingface/peft\"]}\n"
        let spec = SourceFile(path: "specs/t.yaml", text: text)
        let intent = try XCTUnwrap(LockFile.parse(lock(text)).0)
        let digest = "sha256:" + String(repeating: "5", count: 64)
        let record = ImageRecord(
            baseDigest: digest, imageID: "sha256:1",
            python: [
                LockedDistribution(name: "idna", version: "3.6", sha256: String(repeating: "a", count: 64)),
                LockedDistribution(
                    name: "peft", version: "0.6.0", sha256: nil, url: "git+https://github.com/huggingface/peft@abc123",
                    commit: "abc123"),
                LockedDistribution(name: "torch", version: "2.1.2+cu121", sha256: String(repeating: "b", count: 64)),
            ], apt: ["git=1:2.34.1-1ubuntu1.10", "liberror-perl=0.17029-1"], missing: [])
        let full = SourceFile(path: "specs/t.mlenv.lock", text: intent.recording(record).render())
        let generated = MLEnv.generate(
            spec, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles(), lock: full, locked: true)
        XCTAssertFalse(generated.diagnostics.containsErrors, "\(triples(generated.diagnostics))")
        let dockerfile = try XCTUnwrap(generated.outputs.first { $0.path == "Dockerfile" }?.text)
        XCTAssertTrue(
            dockerfile.contains(
                "# The base by the digest the lock recorded; its tag was nvidia/cuda:12.1.1-runtime-ubuntu22.04.\nFROM nvidia/cuda@\(digest)\n"
            ), dockerfile)
        XCTAssertTrue(
            dockerfile.contains("org.opencontainers.image.base.name=\"nvidia/cuda:12.1.1-runtime-ubuntu22.04\""))
        XCTAssertTrue(dockerfile.contains("org.opencontainers.image.base.digest=\"\(digest)\""))
        XCTAssertTrue(
            dockerfile.contains(
                "python3 -m pip install --extra-index-url https://download.pytorch.org/whl/cu121 --require-hashes --no-deps -r /tmp/mlenv/requirements.lock.txt\n"
            ), dockerfile)
        XCTAssertTrue(
            dockerfile.contains(
                "PIP_REPORT=/opt/mlenv/pip-report-2.json python3 -m pip install --extra-index-url https://download.pytorch.org/whl/cu121 --no-deps 'peft @ git+https://github.com/huggingface/peft@abc123'\n"
            ), dockerfile)
        XCTAssertFalse(dockerfile.contains("torch==2.1.*"), "the framework is in the lock's list, not resolved again")
        XCTAssertFalse(dockerfile.contains("requirements.txt"), dockerfile)
        XCTAssertTrue(dockerfile.contains("--no-install-recommends git=1:2.34.1-1ubuntu1.10 liberror-perl=0.17029-1"))
        XCTAssertTrue(dockerfile.contains("these locked apt versions are no longer in the archive"))
        let requirements = try XCTUnwrap(generated.outputs.first { $0.path == "requirements.lock.txt" }?.text)
        XCTAssertTrue(
            requirements.contains(
                "\nidna==3.6 --hash=sha256:\(String(repeating: "a", count: 64))\ntorch==2.1.2+cu121 --hash=sha256:"),
            requirements)
        // The real linter has nothing to say, as on every other generated Dockerfile.
        if (try? requiredTool("hadolint")) != nil {
            XCTAssertEqual(try hadolintFindings(dockerfile).map(\.code), [])
        }
        // Without --locked, or from a lock of the intent only, the build resolves as before.
        let plain = MLEnv.generate(
            spec, outputDirectory: "out", workingDirectory: "/w", files: InMemoryFiles(), lock: full)
        XCTAssertTrue(plain.outputs[0].text?.contains("FROM nvidia/cuda:12.1.1-runtime-ubuntu22.04\n") == true)
    }

    func testStaleAndMissingLocks() {
        let stale = lock(pipSpec)
        let changed = SourceFile(path: "specs/t.yaml", text: pipSpec + "gpus: 1\n")
        let relaxed = MLEnv.generate(
            changed, outputDirectory: "o", workingDirectory: "/w", files: InMemoryFiles(), lock: stale)
        XCTAssertTrue(triples(relaxed.diagnostics).contains("W150@1:1"))
        XCTAssertFalse(relaxed.outputs.isEmpty)
        XCTAssertTrue(relaxed.outputs[0].text?.contains("'torch==2.1.*'") == true, "a stale lock is ignored")
        let strict = MLEnv.generate(
            changed, outputDirectory: "o", workingDirectory: "/w", files: InMemoryFiles(), lock: stale, locked: true)
        XCTAssertTrue(triples(strict.diagnostics).contains("E150@1:1"))
        XCTAssertEqual(strict.outputs, [])
        XCTAssertEqual(strict.diagnostics.first { $0.code == .lockMismatch }?.notes.first?.file, "specs/t.mlenv.lock")
        let none = MLEnv.generate(
            changed, outputDirectory: "o", workingDirectory: "/w", files: InMemoryFiles(), locked: true)
        XCTAssertTrue(triples(none.diagnostics).contains("E151@1:1"))
        let broken = MLEnv.generate(
            changed, outputDirectory: "o", workingDirectory: "/w", files: InMemoryFiles(),
            lock: SourceFile(path: "specs/t.mlenv.lock", text: "mlenv-lock: 1\nspec: t.yaml\n"))
        XCTAssertTrue(triples(broken.diagnostics).contains("E152@1:1"), "\(triples(broken.diagnostics))")
        XCTAssertEqual(broken.outputs, [])
    }

    /// Found by the `lock` fuzz target: a `framework:` without `name:` was read, and its version
    /// then silently dropped when the lock was written again (and never used: the resolver
    /// matches the locked version by name). Such a lock cannot be read.
    func testAFrameworkWithoutANameIsAnInvalidLock() {
        let text = """
            mlenv-lock: 1
            spec: t.yaml
            spec_sha256: abc
            mlenv: "0.9"
            catalog_sha256: def
            base: python:3.11-slim
            framework:
              version: 2.4.0

            """
        let (lock, problems) = LockFile.parse(SourceFile(path: "specs/t.mlenv.lock", text: text))
        XCTAssertNil(lock)
        XCTAssertEqual(triples(problems), ["E152@8:3", "E152@1:1"])
    }

    func testOutputIsByteIdenticalAcrossRunsAndFolders() {
        let a = MLEnv.generate(
            SourceFile(path: "specs/t.yaml", text: autoSpec), outputDirectory: "out/t", workingDirectory: "/a",
            files: InMemoryFiles(), lock: lock(autoSpec))
        let b = MLEnv.generate(
            SourceFile(path: "/b/repo/specs/t.yaml", text: autoSpec), outputDirectory: "/b/repo/out/t",
            workingDirectory: "/",
            files: InMemoryFiles(), lock: lock(autoSpec, path: "/b/repo/specs/t.yaml"))
        XCTAssertEqual(a.outputs, b.outputs)
    }
}
