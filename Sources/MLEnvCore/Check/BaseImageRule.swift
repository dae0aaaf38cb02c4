extension DiagnosticCode {
    static let pythonRequired = DiagnosticCode(
        "E128", .error, name: "python-required", summary: "The base image has no Python and the spec does not say which to install.",
        explanation: """
            Plain `nvidia/cuda` images ship CUDA on a bare Ubuntu, without Python. mlenv \
            installs the Python the spec asks for, so `python:` is required on such a base: \
            `python: "3.10"`.
            """)
    static let unsupportedBaseOS = DiagnosticCode(
        "E129", .error, name: "unsupported-base-os", summary: "The base image does not use apt, which the generated Dockerfile needs.",
        explanation: """
            mlenv installs system packages and Python with apt-get, so the base must be Debian \
            or Ubuntu based. Alpine, Rocky Linux and UBI images use other package managers; \
            pick the image's `-ubuntu` or Debian variant.
            """)
    static let frameworkReinstalled = DiagnosticCode(
        "E130", .error, name: "framework-reinstalled", summary: "`packages.pip` installs a framework that the base image already ships.",
        explanation: """
            NVIDIA's NGC images contain their own builds of PyTorch and TensorFlow, compiled \
            against the image's CUDA, cuDNN and NCCL. A pip package of the same framework \
            installed on top replaces that build and usually breaks it. Remove the entry, or \
            choose a base image without the framework (such as `nvidia/cuda`) if you need a \
            different version.
            """)
    static let frameworkMismatch = DiagnosticCode(
        "E131", .error, name: "framework-mismatch", summary: "The spec's framework is not the one the base image is built around.",
        explanation: """
            NGC framework images ship one framework, built by NVIDIA. A spec that asks for \
            TensorFlow on `nvcr.io/nvidia/pytorch` would get PyTorch and no TensorFlow (mlenv \
            never installs a second framework over NVIDIA's). Use the image for your framework \
            (`nvcr.io/nvidia/tensorflow:23.10-tf2-py3`), or `nvidia/cuda` and let mlenv install \
            the framework with pip.
            """)
    static let unknownBaseImage = DiagnosticCode(
        "N101", .note, name: "unknown-base-image", summary: "mlenv does not know the base image and assumes it has python3 and pip.",
        explanation: """
            For images it does not recognise, mlenv cannot tell whether Python, pip or \
            JupyterLab are present. The generated Dockerfile assumes `python3 -m pip` works and \
            installs JupyterLab when Jupyter is on. If the build fails there, start from an \
            image that has Python.
            """)
}

/// Checks the spec against what the base image is known to contain.
enum BaseImageRule {
    static func check(_ spec: EnvironmentSpec, image: ImageReference, traits: BaseImageTraits) -> [Diagnostic] {
        var diagnostics: [Diagnostic] = []
        let baseLocation = spec.base.location
        let baseNote = DiagnosticNote("the base image is declared here", file: spec.file, at: baseLocation)
        if traits.shipsPython == false && spec.python == nil {
            var fix = "add `python: \"3.10\"`"
            if let python = BaseImageTraits.ubuntuPython(traits.operatingSystem) { fix = "add `python: \"\(python)\"` (the Python of \(traits.operatingSystem!))" }
            diagnostics.append(Diagnostic(.pythonRequired, "`\(image)` has no Python; say which version to install with `python:`",
                                          file: spec.file, at: baseLocation, fix: fix))
        }
        if traits.usesApt == false {
            diagnostics.append(Diagnostic(.unsupportedBaseOS, "`\(image)` does not use apt (\(traits.operatingSystem ?? "not Debian or Ubuntu")); mlenv generates Dockerfiles for Debian and Ubuntu bases",
                                          file: spec.file, at: baseLocation, fix: "use an Ubuntu or Debian variant of the image"))
        }
        if traits.family == .unknown {
            diagnostics.append(Diagnostic(.unknownBaseImage, "mlenv does not know `\(image)`; it assumes the image has python3 and pip",
                                          file: spec.file, at: baseLocation))
        }
        if let shipped = traits.framework, let declared = spec.framework, declared.name.value != .none, declared.name.value != shipped {
            diagnostics.append(Diagnostic(
                .frameworkMismatch, "the spec asks for \(declared.name.value.displayName), but `\(image)` is built around \(shipped.displayName)",
                file: spec.file, at: declared.name.location, notes: [baseNote],
                fix: "use an image built for \(declared.name.value.displayName), or `framework: \(shipped.rawValue)`"))
        }
        if let shipped = traits.framework {
            let distributions = Set(shipped.pipDistributions)
            for requirement in spec.pip where distributions.contains(requirement.value.normalizedName) {
                diagnostics.append(Diagnostic(
                    .frameworkReinstalled,
                    "`\(requirement.value.text)` would replace the \(shipped.displayName) build that `\(image)` ships",
                    file: spec.file, at: requirement.location, notes: [baseNote],
                    fix: "remove `\(requirement.value.text)` from packages.pip"))
            }
        }
        return diagnostics
    }
}
