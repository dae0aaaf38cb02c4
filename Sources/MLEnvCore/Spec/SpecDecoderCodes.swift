extension DiagnosticCode {
    static let invalidIgnore = DiagnosticCode(
        "E136", .error, name: "invalid-ignore",
        summary: "`ignore:` names a code that does not exist or cannot be ignored.",
        explanation: """
            `ignore:` takes codes (`W302`) or their names (`unpinned-pip`), as `mlenv explain` \
            lists them. The codes of reading and decoding a file cannot be ignored: a spec with \
            such an error has nothing left to check or build.
            """)
    static let unknownKey = DiagnosticCode(
        "E101", .error, name: "unknown-key", summary: "A key that mlenv does not know.",
        explanation: """
            Every key in an mlenv file has a meaning; an unknown key is usually a typo \
            (`pyhton:`) that would otherwise be silently ignored. The message suggests the \
            nearest known key. The README's spec reference lists every key.
            """)
    static let wrongType = DiagnosticCode(
        "E102", .error, name: "wrong-type", summary: "A value has the wrong type (a list where text is expected, say).",
        explanation: """
            Each key takes one shape of value: text, a whole number, true/false, a list or a \
            mapping. For example `packages.pip` is a list (`pip: [numpy]`), not text \
            (`pip: numpy`).
            """)
    static let missingKey = DiagnosticCode(
        "E103", .error, name: "missing-key", summary: "A required key is missing.",
        explanation: """
            A spec needs at least `mlenv: 1`, `name:` and `base:`; a host file needs \
            `mlenv: 1`, `kind: host` and `name:`.
            """)
    static let unsupportedFormatVersion = DiagnosticCode(
        "E104", .error, name: "format-version", summary: "`mlenv:` names a format version this mlenv does not read.",
        explanation: """
            The first key of every file, `mlenv: 1`, says which version of the spec format it \
            is written in. This mlenv reads version 1.
            """)
    static let invalidName = DiagnosticCode(
        "E105", .error, name: "invalid-name", summary: "`name:` is not a valid environment name.",
        explanation: """
            The name becomes the image name, the container name and a folder name, so it is \
            restricted to what all of them accept: lower-case letters, digits and `-`, starting \
            and ending with a letter or digit, at most 63 characters. Example: `name: vision-team`.
            """)
    static let invalidVersion = DiagnosticCode(
        "E106", .error, name: "invalid-version", summary: "A version is not written as mlenv expects.",
        explanation: """
            `python:` and `cuda:` take major.minor or major.minor.patch (`"3.10"`, `"12.2.2"`), \
            `cuda:` also `none`; a framework version is a release number such as `"2.1"`. \
            Quoting versions is good practice, though mlenv reads `3.10` as the text "3.10" \
            either way.
            """)
    static let invalidImage = DiagnosticCode(
        "E107", .error, name: "invalid-image", summary: "`base:` is not a valid image reference.",
        explanation: """
            An image reference is `[registry/]repository[:tag][@digest]` in Docker's grammar: \
            lower-case repository names, a tag of letters, digits, `_`, `.` and `-`. Example: \
            `base: nvcr.io/nvidia/pytorch:23.10-py3`.
            """)
    static let invalidPort = DiagnosticCode(
        "E108", .error, name: "invalid-port", summary: "A port is not a number from 1 to 65535.",
        explanation: """
            `jupyter.port` is the port on the host that Jupyter is published on. It must be a \
            whole number from 1 to 65535; ports below 1024 usually need root.
            """)
    static let invalidGPUs = DiagnosticCode(
        "E109", .error, name: "invalid-gpus",
        summary: "`gpus:` is not all, none, a count or a list of distinct device indices.",
        explanation: """
            `gpus: all` takes every GPU, `gpus: none` none, `gpus: 2` any two, and \
            `gpus: [0, 1]` exactly devices 0 and 1. A count must be at least 1 and a device \
            index may appear only once.
            """)
    static let invalidVolume = DiagnosticCode(
        "E110", .error, name: "invalid-volume", summary: "A volume is not `source:target[:ro|rw]`.",
        explanation: """
            A volume maps a host path (absolute, or relative to the spec's folder) or a named \
            volume to an absolute path in the container, optionally read-only: \
            `/data/vision:/workspace/data:ro`. `~` and `$HOME` are not expanded; write the path out.
            """)
    static let invalidEnvName = DiagnosticCode(
        "E111", .error, name: "invalid-env-name", summary: "An `env:` name is not a POSIX variable name.",
        explanation: """
            Variable names are letters, digits and `_`, not starting with a digit \
            (`HF_HOME`). Other names cannot be set from a shell or a Dockerfile reliably.
            """)
    static let invalidEnvReference = DiagnosticCode(
        "E135", .error, name: "env-reference",
        summary: "An `env:` value uses `$` other than `${NAME}` of its own variable or `$$`.",
        explanation: """
            `env:` values are set in the image as a Dockerfile `ENV` sets them. A variable may \
            extend the base image's own value with `${NAME}` (`PATH: "/opt/tool/bin:${PATH}"`); \
            that is the only expansion. `$$` is a literal `$`. `$PATH` unbraced, another \
            variable (`${HOME}/bin`) or `$(command)` would otherwise end up as literal text or \
            expand differently in each target, so they are refused.
            """)
    static let notABoolean = DiagnosticCode(
        "E112", .error, name: "not-a-boolean", summary: "A yes/no value is not written as true or false.",
        explanation: """
            YAML 1.1 read `yes`, `no`, `on` and `off` as booleans and YAML 1.2 does not, so \
            the same file means different things to different tools. mlenv accepts only \
            `true` and `false`.
            """)
    static let unknownFramework = DiagnosticCode(
        "E113", .error, name: "unknown-framework", summary: "`framework.name` is not one mlenv knows.",
        explanation: """
            mlenv knows `pytorch`, `tensorflow`, `jax` and `none`. For anything else, use \
            `framework: none` and list the packages under `packages.pip`.
            """)
    static let sharedMemoryConflict = DiagnosticCode(
        "E114", .error, name: "shm-and-ipc", summary: "Both `shm_size:` and `ipc: host` are given.",
        explanation: """
            With `ipc: host` the container uses the host's shared memory and a size cannot be \
            set, so the two exclude each other. NVIDIA recommends one or the other for NGC \
            containers; `ipc: host` shares the host's IPC namespace with the container, which \
            on a shared server means with every other team's processes.
            """)
    static let invalidSize = DiagnosticCode(
        "E115", .error, name: "invalid-size", summary: "`shm_size:` is not a size such as 16g.",
        explanation: """
            Sizes are a number with an optional unit b, k, m, g or t, as the container engine \
            takes them: `512m`, `16g`, `16gb`.
            """)
    static let invalidPipRequirement = DiagnosticCode(
        "E116", .error, name: "invalid-pip-requirement",
        summary: "A `packages.pip` entry is not a PEP 508 requirement.",
        explanation: """
            Each entry is one requirement as pip reads it from a requirements file: a name, \
            optional extras, optional version specifiers, an optional `@ URL` and an optional \
            `; marker`. Examples: `numpy<2`, `transformers[torch]==4.35.2`, \
            `pkg @ https://example.org/pkg-1.0-py3-none-any.whl`. Options such as \
            `--index-url` belong under `build:`.
            """)
    static let invalidAptPackage = DiagnosticCode(
        "E117", .error, name: "invalid-apt-package", summary: "A `packages.apt` entry is not a Debian package name.",
        explanation: """
            Debian package names are lower-case letters, digits, `+`, `-` and `.`, at least two \
            characters, starting with a letter or digit; a version can follow after `=` \
            (`git=1:2.34.1-1ubuntu1.10`).
            """)
    static let invalidAddress = DiagnosticCode(
        "E118", .error, name: "invalid-address", summary: "`jupyter.bind` is not an IP address.",
        explanation: """
            Jupyter is published on one address of the host: `127.0.0.1` (the default: only \
            reachable through an SSH tunnel), another IPv4 or IPv6 address of the host, or \
            `0.0.0.0` for every interface.
            """)
    static let invalidPath = DiagnosticCode(
        "E120", .error, name: "invalid-path", summary: "A path inside the container is not a plain absolute path.",
        explanation: """
            `workdir:` and the container side of a volume must be absolute paths made of \
            letters, digits and `. _ - + @ /`, such as `/workspace/data`. The working folder is \
            made writable for every user (the container runs as the invoking user), so it cannot \
            be a system folder such as `/`, `/etc` or `/usr/local`.
            """)
    static let invalidURL = DiagnosticCode(
        "E121", .error, name: "invalid-url", summary: "A URL is not an http(s) URL.",
        explanation: """
            `build.pip_index_url` is the address of a PyPI mirror, such as \
            `https://pypi.example.org/simple`, with no spaces or quotes. It must not carry \
            credentials (`https://user:token@...`): build arguments are recorded in the image's \
            history. Give pip its credentials through a netrc or keyring instead.
            """)
    static let invalidText = DiagnosticCode(
        "E122", .error, name: "invalid-text", summary: "Text contains a control character or is empty.",
        explanation: """
            Values that end up in a Dockerfile or a shell script cannot hold control characters \
            such as NUL or carriage return; env values cannot hold line breaks either, because \
            a Dockerfile `ENV` cannot express them, nor end with a backslash, which Dockerfile \
            linters read as escaping the closing quote. Setup commands may span lines.
            """)
    static let unknownKind = DiagnosticCode(
        "E123", .error, name: "unknown-kind", summary: "`kind:` is neither environment nor host.",
        explanation: """
            An mlenv file describes an environment (the default, `kind: environment`) or a \
            shared server (`kind: host`).
            """)
    static let invalidPortRange = DiagnosticCode(
        "E124", .error, name: "invalid-port-range", summary: "`jupyter_ports:` is not a range such as 18800-18899.",
        explanation: """
            A host's Jupyter ports are written `FIRST-LAST`, both from 1 to 65535 and FIRST not \
            above LAST; a single port is also accepted.
            """)
    static let invalidDriver = DiagnosticCode(
        "E125", .error, name: "invalid-driver", summary: "`driver:` is not an NVIDIA driver version.",
        explanation: """
            NVIDIA driver versions are written `535.129.03` or `535.129`, as `nvidia-smi` \
            prints them. Quote the value so YAML keeps it as text.
            """)
    static let duplicateEntry = DiagnosticCode(
        "E126", .error, name: "duplicate-entry",
        summary: "The same apt package, secret or mount target is listed twice.",
        explanation: """
            Listing an apt package or a secret twice, or mounting two volumes on the same \
            container path, is a mistake the container engine would only report at build time \
            or start-up. pip requirements are different: pip merges the entries of one project \
            (`black` and `black[jupyter]`, `numpy>=1.24` and `numpy<2`), so only entries that \
            contradict each other are an error (E204), and a repeated one is a note (N126).
            """)
    static let repeatedRequirement = DiagnosticCode(
        "N126", .note, name: "repeated-requirement",
        summary: "A pip requirement is listed twice; requirements.txt lists it once.",
        explanation: """
            The entry asks for exactly what an earlier one does (names compare after PEP 503 \
            normalisation, so `Foo_Bar==1.0` repeats `foo-bar==1.0`). pip would install the \
            project once either way; mlenv writes the requirement once, which pip releases \
            before 20.3 also need ("Double requirement given"). Remove the repeat.
            """)
}

