import Foundation
import XCTest

@testable import MLEnvCore

/// What a built image recorded, read back into the lock, and compared with it.
final class ImageRecordTests: XCTestCase {
    static let idnaHash = "946d195a0d259cbba61165e88e65941f16e9b36ea6ddb97f00452bae8b1287d3"
    static let tinyHash = String(repeating: "ab", count: 32)
    static let commit = "c0ffee0c0ffee0c0ffee0c0ffee0c0ffee0c0ffe"

    /// A report as pip writes one (fields from pip's "Installation Report" reference): an index
    /// wheel with `hashes` (pip 23.1 and newer), one with only the older `hash`, a VCS
    /// requirement, and a README with characters outside the BMP, which Python's json writes
    /// as surrogate pairs.
    static let report = #"""
        {
          "version": "1",
          "pip_version": "23.2.1",
          "install": [
            {
              "download_info": {
                "url": "https://files.pythonhosted.org/packages/c2/e7/idna-3.6-py3-none-any.whl",
                "archive_info": {"hash": "sha256=\#(idnaHash)", "hashes": {"sha256": "\#(idnaHash)"}}
              },
              "is_direct": false, "is_yanked": false, "requested": true,
              "metadata": {"metadata_version": "2.1", "name": "idna", "version": "3.6",
                           "description": "Internationalized \ud83c\udf10 domain names \u00e9\/"}
            },
            {
              "download_info": {"url": "http://127.0.0.1:8081/tiny/Tiny_Pkg-1.0.tar.gz",
                                "archive_info": {"hash": "sha256=\#(tinyHash)"}},
              "is_direct": false, "requested": false,
              "metadata": {"name": "Tiny_Pkg", "version": "1.0"}
            },
            {
              "download_info": {"url": "https://github.com/huggingface/peft",
                                "vcs_info": {"vcs": "git", "requested_revision": "main", "commit_id": "\#(commit)"}},
              "is_direct": true, "requested": true,
              "metadata": {"name": "peft", "version": "0.6.0.dev0"}
            }
          ],
          "environment": {"python_version": "3.10"}
        }
        """#

    func testJSONReaderReadsWhatPythonWrites() throws {
        let value = try JSONReader.read(Array(Self.report.utf8)).get()
        let description = value["install"]?.array?[0]["metadata"]?["description"]?.string
        XCTAssertEqual(description, "Internationalized 🌐 domain names é/")
        XCTAssertEqual(
            try JSONReader.read(Array("[1, -2.5e3, true, null, {}]".utf8)).get(),
            .array([.number("1"), .number("-2.5e3"), .bool(true), .null, .object([])]))
        // Not JSON: the reader says where, and never crashes.
        for bad in ["{\"a\": }", "[1,", "\"\\x\"", "{\"a\" 1}", "01x", "\"\u{1}\"", "[] []", ""] {
            guard case .failure = JSONReader.read(Array(bad.utf8)) else { return XCTFail("read \(bad)") }
        }
        guard case .failure(let deep) = JSONReader.read(Array(String(repeating: "[", count: 500).utf8)) else {
            return XCTFail("500 levels")
        }
        XCTAssertEqual(deep.offset, 128)
    }

    func record(files: [String: String], baseInspect: String? = nil) -> ImageRecord {
        ImageRecord.read(
            image: Array(#"[{"Id": "sha256:1111", "RepoDigests": []}]"#.utf8),
            base: Array(
                (baseInspect
                    ?? #"[{"Id": "sha256:2222", "RepoDigests": ["other.io/python@sha256:9999", "127.0.0.1:5000/python@sha256:3333"]}]"#)
                    .utf8),
            baseReference: ImageReference(parsing: "127.0.0.1:5000/python:3.11-slim")!,
            files: files.mapValues { Array($0.utf8) }, expectsPip: true)
    }

    func testTheRecordHoldsWhatTheBuildInstalled() {
        let later =
            #"{"version": "1", "install": [{"download_info": {"url": "http://x/idna-3.7.whl", "archive_info": {"hashes": {"sha256": "77"}}}, "metadata": {"name": "idna", "version": "3.7"}}]}"#
        let record = record(files: [
            "pip-report-1.json": Self.report,
            "pip-report-2.json": later,
            "apt-base.txt": "ii libc6=2.36-9\nii bash=5.2.15-2\n",
            "apt.txt": "ii libc6=2.36-9\nii bash=5.2.15-2\nii git=1:2.39.2-1.1\nii zlib1g:amd64=1:1.2.13\nrc old=1.0\n",
        ])
        XCTAssertEqual(record.imageID, "sha256:1111")
        XCTAssertEqual(record.baseDigest, "sha256:3333", "the digest of the base's own repository")
        // The second run's idna replaces the first's, as its install did; names are PEP 503's.
        XCTAssertEqual(
            record.python.map(\.line),
            [
                "idna==3.7 --hash=sha256:77",
                "peft @ git+https://github.com/huggingface/peft@\(Self.commit)  # 0.6.0.dev0",
                "tiny-pkg==1.0 --hash=sha256:\(Self.tinyHash)",
            ])
        XCTAssertEqual(record.apt, ["git=1:2.39.2-1.1", "zlib1g:amd64=1:1.2.13"])
        XCTAssertEqual(record.missing, [])
        // Every line reads back as the distribution it was written from.
        XCTAssertEqual(
            record.python.map(\.line).compactMap(LockedDistribution.init(line:)).map(\.line), record.python.map(\.line))
    }

    /// An image built FROM a digest names it in its label; the tag need not be on the engine.
    func testALockedBuildsBaseDigestComesFromItsLabel() {
        let digest = "sha256:" + String(repeating: "6", count: 64)
        let record = ImageRecord.read(
            image: Array(
                #"[{"Id": "sha256:1", "Config": {"Labels": {"org.opencontainers.image.base.digest": "\#(digest)"}}}]"#
                    .utf8),
            base: nil, baseReference: ImageReference(parsing: "127.0.0.1:5000/python:3.11-slim")!, files: [:],
            expectsPip: false)
        XCTAssertEqual(record.baseDigest, digest)
        XCTAssertEqual(record.missing, [])
    }

    func testTheRecordSaysWhatItCouldNotRecord() {
        let local =
            #"{"install": [{"download_info": {"url": "file:///src", "dir_info": {}}, "metadata": {"name": "mine", "version": "0.1"}}, {"download_info": {"url": "http://x/a.whl", "archive_info": {}}, "metadata": {"name": "a", "version": "1"}}]}"#
        let record = record(
            files: ["pip-report-1.json": local, "apt.txt": "ii git=1\n"], baseInspect: #"[{"Id": "x"}]"#)
        XCTAssertEqual(
            record.missing,
            [
                "the base image 127.0.0.1:5000/python:3.11-slim has no registry digest here (built locally, or not pulled from a registry)",
                "mine 0.1 was installed from a local folder, which a lock cannot pin",
                "no sha256 for a 1 in pip's report",
                "the image has no apt-base.txt: every package is listed, the base's too",
            ])
        let old = self.record(files: [:])
        XCTAssertTrue(old.missing.contains { $0.contains("no pip installation report") }, "\(old.missing)")
        let broken = self.record(files: ["pip-report-1.json": "{\"install\": ["])
        XCTAssertTrue(broken.missing.contains { $0.hasPrefix("pip-report-1.json is not JSON") }, "\(broken.missing)")
    }

    func lock() -> LockFile {
        let source = SourceFile(
            path: "specs/t.yaml", text: "mlenv: 1\nname: t\nbase: python:3.11-slim\npackages: {pip: [\"idna\"]}\n")
        let environment = MLEnv.check([source], files: InMemoryFiles()).environments[0]
        return LockFile.make(environment, specBytes: source.bytes, catalog: CatalogLoader.builtIn)
    }

    func testAFullLockRoundTripsAndAnOldOneSaysWhatItLacks() throws {
        let old = lock()
        XCTAssertEqual(old.lacks.count, 1)
        XCTAssertTrue(old.lacks[0].contains("the spec's intent only"))
        let full = old.recording(
            record(files: ["pip-report-1.json": Self.report, "apt-base.txt": "", "apt.txt": "ii git=1:2.39\n"]))
        XCTAssertEqual(full.lacks, [])
        let text = full.render()
        XCTAssertTrue(text.contains("base_digest: \"sha256:3333\"") || text.contains("base_digest: sha256:3333"), text)
        XCTAssertTrue(text.contains("  apt:\n    - \"git=1:2.39\"\n"), text)
        let (parsed, problems) = LockFile.parse(SourceFile(path: "specs/t.mlenv.lock", text: text))
        XCTAssertEqual(problems, [])
        XCTAssertEqual(parsed, full)
        XCTAssertEqual(parsed?.render(), text, "byte-stable")
        XCTAssertEqual(Seal.verdict(Array(text.utf8)), .intact)
    }

    func testDifferencesNameWhatDrifted() throws {
        let full = lock().recording(
            record(files: ["pip-report-1.json": Self.report, "apt-base.txt": "", "apt.txt": "ii git=1\nii curl=7\n"]))
        XCTAssertEqual(
            full.differences(
                from: record(files: [
                    "pip-report-1.json": Self.report, "apt-base.txt": "", "apt.txt": "ii git=1\nii curl=7\n",
                ])), [])
        let drifted = Self.report.replacingOccurrences(of: "\"version\": \"1.0\"", with: "\"version\": \"1.1\"")
        let other = record(
            files: ["pip-report-1.json": drifted, "apt-base.txt": "", "apt.txt": "ii git=2\nii wget=1\n"],
            baseInspect: #"[{"RepoDigests": ["127.0.0.1:5000/python@sha256:4444"]}]"#)
        XCTAssertEqual(
            full.differences(from: other),
            [
                "base python:3.11-slim: locked sha256:3333, the image's base is sha256:4444",
                "python: tiny-pkg locked 1.0, the image has 1.1",
                "apt: curl 7 is locked but not in the image",
                "apt: git locked 1, the image has 2",
                "apt: wget 1 is in the image but not locked",
            ])
        XCTAssertNil(lock().differences(from: other), "a lock of the intent only has no build to compare")
    }

    func testIntentDifferencesNameTheRequirement() {
        var before = lock()
        before.pip = ["idna==3.6", "numpy"]
        XCTAssertEqual(
            before.intentDifferences(from: lock()),
            [
                "requirement removed or changed: idna==3.6", "requirement removed or changed: numpy",
                "requirement added or changed: idna",
            ])
        XCTAssertEqual(lock().intentDifferences(from: lock()), [])
    }
}
