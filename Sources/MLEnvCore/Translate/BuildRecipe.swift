/// What to build, step by step: every fact the Dockerfile, Apptainer.def and requirements.txt
/// need, decided once by `Translator`. The layers go from what changes least to what changes
/// most: CA and Python, apt packages, the framework, pip packages, env, setup, and the labels
/// naming the inputs' hash last.
public struct BuildRecipe: Sendable {
    /// The base image.
    public var base: ImageReference
    /// `build.pip_index_url`: a PyPI mirror used at build time.
    public var pipIndexURL: String?
    /// `build.ca_bundle`, when the spec trusts one.
    public var caBundle: CABundleCopy?
    /// How Python is installed on a base that has none.
    public var python: PythonInstall?
    /// `packages.apt`.
    public var apt: [AptPackage]
    /// How pip installs the framework, when the base does not ship it.
    public var framework: FrameworkInstall?
    /// requirements.txt, when there is anything for pip to install.
    public var requirements: RequirementsList?
    /// `packages.requirements`: the project's own files, copied into the build as they are.
    public var requirementsFiles: RequirementsFilesInstall?
    /// The folder the engine builds from, when it is not the output folder (`project:`, `files:`).
    public var context: BuildContext?
    /// `files:`, their sources relative to the build context.
    public var fileCopies: [FileCopy] = []
    /// Folders of the build context that are mounted at run time (`volumes:` beside the spec):
    /// data the container writes, kept out of the build so that it never invalidates a layer.
    public var mountedFolders: [String] = []
    /// `project:`: its dependencies, then its code.
    public var project: ProjectInstall?
    /// `installer:`: pip, or uv installed first.
    public var installer: Installer = .pip
    /// `packages.index` as pip options for the package steps (not the framework's).
    public var indexOptions: [String] = []
    /// Distributions later pip installs may not replace (the framework and its companions).
    public var protectedDistributions: [String]
    /// `env:`, in order; `notSecret` when mlenv judged the value no secret (W305 is silent on it).
    public var env: [(name: String, value: [EnvPart], notSecret: Bool)]
    /// `build.env`, in order: for the build's steps only.
    public var buildEnv: [(name: String, value: [EnvPart], notSecret: Bool)] = []
    /// The working folder.
    public var workdir: String
    /// Folders any user id may write to: the home, the working folder, named-volume targets.
    public var writableFolders: [String]
    /// `setup:` commands, in order.
    public var setup: [String]
    /// The image's labels, in order.
    public var labels: [(key: String, value: String)]
    /// The port the image's Jupyter listens on, when it serves Jupyter.
    public var exposedPort: Int?
    /// The image's default command.
    public var defaultCommand: [String]
    /// The tag the base was locked from, when `base` is a digest (`generate --locked`).
    public var baseTag: String? = nil
    /// `generate --locked` from a lock that records a build: pip installs exactly its list.
    public var lockedPip: LockedPipInstall? = nil
    /// `apt` holds a lock's exact versions: the build first checks the archive still has them.
    public var aptLocked = false
}

/// The pip step of `generate --locked`: every distribution the locked build installed, each at
/// its version and sha256, in pip's hash-checking mode without dependency resolution (the lock
/// lists every dependency); VCS and unhashed entries in a run of their own, since hash-checking
/// mode refuses a requirement without a hash.
public struct LockedPipInstall: Sendable, Equatable {
    /// `name==version --hash=sha256:...` lines: requirements.lock.txt.
    public var hashed: [String]
    /// `name @ git+URL@COMMIT` and unhashed pins, as pip arguments.
    public var unhashed: [String]
    /// Index options: the spec's `packages.index`, and the framework's own index as an extra
    /// one (the hash decides which file is taken).
    public var options: [String]
    /// The lock's file name, for the comment.
    public var lockName: String

    /// The requirements file the locked build installs.
    public static let file = "requirements.lock.txt"
}

/// `project:` in the build: its static dependencies installed with the other packages (from
/// project-requirements.txt), then its code copied and installed with `--no-deps`, so that
/// editing the code rebuilds only that last layer.
public struct ProjectInstall: Sendable, Equatable {
    /// The project's folder, relative to the build context (`.` for the context itself).
    public var from: String
    /// Where the code is in the image.
    public var target: String
    /// `pip install -e`.
    public var editable: Bool
    /// The extras asked for (their packages are in `dependencies`).
    public var extras: [String]
    /// The dependencies as written in pyproject.toml; nil when they are dynamic, so pip
    /// resolves them while installing the project.
    public var dependencies: [String]?

    /// Where project code goes in the image.
    public static let imageFolder = "/opt/project"
}

/// The CA bundle copied into the build context.
public struct CABundleCopy: Sendable, Equatable {
    /// Its name in the build context.
    public var file: String
    /// The spec's file, as a path relative to the working directory.
    public var source: String
}

/// A base image without Python gets one: its distribution's own, or deadsnakes' on Ubuntu.
public struct PythonInstall: Sendable, Equatable {
    /// The Dockerfile's comment.
    public var reason: String
    /// apt packages installed first.
    public var bootstrapPackages: [String]
    /// The PPA that has the Python asked for, when the distribution's own does not.
    public var ppa: String?
    /// The Python packages installed from the PPA.
    public var ppaPackages: [String]
    /// `python3.11`: the interpreter that makes the virtual environment.
    public var interpreter: String
}

/// The project's requirements files in the build: each copied under `requirements-files/`
/// with the folders between them kept, so that their `-r`/`-c` includes still lead to each other.
public struct RequirementsFilesInstall: Sendable, Equatable {
    /// One file: where it is read from, and its path in the build context.
    public struct Copy: Sendable, Equatable {
        /// The file, relative to the working directory (or absolute).
        public var source: String
        /// Its path in the build context, under `requirements-files/`.
        public var contextPath: String
    }

    /// Every file, the spec's and those they include.
    public var copies: [Copy]
    /// The paths inside the image of the spec's files that pip reads in hash-checking mode
    /// (they or their includes have `--hash`), installed in a run of their own.
    public var hashed: [String]
    /// The paths inside the image of the others, installed together with requirements.txt.
    public var plain: [String]

    /// The build context's folder that holds the copies.
    public static let folder = "requirements-files"
    /// Where the image gets it.
    public static let imageFolder = "/tmp/mlenv/requirements-files"
}

/// What requirements.txt lists: the spec's requirements as written, then what mlenv adds.
public struct RequirementsList: Sendable, Equatable {
    /// `packages.pip`, as written.
    public var requirements: [String]
    /// What mlenv adds (Jupyter, when the spec wants it and the base lacks it).
    public var added: [String]
}
