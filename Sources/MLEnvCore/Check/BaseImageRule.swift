extension DiagnosticCode {
    static let pythonRequired = DiagnosticCode(
        "E128", .error, name: "python-required",
        summary: "The base image has no Python and the spec does not say which to install.",
        explanation: """
            Plain `nvidia/cuda` images ship CUDA on a bare Ubuntu, without Python. mlenv \
            installs the Python the spec asks for, so `python:` is required on such a base: \
            `python: "3.10"`.
            """)
    static let pythonUnavailable = DiagnosticCode(
        "E134", .error, name: "python-unavailable",
        summary: "The base image's OS cannot provide the Python the spec asks for.",
        explanation: """
            On a bare OS image mlenv installs Python with apt. Ubuntu bases get any version from \
            the deadsnakes PPA; Debian has no such archive, so a Debian base offers its own \
            Python only (Debian 12: 3.11). Ask for that version, or start from \
            `python:3.X-slim` (Debian with the CPython you want) or an Ubuntu base.
            """)
    static let unsupportedBaseOS = DiagnosticCode(
        "E129", .error, name: "unsupported-base-os",
        summary: "The base image does not use apt, which the generated Dockerfile needs.",
        explanation: """
            mlenv installs system packages and Python with apt-get, so the base must be Debian \
            or Ubuntu based. Alpine, Rocky Linux and UBI images use other package managers; \
            pick the image's `-ubuntu` or Debian variant.
            """)
    static let frameworkMismatch = DiagnosticCode(
        "E131", .error, name: "framework-mismatch",
        summary: "The spec's framework is not the one the base image is built around.",
        explanation: """
            NGC framework images ship one framework, built by NVIDIA. A spec that asks for \
            TensorFlow on `nvcr.io/nvidia/pytorch` would get PyTorch and no TensorFlow (mlenv \
            never installs a second framework over NVIDIA's). Use the image for your framework \
            (`nvcr.io/nvidia/tensorflow:23.10-tf2-py3`), or `nvidia/cuda` and let mlenv install \
            the framework with pip.
            """)
    static let unknownBaseImage = DiagnosticCode(
        "N101", .note, name: "unknown-base-image",
        summary: "mlenv does not know the base image and assumes it has python3 and pip.",
        explanation: """
            For images it does not recognise, mlenv cannot tell whether Python, pip or \
            JupyterLab are present. The generated Dockerfile assumes `python3 -m pip` works and \
            installs JupyterLab when Jupyter is on. Describe the image in a catalog file \
            (`--catalog`, see `mlenv explain E140`) to have it checked like an NGC image.
            """)
    static let imageMismatch = DiagnosticCode(
        "E203", .error, name: "image-mismatch", summary: "The base image does not contain what the spec declares.",
        explanation: """
            The spec's `python:`, `cuda:` and `framework.version` describe the environment; \
            when the base image ships something else (nvcr.io/nvidia/pytorch:23.10-py3 has \
            Python 3.10, CUDA 12.2.2 and PyTorch 2.1.0a0), the declaration is wrong or the image \
            is. The message names images that do match.
            """)
    static let unverified = DiagnosticCode(
        "N201", .note, name: "unverified", summary: "A fact needed for a check is not known for certain.",
        explanation: """
            mlenv's catalog marks facts that no source confirms as unknown or likely. Such facts \
            never produce errors; this note says what could not be verified, so that a reviewer \
            can check it by hand (for example with `python --version` inside the image).
            """)
}

