/// What `mlenv generate --target` can write. The Dockerfile is part of every target: the
/// others build their image from it, or (Apptainer) follow it step by step.
public enum Target: String, Sendable, CaseIterable {
    /// Dockerfile, run.sh and requirements.txt.
    case docker
    /// `kubernetes.yaml`: a Deployment or Job, a Service for Jupyter, PersistentVolumeClaims.
    case kubernetes
    /// `job.sbatch`: a Slurm batch script for pyxis/enroot, Apptainer, Docker or Podman.
    case slurm
    /// `Apptainer.def`: a definition file equivalent to the Dockerfile.
    case apptainer
    /// `.devcontainer/devcontainer.json` for VS Code and the Dev Containers CLI.
    case devcontainer

    /// Reads `docker,kubernetes` (or `all`); a failure names the first unknown target.
    public static func parseList(_ text: String) -> Result<Set<Target>, UnknownTarget> {
        var targets: Set<Target> = []
        for word in text.split(separator: ",", omittingEmptySubsequences: false).map({
            String($0).trimmingSpaces.lowercased()
        }) {
            if word == "all" {
                targets.formUnion(allCases)
            } else if let target = Target(rawValue: word) {
                targets.insert(target)
            } else {
                return .failure(UnknownTarget(name: word))
            }
        }
        return .success(targets)
    }

    /// A target name `parseList` does not know.
    public struct UnknownTarget: Error, Sendable {
        /// The word as written.
        public var name: String
    }
}
