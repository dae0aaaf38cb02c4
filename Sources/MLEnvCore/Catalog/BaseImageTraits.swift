/// What mlenv knows about a base image from its name alone: enough to decide what the
/// Dockerfile must install on top. Unknown facts stay nil and never cause errors.
public struct BaseImageTraits: Sendable, Equatable {
    /// The image families mlenv recognises.
    public enum Family: String, Sendable {
        /// `nvcr.io/nvidia/pytorch:YY.MM-py3`: NVIDIA's PyTorch build, Python and JupyterLab.
        case ngcPyTorch = "NGC PyTorch"
        /// `nvcr.io/nvidia/tensorflow:YY.MM-tf2-py3`: NVIDIA's TensorFlow build, Python and JupyterLab.
        case ngcTensorFlow = "NGC TensorFlow"
        /// `nvidia/cuda:X.Y.Z-[cudnnN-](base|runtime|devel)-OS`: CUDA on a bare OS, no Python.
        case cuda = "NVIDIA CUDA"
        /// `python:3.11-slim` and friends: Debian with CPython, no CUDA.
        case python = "Python"
        /// `ubuntu:22.04`: the bare OS, no Python.
        case ubuntu = "Ubuntu"
        /// `debian:12-slim`: the bare OS, no Python.
        case debian = "Debian"
        /// Anything else.
        case unknown = "unknown"
    }

    /// Which family the image belongs to.
    public var family: Family
    /// Whether `python3` and pip are present; nil when not known.
    public var shipsPython: Bool?
    /// The Python version the tag names (`python:3.11-slim`), when it names one.
    public var pythonFromTag: String?
    /// Whether JupyterLab is already installed.
    public var shipsJupyter: Bool
    /// The framework built into the image, whose pip distributions must not be reinstalled.
    public var framework: FrameworkName?
    /// The operating system named by the tag (`ubuntu22.04`, `bookworm`), when it names one.
    public var operatingSystem: String?
    /// Whether the image's package manager is apt; nil when not known.
    public var usesApt: Bool?
    /// The CUDA version the tag names (`nvidia/cuda:12.2.2-...`).
    public var cudaFromTag: String?
    /// For `nvidia/cuda`: which flavour (`base`, `runtime`, `devel`).
    public var cudaFlavor: String?

    /// What the tag says about an image reference.
    public static func of(_ image: ImageReference) -> BaseImageTraits {
        let repository = image.canonicalRepository
        let tag = image.tag ?? "latest"
        switch repository {
        case "nvcr.io/nvidia/pytorch":
            return BaseImageTraits(
                family: .ngcPyTorch, shipsPython: true, shipsJupyter: true, framework: .pytorch,
                operatingSystem: nil, usesApt: true)
        case "nvcr.io/nvidia/tensorflow":
            return BaseImageTraits(
                family: .ngcTensorFlow, shipsPython: true, shipsJupyter: true, framework: .tensorflow,
                operatingSystem: nil, usesApt: true)
        case "docker.io/nvidia/cuda", "nvcr.io/nvidia/cuda":
            return cudaTraits(tag: tag)
        case "docker.io/library/python":
            return pythonTraits(tag: tag)
        case "docker.io/library/ubuntu":
            let release = tag.split(separator: "-").first.map(String.init) ?? tag
            let codenames = ["bionic": "18.04", "focal": "20.04", "jammy": "22.04", "noble": "24.04"]
            let version = codenames[release] ?? (NodeDecoder.isDottedVersion(release, parts: 2...2) ? release : nil)
            return BaseImageTraits(
                family: .ubuntu, shipsPython: false, shipsJupyter: false,
                operatingSystem: version.map { "ubuntu\($0)" }, usesApt: true)
        case "docker.io/library/debian":
            let release = tag.split(separator: "-").first.map(String.init) ?? tag
            let codenames = ["buster": "10", "bullseye": "11", "bookworm": "12", "trixie": "13"]
            let version = codenames[release] ?? (release.allSatisfy(\.isASCIIDigit) && !release.isEmpty ? release : nil)
            return BaseImageTraits(
                family: .debian, shipsPython: false, shipsJupyter: false,
                operatingSystem: version.map { "debian\($0)" }, usesApt: true)
        default:
            return BaseImageTraits(family: .unknown, shipsPython: nil, shipsJupyter: false)
        }
    }

