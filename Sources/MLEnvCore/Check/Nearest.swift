/// How sure the catalog is that a candidate a fix-it names satisfies the spec: every fact it
/// needed is confirmed, or some are only likely (`X?` in the tables) or missing.
enum Certainty: Int, Comparable, Sendable {
    case confirmed = 0
    case likely = 1

    static func < (a: Certainty, b: Certainty) -> Bool { a.rawValue < b.rawValue }

    /// Confirmed for a known fact, likely for a likely one, nil when unknown.
    init?<Value>(_ fact: Fact<Value>) {
        switch fact {
        case .known: self = .confirmed
        case .likely: self = .likely
        case .unknown: return nil
        }
    }

    /// The less sure of two.
    func and(_ other: Certainty) -> Certainty { max(self, other) }
}

/// How every fix-it chooses what it names ("use X instead"): the candidate that satisfies every
/// constraint of the spec, confirmed candidates before likely ones, then the nearest by
/// `distance` (compared element by element), the earlier of equals. nil when none fits: the fix
/// then says so rather than naming something another check would reject.
enum Nearest {
    static func pick<Candidate>(
        _ candidates: some Sequence<Candidate>, fit: (Candidate) -> Certainty?, distance: (Candidate) -> [Int]
    ) -> (candidate: Candidate, certainty: Certainty)? {
        ranked(candidates, fit: fit, distance: distance).first
    }

    /// Every candidate that fits, in the order `pick` prefers them.
    static func ranked<Candidate>(
        _ candidates: some Sequence<Candidate>, fit: (Candidate) -> Certainty?, distance: (Candidate) -> [Int]
    ) -> [(candidate: Candidate, certainty: Certainty)] {
        var fitting: [(candidate: Candidate, certainty: Certainty, distance: [Int], order: Int)] = []
        for (order, candidate) in candidates.enumerated() {
            guard let certainty = fit(candidate) else { continue }
            fitting.append((candidate, certainty, distance(candidate), order))
        }
        return fitting.sorted { a, b in
            if a.certainty != b.certainty { return a.certainty < b.certainty }
            if a.distance != b.distance { return a.distance.lexicographicallyPrecedes(b.distance) }
            return a.order < b.order
        }.map { ($0.candidate, $0.certainty) }
    }

    /// How far release line `line` is from `wanted` among `lines` (sorted): the number of lines
    /// between them, the newer of two equally near first. Without a wanted line, the newest first.
    static func lineDistance(_ line: [Int], from wanted: [Int]?, in lines: [[Int]]) -> [Int] {
        guard let index = lines.firstIndex(of: line) else { return [Int.max] }
        guard let wanted else { return [0, -index] }
        let target = lines.firstIndex { !$0.lexicographicallyPrecedes(wanted) } ?? lines.count
        return [abs(index - target), -index]
    }
}

/// What a framework release named in a fix-it must satisfy besides what the rule reports: the
/// environment's Python, and that some build of it fits the image and the host as mlenv would
/// install it (`WheelFit`: the host's driver and GPUs, the toolkit major of CUDA code compiled in
/// the image; TensorFlow before 2.14 the image's CUDA major).
struct ReleaseConstraints {
    var python: DottedVersion?
    var cpuOnly: Bool
    var fit: WheelFit
    /// The image's CUDA, which TensorFlow before 2.14 loads.
    var imageCUDA: DottedVersion?
    /// A GPU (`sm_XY` as XY) the build must carry native code for (PyTorch's wheels publish theirs).
    var nativeCodeFor: Int?

    init(_ context: RuleContext) {
        let environment = context.environment
        python = environment.python.known.map(Compatibility.minor)
        cpuOnly = environment.cpuOnly
        fit = WheelFit(environment, catalog: context.catalog, host: context.host)
        imageCUDA = environment.cuda.known
    }