/// What the spec decoder refuses: unknown keys, values of the wrong shape and values that would
/// break what is built from them. Each value is checked where it is written, so every problem of
/// a file is reported at once.
enum SpecDecoderCodes: Rule {
    static let description = RuleDescription(
        title: "one value",
        overview:
            "`pyhton:`, `name: Vision Team`, `python: \"3\"`, `gpus: [0, 1, 0]`, a `;` in a pip requirement, `kind: cluster`",
        codes: [
            .unknownKey, .wrongType, .missingKey, .unsupportedFormatVersion, .invalidName, .invalidVersion,
            .invalidImage,
            .invalidPort, .invalidGPUs, .invalidVolume, .invalidEnvName, .notABoolean, .unknownFramework,
            .sharedMemoryConflict, .invalidSize, .invalidPipRequirement, .invalidAptPackage, .invalidAddress,
            .invalidPath,
            .invalidURL, .invalidText, .unknownKind, .invalidPortRange, .invalidDriver, .duplicateEntry,
            .repeatedRequirement,
            .invalidClusterSetting, .invalidEnvReference, .invalidIgnore,
        ],
        triggering: [
            RuleExample(
                .unknownKey,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                ↓pyhton: "3.10"
                """),
            RuleExample(
                .wrongType,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: ↓numpy
                """),
            RuleExample(
                .missingKey,
                """
                ↓mlenv: 1
                name: team
                """),
            RuleExample(
                .unsupportedFormatVersion,
                """
                mlenv: ↓2
                name: team
                base: python:3.11
                """),
            RuleExample(
                .invalidName,
                """
                mlenv: 1
                name: ↓Vision Team
                base: python:3.11
                """),
            RuleExample(
                .invalidVersion,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                python: ↓"3"
                """),
            RuleExample(
                .invalidImage,
                """
                mlenv: 1
                name: team
                base: ↓NVCR.io/Nvidia/PyTorch:23.10
                """),
            RuleExample(
                .invalidPort,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                jupyter: {port: ↓70000}
                """),
            RuleExample(
                .invalidGPUs,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                gpus: [0, 1, ↓0]
                """),
            RuleExample(
                .invalidVolume,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                volumes: [↓"/data:/workspace/data:rx"]
                """),
            RuleExample(
                .invalidVolume,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                volumes: [↓"$HOME/datasets:/workspace/data:ro", ↓"./${RUN}/out:/workspace/out"]
                """),
            RuleExample(
                .invalidEnvName,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env: {↓HF-HOME: /x}
                """),
            RuleExample(
                .invalidIgnore,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                ignore: [W302, unpinned-apt, ↓W999, ↓E101]
                """),
            RuleExample(
                .invalidEnvReference,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env:
                  PATH: "/opt/tool/bin:↓$PATH"
                  TOOL_HOME: "↓${HOME}/tool"
                  PRICE: ↓$5
                """),
            RuleExample(
                .notABoolean,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                jupyter: ↓yes
                """),
            RuleExample(
                .unknownFramework,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                framework: ↓torch
                """),
            RuleExample(
                .sharedMemoryConflict,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                shm_size: 16g
                ↓ipc: host
                """),
            RuleExample(
                .invalidSize,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                shm_size: ↓lots
                """),
            RuleExample(
                .invalidPipRequirement,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: [↓"numpy; rm -rf /"]
                """),
            RuleExample(
                .invalidAptPackage,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  apt: [↓"git && curl x | sh"]
                """),
            RuleExample(
                .invalidAddress,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                jupyter: {bind: ↓localhost}
                """),
            RuleExample(
                .invalidPath,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                workdir: ↓workspace
                """),
            RuleExample(
                .invalidURL,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                build: {pip_index_url: ↓"ftp://mirror"}
                """),
            RuleExample(
                .invalidText,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env: {GREETING: ↓"hello\\nworld"}
                """),
            RuleExample(
                .invalidText,
                """
                mlenv: 1
                name: team
                base: python:3.11
                env: {P: ↓'C:\\'}
                """),
            RuleExample(
                .unknownKind,
                """
                mlenv: 1
                kind: ↓cluster
                name: x
                """),
            RuleExample(
                .invalidPortRange,
                """
                mlenv: 1
                kind: host
                name: dgx
                jupyter_ports: ↓18899-18800
                """),
            RuleExample(
                .invalidDriver,
                """
                mlenv: 1
                kind: host
                name: dgx
                driver: ↓latest
                """),
            RuleExample(
                .duplicateEntry,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  apt: [git, htop, ↓git]
                """),
            RuleExample(
                .repeatedRequirement,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: ["numpy==1.26.4", "transformers==4.35.2", ↓"numpy==1.26.4", "Foo_Bar==1.0", ↓"foo-bar==1.0"]
                """),
            RuleExample(
                .invalidClusterSetting,
                """
                mlenv: 1
                name: team
                base: python:3.11
                slurm: {runtime: ↓singularity, time: ↓"1:2:3:4"}
                kubernetes: {namespace: ↓ML}
                """),
            RuleExample(
                .invalidClusterSetting,
                """
                mlenv: 1
                name: team
                base: python:3.11
                devcontainer: {extensions: [ms-python.python, ↓"ms python", ↓pylance], post_create: ↓" "}
                """),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team-2
                base: nvcr.io/nvidia/pytorch:23.10-py3
                python: "3.10"
                gpus: [0, 1]
                shm_size: 16g
                jupyter: {port: 18888, bind: 127.0.0.1}
                workdir: /srv/team
                env: {HF_HOME: /data/hf, P: 'C:\\x', PATH: "/opt/tool/bin:${PATH}", PS1: "$$ "}
                packages:
                  pip: ["numpy==1.26.4; python_version < '3.9'", "numpy==2.1.0; python_version >= '3.9'"]
                  apt: [git, htop]
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  pip: ["black", "black[jupyter]", "numpy>=1.24", "numpy<2", "numpy<2; python_version < '3.9'"]
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                devcontainer:
                  extensions: [ms-python.python, ms-toolsai.jupyter, GitHub.copilot, ms-python.vscode-pylance@2024.8.1]
                  post_create: pip install -e .
                """),
            RuleExample(
                """
                mlenv: 1
                kind: host
                name: dgx
                driver: "535.129.03"
                jupyter_ports: 18800-18899
                """),
        ])
}