/// The base image against the spec's declared framework, Python and CUDA, and
/// what the Dockerfile needs from the image.
enum BaseImageRule: Rule {
    static let description = RuleDescription(
        title: "base image vs the spec",
        overview:
            "`nvcr.io/nvidia/pytorch:23.10-py3` comes with Python 3.10, not 3.8 (and which images do match); TensorFlow on a PyTorch image; no Python on `nvidia/cuda`",
        codes: [
            .imageMismatch, .frameworkMismatch, .pythonRequired, .unsupportedBaseOS, .pythonUnavailable,
            .unknownBaseImage, .unverified,
        ],
        triggering: [
            RuleExample(
                .imageMismatch,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                framework: {name: pytorch, version: ↓"2.2"}
                python: ↓"3.8"
                cuda: ↓"12.1"
                """),
            RuleExample(
                .frameworkMismatch,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                framework: ↓tensorflow
                """),
            RuleExample(
                .pythonRequired,
                """
                mlenv: 1
                name: team
                base: ↓nvidia/cuda:12.2.2-runtime-ubuntu22.04
                """),
            RuleExample(
                .unsupportedBaseOS,
                """
                mlenv: 1
                name: team
                base: ↓nvidia/cuda:12.2.2-runtime-rockylinux9
                python: "3.11"
                """),
            RuleExample(
                .pythonUnavailable,
                """
                mlenv: 1
                name: team
                base: debian:12-slim
                python: ↓"3.10"
                """),
            RuleExample(
                .unknownBaseImage,
                """
                mlenv: 1
                name: team
                base: ↓registry.corp/ml/base:2024.1
                """),
            RuleExample(
                .unverified,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:22.09-py3
                cuda: ↓"12.0"
                """),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                framework: {name: pytorch, version: "2.1"}
                python: "3.10"
                cuda: "12.2"
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.2.2-runtime-ubuntu22.04
                python: "3.10"
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: debian:12-slim
                python: "3.11"
                """),
        ])

    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        let spec = context.spec
        let image = environment.image
        let traits = environment.traits
        let entry = environment.catalogImage
        let baseLocation = spec.base.location
        if traits.shipsPython == false && spec.python == nil && environment.python.known == nil {
            var fix = "add `python: \"3.10\"`"
            if let python = BaseImageTraits.ubuntuPython(traits.operatingSystem) {
                fix = "add `python: \"\(python)\"` (the Python of \(traits.operatingSystem!))"
            }
            context.report(
                .pythonRequired, "`\(image)` has no Python; say which version to install with `python:`",
                at: baseLocation, fix: fix)
        }
        if traits.family == .debian, let python = spec.python,
            let native = BaseImageTraits.debianPython(traits.operatingSystem),
            python.value.split(separator: ".").prefix(2).joined(separator: ".") != native
        {
            context.report(
                .pythonUnavailable,
                "`\(image)` offers Python \(native) only; Debian has no archive of other Python versions (Ubuntu has the deadsnakes PPA)",
                at: python.location, notes: [context.baseNote],
                fix: "write `python: \"\(native)\"`, or use `python:\(python.value)-slim` or an Ubuntu base")
        }
        if traits.usesApt == false {
            context.report(
                .unsupportedBaseOS,
                "`\(image)` does not use apt (\(traits.operatingSystem ?? "not Debian or Ubuntu")); mlenv generates Dockerfiles for Debian and Ubuntu bases",
                at: baseLocation, fix: "use an Ubuntu or Debian variant of the image")
        }
        if traits.family == .unknown && entry == nil {
            context.report(
                .unknownBaseImage, "mlenv does not know `\(image)`; it assumes the image has python3 and pip",
                at: baseLocation)
        }
        if let shipped = environment.shippedFramework, let declared = spec.framework,
            declared.name.value != .none, declared.name.value != shipped
        {
            context.report(
                .frameworkMismatch,
                "the spec asks for \(declared.name.value.displayName), but `\(image)` is built around \(shipped.displayName)",
                at: declared.name.location, notes: [context.baseNote],
                fix: "use an image built for \(declared.name.value.displayName), or `framework: \(shipped.rawValue)`")
        }
        checkDeclaredFacts(&context)
    }

    /// The spec's python, cuda and framework version against what the image ships.
    static func checkDeclaredFacts(_ context: inout RuleContext) {
        let environment = context.environment
        let spec = context.spec
        let image = environment.image
        let entry = environment.catalogImage
        let traits = environment.traits

        if let declared = spec.python, let wanted = DottedVersion(declared.value) {
            let shipped: Fact<DottedVersion> =
                entry?.python ?? traits.pythonFromTag.flatMap(DottedVersion.init).map(Fact.known) ?? .unknown
            compare(
                &context, what: "Python", declared: wanted, at: declared.location, shipped: shipped,
                alternatives: { $0.python.known?.hasSameMinor(as: wanted) ?? false })
        }
        if case .version(let text)? = spec.cuda?.value, let wanted = DottedVersion(text),
            let location = spec.cuda?.location
        {
            let shipped: Fact<DottedVersion> =
                entry?.cuda ?? traits.cudaFromTag.flatMap(DottedVersion.init).map(Fact.known) ?? .unknown
            compare(
                &context, what: "CUDA", declared: wanted, at: location, shipped: shipped,
                alternatives: { $0.cuda.known?.starts(with: wanted) ?? false })
        }
        if let entry, let framework = entry.framework, spec.framework?.name.value == framework,
            let declared = spec.framework?.version
        {
            let wanted = declared.value
            switch entry.frameworkVersion {
            case .known(let shipped) where !Compatibility.matches(shipped, prefix: wanted):
                let others = matchingImages(context, like: image) { candidate in
                    candidate.framework == framework
                        && (candidate.frameworkVersion.known.map { Compatibility.matches($0, prefix: wanted) } ?? false)
                }
                context.report(
                    .imageMismatch, "`\(image)` ships \(framework.displayName) \(shipped), not \(wanted)",
                    at: declared.location, notes: [context.baseNote],
                    fix: others.isEmpty
                        ? "set `framework.version` to \"\(shipped.release.prefix(2).map(String.init).joined(separator: "."))\""
                        : "use \(others)")
            case .likely(let shipped) where !Compatibility.matches(shipped, prefix: wanted):
                context.report(
                    .unverified,
                    "`\(image)` probably ships \(framework.displayName) \(shipped) (unconfirmed), not \(wanted)",
                    at: declared.location)
            default:
                break
            }
        }
    }

    static func compare(
        _ context: inout RuleContext, what: String, declared: DottedVersion, at location: SourceLocation,
        shipped: Fact<DottedVersion>, alternatives: (CatalogImage) -> Bool
    ) {
        let image = context.environment.image
        switch shipped {
        case .known(let value)
        where !value.starts(with: declared)
            && !(what == "Python" && value.hasSameMinor(as: declared) && declared.parts.count <= 2):
            let others = matchingImages(context, like: image, alternatives)
            context.report(
                .imageMismatch, "`\(image)` comes with \(what) \(value), not \(declared)", at: location,
                notes: [context.baseNote],
                fix: others.isEmpty ? "declare \(what) \(value)" : "declare \(what) \(value), or use \(others)")
        case .likely(let value) where !value.starts(with: declared):
            context.report(
                .unverified, "`\(image)` probably comes with \(what) \(value) (unconfirmed), not \(declared)",
                at: location)
        default:
            break
        }
    }

    /// Up to three catalog images of the same repository that satisfy `predicate` and every
    /// other constraint of the spec (framework version, Python, CUDA, the host's driver and GPUs,
    /// as `base: auto` judges them, confirmed facts only), the nearest release to `image` first.
    static func matchingImages(_ context: RuleContext, like image: ImageReference, _ predicate: (CatalogImage) -> Bool)
        -> String
    {
        let wanted = AutoBase.Wanted(spec: context.spec, host: context.host, catalog: context.catalog)
        let repository = image.canonicalRepository
        let candidates = context.catalog.images.filter { $0.reference.canonicalRepository == repository }
        let current = DottedVersion(String((image.tag ?? "").prefix { $0.isASCIIDigit || $0 == "." }))
        let ranked = Nearest.ranked(
            candidates,
            fit: { predicate($0) && AutoBase.problems(with: $0, wanted: wanted).isEmpty ? .confirmed : nil },
            distance: { candidate in
                let order = AutoBase.order(candidate)
                // Months between NGC releases (`23.10` and `24.03`: 5), the newer of two equally near first.
                let months = { (version: DottedVersion) in version.major * 12 + version.minor }
                return [current.map { abs(months(order) - months($0)) } ?? 0, -months(order)]
            })
        return ranked.prefix(3).map { "`\($0.candidate.reference)`" }.joined(separator: ", ")
    }
}
