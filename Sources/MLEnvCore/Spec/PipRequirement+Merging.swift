/// How pip combines several requirements for one project. Since its 2020 resolver (pip 20.3,
/// pypa/pip#8061 and #8036) pip hands every line of a requirements file to the resolver as it is:
/// requirements of one project merge, their extras united and their specifiers intersected, and
/// only requirements that no version satisfies together fail (ResolutionImpossible). A
/// requirement whose marker does not hold is ignored, so requirements under different markers
/// never meet.
extension PipRequirement {
    /// The project under its environment: the PEP 503 name and the marker, spelled canonically.
    /// Requirements with the same key are merged by pip.
    var projectKey: String {
        normalizedName + ";" + (marker.map(Self.canonicalMarker) ?? "")
    }

    /// What the requirement asks pip for, spelled canonically (names and extras normalised,
    /// extras and specifiers sorted): two requirements with the same identity are one
    /// requirement written twice.
    var identity: String {
        let extras = Set(extras.map(RequirementParser.normalize)).sorted().joined(separator: ",")
        let specifiers = Set(specifiers.specifiers.map(\.description)).sorted().joined(separator: ",")
        return projectKey + "[" + extras + "]" + specifiers + "@" + (url ?? "")
    }

    /// The marker without spaces outside its strings, and with every string in double quotes
    /// (unless it holds one): `python_version<'3.9'` and `python_version < "3.9"` are one marker.
    static func canonicalMarker(_ marker: String) -> String {
        var result: [UInt8] = []
        var quote: UInt8?
        var string: [UInt8] = []
        for byte in marker.utf8 {
            if let open = quote {
                if byte == open {
                    let mark =
                        open == UInt8(ascii: "'") && !string.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : open
                    result += [mark] + string + [mark]
                    quote = nil
                    string = []
                } else {
                    string.append(byte)
                }
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
            } else if byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") {
                result.append(byte)
            }
        }
        // An unclosed string cannot reach here (the parser refuses it); keep it as written.
        if let open = quote { result += [open] + string }
        return String(decoding: result, as: UTF8.self)
    }
}
