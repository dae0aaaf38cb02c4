/// A shared GPU server, decoded from a `kind: host` file.
public struct HostSpec: Sendable {
    /// The file's path as the user named it.
    public var file: String
    /// `name:`.
    public var name: Located<String>
    /// `description:`.
    public var description: String?
    /// `driver:` - the NVIDIA driver version installed, e.g. `535.129.03`.
    public var driver: Located<String>?
    /// `gpus.model:`, e.g. `A100-SXM4-80GB`.
    public var gpuModel: Located<String>?
    /// `gpus.count:`.
    public var gpuCount: Located<Int>?
    /// `jupyter_ports:` - the host ports teams may publish Jupyter on.
    public var jupyterPorts: Located<ClosedRange<Int>>?
}

/// Any file mlenv reads.
public enum MLEnvFile: Sendable {
    case environment(EnvironmentSpec)
    case host(HostSpec)
}
