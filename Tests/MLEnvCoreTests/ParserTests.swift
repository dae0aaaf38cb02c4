import XCTest

@testable import MLEnvCore

final class ParserTests: XCTestCase {
    func testImageReferences() {
        let valid = [
            "nvcr.io/nvidia/pytorch:23.10-py3", "python:3.11-slim", "nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04",
            "localhost:5000/team/img", "registry.corp/ml/base:2024.1", "ubuntu",
            "python@sha256:" + String(repeating: "a", count: 64), "a__b/c-d.e:tag_1.0",
        ]
        for text in valid { XCTAssertNotNil(ImageReference(parsing: text), text) }
        let invalid = [
            "", "NVCR.io/Nvidia/x", "python:", ":tag", "a//b", "img:tag with space", "img;rm -rf /",
            "-img", "img:-tag", "python@sha256:short", "img:" + String(repeating: "t", count: 129), "a/b\n",
        ]
        for text in invalid { XCTAssertNil(ImageReference(parsing: text), text) }
        let parsed = ImageReference(parsing: "nvcr.io/nvidia/pytorch:23.10-py3")
        XCTAssertEqual(parsed?.registry, "nvcr.io")
        XCTAssertEqual(parsed?.repository, "nvidia/pytorch")
        XCTAssertEqual(parsed?.tag, "23.10-py3")
        XCTAssertEqual(ImageReference(parsing: "python:3.11")?.canonicalRepository, "docker.io/library/python")
    }

    func testPEP508Requirements() {
        let valid = [
            "numpy", "numpy<2", "numpy >= 1.24, < 2", "transformers[torch]==4.35.2", "A.B-C_D~=1.4.2",
            "pkg[a,b] (>=1.0)", "torch==2.1.*", "x===1.0", "requests[security] ; python_version < \"3.11\"",
            "pkg @ https://example.org/pkg-1.0-py3-none-any.whl",
            "pkg @ https://example.org/p.whl ; sys_platform == 'linux' and (python_version >= '3.9' or extra == 'x')",
            "name; os_name not in 'nt posix'", "dep[]",
        ]
        for text in valid {
            if case .failure(let error) = RequirementParser.parse(text) { XCTFail("\(text): \(error.message)") }
        }
        let invalid = [
            "numpy; rm -rf /", "--index-url https://x", "-e .", "numpy==", "numpy=1.0", "numpy<<2", "pkg[",
            "pkg @ notaurl",
            "pkg @ https://x/p.whl; python_version<'3'", "numpy>=1.0.*", "torch==2.*.1", "_bad", "bad-", "numpy $(id)",
            "numpy`id`", "x; python_version <", "x; unknown_var == '1'", "x; python_version == '3", "",
        ]
        for text in invalid {
            if case .success = RequirementParser.parse(text) { XCTFail("accepted: \(text)") }
        }
        XCTAssertEqual(try RequirementParser.parse("Foo_Bar.baz>=1").get().normalizedName, "foo-bar-baz")
    }

    func testAptPackages() {
        XCTAssertEqual(NodeDecoder.aptPackage("git")?.argument, "git")
        XCTAssertEqual(NodeDecoder.aptPackage("git=1:2.34.1-1ubuntu1.10")?.version, "1:2.34.1-1ubuntu1.10")
        XCTAssertEqual(NodeDecoder.aptPackage("libstdc++6")?.name, "libstdc++6")
        XCTAssertEqual(NodeDecoder.aptPackage("libc6:amd64")?.name, "libc6:amd64")
        for bad in ["g", "Git", "git && curl x | sh", "git;ls", "-git", "git=", "git=abc", "git=1 2", "git\nls"] {
            XCTAssertNil(NodeDecoder.aptPackage(bad), bad)
        }
    }

