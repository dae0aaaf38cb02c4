extension DiagnosticCode {
    static let frameworkCUDA = DiagnosticCode(
        "E202", .error, name: "framework-cuda", summary: "No build of the framework version exists for the spec's CUDA.",
        explanation: """
            PyTorch publishes wheels for a few CUDA versions per release (2.1: cu118 and cu121), \
            TensorFlow is built for one CUDA (2.15: 12.2), JAX for CUDA majors. A spec asking for \
            another CUDA gets a build made for a different toolkit, or none. Pick a CUDA the \
            release was built for, or a release built for your CUDA.
            """)
    static let frameworkCUDAMinor = DiagnosticCode(
        "W202", .warning, name: "framework-cuda-minor", summary: "The framework was built for another CUDA minor version.",
        explanation: """
            TensorFlow's tested configuration names one CUDA version. Within the same major \
            version CUDA's minor-version compatibility usually lets it run, but the combination \
            was not tested.
            """)
}

/// The framework build against the CUDA toolkit, for frameworks mlenv installs
/// with pip (an NGC image's own build is matched to its CUDA by NVIDIA; `BaseImageRule` checks those).
enum FrameworkCUDARule: Rule {
    static let description = RuleDescription(
        title: "framework vs CUDA",
        overview: "no PyTorch 2.1 wheel exists for CUDA 12.4 (it is built for 11.8, 12.1)",
        codes: [.frameworkCUDA, .frameworkCUDAMinor],
        triggering: [
            RuleExample(.frameworkCUDA, """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.1"}
                python: "3.10"
                cuda: ↓"12.4"
                """),
            RuleExample(.frameworkCUDAMinor, """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.4.1-runtime-ubuntu22.04
                framework: {name: tensorflow, version: "2.15"}
                python: "3.10"
                cuda: ↓"12.4"
                """),
        ],
        passing: [
            RuleExample("""
                mlenv: 1
                name: team
                base: nvidia/cuda:12.1.1-runtime-ubuntu22.04
                framework: {name: pytorch, version: "2.1"}
                python: "3.10"
                cuda: "12.1"
                """),
        ])

    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        guard !environment.imageShipsFramework, let framework = environment.framework,
              let prefix = environment.frameworkVersion, let cuda = environment.cuda.known else { return }
        let declared = context.spec.cuda?.location ?? context.spec.base.location
        var notes: [DiagnosticNote] = []
        if let location = context.spec.framework?.version?.location {
            notes.append(DiagnosticNote("\(framework.displayName) \(prefix) is asked for here", file: context.file, at: location))
        }
        switch framework {
        case .pytorch:
            let releases = context.catalog.pytorch.filter { [matches = Compatibility.matcher(prefix)] in matches($0.version) }
            let known = releases.flatMap { $0.cudaWheels.compactMap(\.known) }
            guard !known.isEmpty else { return }
            let variant = Compatibility.pytorchVariant(cuda)
            let all = Set(releases.flatMap { $0.cudaWheels.compactMap(\.any) })
            if all.contains(variant) { return }
            let offered = Set(known).sorted().map(Compatibility.cudaOfVariant).joined(separator: ", ")
            let newer = context.catalog.pytorch.filter { $0.cudaWheels.contains { $0.known == variant } }.map(\.version).min()
            var fix = "use CUDA \(offered)"
            if let newer { fix += ", or PyTorch \(newer.release.prefix(2).map(String.init).joined(separator: ".")) or newer, which has \(variant) wheels" }
            context.report(.frameworkCUDA, "no PyTorch \(prefix) wheel exists for CUDA \(cuda.prefix(2)); PyTorch \(prefix) is built for CUDA \(offered)",
                           at: declared, notes: notes, fix: fix)
        case .tensorflow:
            let builds = context.catalog.tensorflow.filter { [matches = Compatibility.matcher(prefix)] in $0.package == "tensorflow" && matches($0.version) }
                .compactMap(\.cuda.known)
            guard let built = builds.max() else { return }
            if builds.contains(where: { $0.major == cuda.major && $0.minor == cuda.minor }) { return }
            if !builds.contains(where: { $0.major == cuda.major }) {
                context.report(.frameworkCUDA, "TensorFlow \(prefix) was built for CUDA \(built), not CUDA \(cuda.major)",
                               at: declared, notes: notes, fix: "use CUDA \(built)")
            } else {
                context.report(.frameworkCUDAMinor, "TensorFlow \(prefix) was built and tested with CUDA \(built); the spec says \(cuda)",
                               at: declared, notes: notes, fix: "use CUDA \(built)")
            }
        case .jax:
            let releases = context.catalog.jax.filter { [matches = Compatibility.matcher(prefix)] in matches($0.version) }
            let majors = Set(releases.flatMap(\.cudaMajors))
            guard !majors.isEmpty, !majors.contains(cuda.major) else { return }
            context.report(.frameworkCUDA, "JAX \(prefix) has CUDA wheels for CUDA \(majors.sorted().map(String.init).joined(separator: ", ")), not CUDA \(cuda.major)",
                           at: declared, notes: notes)
        case .none:
            return
        }
    }
}
