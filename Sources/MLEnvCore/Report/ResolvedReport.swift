/// `mlenv resolve` output: the environment as it will really be built.
public enum ResolvedReport {
    /// Aligned `key: value` lines.
    public static func text(_ environment: ResolvedEnvironment) -> String {
        var lines = [
            "base:      \(environment.image)",
            "python:    \(environment.python.text)",
            "cuda:      \(environment.cpuOnly ? "none" : environment.cuda.text)",
            "framework: \(frameworkText(environment))",
        ]
        if let choice = environment.choice { lines.append("why:       \(choice)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One JSON object: `{"name", "base", "python", "cuda", "framework": {"name", "version"}, "choice"}`.
    /// Unknown facts are null; likely ones carry a `?` as in the catalog.
    public static func json(_ environment: ResolvedEnvironment) -> String {
        func fact(_ value: Fact<DottedVersion>) -> String {
            switch value {
            case .known(let version): return Quoting.json(version.description)
            case .likely(let version): return Quoting.json(version.description + "?")
            case .unknown: return "null"
            }
        }
        let framework = environment.framework.map {
            "{\"name\": \(Quoting.json($0.rawValue)), \"version\": \(environment.frameworkVersion.map(Quoting.json) ?? "null")}"
        } ?? "{\"name\": \"none\", \"version\": null}"
        let fields = [
            "\"name\": \(Quoting.json(environment.spec.name.value))",
            "\"base\": \(Quoting.json(environment.image.description))",
            "\"python\": \(fact(environment.python))",
            "\"cuda\": \(environment.cpuOnly ? "\"none\"" : fact(environment.cuda))",
            "\"framework\": \(framework)",
            "\"choice\": \(environment.choice.map(Quoting.json) ?? "null")",
        ]
        return "{" + fields.joined(separator: ", ") + "}\n"
    }

    static func frameworkText(_ environment: ResolvedEnvironment) -> String {
        guard let framework = environment.framework else { return "none" }
        return framework.rawValue + (environment.frameworkVersion.map { " \($0)" } ?? "")
            + (environment.imageShipsFramework ? " (built into the image)" : " (installed with pip)")
    }
}

/// `mlenv catalog` output: what mlenv knows about images.
public enum CatalogReport {
    /// A table of images, one per line.
    public static func text(_ images: [CatalogImage]) -> String {
        var rows = [["IMAGE", "FRAMEWORK", "PYTHON", "CUDA", "MIN DRIVER"]]
        for image in images {
            rows.append([
                image.reference.description,
                image.framework.map { "\($0.rawValue) \(image.frameworkVersion.any.map(\.description) ?? "?")\(image.frameworkVersion.isLikely ? "?" : "")" } ?? "-",
                short(image.python), short(image.cuda), short(image.minimumDriver),
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n\n(`?` marks a fact no source confirms; facts are from the catalog's tables: mlenv catalog --format json lists their sources)\n"
    }

    /// `{"images": [...], "tables": [{"name", "description", "sources": {...}}]}`.
    public static func json(_ images: [CatalogImage], tables: [CatalogTable]) -> String {
        func fact<T: CustomStringConvertible>(_ value: Fact<T>) -> String {
            switch value {
            case .known(let v): return Quoting.json(v.description)
            case .likely(let v): return Quoting.json(v.description + "?")
            case .unknown: return "null"
            }
        }
        let items = images.map { image in
            "    {\"image\": \(Quoting.json(image.reference.description)), \"framework\": \(image.framework.map { Quoting.json($0.rawValue) } ?? "null"), "
                + "\"framework_version\": \(fact(image.frameworkVersion)), \"python\": \(fact(image.python)), \"cuda\": \(fact(image.cuda)), "
                + "\"cudnn\": \(fact(image.cudnn)), \"ubuntu\": \(fact(image.ubuntu)), \"min_driver\": \(fact(image.minimumDriver)), "
                + "\"jupyter\": \(image.shipsJupyter), \"table\": \(Quoting.json(image.table)), "
                + "\"sources\": [\(image.sources.map(Quoting.json).joined(separator: ", "))]}"
        }
        let tableItems = tables.map { table in
            "    {\"name\": \(Quoting.json(table.name)), \"description\": \(Quoting.json(table.description)), \"sources\": {"
                + table.sources.map { "\(Quoting.json($0.key)): \(Quoting.json($0.description))" }.joined(separator: ", ") + "}}"
        }
        return "{\n  \"images\": [\n" + items.joined(separator: ",\n") + "\n  ],\n  \"tables\": [\n" + tableItems.joined(separator: ",\n") + "\n  ]\n}\n"
    }

    static func short(_ fact: Fact<DottedVersion>) -> String {
        switch fact {
        case .known(let value): return value.description
        case .likely(let value): return "\(value)?"
        case .unknown: return "?"
        }
    }
}
