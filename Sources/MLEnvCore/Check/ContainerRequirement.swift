/// An image's `NVIDIA_REQUIRE_CUDA` as NVIDIA's container toolkit reads it before it starts a
/// container with GPUs, and judged as the toolkit judges it.
///
/// The grammar and the meaning are libnvidia-container's (`src/cli/dsl.c`, `dsl_evaluate`;
/// `src/cli/configure.c`, the rules `cuda`, `driver`, `arch`, `brand`), which the toolkit's legacy
/// mode runs ("Auto-detected mode as 'legacy'" in every "unsatisfied condition" report), and its
/// Go port (nvidia-container-toolkit `internal/requirements/constraints/factory.go`):
/// space-separated alternatives are OR'ed, comma-separated conditions within one are AND'ed,
/// each `property OP value` with OP one of `=`, `!=`, `<`, `<=`, `>`, `>=`. `cuda` is the CUDA
/// version the host's driver supports (`nvmlSystemGetCudaDriverVersion`, major.minor), `driver`
/// the driver version, `arch` the GPU's compute capability, `brand` the GPU's brand as NVML names
/// it. Versions compare number by number. Each visible GPU is judged, and the first failing
/// requirement stops the container: "unsatisfied condition: cuda>=12.4" (the message names the
/// first alternative, not the condition that failed).
struct ContainerRequirement: Sendable, Equatable {
    /// One `property OP value`.
    struct Condition: Sendable, Equatable {
        enum Property: String, Sendable {
            case cuda, driver, arch, brand
        }

        enum Comparator: String, Sendable {
            case equal = "="
            case notEqual = "!="
            case less = "<"
            case lessEqual = "<="
            case greater = ">"
            case greaterEqual = ">="
        }

        var property: Property
        var comparator: Comparator
        var value: String
    }

    /// The values of `NVIDIA_DISABLE_REQUIRE` that turn the check off (the toolkit's
    /// `HasDisableRequire`, internal/config/image/cuda_image.go: Go's `strconv.ParseBool`).
    static let disabling: Set<String> = ["1", "t", "T", "TRUE", "true", "True"]

    /// The alternatives, each the conditions that must all hold.
    var alternatives: [[Condition]]
    /// The text as written.
    var text: String

