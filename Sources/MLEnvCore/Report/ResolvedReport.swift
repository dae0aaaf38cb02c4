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
        if let install = environment.frameworkInstall {
            lines.append(
                "install:   pip install \(install.words.map(Quoting.shell).joined(separator: " ")) (\(install.description))"
            )
        }
        if let choice = environment.choice { lines.append("why:       \(choice)") }
        lines += environment.runnersUp.map { "runner-up: \($0)" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// One JSON object: `{"name", "base", "python", "cuda", "framework": {"name", "version"}, "install", "choice",
    /// "runners_up"}` (`runners_up`: for `base: auto`, the images that came next and why each lost);
    /// `install` is how pip installs the framework (`{"arguments", "variant", "description"}`), null
    /// when the image ships it.
    /// Unknown facts are null; likely ones carry a `?` as in the catalog.
    public static func json(_ environment: ResolvedEnvironment) -> String {
        let framework = Document.mapping(
            [
                "name": .string(environment.framework?.rawValue ?? "none"),
                "version": environment.framework == nil
                    ? .null : environment.frameworkVersion.map(Document.string) ?? .null,
            ], .flow)
        return JSONPrinter.print(
            .mapping(
                [
                    "name": .string(environment.spec.name.value),
                    "base": .string(environment.image.description),
                    "python": fact(environment.python),
                    "cuda": environment.cpuOnly ? .string("none") : fact(environment.cuda),
                    "framework": framework,
                    "install": environment.frameworkInstall.map { install in
                        .mapping(
                            [
                                "arguments": .strings(install.words, .flow),
                                "variant": install.variant.map(Document.string) ?? .null,
                                "description": .string(install.description),
                            ], .flow)
                    } ?? .null,
                    "choice": environment.choice.map(Document.string) ?? .null,
                    "runners_up": .strings(environment.runnersUp, .flow),
                ], .flow))
    }

    /// A catalog fact as JSON: known as written, likely with a `?` as in the catalog, unknown as null.
    static func fact<T: CustomStringConvertible>(_ value: Fact<T>) -> Document {
        switch value {
        case .known(let known): .string(known.description)
        case .likely(let likely): .string(likely.description + "?")
        case .unknown: .null
        }
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
                image.framework.map {
                    "\($0.rawValue) \(image.frameworkVersion.any.map(\.description) ?? "?")\(image.frameworkVersion.isLikely ? "?" : "")"
                } ?? "-",
                short(image.python), short(image.cuda), short(image.minimumDriver),
            ])
        }
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[index] - cell.count)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
            + "\n\n(`?` marks a fact no source confirms; facts are from the catalog's tables: mlenv catalog --format json lists their sources)\n"
    }

    /// `{"images": [...], "tables": [{"name", "description", "sources": {...}}]}`.
    public static func json(_ images: [CatalogImage], tables: [CatalogTable]) -> String {
        let items = images.map { image -> Document in
            .mapping(
                [
                    "image": .string(image.reference.description),
                    "framework": image.framework.map { .string($0.rawValue) } ?? .null,
                    "framework_version": ResolvedReport.fact(image.frameworkVersion),
                    "python": ResolvedReport.fact(image.python),
                    "cuda": ResolvedReport.fact(image.cuda),
                    "cudnn": ResolvedReport.fact(image.cudnn),
                    "ubuntu": ResolvedReport.fact(image.ubuntu),
                    "min_driver": ResolvedReport.fact(image.minimumDriver),
                    "jupyter": .bool(image.shipsJupyter),
                    "table": .string(image.table),
                    "sources": .strings(image.sources, .flow),
                ], .flow)
        }
        let tableItems = tables.map { table -> Document in
            .mapping(
                [
                    "name": .string(table.name),
                    "description": .string(table.description),
                    "sources": .mapping(
                        entries: table.sources.map { Document.Entry($0.key, .string($0.description)) }, .flow),
                ], .flow)
        }
        return JSONPrinter.print(
            .mapping(["images": .sequence(items, .block), "tables": .sequence(tableItems, .block)]))
    }

    static func short(_ fact: Fact<DottedVersion>) -> String {
        switch fact {
        case .known(let value): return value.description
        case .likely(let value): return "\(value)?"
        case .unknown: return "?"
        }
    }
}
