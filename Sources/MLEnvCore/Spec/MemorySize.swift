/// A size such as `64g`, kept as a whole number in the largest binary unit that divides it,
/// so every target can write it in its own notation (`64Gi`, `64G`, `64g`).
public struct MemorySize: Sendable, Equatable {
    /// The amount in `unit`s.
    public var amount: Int
    /// 0 bytes, 1 KiB, 2 MiB, 3 GiB, 4 TiB.
    public var unit: Int

    /// Reads `16g`, `512m`, `1.5g`, `16gb` as Docker does (go-units' `RAMInBytes`): a fraction
    /// with a unit is truncated to whole bytes (`1.3m` is 1363148 bytes). Nil when it is not a
    /// size, has a fraction but no unit, is zero, or is beyond 1 PiB. Every size in a spec
    /// (`shm_size`, `resources.memory`) is read by this one grammar.
    public init?(parsing text: String) {
        var body = Substring(text.lowercased())
        if body.hasSuffix("b") { body = body.dropLast() }
        var unit = 0
        if let last = body.last, let index = "kmgt".firstIndex(of: last) {
            unit = "kmgt".distance(from: "kmgt".startIndex, to: index) + 1
            body = body.dropLast()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard !body.isEmpty, parts.count <= 2,
            parts.allSatisfy({ !$0.isEmpty && $0.count <= 12 && $0.allSatisfy(\.isASCIIDigit) }),
            let whole = Int(parts[0]), whole <= (1 << 50) >> (10 * unit)
        else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        // Whole bytes: scale the decimal by the unit; what is left of a byte is dropped, as
        // Docker drops it.
        var bytes = whole
        for _ in 0..<unit { bytes *= 1024 }
        if !fraction.isEmpty {
            guard unit > 0, let numerator = Int(fraction) else { return nil }
            var scaled = numerator
            for _ in 0..<unit { scaled *= 1024 }
            var denominator = 1
            for _ in 0..<fraction.count { denominator *= 10 }
            bytes += scaled / denominator
        }
        guard bytes > 0, bytes <= 1 << 50 else { return nil }
        var best = (amount: bytes, unit: 0)
        while best.unit < 4, best.amount % 1024 == 0 {
            best = (best.amount / 1024, best.unit + 1)
        }
        amount = best.amount
        self.unit = best.unit
    }

    /// Kubernetes quantity: `64Gi`.
    public var kubernetes: String { "\(amount)" + ["", "Ki", "Mi", "Gi", "Ti"][unit] }
    /// Docker and Compose: `64g` (bytes without a suffix). Never a fraction, never upper case.
    public var docker: String { "\(amount)" + ["", "k", "m", "g", "t"][unit] }
    /// Slurm's `--mem`, in whole megabytes at least: `64G`, `1536M`.
    public var slurm: String {
        if unit >= 2 { return "\(amount)" + ["", "K", "M", "G", "T"][unit] }
        let bytes = amount * (unit == 1 ? 1024 : 1)
        return "\((bytes + (1 << 20) - 1) >> 20)M"
    }
}
