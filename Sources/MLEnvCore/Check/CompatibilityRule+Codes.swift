extension DiagnosticCode {
    static let frameworkPython = DiagnosticCode(
        "E201", .error, name: "framework-python", summary: "The framework version does not support the spec's Python.",
        explanation: """
            Each framework release publishes wheels for a range of Python versions: \
            TensorFlow 2.15 for 3.9-3.11, PyTorch 2.1 for 3.8-3.11. pip cannot install it on \
            another Python, or picks a different release. Change `python:` or the framework \
            version; the message names the range.
            """)
    static let frameworkCUDA = DiagnosticCode(
        "E202", .error, name: "framework-cuda", summary: "No build of the framework version exists for the spec's CUDA.",
        explanation: """
            PyTorch publishes wheels for a few CUDA versions per release (2.1: cu118 and cu121), \
            TensorFlow is built for one CUDA (2.15: 12.2), JAX for CUDA majors. A spec asking for \
            another CUDA gets a build made for a different toolkit, or none. Pick a CUDA the \
            release was built for, or a release built for your CUDA.
            """)
    static let frameworkCUDAMinor = DiagnosticCode(
        "W202", .warning, name: "framework-cuda-minor", summary: "The framework was built for another CUDA minor version.",
        explanation: """
            TensorFlow's tested configuration names one CUDA version. Within the same major \
            version CUDA's minor-version compatibility usually lets it run, but the combination \
            was not tested.
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
    static let pipConflict = DiagnosticCode(
        "E204", .error, name: "pip-conflict", summary: "pip requirements that no version can satisfy.",
        explanation: """
            A requirement whose specifiers exclude each other (`numpy<2,>=2.0`), or one that \
            contradicts the spec's framework version (`torch==2.3.0` with `framework.version: \
            "2.1"`), makes pip fail or silently install something else.
            """)
    static let secondFramework = DiagnosticCode(
        "W204", .warning, name: "second-framework", summary: "`packages.pip` installs a second deep-learning framework.",
        explanation: """
            Installing TensorFlow on an image built around PyTorch (or the reverse) brings a \
            second set of CUDA libraries that may not match the image's. Prefer one framework \
            per environment, or a plain `nvidia/cuda` base.
            """)
    static let redundantFramework = DiagnosticCode(
        "W205", .warning, name: "redundant-framework", summary: "`packages.pip` names the framework that the base image already ships.",
        explanation: """
            The entry is satisfied by the image's own build, so pip does nothing now; but a \
            later edit of the pin would replace NVIDIA's build. Remove the entry and pin the \
            framework through the base image tag instead.
            """)
    static let driverTooOld = DiagnosticCode(
        "E206", .error, name: "driver-too-old", summary: "The host's NVIDIA driver cannot run the environment's CUDA.",
        explanation: """
            Each CUDA toolkit needs a minimum driver (CUDA 12.2.2: 535.104.05). Since CUDA 11, \
            minor-version compatibility lets a toolkit run on any driver of its major's first \
            release (12.x: 525.60.13), without PTX JIT; NGC images also ship forward-compatibility \
            libraries for some older data-center driver branches. Below all of those, CUDA \
            calls fail at start-up. Upgrade the driver or pick an older CUDA / image.
            """)
    static let driverCompatibility = DiagnosticCode(
        "W206", .warning, name: "driver-compatibility", summary: "The host's driver runs the CUDA only through a compatibility mode.",
        explanation: """
            The driver is below the toolkit's own minimum but inside CUDA minor-version \
            compatibility or NGC forward compatibility. Most programs work; PTX JIT compilation \
            (and with forward compatibility, non-data-center GPUs) does not.
            """)
    static let gpuUnsupported = DiagnosticCode(
        "E207", .error, name: "gpu-unsupported", summary: "The CUDA toolkit does not support the host's GPUs.",
        explanation: """
            A toolkit compiles for a range of GPU architectures: a Hopper H100 (sm_90) needs \
            CUDA 11.8 or newer, and CUDA 13 dropped Maxwell, Pascal and Volta (a V100 needs \
            CUDA 12.x or older). Kernels built outside that range fail with "no kernel image \
            is available".
            """)
    static let unpinnedBase = DiagnosticCode(
        "W301", .warning, name: "unpinned-base", summary: "The base image is `latest` or has no tag.",
        explanation: """
            `latest` moves: the same spec builds a different environment next month, and a \
            review team cannot reproduce it. Name a tag (`23.10-py3`), or a digest.
            """)
    static let unpinnedPip = DiagnosticCode(
        "W302", .warning, name: "unpinned-pip", summary: "A pip requirement is not pinned to one version.",
        explanation: """
            Without `==`, pip installs whatever is newest at build time, so two builds of the \
            same spec differ. Pin with `==` (`transformers==4.35.2`).
            """)
    static let unpinnedApt = DiagnosticCode(
        "W303", .warning, name: "unpinned-apt", summary: "apt packages are not pinned.",
        explanation: """
            Unpinned apt packages follow the base image's package sources, which change. Pin \
            with `name=version` when exact reproduction matters; note that Ubuntu removes old \
            versions from its archive, so a pin can stop building.
            """)
    static let jupyterExposed = DiagnosticCode(
        "W304", .warning, name: "jupyter-exposed", summary: "Jupyter is published on every network interface.",
        explanation: """
            `bind: 0.0.0.0` publishes Jupyter to the whole network: anyone who learns or \
            guesses the token gets a shell with the team's data and GPUs. Keep the default \
            127.0.0.1 and use the `ssh -L` line that `run.sh url` prints.
            """)
    static let secretInImage = DiagnosticCode(
        "W305", .warning, name: "secret-in-image", summary: "An `env:` value looks like a secret, and would be baked into the image.",
        explanation: """
            `env:` values become part of the image: anyone who can pull or inspect it can read \
            them. List the variable's name under `secrets:` instead; run.sh and compose.yaml \
            pass it from the invoking environment at run time.
            """)
}
