/// Which GPUs a build's code runs on, as CUDA's binary and PTX compatibility say (CUDA C++
/// Programming Guide, "Binary Compatibility" and "PTX Compatibility",
/// https://docs.nvidia.com/cuda/cuda-c-programming-guide/index.html#binary-compatibility): a cubin
/// for `sm_XY` runs on a GPU of compute capability X.Z with Z >= Y (sm_80 cubins run on sm_86 and
/// sm_89), an architecture-specific one (`sm_90a`) on X.Y only, and PTX for `compute_XY` is
/// JIT-compiled by the driver for any GPU of compute capability X.Y or newer.
extension Compatibility {
    /// What a build's GPU code does on one GPU.
    enum KernelVerdict: Equatable {
        /// A cubin for `sm` runs as it is.
        case native(sm: Int)
        /// Only the PTX for `compute_<ptx>` fits: the driver compiles it on first use (minutes,
        /// kept in the JIT cache), and only a driver at least as new as the toolkit that wrote it.
        case jit(ptx: Int)
        /// Nothing fits: every kernel launch fails with "no kernel image is available for execution
        /// on the device".
        case none
    }

    /// `sm_XY` of a compute capability, written XY (`12.0` is 120, `8.6` is 86).
    static func sm(_ capability: DottedVersion) -> Int { capability.major * 10 + capability.minor }

    /// What code with `cubins` and `ptx` (and cubins for exactly one architecture, `exact`) does on
    /// a GPU `sm_<gpu>`, as sure as the least sure of the facts it needed.
    static func kernels(cubins: Fact<[Int]>, ptx: Fact<[Int]>, exact: [Int] = [], on gpu: Int) -> Fact<KernelVerdict> {
        guard let binaries = cubins.any else { return .unknown }
        let fits = binaries.filter { $0 / 10 == gpu / 10 && $0 % 10 <= gpu % 10 } + exact.filter { $0 == gpu }
        if let best = fits.max() { return cubins.isLikely ? .likely(.native(sm: best)) : .known(.native(sm: best)) }
        guard let intermediate = ptx.any else { return .unknown }
        let verdict: KernelVerdict = intermediate.filter { $0 <= gpu }.max().map { .jit(ptx: $0) } ?? .none
        return cubins.isLikely || ptx.isLikely ? .likely(verdict) : .known(verdict)
    }

    /// What a CUDA toolkit can build for a GPU.
    enum ToolkitReach: Equatable {
        /// Native code: nvcc targets `sm`, of the GPU's major compute capability and at or below it.
        case native(sm: Int)
        /// No architecture of the GPU's major: code built with the toolkit runs there only as PTX
        /// of an older architecture, JIT-compiled, if the build embeds PTX. `firstToolkit` is the
        /// first with native code for the GPU.
        case ptxOnly(sm: Int, firstToolkit: DottedVersion?)
        /// The toolkit no longer compiles for the GPU's architecture, PTX included (PTX runs only
        /// on GPUs at or above its own architecture); `lastToolkit` was the last that did.
        case dropped(sm: Int, lastToolkit: DottedVersion?)
        /// The catalog does not know.
        case unknown
    }

    /// What `toolkit` can build for `gpu`. The architectures nvcc targets are those of the
    /// catalog's GPUs whose first toolkit is at or below `toolkit`, within the toolkit's range.
    static func toolkit(_ toolkit: DottedVersion, reaches gpu: GPUModel, catalog: Catalog) -> ToolkitReach {
        guard let capability = gpu.computeCapability.known else { return .unknown }
        let sm = sm(capability)
        let entry = catalog.toolkit(toolkit)
        if let minimum = entry?.minimumSM.known, sm < minimum {
            let last = catalog.architectures.first { $0.computeCapabilities.contains(capability) }?.lastCUDA.known
            return .dropped(sm: sm, lastToolkit: last)
        }
        // The architectures at or below the GPU in its major, with the first toolkit of each.
        var family: [(sm: Int, first: DottedVersion)] = []
        // Through the catalog's models in place, then the GPU itself: no copy of the table per call
        // (`base: auto` asks this for every candidate image).
        func consider(_ model: GPUModel) {
            guard let other = model.computeCapability.known, let first = model.minimumCUDA.any else { return }
            let target = Self.sm(other)
            if target / 10 == sm / 10, target <= sm { family.append((target, first.prefix(2))) }
        }
        for index in catalog.gpus.indices { consider(catalog.gpus[index]) }
        consider(gpu)
        let reachable = family.filter { target in
            target.first <= toolkit.prefix(2) && entry?.maximumSM.known.map { target.sm <= $0 } ?? true
        }
        if let best = reachable.map(\.sm).max() { return .native(sm: best) }
        guard let first = family.map(\.first).min() else { return .unknown }
        return .ptxOnly(sm: sm, firstToolkit: first)
    }
}