    /// The parsers read UTF-8 bytes; what they accept and the parts they keep must be what the
    /// grammar says, non-ASCII text included.
    func testByteParsersKeepTheirPartsAndRefuseNonASCII() throws {
        let local = ImageReference(parsing: "localhost:5000/team/img")
        XCTAssertEqual(local?.registry, "localhost:5000")
        XCTAssertEqual(local?.repository, "team/img")
        XCTAssertNil(local?.tag)
        let digest = String(repeating: "ab", count: 32)
        let pinned = ImageReference(parsing: "nvcr.io/nvidia/pytorch:23.10-py3@sha256:\(digest)")
        XCTAssertEqual(pinned?.repository, "nvidia/pytorch")
        XCTAssertEqual(pinned?.tag, "23.10-py3")
        XCTAssertEqual(pinned?.digest, "sha256:\(digest)")
        XCTAssertEqual(ImageReference(parsing: "a__b/c-d.e:tag_1.0")?.repository, "a__b/c-d.e")
        XCTAssertEqual(
            ImageReference(parsing: "team/img")?.registry, nil, "no dot, colon or localhost: a path, not a registry")
        for bad in [
            "pythön:3.11", "python:3.11\u{301}", "nvcr.iö/nvidia/x",
            "python@sha256:\(String(repeating: "０", count: 32))",
            "host:99999/img", "-host.io/img",
        ] {
            XCTAssertNil(ImageReference(parsing: bad), bad)
        }

        let full = try RequirementParser.parse("  Requests[security, socks] >=2.31,<3 ; python_version < \"3.11\"  ")
            .get()
        XCTAssertEqual(full.normalizedName, "requests")
        XCTAssertEqual(full.extras, ["security", "socks"])
        XCTAssertEqual(full.specifiers.description, ">=2.31,<3")
        XCTAssertEqual(full.marker, "python_version < \"3.11\"")
        XCTAssertEqual(full.text, "Requests[security, socks] >=2.31,<3 ; python_version < \"3.11\"")
        XCTAssertEqual(
            try RequirementParser.parse("pkg @ https://example.org/p.whl").get().url, "https://example.org/p.whl")
        for bad in [
            "nümpy", "numpy\u{00A0}==1", "numpy==1.0é", "pkg @ https://example.org/ü.whl",
            "numpy; python_versiön < '3'",
            "numpy==１",
        ] {
            if case .success = RequirementParser.parse(bad) { XCTFail("accepted: \(bad)") }
        }

        for bad in ["gït", "git=1.0é", "git:amd6４"] { XCTAssertNil(NodeDecoder.aptPackage(bad), bad) }

        let volumes = [
            "./data:/workspace/data:ro": "ok", "/scratch:/scratch": "ok", "cache:/cache": "ok", "./my data:/data": "ok",
            "my data/x:/data": "E110",
            "dätä:/data": "E110", "cache:/dätä": "E110", "my data:/data": "E110", "cache:/a/../b": "E110",
            "cache:/data:rö": "E110",
            "cache\u{3000}x:/data": "E110",
            // Split on bytes, as Docker does: a combining mark after `:` does not hide it.
            "./a:\u{301}b:/data": "E110",
        ]
        for (volume, expected) in volumes {
            let codes = diagnostics(minimalSpec + "gpus: none\nvolumes: [\"\(volume)\"]\n").filter {
                $0.severity == .error
            }.map(\.code.id)
            XCTAssertEqual(codes.first ?? "ok", expected, volume)
        }
    }

    func testDescriptionsAreFoldedAndBlankSetupCommandsRefused() {
        func description(_ yaml: String) -> String? {
            guard
                case .environment(let spec)? = MLEnv.load(
                    SourceFile(path: "s.yaml", text: minimalSpec + "description: \(yaml)\n")
                ).0
            else {
                XCTFail("not decoded: \(yaml)")
                return nil
            }
            return spec.description
        }
        XCTAssertEqual(description("\"Vision team: detection models\""), "Vision team: detection models")
        XCTAssertEqual(description("\" leading, double  and trailing \""), "leading, double and trailing")
        XCTAssertEqual(description("\"tab\\there\\nand a new line\""), "tab here and a new line")
        XCTAssertEqual(description("\"héllo  wörld\""), "héllo wörld")
        XCTAssertNil(description("\"   \""))
        for blank in ["\"   \"", "\"\\t\\n\"", "\"\\u3000\""] {
            let codes = diagnostics(minimalSpec + "setup: [\(blank)]\n").map(\.code.id)
            XCTAssertTrue(codes.contains("E122"), "\(blank): \(codes)")
        }
        for written in ["\\u3000ls", " \\u0301"] {
            XCTAssertFalse(
                diagnostics(minimalSpec + "setup: [\"\(written)\"]\n").map(\.code.id).contains("E122"), written)
        }
    }

