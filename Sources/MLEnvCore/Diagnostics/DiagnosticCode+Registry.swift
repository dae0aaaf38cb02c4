extension DiagnosticCode {
    /// Every code mlenv can emit, in code order. `mlenv explain` and the reports read this;
    /// a test checks that ids are unique and every code is explained.
    public static let registry: [DiagnosticCode] = [
        .yamlSyntax, .duplicateKey, .aliasNotSupported, .multipleDocuments, .emptyDocument,
        .unsupportedTag, .nonScalarKey, .tooDeep,
        .unknownKey, .wrongType, .missingKey, .unsupportedFormatVersion, .invalidName,
        .invalidVersion, .invalidImage, .invalidPort, .invalidGPUs, .invalidVolume,
        .invalidEnvName, .notABoolean, .unknownFramework, .sharedMemoryConflict, .invalidSize,
        .invalidPipRequirement, .invalidAptPackage, .invalidAddress, .missingFile, .invalidPath,
        .invalidURL, .invalidText, .unknownKind, .invalidPortRange, .invalidDriver,
        .duplicateEntry, .autoBaseUnavailable, .pythonRequired, .unsupportedBaseOS,
        .frameworkReinstalled, .frameworkMismatch, .notAnEnvironment, .invalidClusterSetting, .pythonUnavailable, .invalidCatalog,
        .frameworkPython, .frameworkCUDA, .imageMismatch, .pipConflict, .driverTooOld, .gpuUnsupported,
        .unknownBaseImage, .autoBaseChosen, .unverified,
        .frameworkCUDAMinor, .secondFramework, .redundantFramework, .driverCompatibility,
        .unpinnedBase, .unpinnedPip, .unpinnedApt, .jupyterExposed, .secretInImage,
        .lockMismatch, .lockMissing, .invalidLock, .lockStale,
        .gpuClash, .gpuShared, .gpuOvercommit, .portClash, .portOutsideRange, .duplicateName, .gpuIndexOutOfRange, .hostIncomplete,
        .gpuCountNeeded, .gpuIndicesIgnored, .volumeUnsupported, .serviceName,
    ]
}
