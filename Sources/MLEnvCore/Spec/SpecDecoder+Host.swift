extension NodeDecoder {
    /// Decodes the keys of a `kind: host` file.
    mutating func hostSpec(_ fields: inout FieldSet) -> HostSpec? {
        let name = required(&fields, "name", example: "name: dgx-01").flatMap { self.name($0.value) }
        let description = self.description(&fields)
        var driver: Located<String>?
        if let pair = fields.take("driver"), let text = text(pair.value, "driver") {
            if Self.isDottedVersion(text.value, parts: 2...3) {
                driver = text
            } else {
                report(
                    .invalidDriver,
                    "`driver` must be an NVIDIA driver version such as \"535.129.03\", not `\(text.value)`",
                    at: text.location)
            }
        }
        var model: Located<String>?
        var count: Located<Int>?
        if let pair = fields.take("gpus"), var gpus = mapping(pair.value, "gpus") {
            if let modelPair = gpus.take("model"), let text = text(modelPair.value, "gpus.model"),
                plainText(text, "gpus.model", allowNewlines: false)
            {
                model = text
            }
            if let countPair = gpus.take("count"), let value = integer(countPair.value, "gpus.count") {
                if value.value >= 1 {
                    count = value
                } else {
                    report(.invalidGPUs, "`gpus.count` must be at least 1", at: value.location)
                }
            }
            reportUnknownKeys(gpus)
        }
        let ports = fields.take("jupyter_ports").flatMap { self.portRange($0.value) }
        guard let name else { return nil }
        return HostSpec(
            file: file, name: name, description: description, driver: driver,
            gpuModel: model, gpuCount: count, jupyterPorts: ports)
    }

    mutating func portRange(_ node: YAMLNode) -> Located<ClosedRange<Int>>? {
        guard let text = text(node, "jupyter_ports") else { return nil }
        let parts = text.value.split(separator: "-", omittingEmptySubsequences: false)
        let numbers = parts.compactMap { part in part.count <= 5 && part.allSatisfy(\.isASCIIDigit) ? Int(part) : nil }
        guard (1...2).contains(parts.count), numbers.count == parts.count,
            let low = numbers.first, let high = numbers.last,
            (1...65535).contains(low), (1...65535).contains(high), low <= high
        else {
            report(
                .invalidPortRange,
                "`jupyter_ports` must be a range such as 18800-18899 within 1-65535, not `\(text.value)`",
                at: text.location)
            return nil
        }
        return Located(low...high, at: text.location)
    }
}
