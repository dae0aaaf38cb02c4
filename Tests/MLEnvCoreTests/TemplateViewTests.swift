import Foundation
import XCTest

@testable import MLEnvCore

/// The templates read typed views by name (through the template engine's reflection): a name a
/// template uses that no view field has would render as nothing, silently. This test fails then.
final class TemplateViewTests: XCTestCase {
    /// Every name in a template's tags: `{{x}}`, `{{{x}}}`, `{{#x}}`, `{{^x}}`.
    func names(in template: String) throws -> Set<String> {
        let text = try String(
            contentsOf: repositoryRoot.appendingPathComponent("templates/\(template).mustache"), encoding: .utf8)
        let regex = try NSRegularExpression(pattern: "\\{\\{\\{?[#^]?([A-Za-z][A-Za-z0-9.]*)\\}?\\}\\}")
        let matches = regex.matches(in: text, range: NSRange(text.startIndex..., in: text))
        return Set(matches.compactMap { Range($0.range(at: 1), in: text).map { String(text[$0]) } })
    }

    /// The names `value` and everything inside it (optionals, arrays, nested structs) answer: a
    /// `TemplateView`'s table, else (for views read by reflection) the stored fields.
    func fields(of value: Any) -> Set<String> {
        var found = Set<String>()
        var queue: [Any] = [value]
        while let next = queue.popLast() {
            let mirror = Mirror(reflecting: next)
            if let view = next as? any TemplateView {
                found.formUnion(type(of: view).fieldNames)
            }
            for child in mirror.children {
                if let label = child.label, mirror.displayStyle != .optional, !(next is any TemplateView) {
                    found.insert(label)
                }
                queue.append(child.value)
            }
        }
        return found
    }

    func inputs() throws -> [RenderInput] {
        let interactive = """
            mlenv: 1
            name: rich
            base: ubuntu:22.04
            python: "3.12"
            cuda: none
            framework: {name: pytorch, version: "2.3"}
            description: Every field that reaches a template
            packages: {pip: [numpy], apt: [git], requirements: [requirements.txt, locked.txt]}
            gpus: none
            jupyter: {port: 18888}
            volumes: ["/data:/workspace/data:ro", "./checkpoints:/workspace/checkpoints", "cache:/workspace/cache"]
            env: {A: b}
            secrets: [HF_TOKEN]
            setup: ["echo one", "echo two"]
            build: {ca_bundle: ca.pem, pip_index_url: "https://pypi.example/simple"}
            resources: {cpus: 4, memory: 8g}
            kubernetes: {namespace: ml, storage_class: fast}
            slurm: {runtime: docker, partition: gpu, account: lab, time: "1:00:00"}

            """
        let batch =
            "mlenv: 1\nname: batch\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: 2\ncommand: [python, train.py]\n"
        let files = InMemoryFiles([
            "specs/ca.pem": Array("-----BEGIN CERTIFICATE-----\n".utf8),
            "specs/requirements.txt": Array("scipy==1.11.4\n".utf8),
            "specs/locked.txt": Array(
                "six==1.16.0 --hash=sha256:8abb2f1d86890a2dfb989f9a77cfcfd3e47c2a354b01111771326f8aa26e0254\n".utf8),
        ])
        // The interactive spec a third time, generated from a lock that records a build.
        return try [(interactive, false), (batch, false), (interactive, true)].map { text, locked in
            let source = SourceFile(path: "specs/spec.yaml", text: text)
            let result = MLEnv.check([source], files: files)
            let environment = try XCTUnwrap(result.environments.first, "\(result.diagnostics.map(\.message))")
            let header = GeneratedHeader(
                mlenvVersion: "0", specName: "spec.yaml", specHash: "h", inputsHash: "i", lockName: nil,
                specPathFromOutput: "s")
            var lock = LockFile.make(environment, specBytes: source.bytes, catalog: CatalogLoader.builtIn)
            lock = lock.recording(
                ImageRecord(
                    baseDigest: "sha256:" + String(repeating: "0", count: 64), imageID: nil,
                    python: [
                        LockedDistribution(name: "numpy", version: "1", sha256: "00"),
                        LockedDistribution(name: "p", version: "1", sha256: nil, url: "git+https://x/p@c", commit: "c"),
                    ], apt: ["git=1"], missing: []))
            let (recipe, run) = Translator.translate(
                environment, header: header, specFolderFromOutput: "..", workingDirectory: "/work", allocation: nil,
                lock: locked ? lock : nil)
            return RenderInput(recipe: recipe, run: run, header: header)
        }
    }

    func testEveryNameATemplateReadsIsAFieldOfItsView() throws {
        let inputs = try inputs()
        let views: [(TemplateName, [Any])] = [
            (.dockerfile, inputs.map { BuildStepsView($0) }),
            (.apptainer, inputs.map { BuildStepsView($0, apptainer: true) }),
            (.runScript, inputs.map(RunScriptView.init)),
            (.slurm, inputs.map(SlurmView.init)),
            (
                .requirements,
                [RequirementsView(version: "0", specName: "s", requirements: ["a"], added: ["b"], hasAdded: true)]
            ),
        ]
        for (template, instances) in views {
            let known = instances.reduce(into: Set<String>()) { $0.formUnion(fields(of: $1)) }
            let used = try names(in: template.rawValue)
            XCTAssertFalse(used.isEmpty, template.rawValue)
            XCTAssertEqual(used.subtracting(known), [], "\(template.rawValue) reads names its view does not have")
        }
    }

    func testTheComposeScriptReadsOnlyItsView() throws {
        let specs = ["a", "b"].map { name in
            SourceFile(
                path: "specs/\(name).yaml",
                text:
                    "mlenv: 1\nname: \(name)\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: 1\njupyter: true\nsecrets: [T]\nvolumes: [\"v:/v\"]\nresources: {cpus: 2, memory: 1g}\n"
            )
        }
        let host = SourceFile(
            path: "specs/host.yaml",
            text: "mlenv: 1\nkind: host\nname: h\ngpus: {model: H100, count: 8}\njupyter_ports: 18800-18899\n")
        guard case .host(let hostSpec)? = MLEnv.load(host).0 else { return XCTFail("host") }
        let plan = try XCTUnwrap(
            MLEnv.plan(specs, host: hostSpec, outputDirectory: "p", workingDirectory: "/w", files: InMemoryFiles()).plan
        )
        let compose = PlanEmitter.composeFile(plan, outputDirectory: "p", workingDirectory: "/w")
        let view = ComposeView(version: "0", host: "h", teamCount: compose.teams.count, serviceList: "a b")
        XCTAssertEqual(try names(in: TemplateName.composeScript.rawValue).subtracting(fields(of: view)), [])
    }
}