    func testSizesAddressesAndVersions() {
        for good in ["16g", "512m", "16gb", "1.5G", "64k", "1024", "1.3m"] {
            XCTAssertNotNil(MemorySize(parsing: good), good)
        }
        for bad in ["lots", "16 g", "g", "0", "-1g", "1.2.3g", "16gib", "1.5"] {
            XCTAssertNil(MemorySize(parsing: bad), bad)
        }
        for good in ["127.0.0.1", "0.0.0.0", "::1", "::", "fe80::1", "2001:db8::8a2e:370:7334", "::ffff:10.0.0.1"] {
            XCTAssertTrue(IPAddress.isValid(good), good)
        }
        for bad in ["localhost", "256.0.0.1", "1.2.3", "01.2.3.4", ":::", "1::2::3", "127.0.0.1 ", "g::1"] {
            XCTAssertFalse(IPAddress.isValid(bad), bad)
        }
        for good in ["2.1", "2.1.0", "2", "2.1.0a0+32f93b1", "1.13.0rc1", "2.1.0.post1"] {
            XCTAssertTrue(NodeDecoder.isReleaseVersion(good), good)
        }
        for bad in ["", "latest", "2..1", "v2.1", "2.1 ", "2.1;x"] {
            XCTAssertFalse(NodeDecoder.isReleaseVersion(bad), bad)
        }
    }

    func testEditDistanceSuggestions() {
        XCTAssertEqual(EditDistance.distance("pyhton", "python"), 1)
        XCTAssertEqual(EditDistance.closest(to: "pyhton", among: ["python", "packages"]), "python")
        XCTAssertEqual(EditDistance.closest(to: "gpu", among: ["gpus", "cuda"]), "gpus")
        XCTAssertNil(EditDistance.closest(to: "zzzzzz", among: ["python", "packages"]))
    }

    func testSHA256MatchesNISTVectors() {
        XCTAssertEqual(SHA256.hex([]), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(
            SHA256.hex(Array("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(
            SHA256.hex(Array(repeating: UInt8(ascii: "a"), count: 1_000_000)),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testSpecPaths() {
        XCTAssertEqual(SpecPaths.folder(of: "specs/a.yaml"), "specs")
        XCTAssertEqual(SpecPaths.folder(of: "a.yaml"), ".")
        XCTAssertEqual(SpecPaths.resolve("certs/ca.pem", relativeTo: "specs/a.yaml"), "specs/certs/ca.pem")
        XCTAssertEqual(SpecPaths.resolve("../x", relativeTo: "a.yaml"), "../x")
        XCTAssertEqual(SpecPaths.normalize("/a/./b/../c"), "/a/c")
        XCTAssertEqual(SpecPaths.relativePath(from: "/work/out/vision", to: "/work/specs"), "../../specs")
        XCTAssertEqual(SpecPaths.relativePath(from: "/work/specs", to: "/work/specs"), ".")
        XCTAssertEqual(SpecPaths.relativePath(from: "/w", to: "/w/specs/team"), "specs/team")
        XCTAssertNil(SpecPaths.relativePath(from: "out", to: "/abs"))
    }

    func testBaseImageTraitsFromTags() {
        let cuda = BaseImageTraits.of(ImageReference(parsing: "nvidia/cuda:12.2.2-cudnn8-devel-ubuntu22.04")!)
        XCTAssertEqual(cuda.family, .cuda)
        XCTAssertEqual(cuda.shipsPython, false)
        XCTAssertEqual(cuda.cudaFromTag, "12.2.2")
        XCTAssertEqual(cuda.cudaFlavor, "devel")
        XCTAssertEqual(cuda.operatingSystem, "ubuntu22.04")
        let python = BaseImageTraits.of(ImageReference(parsing: "python:3.11.7-slim-bookworm")!)
        XCTAssertEqual(python.pythonFromTag, "3.11")
        XCTAssertEqual(python.usesApt, true)
        XCTAssertEqual(BaseImageTraits.of(ImageReference(parsing: "python:3.12-alpine")!).usesApt, false)
        XCTAssertEqual(
            BaseImageTraits.of(ImageReference(parsing: "nvcr.io/nvidia/tensorflow:23.10-tf2-py3")!).framework,
            .tensorflow)
        XCTAssertEqual(BaseImageTraits.of(ImageReference(parsing: "corp/x:1")!).family, .unknown)
    }
}