    /// Whether a Python range admits the environment's Python, and how surely: an unknown bound
    /// is open but only likely.
    func python(minimum: Fact<DottedVersion>, maximum: Fact<DottedVersion>) -> Certainty? {
        guard let python else { return .confirmed }
        if let low = minimum.any, python < low { return nil }
        if let high = maximum.any, python > Compatibility.minor(high) { return nil }
        return (Certainty(minimum) ?? .likely).and(Certainty(maximum) ?? .likely)
    }
}

/// A framework release a fix-it names.
struct SuggestedRelease {
    /// `2.2`: what the fix says.
    var line: String
    var release: PEP440Version
    /// The wheel variant that fits (`cu128`, `cuda12`), when it matters.
    var variant: String?
    var certainty: Certainty

    /// `PyTorch 2.2`, with `(unconfirmed)` when a fact behind it is only likely.
    func named(_ framework: FrameworkName) -> String {
        "\(framework.displayName) \(line)" + (certainty == .likely ? " (unconfirmed)" : "")
    }
}

extension Compatibility {
    /// The CUDA toolkit nearest to `cuda` (the same major first, as `WheelFit.distance` orders
    /// them) that `driver` runs (when given: natively first, then through minor-version
    /// compatibility, which runs native code but cannot JIT PTX) and that compiles native code for
    /// `gpu` (when given, and the catalog knows); nil when none does.
    static func nearestToolkit(to cuda: DottedVersion, driver: DottedVersion?, gpu: GPUModel?, catalog: Catalog)
        -> DottedVersion?
    {
        func driverRank(_ toolkit: CUDAToolkit) -> Int? {
            guard let driver else { return 0 }
            switch Compatibility.driver(driver, runs: toolkit.version, catalog: catalog, image: nil, gpu: gpu) {
            case .supported: return 0
            case .minorVersionCompatible: return 1
            case .forwardCompatible, .tooOld, .unknown: return nil
            }
        }
        return Nearest.pick(
            catalog.toolkits,
            fit: { toolkit in
                guard driverRank(toolkit) != nil else { return nil }
                switch gpu.map({ Compatibility.toolkit(toolkit.version, reaches: $0, catalog: catalog) }) {
                case .ptxOnly?, .dropped?: return nil
                case .unknown?: return .likely
                case .native?, nil: return .confirmed
                }
            },
            distance: { [driverRank($0) ?? 2] + WheelFit.distance($0.version, from: cuda) }
        )?.candidate.version
    }

    /// The release line of `framework` nearest to `prefix` (`2.1` -> `2.2` before `2.7`; JAX's
    /// releases one by one) that has a release satisfying `constraints` and `also`, confirmed
    /// before likely.
    static func nearestRelease(
        _ framework: FrameworkName, near prefix: String?, satisfying constraints: ReleaseConstraints,
        catalog: Catalog, also: (PEP440Version) -> Bool = { _ in true }
    ) -> SuggestedRelease? {
        // A release line: major.minor, or for JAX, whose releases are 0.MINOR.PATCH, the release.
        let depth = framework == .jax ? 3 : 2
        var fits: [[Int]: SuggestedRelease] = [:]
        for fit in releaseFits(framework, constraints, catalog: catalog)
        where !fit.version.isPrerelease && also(fit.version) {
            let release = fit.version
            let line = Array(release.release.prefix(depth))
            let candidate = SuggestedRelease(
                line: line.map(String.init).joined(separator: "."), release: release, variant: fit.variant,
                certainty: fit.certainty)
            if let other = fits[line],
                other.certainty < fit.certainty || (other.certainty == fit.certainty && other.release > release)
            {
                continue
            }
            fits[line] = candidate
        }
        let lines = Set(
            releases(framework, nil, in: catalog).filter { !$0.isPrerelease }.map { Array($0.release.prefix(depth)) }
        )
        .sorted { $0.lexicographicallyPrecedes($1) }
        let wanted = prefix.flatMap(PEP440Version.init).map { Array($0.release.prefix(depth)) }
        return Nearest.pick(
            lines.compactMap { fits[$0] }, fit: { $0.certainty },
            distance: { Nearest.lineDistance(Array($0.release.release.prefix(depth)), from: wanted, in: lines) }
        )?.candidate
    }

