/// What every generated file says about where it came from.
struct GeneratedHeader {
    /// The mlenv version that wrote it.
    var mlenvVersion: String
    /// The spec's file name (not its path: output must not depend on the working directory).
    var specName: String
    /// SHA-256 of the spec's bytes.
    var specHash: String
    /// SHA-256 of the spec's bytes followed by the lock's, when a lock was used: what the
    /// generated files and the image's label say they were made from.
    var inputsHash: String
    /// The lock's file name, when one was used.
    var lockName: String?
    /// The spec's path from the output folder, so `mlenv verify DIR` can find it again.
    var specPathFromOutput: String

    /// "vision.yaml" or "vision.yaml and vision.mlenv.lock".
    var sources: String { lockName.map { "\(specName) and \($0)" } ?? specName }
}

/// The names of the files `generate` writes.
public enum GeneratedFiles {
    /// The Dockerfile.
    public static let dockerfile = "Dockerfile"
    /// The run script.
    public static let runScript = "run.sh"
    /// pip requirements installed by the Dockerfile.
    public static let requirements = "requirements.txt"
    /// The dependencies of `project:`, from its pyproject.toml, installed before its code.
    public static let projectRequirements = "project-requirements.txt"
    /// What the engine leaves out of a project's build context (BuildKit reads
    /// `<Dockerfile>.dockerignore` beside the Dockerfile before the context's own).
    public static let dockerignore = "Dockerfile.dockerignore"
    /// The copy of `build.ca_bundle` inside the build context.
    public static let caBundle = "ca-bundle.crt"
    /// `--target kubernetes`.
    public static let kubernetes = "kubernetes.yaml"
    /// `--target slurm`.
    public static let slurm = "job.sbatch"
    /// `--target apptainer`.
    public static let apptainer = "Apptainer.def"
    /// `--target devcontainer`.
    public static let devcontainer = ".devcontainer/devcontainer.json"
    /// `--target devcontainer` into a folder named `.devcontainer` (a repository's own, beside
    /// its Dockerfile and requirements.txt): devcontainer.json sits beside the generated Dockerfile.
    public static let devcontainerInItsFolder = "devcontainer.json"

    /// Whether `folder` (absolute) is named `.devcontainer`, so that `--target devcontainer`
    /// writes devcontainer.json into it rather than into a `.devcontainer/` inside it.
    public static func isDevContainerFolder(_ folder: String) -> Bool {
        SpecPaths.normalize(folder).split(separator: "/").last == ".devcontainer"
    }

    /// The file that shows the folder `folder` (absolute) was generated for `target` (`verify`
    /// regenerates those targets).
    public static func marker(of target: Target, inFolder folder: String) -> String {
        switch target {
        case .docker: runScript
        case .kubernetes: kubernetes
        case .slurm: slurm
        case .apptainer: apptainer
        case .devcontainer: isDevContainerFolder(folder) ? devcontainerInItsFolder : devcontainer
        }
    }
}

extension GeneratedFiles {
    /// The Dockerfile's line that records the spec's path from the output folder.
    static let specLinePrefix = "# mlenv-spec: "

    /// The spec's path as a generated Dockerfile records it (relative to the Dockerfile's
    /// folder, or absolute), for `mlenv verify`; nil when mlenv did not write the file.
    public static func specPath(inDockerfile text: String) -> String? {
        // The line is among the first few; the rest of a large file is never split.
        for line in text.split(separator: "\n", maxSplits: 5, omittingEmptySubsequences: false).prefix(5)
        where line.hasPrefix(specLinePrefix) {
            let path = String(line.dropFirst(specLinePrefix.count))
            return path.isEmpty ? nil : path
        }
        return nil
    }
}
