extension DiagnosticCode {
    static let unpinnedBase = DiagnosticCode(
        "W301", .warning, name: "unpinned-base",
        summary: "The base image has no tag, or a tag that moves (`latest`, `latest-gpu`, `nightly`).",
        explanation: """
            A tag that names a channel rather than a release (`latest`, which Docker reads when \
            there is no tag; `latest-gpu`, `nightly`, `nightly-gpu`, `edge`, `main`, `master`, \
            `dev`, `devel`, `rolling`, `stable`, `sid`) moves: the same spec builds a different \
            environment next month, and a review team cannot reproduce it. Name a release tag \
            (`23.10-py3`), or a digest; a reference with a digest never warns. Release tags that \
            contain such a word (`12.4.1-devel-ubuntu22.04`, `nightly-20240101`) are fixed.
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
        "W305", .warning, name: "secret-in-image",
        summary: "An `env:` value looks like a secret, and would be baked into the image.",
        explanation: """
            `env:` values become part of the image: anyone who can pull or inspect it can read \
            them. List the variable's name under `secrets:` instead; run.sh and compose.yaml \
            pass it from the invoking environment at run time. The value is judged as well as \
            the name: a token's shape (`hf_`, `sk-`, `ghp_`, `github_pat_`, `glpat-`, `xoxb-`, \
            `AKIA`...), a private key, a long random string or a URL with `user:password@` is \
            a secret under any name, and so is any literal under a name with PASSWORD, \
            PASSPHRASE, SECRET, TOKEN, API_KEY, PRIVATE_KEY or CREDENTIALS in it. A path, \
            `none`, `true`/`false`, a number, an empty value or a `$VARIABLE` is not, nor is a \
            name ending in `_PATH`, `_FILE`, `_DIR`, `_MODE`, `_URL`, `_NAME` or `_ID`: those \
            point at a secret or describe it.
            """)
    static let volumeUnderRoot = DiagnosticCode(
        "W306", .warning, name: "volume-under-root",
        summary: "A volume is mounted under `/root`, which the container's user cannot read.",
        explanation: """
            run.sh, the dev container, Slurm and Kubernetes start the container as the \
            invoking user (or uid 1000), not root, with `HOME=/home/mlenv`. `/root` is root's \
            home, mode 700 in most base images: a volume below it (`~/.cache/huggingface` \
            copied from a root-run `docker run` line, say) cannot be reached, and programs look \
            in `$HOME` anyway. Mount it under `/home/mlenv` (`/home/mlenv/.cache/huggingface`) \
            or under the working folder.
            """)
}

/// Habits that make environments irreproducible or unsafe.
enum HygieneRule: Rule {
    static let description = RuleDescription(
        title: "hygiene",
        overview:
            "a `latest` or `nightly` base, unpinned pip or apt, Jupyter on 0.0.0.0, a secret-looking env value, a volume under /root",
        codes: [.unpinnedBase, .unpinnedPip, .unpinnedApt, .jupyterExposed, .secretInImage, .volumeUnderRoot],
        triggering: [
            RuleExample(
                .unpinnedBase,
                """
                mlenv: 1
                name: team
                base: ↓python
                """),
            RuleExample(
                .unpinnedBase,
                """
                mlenv: 1
                name: team
                base: ↓nvcr.io/nvidia/pytorch:latest
                """),
            RuleExample(
                .unpinnedBase,
                """
                mlenv: 1
                name: team
                base: ↓tensorflow/tensorflow:latest-gpu
                """),
            RuleExample(
                .unpinnedBase,
                """
                mlenv: 1
                name: team
                base: ↓pytorch/pytorch:nightly
                """),
            RuleExample(
                .unpinnedPip,
                """
                mlenv: 1
                name: team
                base: python:3.11-slim
                framework: ↓pytorch
                cuda: none
                packages:
                  pip: [↓transformers, "numpy==1.26.4"]
                """),
            RuleExample(
                .unpinnedApt,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                packages:
                  apt: ["curl=7.81.0-1ubuntu1.15", ↓git, htop]
                """),
            RuleExample(
                .jupyterExposed,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                jupyter: {bind: ↓0.0.0.0}
                """),
            RuleExample(
                .secretInImage,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env: {↓HF_TOKEN: hf_abcdef, TOKENIZERS_PARALLELISM: "false", ↓PASSPHRASE: changeme}
                """),
            RuleExample(
                .secretInImage,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env:
                  ↓NOTE: hf_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789
                  ↓DATABASE_URL: "postgres://ml:s3cr3t@db:5432/runs"
                  ↓DEPLOY: "-----BEGIN OPENSSH PRIVATE KEY-----"
                """),
            RuleExample(
                .volumeUnderRoot,
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                volumes: [↓"hf-cache:/root/.cache/huggingface", "./data:/data", ↓"/srv/keys:/root:ro"]
                """),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                jupyter: {port: 8888}
                env: {TOKENIZERS_PARALLELISM: "false", KEYBOARD: us}
                secrets: [HF_TOKEN]
                packages:
                  pip: ["transformers==4.35.2"]
                  apt: ["git=1:2.34.1-1ubuntu1.10"]
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-devel-ubuntu22.04
                python: "3.10"
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: "rocm/pytorch:latest@sha256:\(String(repeating: "0f", count: 32))"
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                env:
                  HF_TOKEN_PATH: /run/secrets/hf
                  WANDB_API_KEY_FILE: /secrets/key
                  AUTH_MODE: none
                  USE_AUTH_TOKEN: "true"
                  MAX_TOKENS: "512"
                  DATABASE_URL: "postgres://ml:${DB_PASSWORD}@db:5432/runs"
                  GIT_COMMIT: 3f2a1b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvcr.io/nvidia/pytorch:23.10-py3
                volumes: ["hf-cache:/home/mlenv/.cache/huggingface", "./data:/rootfs", "/srv/x:/workspace/root"]
                """),
        ])

    static func check(_ context: inout RuleContext) {
        let spec = context.spec
        if case .image(let image) = spec.base.value, image.digest == nil, image.tag.map(isMovingTag) ?? true {
            context.report(
                .unpinnedBase, Message.unpinnedBase(image), at: spec.base.location,
                fix: "name a release tag or a digest")
        }
        if !context.environment.imageShipsFramework, let framework = spec.framework, framework.name.value != .none,
            framework.version == nil
        {
            context.report(
                .unpinnedPip, Message.unversionedFramework(framework.name.value),
                at: framework.name.location,
                fix: "add `version:`, e.g. `framework: {name: \(framework.name.value.rawValue), version: \"2.1\"}`")
        }
        // pip merges the entries of one project: `black` beside `black[jupyter]==24.1.0` is pinned.
        // A constraint's pin counts too (`-c constraints.txt` is how many projects pin).
        let pip = context.environment.pip
        let pinnedProjects = Set(pip.filter(\.value.isPinned).map(\.value.projectKey))
        // The framework and its companions stay as installed (the build's constraint file keeps
        // them), so `torch>=2.2,<2.8` in a project's dependencies is pinned by `framework:`.
        let kept =
            context.environment.frameworkVersion == nil
            ? [] : Set(context.environment.framework?.protectedDistributions ?? [])
        let unpinnedPip = pip.filter {
            $0.role != .constraint && !pinnedProjects.contains($0.value.projectKey)
                && !($0.role == .requirement && kept.contains($0.value.normalizedName))
        }
        for requirement in unpinnedPip where requirement.role == .spec {
            context.report(
                .unpinnedPip, "`\(requirement.value.text)` is not pinned to one version", at: requirement,
                fix: "pin it with ==")
        }
        // A requirements file gets one warning that names them all, at the first.
        var files: [String] = []
        for entry in unpinnedPip where entry.role != .spec && !files.contains(entry.file) { files.append(entry.file) }
        for file in files {
            let entries = unpinnedPip.filter { $0.file == file }
            var names: [String] = []
            for name in entries.map(\.value.normalizedName) where !names.contains(name) { names.append(name) }
            context.report(
                .unpinnedPip, Message.unpinnedRequirements(names, in: file),
                at: entries[0], fix: "pin them with ==, or give pip a constraints file (`-c constraints.txt`)")
        }
        let unpinned = spec.apt.filter { $0.value.version == nil }
        if let first = unpinned.first {
            context.report(
                .unpinnedApt, Message.unpinnedApt(unpinned.map(\.value.name)), at: first.location,
                fix: "pin with name=version where exact reproduction matters")
        }
        if let jupyter = spec.jupyter, ["0.0.0.0", "::"].contains(jupyter.bind.value) {
            context.report(
                .jupyterExposed, Message.jupyterExposed(bind: jupyter.bind.value), at: jupyter.bind.location,
                fix: "remove `bind` (127.0.0.1) and reach Jupyter through the ssh line `run.sh url` prints")
        }
        // `build.env` values are build arguments, which the image's history records.
        for (variable, key) in spec.env.map({ ($0, "env") }) + spec.build.env.map({ ($0, "build.env") }) {
            guard let evidence = SecretEvidence.of(name: variable.name.value, value: variable.value.value) else {
                continue
            }
            context.report(
                .secretInImage, Message.secretInImage(variable.name.value, evidence),
                at: variable.name.location,
                fix: "remove it from `\(key)` and list `\(variable.name.value)` under `secrets:`")
        }
        for volume in spec.volumes where volume.value.target == "/root" || volume.value.target.hasPrefix("/root/") {
            let target = volume.value.target
            let suggestion = "/home/mlenv" + target.dropFirst("/root".count)
            context.report(
                .volumeUnderRoot,
                "the volume's target `\(target)` is under /root, which the container's user (not root) cannot read",
                at: volume.location,
                fix: "mount it at `\(suggestion)` (the container's HOME) or under the working folder")
        }
    }

    /// Tags that name a channel, not a release: Docker's `latest`, the distributions' moving
    /// releases (Alpine's `edge`, Ubuntu's `rolling` and `devel`, Debian's `stable`, `testing`,
    /// `unstable`, `sid`), Node's `lts` and `current`, branch builds and nightlies.
    static let channelTags: Set<String> = [
        "latest", "nightly", "edge", "main", "master", "dev", "devel", "develop", "rolling", "stable", "unstable",
        "testing",
        "sid", "lts", "current", "canary",
    ]

    /// Whether `tag` moves: a channel name (in any case), or `latest-`/`nightly-` with a variant
    /// (`latest-gpu`, `nightly-gpu-jupyter`). Tags that only contain such a word are releases:
    /// `12.4.1-devel-ubuntu22.04`, `main-3f2a1b9`, and a nightly with its date or build number
    /// (`nightly-20240101`, `nightly-2024-01-15`: four digits in a row).
    static func isMovingTag(_ tag: String) -> Bool {
        let lower = String(decoding: tag.utf8.map { ASCII.isLetter($0) ? $0 | 0x20 : $0 }, as: UTF8.self)
        if channelTags.contains(lower) { return true }
        for channel in ["latest", "nightly"] {
            let bytes = Array(lower.utf8)
            guard bytes.count > channel.utf8.count + 1, bytes.starts(with: channel.utf8),
                ASCII.isOne(of: "-_.", bytes[channel.utf8.count])
            else { continue }
            var run = 0
            for byte in bytes.dropFirst(channel.utf8.count) {
                run = ASCII.isDigit(byte) ? run + 1 : 0
                if run == 4 { return false }
            }
            return true
        }
        return false
    }
}

extension HygieneRule {
    /// The rule's messages, worded in one place.
    enum Message {
        static func unpinnedBase(_ image: ImageReference) -> String {
            "`\(image)` \(image.tag.map { "is tagged `\($0)`, which moves" } ?? "has no tag"), so the same spec builds a different image over time"
        }

        static func unversionedFramework(_ framework: FrameworkName) -> String {
            "`framework: \(framework.rawValue)` has no version, so pip installs the newest \(framework.displayName)"
        }

        static func unpinnedApt(_ names: [String]) -> String {
            "apt package\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) \(names.count == 1 ? "is" : "are") not pinned"
        }

        static func unpinnedRequirements(_ names: [String], in file: String) -> String {
            let shown =
                names.count > 6
                ? names.prefix(5).joined(separator: ", ") + " and \(names.count - 5) more"
                : names.joined(separator: ", ")
            return
                "\(names.count) requirement\(names.count == 1 ? "" : "s") of `\(MLEnv.lastComponent(file))` \(names.count == 1 ? "is" : "are") not pinned to one version: \(shown)"
        }

        static func jupyterExposed(bind: String) -> String {
            "Jupyter is published on every interface (\(bind)), not only this machine"
        }

        static func secretInImage(_ name: String, _ evidence: SecretEvidence) -> String {
            "`\(name)` \(evidence.phrase); env values are baked into the image for anyone who can pull it"
        }
    }
}
