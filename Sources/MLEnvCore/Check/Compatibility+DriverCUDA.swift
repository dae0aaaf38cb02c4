extension Compatibility {
    /// The CUDA version a driver reports (`nvidia-smi`'s "CUDA Version", NVML's
    /// `nvmlSystemGetCudaDriverVersion`, what the container toolkit compares `cuda>=` with), as
    /// far as the toolkit table tells it: at least the newest CUDA minor whose first release's
    /// minimum driver it meets, and below the oldest minor whose driver branch is newer than its
    /// own. R565 drivers report 12.7, a CUDA with no toolkit release: at least 12.6, below 12.8.
    /// A driver of a branch's early builds (before the toolkit's own driver) may report more
    /// than `lowest`; never as much as `below`.
    static func cudaSupported(by driver: DottedVersion, catalog: Catalog) -> (
        lowest: DottedVersion?, below: DottedVersion?
    ) {
        var floors: [DottedVersion: DottedVersion] = [:]
        for toolkit in catalog.toolkits {
            // A branch-only entry (13.4: "R615") still gives a floor: the branch number.
            guard
                let floor = toolkit.minimumDriver.known
                    ?? toolkit.branch.flatMap({ DottedVersion(String($0.dropFirst())) })
            else { continue }
            let minor = toolkit.version.prefix(2)
            if floors[minor].map({ floor < $0 }) ?? true { floors[minor] = floor }
        }
        let lowest = floors.filter { $0.value <= driver }.keys.max()
        let below = floors.filter { $0.value.major > driver.major }.keys.min()
        return (lowest, below)
    }
}
