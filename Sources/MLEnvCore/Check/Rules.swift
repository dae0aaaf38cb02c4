/// Every unit that owns diagnostic codes, in the order the README's code table lists them. The
/// code registry is derived from this list, so a code that no unit declares is in no report.
enum Rules {
    /// What one spec can get wrong by itself, or against the catalog and its host.
    static var oneSpec: [any Rule.Type] {
        [
            YAMLReaderCodes.self, SpecDecoderCodes.self, FileReferenceRule.self, RequirementsReader.self,
            ProjectReader.self, BuildContextRule.self,
            ResolverCodes.self,
            BaseImageRule.self, FrameworkPythonRule.self, FrameworkCUDARule.self, PipRule.self, CompanionRule.self,
            HostRule.self, ContainerToolkitRule.self, HostGPURule.self,
            GPUCodeRule.self,
            HygieneRule.self, GenerateInputCodes.self, CatalogFileCodes.self,
        ]
    }

    /// What a spec can get wrong beyond itself: against its lock, the other specs on its host, and
    /// the cluster targets it is generated for.
    static var beyondOneSpec: [any Rule.Type] { [LockCodes.self, SharedHostRule.self, ClusterRule.self] }

    /// Every unit.
    static var all: [any Rule.Type] { oneSpec + beyondOneSpec }

    /// The registry's order: the one-spec codes by id (several stages share the E1xx range),
    /// then each of the other units' codes in the order the unit declares them.
    static var registry: [DiagnosticCode] {
        oneSpec.flatMap { $0.description.codes }.sorted { $0.id < $1.id }
            + beyondOneSpec.flatMap { $0.description.codes }
    }
}
