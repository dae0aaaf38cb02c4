extension DiagnosticCode {
    static let frameworkPython = DiagnosticCode(
        "E201", .error, name: "framework-python", summary: "The framework version does not support the spec's Python.",
        explanation: """
            Each framework release publishes wheels for a range of Python versions: \
            TensorFlow 2.15 for 3.9-3.11, PyTorch 2.1 for 3.8-3.11. pip cannot install it on \
            another Python, or picks a different release. Change `python:` or the framework \
            version; the message names the range.
            """)
}

/// The framework version against the Python version.
enum FrameworkPythonRule: Rule {
    static let description = RuleDescription(
        title: "framework vs Python",
        overview: "TensorFlow 2.15 supports Python 3.9-3.11, not 3.12",
        codes: [.frameworkPython],
        triggering: [
            RuleExample(
                .frameworkPython,
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.2.2-runtime-ubuntu22.04
                framework: {name: tensorflow, version: "2.15"}
                python: ↓"3.12"
                cuda: "12.2"
                """),
            RuleExample(
                .frameworkPython,
                """
                mlenv: 1
                name: team
                base: python:3.12-slim
                cuda: none
                packages:
                  requirements: [requirements.txt]
                """, with: [.onDisk("requirements.txt", "numpy==1.26.4\n↓torch==2.1.0\n")]),
        ],
        passing: [
            RuleExample(
                """
                mlenv: 1
                name: team
                base: nvidia/cuda:12.2.2-runtime-ubuntu22.04
                framework: {name: tensorflow, version: "2.15"}
                python: "3.11"
                cuda: "12.2"
                """),
            RuleExample(
                """
                mlenv: 1
                name: team
                base: python:3.12-slim
                cuda: none
                packages:
                  pip: ["torch>=2.2"]
                  requirements: [requirements.txt]
                """,
                with: [
                    .onDisk(
                        "requirements.txt",
                        "torch==2.1.0 ; python_version < '3.12'\ntorch==2.4.0 ; python_version >= '3.12'\njax==0.4.30\n"
                    )
                ]),
        ])

    static func check(_ context: inout RuleContext) {
        let environment = context.environment
        checkPinnedInPip(&context)
        guard let framework = environment.framework, let prefix = environment.frameworkVersion,
            let python = environment.python.known.map(Compatibility.minor)
        else { return }
        let location = context.spec.python?.location ?? context.spec.base.location
        // NGC images pair their own build with their own Python: `BaseImageRule` compares those.
        guard !environment.imageShipsFramework else { return }
        let ranges = pythonRanges(framework, prefix, catalog: context.catalog)
        guard !ranges.isEmpty else {
            if let location = context.spec.framework?.version?.location {
                context.report(
                    .unverified,
                    "mlenv's catalog has no \(framework.displayName) \(prefix) release, so its Python support is not checked",
                    at: location)
            }
            return
        }
        let fits = ranges.contains { range in
            (range.minimum.map { python >= $0 } ?? true) && (range.maximum.map { python <= $0 } ?? true)
        }
        guard !fits else { return }
        let described = describe(ranges)
        var notes: [DiagnosticNote] = []
        if let location = context.spec.framework?.version?.location {
            notes.append(
                DiagnosticNote("\(framework.displayName) \(prefix) is asked for here", file: context.file, at: location)
            )
        }
        context.report(
            .frameworkPython, "\(framework.displayName) \(prefix) supports Python \(described), not \(python)",
            at: location, notes: notes, fix: fix(context, framework, prefix, python: python, ranges: ranges))
    }

    /// A framework that only pip installs (`torch==2.1.0` in requirements.txt or `packages.pip`,
    /// no `framework:`, a base without one): its exact pin against the Python, at the pin.
    static func checkPinnedInPip(_ context: inout RuleContext) {
        let environment = context.environment
        guard environment.framework == nil, !environment.imageShipsFramework,
            let python = environment.python.known.map(Compatibility.minor)
        else { return }
        // An entry under a marker may not apply to this Python at all: not judged.
        for entry in environment.pip
        where entry.role != .constraint && entry.value.url == nil && entry.value.marker == nil {
            guard
                let framework = [FrameworkName.pytorch, .tensorflow, .jax].first(where: {
                    $0.pipDistributions.first == entry.value.normalizedName
                }),
                let pin = entry.value.specifiers.specifiers.first(where: { $0.op == .equal && !$0.wildcard }),
                entry.value.specifiers.specifiers.count == 1
            else { continue }
            let version = pin.versionText
            let ranges = pythonRanges(framework, version, catalog: context.catalog)
            guard !ranges.isEmpty else { continue }
            let fits = ranges.contains { range in
                (range.minimum.map { python >= $0 } ?? true) && (range.maximum.map { python <= $0 } ?? true)
            }
            guard !fits else { continue }
            let described = describe(ranges)
            let notes = [
                context.spec.python.map {
                    DiagnosticNote(
                        "the environment's Python \(python) is set here", file: context.file, at: $0.location)
                } ?? context.baseNote
            ]
            context.report(
                .frameworkPython,
                "`\(entry.value.text)`: \(framework.displayName) \(version) supports Python \(described), not \(python); pip finds no wheel for it",
                at: entry, notes: notes, fix: fix(context, framework, version, python: python, ranges: ranges))
        }
    }

    struct PythonRange {
        var minimum: DottedVersion?
        var maximum: DottedVersion?
    }

    /// The known Python ranges of every release matching the prefix.
    static func pythonRanges(_ framework: FrameworkName, _ prefix: String, catalog: Catalog) -> [PythonRange] {
        switch framework {
        case .pytorch:
            return catalog.pytorch.filter { [matches = Compatibility.matcher(prefix)] in matches($0.version) }
                .filter { $0.pythonMinimum.known != nil || $0.pythonMaximum.known != nil }
                .map { PythonRange(minimum: $0.pythonMinimum.known, maximum: $0.pythonMaximum.known) }
        case .tensorflow:
            return catalog.tensorflow.filter { [matches = Compatibility.matcher(prefix)] in
                $0.package == "tensorflow" && matches($0.version)
            }
            .filter { $0.pythonMinimum.known != nil || $0.pythonMaximum.known != nil }
            .map { PythonRange(minimum: $0.pythonMinimum.known, maximum: $0.pythonMaximum.known) }
        case .jax:
            return catalog.jax.filter { [matches = Compatibility.matcher(prefix)] in matches($0.version) }
                .filter { $0.pythonMinimum.known != nil || $0.pythonMaximum.known != nil }
                .map { PythonRange(minimum: $0.pythonMinimum.known, maximum: $0.pythonMaximum.known) }
        case .none:
            return []
        }
    }

    static func describe(_ ranges: [PythonRange]) -> String {
        let low = ranges.compactMap(\.minimum).min()
        let high = ranges.compactMap(\.maximum).max()
        switch (low, high) {
        case (let low?, let high?): return "\(low)-\(high)"
        case (let low?, nil): return "\(low) and newer"
        case (nil, let high?): return "up to \(high)"
        default: return "(unknown)"
        }
    }

    /// Another Python, or the nearest release that supports this one: each must fit the rest of
    /// the spec. A base that fixes the Python (`python:3.12-slim`, Debian's own, an image the
    /// catalog knows) changes with it, so the release comes first there.
    static func fix(
        _ context: RuleContext, _ framework: FrameworkName, _ prefix: String, python: DottedVersion,
        ranges: [PythonRange]
    ) -> String {
        let release = Compatibility.nearestRelease(
            framework, near: prefix, satisfying: ReleaseConstraints(context), catalog: context.catalog)
        let supported = "\(framework.displayName) \(prefix) supports Python \(describe(ranges))"
        let traits = context.environment.traits
        let baseFixesPython =
            traits.family == .python || traits.family == .debian || context.environment.catalogImage?.python.any != nil
        var ways: [String] = []
        if let other = nearestPython(python, in: ranges) {
            ways.append(
                baseFixesPython
                    ? "a base with Python \(other)"
                        + (traits.family == .python ? " such as `python:\(other)-slim`" : "")
                        + " (\(supported))"
                    : "Python \(other) (\(supported))")
        }
        if let release {
            let named = "\(release.named(framework)), which supports Python \(python)"
            if baseFixesPython { ways.insert(named, at: 0) } else { ways.append(named) }
        }
        var fix = "use " + ways.joined(separator: ", or ")
        if release == nil {
            fix +=
                "; no \(framework.displayName) release in mlenv's catalog supports Python \(python) together with the rest of the spec"
        }
        return fix
    }

    /// The Python nearest to `python` that one of the ranges admits.
    static func nearestPython(_ python: DottedVersion, in ranges: [PythonRange]) -> DottedVersion? {
        let candidates = ranges.flatMap { range -> [DottedVersion] in
            if let low = range.minimum, python < low { return [Compatibility.minor(low)] }
            if let high = range.maximum, python > high { return [Compatibility.minor(high)] }
            return []
        }
        return Nearest.pick(
            candidates, fit: { _ in .confirmed },
            distance: { [abs(($0.major - python.major) * 100 + $0.minor - python.minor)] }
        )?.candidate
    }
}
