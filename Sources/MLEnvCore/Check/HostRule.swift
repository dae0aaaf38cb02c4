/// Rule families 5 and 6: the environment's CUDA against the host's driver and GPUs, given a
/// host inventory.
enum HostRule {
    static func check(_ context: inout RuleContext) {
        guard let host = context.host, context.spec.gpus.value != GPURequest.none, !context.environment.cpuOnly,
              let cuda = context.environment.cuda.known else { return }
        let cudaLocation = context.spec.cuda?.location ?? context.spec.base.location
        let gpu = context.hostGPU
        if let driver = context.hostDriver {
            let hostDriverNote = context.hostNote("the host's driver is \(driver)", at: host.driver?.location)
            switch Compatibility.driver(driver, runs: cuda, catalog: context.catalog, image: context.environment.catalogImage, gpu: gpu) {
            case .supported, .unknown:
                break
            case .minorVersionCompatible(let minimum):
                context.report(.driverCompatibility, "CUDA \(cuda) wants driver \(minimum) or newer; \(host.name.value)'s \(driver) runs it only through minor-version compatibility (no PTX JIT)",
                               at: cudaLocation, notes: [hostDriverNote].compactMap { $0 })
            case .forwardCompatible(let branch):
                context.report(.driverCompatibility, "\(host.name.value)'s driver \(driver) is older than CUDA \(cuda) needs; `\(context.environment.image)` supports it through forward compatibility (\(branch))",
                               at: cudaLocation, notes: [hostDriverNote].compactMap { $0 })
            case .tooOld(let required):
                context.report(.driverTooOld, "CUDA \(cuda) needs NVIDIA driver \(required) or newer; \(host.name.value) has \(driver)",
                               at: cudaLocation, notes: [hostDriverNote].compactMap { $0 },
                               fix: "upgrade the host's driver, or use a CUDA version its driver supports")
            }
        }
        if let gpu, let model = host.gpuModel {
            let gpuNote = context.hostNote("\(host.name.value) has \(model.value) (\(gpu.architecture), compute capability \(gpu.computeCapability.text))", at: model.location)
            switch Compatibility.toolkit(cuda, supports: gpu, catalog: context.catalog) {
            case .supported, .unknown:
                break
            case .tooNew(let sm, let first):
                context.report(.gpuUnsupported, "CUDA \(cuda) cannot build for \(model.value) (sm_\(sm))" + (first.map { "; it needs CUDA \($0) or newer" } ?? ""),
                               at: cudaLocation, notes: [gpuNote].compactMap { $0 }, fix: first.map { "use CUDA \($0) or newer" })
            case .dropped(let sm, let last):
                context.report(.gpuUnsupported, "CUDA \(cuda) no longer supports \(gpu.architecture) GPUs such as \(model.value) (sm_\(sm))" + (last.map { "; the last toolkit for them is CUDA \($0)" } ?? ""),
                               at: cudaLocation, notes: [gpuNote].compactMap { $0 }, fix: last.map { "use CUDA \($0) or older" })
            }
        }
    }
}