    init(
        family: Family, shipsPython: Bool?, pythonFromTag: String? = nil, shipsJupyter: Bool,
        framework: FrameworkName? = nil, operatingSystem: String? = nil, usesApt: Bool? = nil,
        cudaFromTag: String? = nil, cudaFlavor: String? = nil
    ) {
        self.family = family
        self.shipsPython = shipsPython
        self.pythonFromTag = pythonFromTag
        self.shipsJupyter = shipsJupyter
        self.framework = framework
        self.operatingSystem = operatingSystem
        self.usesApt = usesApt
        self.cudaFromTag = cudaFromTag
        self.cudaFlavor = cudaFlavor
    }

    /// `12.2.2-cudnn8-devel-ubuntu22.04`, `12.4.1-runtime-rockylinux9`, `11.8.0-base-ubi8`.
    static func cudaTraits(tag: String) -> BaseImageTraits {
        let parts = tag.split(separator: "-").map(String.init)
        let version = parts.first.flatMap { NodeDecoder.isDottedVersion($0, parts: 2...3) ? $0 : nil }
        let flavor = parts.first { ["base", "runtime", "devel"].contains($0) }
        let os = parts.count > 1 ? parts.last : nil
        var usesApt: Bool?
        if let os {
            if os.hasPrefix("ubuntu") {
                usesApt = true
            } else if os.hasPrefix("rockylinux") || os.hasPrefix("ubi") || os.hasPrefix("centos")
                || os.hasPrefix("oraclelinux")
            {
                usesApt = false
            }
        }
        return BaseImageTraits(
            family: .cuda, shipsPython: false, shipsJupyter: false, operatingSystem: os,
            usesApt: usesApt, cudaFromTag: version, cudaFlavor: flavor)
    }

    /// `3.11`, `3.11-slim`, `3.11.7-slim-bookworm`, `3.12-alpine`.
    static func pythonTraits(tag: String) -> BaseImageTraits {
        let parts = tag.split(separator: "-").map(String.init)
        var python: String?
        if let first = parts.first, NodeDecoder.isDottedVersion(first, parts: 2...3) {
            python = first.split(separator: ".").prefix(2).joined(separator: ".")
        }
        let alpine = parts.contains { $0.hasPrefix("alpine") }
        let windows = parts.contains { $0.hasPrefix("windowsservercore") || $0.hasPrefix("nanoserver") }
        let os = parts.dropFirst().last { !["slim"].contains($0) }
        return BaseImageTraits(
            family: .python, shipsPython: true, pythonFromTag: python, shipsJupyter: false,
            operatingSystem: os, usesApt: alpine || windows ? false : true)
    }

    /// Debian's own python3 (from Debian's package archive: buster 3.7, bullseye 3.9,
    /// bookworm 3.11, trixie 3.13). Debian has no PPA for other versions.
    public static func debianPython(_ operatingSystem: String?) -> String? {
        switch operatingSystem {
        case "debian10": "3.7"
        case "debian11": "3.9"
        case "debian12": "3.11"
        case "debian13": "3.13"
        default: nil
        }
    }

    /// Ubuntu's own python3 for the releases NVIDIA's CUDA images are built on (from Ubuntu's
    /// package archive: bionic 3.6, focal 3.8, jammy 3.10, noble 3.12).
    public static func ubuntuPython(_ operatingSystem: String?) -> String? {
        switch operatingSystem {
        case "ubuntu18.04": "3.6"
        case "ubuntu20.04": "3.8"
        case "ubuntu22.04": "3.10"
        case "ubuntu24.04": "3.12"
        default: nil
        }
    }
}
