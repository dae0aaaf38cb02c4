/// A CUDA the environment's programs run with: what the host's driver must run and its GPUs
/// must have kernels for. Framework wheels from pip bring their own (PyTorch's cu126 wheels
/// CUDA 12.6); the image's toolkit is in use when nothing else brings CUDA (an NGC image's own
/// framework, TensorFlow before 2.14, no framework) and when CUDA code is compiled in the image.
struct CUDAInUse {
    enum Origin {
        /// The image's (or the spec's) toolkit.
        case toolkit
        /// A framework's wheels.
        case wheels(FrameworkName, FrameworkInstall)
    }

    /// The CUDA: major.minor[.patch], or only the major for JAX's `jax[cudaN]`.
    var cuda: DottedVersion
    var origin: Origin
    /// Where the spec decides it.
    var location: SourceLocation
    /// The file `location` is in: nil for the spec, a requirements file for a framework pinned there.
    var file: String?
    /// What diagnostics about it add: where a pinned framework was taken from.
    var notes: [DiagnosticNote] = []
    /// The CUDA, for messages: "CUDA 12.2.2", "CUDA 12.6, which PyTorch 2.7's cu126 wheels bring,".
    var name: String
    /// The build that runs on the GPUs, for messages: "CUDA 12.2.2", "PyTorch 2.7's cu126 wheels (CUDA 12.6)".
    var build: String
    /// The GPU code PyTorch's wheels carry, as the catalog knows it.
    var code: (cubins: Fact<[Int]>, ptx: Fact<[Int]>) = (.unknown, .unknown)

    /// What the wheels' own GPU code does on `gpu`; unknown for the image's toolkit.
    func kernels(on gpu: GPUModel) -> Fact<Compatibility.KernelVerdict> {
        guard let capability = gpu.computeCapability.known else { return .unknown }
        return Compatibility.kernels(cubins: code.cubins, ptx: code.ptx, on: Compatibility.sm(capability))
    }

    /// The CUDA to judge a driver with: for wheels, the first release of their minor (their
    /// exact patch level is not known) or of their major.
    var release: DottedVersion {
        guard case .wheels = origin else { return cuda }
        return DottedVersion("\(cuda.major).\(cuda.minor).0")!
    }

    /// The CUDAs in use, the image's toolkit first.
    static func of(_ context: RuleContext) -> [CUDAInUse] {
        let environment = context.environment
        guard !environment.cpuOnly else { return [] }
        var uses: [CUDAInUse] = []
        let install = environment.judgedInstall
        let wheels = install?.bundledCUDA
        // A framework pinned in pip's requirements whose wheels bring a CUDA mlenv cannot tell:
        // the image's toolkit is not what it runs with, and an unknown CUDA is not judged.
        let pinned = environment.framework == nil ? environment.pinnedFramework : nil
        let unknownWheels = wheels == nil && pinned?.bringsCUDA == true
        if let cuda = environment.cuda.known, (wheels == nil && !unknownWheels) || environment.cudaCompilation != nil {
            uses.append(
                CUDAInUse(
                    cuda: cuda, origin: .toolkit, location: context.spec.cuda?.location ?? context.spec.base.location,
                    name: "CUDA \(cuda)", build: "CUDA \(cuda)"))
        }
        if let install, let wheels, let framework = environment.judgedFramework {
            let version = environment.judgedFrameworkVersion.map { " \($0)" } ?? ""
            let what = install.variant.map { framework == .jax ? "`jax[\($0)]`" : "\($0) " } ?? ""
            let wheelsName =
                framework == .jax
                ? "JAX\(version)'s \(what) wheels"
                : framework == .tensorflow
                    ? "TensorFlow\(version)'s `and-cuda` wheels"
                    : "\(framework.displayName)\(version)'s \(what)wheels"
            let location =
                context.spec.framework?.version?.location ?? context.spec.framework?.name.location
                ?? context.spec.base.location
            // JAX's wheels bring the newest CUDA of their major, at least their floor.
            let cudaName = framework == .jax && wheels.parts.count >= 2 ? "CUDA \(wheels) or newer" : "CUDA \(wheels)"
            var use = CUDAInUse(
                cuda: wheels, origin: .wheels(framework, install), location: location,
                name: "\(cudaName), which \(wheelsName) bring,", build: "\(wheelsName) (\(cudaName))")
            if let pinned {
                use.file = pinned.entry.file
                use.location = pinned.entry.location
                use.notes = [pinned.note]
            }
            if framework == .pytorch, let variant = install.variant, let prefix = environment.judgedFrameworkVersion {
                let release = context.catalog.pytorch.filter { [matches = Compatibility.matcher(prefix)] release in
                    matches(release.version) && release.cudaWheels.contains { $0.any == variant }
                }.max { $0.version < $1.version }
                use.code = release?.code(variant) ?? (.unknown, .unknown)
            }
            uses.append(use)
        }
        return uses
    }
}

extension CUDAInUse.Origin {
    /// Whether this is the image's toolkit.
    var isToolkit: Bool {
        if case .toolkit = self { return true }
        return false
    }

    /// Whether these are PyTorch's wheels, which publish their architectures.
    var isPyTorchWheels: Bool {
        if case .wheels(.pytorch, _) = self { return true }
        return false
    }
}
