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
            at: location, notes: notes,
            fix: suggestion(framework, python: python, near: prefix, catalog: context.catalog).map {
                "use Python \(described), or \($0)"
            } ?? "use Python \(described)")
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
                at: entry, notes: notes,
                fix: suggestion(framework, python: python, near: version, catalog: context.catalog).map {
                    "use Python \(described), or \($0)"
                } ?? "use Python \(described)")
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

    /// The newest release of the framework that supports `python`, for the fix-it.
    /// The release line nearest the one the spec asks for (`2.1` -> `2.2` before `2.7`) whose
    /// known Python range includes `python`; the newer of two equally near. Only known ranges
    /// count: a likely one never becomes advice.
    static func suggestion(
        _ framework: FrameworkName, python: DottedVersion, near prefix: String? = nil,
        catalog: Catalog
    ) -> String? {
        let lines = Set(
            Compatibility.releases(framework, nil, in: catalog).filter { !$0.isPrerelease }.map {
                Array($0.release.prefix(2))
            }
        )
        .sorted { $0.lexicographicallyPrecedes($1) }
        let fitting = lines.filter { line in
            let prefix = line.map(String.init).joined(separator: ".")
            return pythonRanges(framework, prefix, catalog: catalog)
                .contains { ($0.minimum.map { python >= $0 } ?? true) && ($0.maximum.map { python <= $0 } ?? true) }
        }
        let wanted = prefix.flatMap(PEP440Version.init).map { Array($0.release.prefix(2)) }
        let position = { (line: [Int]) -> Int in
            guard let wanted else { return 0 }
            return lines.firstIndex(of: line).map { index in
                let target = lines.firstIndex { !$0.lexicographicallyPrecedes(wanted) } ?? lines.count
                return abs(index - target)
            } ?? Int.max
        }
        let best = fitting.min { a, b in
            let (da, db) = (position(a), position(b))
            return da != db ? da < db : b.lexicographicallyPrecedes(a)
        }
        return best.map {
            "\(framework.displayName) \($0.map(String.init).joined(separator: ".")), which supports Python \(python)"
        }
    }
}