    typealias ReleaseFit = (version: PEP440Version, certainty: Certainty, variant: String?)

    /// Each release of `framework` that satisfies the constraints, with how surely and the build that does.
    private static func releaseFits(_ framework: FrameworkName, _ constraints: ReleaseConstraints, catalog: Catalog)
        -> [ReleaseFit]
    {
        switch framework {
        case .pytorch:
            return catalog.pytorch.compactMap { (release: PyTorchRelease) -> ReleaseFit? in
                guard let python = constraints.python(minimum: release.pythonMinimum, maximum: release.pythonMaximum),
                    let build = pytorchBuild(release, constraints)
                else { return nil }
                return (release.version, python.and(build.certainty), build.variant)
            }
        case .tensorflow:
            return catalog.tensorflow.filter { $0.package == "tensorflow" }.compactMap {
                (release: TensorFlowRelease) -> ReleaseFit? in
                guard let python = constraints.python(minimum: release.pythonMinimum, maximum: release.pythonMaximum)
                else { return nil }
                guard !constraints.cpuOnly else { return (release.version, python, nil) }
                // From 2.14 the `and-cuda` extra brings the tested CUDA (the host's driver must
                // run it); before, TensorFlow loads the image's CUDA, of the build's major.
                let bundles = release.version >= PEP440Version(release: [2, 14])
                guard let cuda = release.cuda.any, let sure = Certainty(release.cuda) else {
                    return bundles && constraints.fit.driver == nil ? (release.version, python.and(.likely), nil) : nil
                }
                if bundles, !constraints.fit.driverRuns(cuda) { return nil }
                if !bundles, let image = constraints.imageCUDA, image.major != cuda.major { return nil }
                return (release.version, python.and(sure), nil)
            }
        case .jax:
            return catalog.jax.compactMap { (release: JAXRelease) -> ReleaseFit? in
                guard let python = constraints.python(minimum: release.pythonMinimum, maximum: release.pythonMaximum)
                else { return nil }
                guard !constraints.cpuOnly, constraints.fit.driver != nil else { return (release.version, python, nil) }
                let major = release.cudaMajors.sorted(by: >).first { major in
                    constraints.fit.driverRuns(release.cudaMinimum(major: major) ?? DottedVersion("\(major)")!)
                }
                return major.map { (release.version, python, "cuda\($0)") }
            }
        case .none:
            return []
        }
    }

    /// The PyTorch variant that fits the image and the host, confirmed first, then the one mlenv
    /// prefers (native code for the host's GPU). Without a CUDA constraint any release fits.
    private static func pytorchBuild(_ release: PyTorchRelease, _ constraints: ReleaseConstraints) -> (
        certainty: Certainty, variant: String?
    )? {
        let fit = constraints.fit
        let constrained =
            fit.driver != nil || fit.gpu != nil || fit.toolkitMajor != nil || constraints.nativeCodeFor != nil
        guard !constraints.cpuOnly, constrained else { return (.confirmed, nil) }
        var best: (certainty: Certainty, rank: Int, variant: String)?
        for wheel in release.cudaWheels {
            guard let variant = wheel.any, var certainty = Certainty(wheel),
                let cuda = DottedVersion(cudaOfVariant(variant))
            else { continue }
            let code = release.code(variant)
            guard let rank = fit.rank(cuda, code: code) else { continue }
            // Code for the host's GPU that the catalog does not confirm is only likely to run.
            if let gpu = fit.gpu {
                certainty = certainty.and(Certainty(kernels(cubins: code.cubins, ptx: code.ptx, on: gpu)) ?? .likely)
            }
            if let sm = constraints.nativeCodeFor {
                let verdict = kernels(cubins: code.cubins, ptx: code.ptx, on: sm)
                guard case .native? = verdict.any, let sure = Certainty(verdict) else { continue }
                certainty = certainty.and(sure)
            }
            if let current = best, (current.certainty, current.rank) <= (certainty, rank) { continue }
            best = (certainty, rank, variant)
        }
        return best.map { ($0.certainty, $0.variant) }
    }
}