    /// Reads a requirement; nil when the toolkit would not read it either (libnvidia-container
    /// stops with "invalid expression"; the Go port skips what it does not know), so mlenv
    /// judges nothing.
    init?(parsing text: String) {
        self.text = text
        var alternatives: [[Condition]] = []
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            var conditions: [Condition] = []
            for part in word.split(separator: ",", omittingEmptySubsequences: true) {
                guard let condition = Self.condition(String(part)) else { return nil }
                conditions.append(condition)
            }
            if !conditions.isEmpty { alternatives.append(conditions) }
        }
        self.alternatives = alternatives
    }

    /// `brand=tesla` -> brand, `=`, `tesla`; property names are compared without case, as
    /// libnvidia-container does.
    private static func condition(_ text: String) -> Condition? {
        let operators: Set<Character> = ["<", ">", "=", "!"]
        guard let start = text.firstIndex(where: operators.contains), start != text.startIndex else { return nil }
        let end = text[start...].firstIndex { !operators.contains($0) } ?? text.endIndex
        guard let property = Condition.Property(rawValue: text[..<start].lowercased()),
            let comparator = Condition.Comparator(rawValue: String(text[start..<end])), end != text.endIndex
        else { return nil }
        let value = String(text[end...])
        if property != .brand, DottedVersion(value) == nil { return nil }
        return Condition(property: property, comparator: comparator, value: value)
    }

    /// The first alternative, as the toolkit's message names it.
    var headline: String { text.split(separator: " ").first.map(String.init) ?? text }

    /// Every brand NVML can report, as the toolkit spells it: libnvidia-container's names
    /// (`src/driver.c`: Quadro, Tesla, NVS, GRID, GeForce, TITAN, and Unknown for every newer
    /// brand) and the Go port's (`internal/requirements/image.go`: nvidia, nvidiartx, geforcertx,
    /// ...), and the empty brand the Go port compares when NVML names none. A refusal must hold
    /// for each of them: the catalog does not know which one a GPU reports.
    static let brands = [
        "quadro", "tesla", "nvs", "grid", "geforce", "titan", "unknown", "nvidiavapps", "nvidiavpc", "nvidiavcs",
        "nvidiavws", "nvidiacloudgaming", "quadrortx", "nvidiartx", "nvidia", "geforcertx", "titanrtx", "",
    ]

    /// What the toolkit decides for a host.
    enum Verdict: Sendable, Equatable {
        /// It starts the container whatever the GPU's brand.
        case starts
        /// It refuses, whatever the GPU's brand.
        case refused
        /// It starts the container only for GPUs of these brands (as written in the requirement).
        case startsFor(brands: [String])
        /// The catalog does not know enough.
        case unknown
    }

    /// What the host's driver must be, as far as mlenv knows it.
    struct Host: Sendable {
        /// The driver version.
        var driver: DottedVersion
        /// The CUDA the driver supports is at least `lowest` and below `below`, when known.
        var cuda: (lowest: DottedVersion?, below: DottedVersion?)
        /// The GPU's compute capability, when known.
        var capability: DottedVersion?
    }

    /// The toolkit's decision on `host`, every brand tried.
    func verdict(on host: Host) -> Verdict {
        var starting: [String] = []
        var refused = true
        for brand in Self.brands {
            switch holds(on: host, brand: brand) {
            case true?: starting.append(brand)
            case false?: break
            case nil: refused = false
            }
        }
        if starting.count == Self.brands.count { return .starts }
        if starting.isEmpty { return refused ? .refused : .unknown }
        // The brands the requirement names that let it start, in its order.
        var named: [String] = []
        for condition in alternatives.joined() where condition.property == .brand {
            let brand = condition.value.lowercased()
            if starting.contains(brand), !named.contains(brand) { named.append(brand) }
        }
        return named.isEmpty ? .unknown : .startsFor(brands: named)
    }

    /// Whether the requirement holds for a GPU of `brand`: OR over the alternatives, AND within
    /// one; nil when it cannot be told. An empty requirement holds (the toolkit checks nothing).
    func holds(on host: Host, brand: String) -> Bool? {
        if alternatives.isEmpty { return true }
        var result: Bool? = false
        for alternative in alternatives {
            var all: Bool? = true
            for condition in alternative {
                switch condition.holds(on: host, brand: brand) {
                case false?: all = false
                case nil where all == true: all = nil
                default: break
                }
                if all == false { break }
            }
            if all == true { return true }
            if all == nil { result = nil }
        }
        return result
    }
}

extension ContainerRequirement.Condition {
    /// Whether the condition holds on the host for a GPU of `brand`; nil when not known.
    func holds(on host: ContainerRequirement.Host, brand: String) -> Bool? {
        switch property {
        case .brand:
            switch comparator {
            case .equal: return brand == value.lowercased()
            case .notEqual: return brand != value.lowercased()
            default: return nil
            }
        case .driver:
            return DottedVersion(value).map { compare(host.driver, $0) }
        case .arch:
            guard let capability = host.capability, let wanted = DottedVersion(value) else { return nil }
            return compare(capability, wanted)
        case .cuda:
            guard let wanted = DottedVersion(value) else { return nil }
            // The driver's CUDA is at least `lowest` and below `below`.
            let (lowest, below) = host.cuda
            let atLeast = lowest.map { $0 >= wanted } ?? false
            let under = below.map { $0 <= wanted } ?? false
            switch comparator {
            case .greaterEqual: return atLeast ? true : under ? false : nil
            case .greater: return lowest.map { $0 > wanted } == true ? true : under ? false : nil
            case .less: return under ? true : atLeast ? false : nil
            case .lessEqual: return under ? true : lowest.map { $0 > wanted } == true ? false : nil
            case .equal, .notEqual: return nil
            }
        }
    }

    private func compare(_ actual: DottedVersion, _ wanted: DottedVersion) -> Bool {
        switch comparator {
        case .equal: return actual == wanted
        case .notEqual: return actual != wanted
        case .less: return actual < wanted
        case .lessEqual: return actual <= wanted
        case .greater: return actual > wanted
        case .greaterEqual: return actual >= wanted
        }
    }
}
