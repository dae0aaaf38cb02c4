import Foundation
import XCTest

@testable import MLEnvCore

/// `--target kubernetes,slurm,apptainer,devcontainer`: what a spec must say for a cluster, and
/// what the files carry over from it. Golden files and the real validators are in GoldenTests.
final class ClusterTargetTests: XCTestCase {
    func generateDiagnostics(_ text: String, targets: Set<Target>) -> [String] {
        let result = MLEnv.generate(
            SourceFile(path: "spec.yaml", text: text), outputDirectory: "out", workingDirectory: "/work",
            files: InMemoryFiles([:]), targets: targets)
        return triples(result.diagnostics)
    }

    func testClustersNeedAGPUCountNotAll() {
        // `gpus: all`, written or implied, has no meaning for a scheduler; Docker alone is fine.
        XCTAssertEqual(generateDiagnostics(minimalSpec + "gpus: all\n", targets: [.docker, .kubernetes]), ["E401@4:7"])
        XCTAssertEqual(generateDiagnostics(minimalSpec, targets: [.slurm]), ["E401@1:1"])
        XCTAssertEqual(
            generateDiagnostics(minimalSpec + "gpus: all\n", targets: [.docker, .apptainer, .devcontainer]), [])
        XCTAssertEqual(generateDiagnostics(minimalSpec + "gpus: [2, 3]\n", targets: [.kubernetes]), ["W402@4:7"])
        XCTAssertEqual(generateDiagnostics(minimalSpec + "gpus: 2\n", targets: Set(Target.allCases)), [])
        // A spec without `gpus:` is told which key to add, and which targets need it.
        let implied = MLEnv.generate(
            SourceFile(path: "spec.yaml", text: minimalSpec), outputDirectory: "out", workingDirectory: "/work",
            files: InMemoryFiles([:]), targets: Set(Target.allCases)
        ).diagnostics.first
        XCTAssertEqual(
            implied?.message,
            "the spec has no `gpus:`, which means all GPUs, and that has no meaning on kubernetes and slurm: the scheduler hands out a number of GPUs"
        )
        XCTAssertEqual(
            implied?.fix,
            "add the number of GPUs, such as `gpus: 8`, or `gpus: none`; or generate without `--target kubernetes,slurm`"
        )
    }

    func testVolumesThatATargetCannotMount() {
        let relative = minimalSpec + "gpus: 1\nvolumes: [\"./data:/data\"]\nkubernetes: {storage: hostpath}\n"
        XCTAssertEqual(generateDiagnostics(relative, targets: [.kubernetes]), ["E403@5:11"])
        XCTAssertEqual(
            generateDiagnostics(relative, targets: [.slurm]), [],
            "a relative path works for Slurm: it starts at the spec's folder")
        let named = minimalSpec + "gpus: 1\nvolumes: [\"cache:/cache\"]\n"
        XCTAssertEqual(generateDiagnostics(named, targets: [.slurm]), ["E403@5:11"], "pyxis mounts folders only")
        XCTAssertEqual(generateDiagnostics(named + "slurm: {runtime: docker}\n", targets: [.slurm]), [])
        XCTAssertEqual(generateDiagnostics(named, targets: [.kubernetes]), [], "a named volume becomes a claim")
    }

    func testMemorySizesInEachTargetsNotation() throws {
        let cases: [(String, String, String, String)] = [
            ("64g", "64Gi", "64g", "64G"), ("1.5g", "1536Mi", "1536m", "1536M"), ("512m", "512Mi", "512m", "512M"),
            ("16gb", "16Gi", "16g", "16G"), ("1.5t", "1536Gi", "1536g", "1536G"), ("1000", "1000", "1000", "1M"),
            ("2k", "2Ki", "2k", "1M"),
            // Fractions are read as Docker reads them: truncated to whole bytes, never `1.3m`,
            // which Kubernetes would read as 1.3 thousandths of a byte.
            ("1.3m", "1363148", "1363148", "2M"), ("1.0000001k", "1Ki", "1k", "1M"),
        ]
        for (text, kubernetes, docker, slurm) in cases {
            let size = try XCTUnwrap(MemorySize(parsing: text), text)
            XCTAssertEqual([size.kubernetes, size.docker, size.slurm], [kubernetes, docker, slurm], text)
        }
        for invalid in ["0", "0g", "1.5", "g", "1.2.3g", "0.0000001k", "99999999999999t", "-1g"] {
            XCTAssertNil(MemorySize(parsing: invalid), invalid)
        }
    }

    func testSharedMemoryIsOneSizeInEveryTarget() throws {
        // `1.3m` is 1363148 bytes to Docker; Kubernetes must not read it as 1.3 milli-bytes.
        let files = generate(
            minimalSpec + "gpus: 1\nshm_size: 1.3m\nslurm: {runtime: docker}\n",
            targets: [.kubernetes, .slurm, .devcontainer])
        let manifests = try XCTUnwrap(files["kubernetes.yaml"])
        XCTAssertTrue(manifests.contains("sizeLimit: \"1363148\""), manifests)
        XCTAssertFalse(manifests.contains("1.3m"), manifests)
        for name in ["run.sh", "job.sbatch", ".devcontainer/devcontainer.json"] {
            let text = try XCTUnwrap(files[name], name)
            XCTAssertTrue(text.contains("--shm-size=1363148"), name)
        }
        let gib = generate(minimalSpec + "gpus: 1\nshm_size: 16G\n", targets: [.kubernetes])
        XCTAssertTrue(try XCTUnwrap(gib["kubernetes.yaml"]).contains("sizeLimit: \"16Gi\""))
        XCTAssertTrue(try XCTUnwrap(gib["run.sh"]).contains("--shm-size=16g"))
        XCTAssertEqual(
            diagnostics(minimalSpec + "shm_size: 1.5\n").map(\.code.id), ["E115"], "a fraction of a byte is no size")
    }

    func testKubernetesRunsACommandAsAJobWithItsWordsUnchanged() throws {
        let files = generate(
            minimalSpec
                + "gpus: 2\ncommand: [python, -c, \"print('$(HOME)', '$x')\"]\nresources: {cpus: 4, memory: 8g}\n",
            targets: [.kubernetes])
        let manifests = try XCTUnwrap(files["kubernetes.yaml"])
        XCTAssertTrue(manifests.contains("kind: Job\n"))
        XCTAssertFalse(manifests.contains("kind: Deployment"))
        XCTAssertFalse(manifests.contains("kind: Service"), "a job has no Jupyter to serve")
        // Kubernetes would expand $(HOME) from the container's environment; `$$` keeps it literal.
        XCTAssertTrue(manifests.contains(#"- "print('$$(HOME)', '$$x')""#), manifests)
        XCTAssertTrue(manifests.contains(#"nvidia.com/gpu: "2""#))
        XCTAssertTrue(manifests.contains(#"memory: "8Gi""#))
    }

    func testTheJupyterTokenIsNeverWrittenIntoTheManifests() throws {
        let files = generate(
            minimalSpec + "gpus: 1\njupyter: {port: 18001}\nsecrets: [HF_TOKEN]\nenv: {MODE: fast}\n",
            targets: [.kubernetes, .devcontainer])
        let manifests = try XCTUnwrap(files["kubernetes.yaml"])
        XCTAssertTrue(
            manifests.contains("secretKeyRef:\n                  name: team-jupyter\n                  key: token"))
        XCTAssertTrue(manifests.contains("port-forward service/team 18001:8888"))
        XCTAssertFalse(manifests.contains("kind: Secret"), "secrets are created by the user, never written")
        let devcontainer = try XCTUnwrap(files[".devcontainer/devcontainer.json"])
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(devcontainer.utf8)) as? [String: Any])
        XCTAssertEqual(
            json["containerEnv"] as? [String: String],
            ["HOME": "/home/mlenv", "JUPYTER_TOKEN": "${localEnv:JUPYTER_TOKEN}", "HF_TOKEN": "${localEnv:HF_TOKEN}"])
        XCTAssertEqual(
            json["runArgs"] as? [String],
            [
                "--hostname", "team", "--shm-size=1g", "--gpus", "1",
                "--ulimit", "memlock=-1", "--ulimit", "stack=67108864",
            ])
        XCTAssertEqual(json["forwardPorts"] as? [Int], [8888])
    }

    func testSlurmAsksForTheSpecsResources() throws {
        let files = generate(
            minimalSpec
                + "gpus: 3\nresources: {cpus: 12, memory: 1.5g}\nslurm: {partition: a100, time: \"4:00:00\", account: lab}\n",
            targets: [.slurm])
        let script = try XCTUnwrap(files["job.sbatch"])
        let directives = script.split(separator: "\n").filter { $0.hasPrefix("#SBATCH ") }
        XCTAssertEqual(
            directives,
            [
                "#SBATCH --job-name=team", "#SBATCH --output=team-%j.out", "#SBATCH --nodes=1", "#SBATCH --ntasks=1",
                "#SBATCH --gres=gpu:3", "#SBATCH --cpus-per-task=12", "#SBATCH --mem=1536M",
                "#SBATCH --partition=a100", "#SBATCH --account=lab", "#SBATCH --time=4:00:00",
            ])
        // sbatch stops reading directives at the first command.
        let firstCommand = try XCTUnwrap(script.split(separator: "\n").firstIndex { !$0.hasPrefix("#") && !$0.isEmpty })
        let lastDirective = try XCTUnwrap(script.split(separator: "\n").lastIndex { $0.hasPrefix("#SBATCH") })
        XCTAssertLessThan(lastDirective, firstCommand)
    }

    func testTargetListsParse() {
        XCTAssertEqual(try Target.parseList("docker,kubernetes").get(), [.docker, .kubernetes])
        XCTAssertEqual(try Target.parseList("all").get(), Set(Target.allCases))
        XCTAssertEqual(try Target.parseList(" Slurm , apptainer").get(), [.slurm, .apptainer])
        guard case .failure(let error) = Target.parseList("docker,nomad") else { return XCTFail("nomad is no target") }
        XCTAssertEqual(error.name, "nomad")
    }

    func testServiceNamesStartWithALetter() {
        let spec = "mlenv: 1\nname: 3d-vision\nbase: nvcr.io/nvidia/pytorch:23.10-py3\ngpus: 1\njupyter: true\n"
        XCTAssertEqual(generateDiagnostics(spec, targets: [.kubernetes]), ["E404@2:7"])
        XCTAssertEqual(generateDiagnostics(spec, targets: [.slurm, .devcontainer]), [])
    }

    func testSlurmImagesInEachRuntimesNotation() throws {
        // The value bash gives IMAGE, with the script's folder at /jobs/vision.
        func image(_ slurm: String) throws -> String {
            let script = try XCTUnwrap(
                generate(minimalSpec + "gpus: 1\nslurm: \(slurm)\n", targets: [.slurm])["job.sbatch"])
            let lines = script.split(separator: "\n").filter {
                $0.hasPrefix("IMAGE=") || $0.hasPrefix("[[ -n \"$IMAGE\" ]]")
            }
            XCTAssertEqual(lines.count, 2)
            return try runProcess(
                "/bin/bash", ["-c", "HERE=/jobs/vision\n" + lines.joined(separator: "\n") + "\nprintf %s \"$IMAGE\""]
            ).output
        }
        // enroot reads REGISTRY#IMAGE; without `#` it would pull the name from Docker Hub.
        XCTAssertEqual(try image("{image: registry.example.com/ml/vision:1.0}"), "registry.example.com#ml/vision:1.0")
        XCTAssertEqual(try image("{image: vision.sqsh}"), "/jobs/vision/vision.sqsh")
        XCTAssertEqual(try image("{image: /shared/images/vision.sqsh}"), "/shared/images/vision.sqsh")
        XCTAssertEqual(try image("{}"), "/jobs/vision/team.sqsh")
        XCTAssertEqual(
            try image("{runtime: apptainer, image: nvcr.io/nvidia/pytorch:23.10-py3}"),
            "docker://nvcr.io/nvidia/pytorch:23.10-py3")
        XCTAssertEqual(
            try image("{runtime: docker, image: registry.example.com/ml/vision:1.0}"),
            "registry.example.com/ml/vision:1.0")
        let digest = "registry.example.com/ml/vision@sha256:" + String(repeating: "ab", count: 32)
        XCTAssertEqual(triples(diagnostics(minimalSpec + "slurm: {image: \"\(digest)\"}\n")), ["E133@4:16"])
        XCTAssertEqual(
            triples(diagnostics(minimalSpec + "slurm: {runtime: docker, image: vision.sif}\n")), ["E133@4:33"])
    }

    func testDevContainerMountsAreAbsoluteAndPinnedGPUsStayPinned() throws {
        let text = minimalSpec + "gpus: [1, 2]\nvolumes: [\"./data:/data\", \"/scratch:/scratch:ro\"]\n"
        let json = try XCTUnwrap(
            JSONSerialization.jsonObject(
                with: Data(
                    try XCTUnwrap(generate(text, targets: [.devcontainer])[".devcontainer/devcontainer.json"]).utf8))
                as? [String: Any])
        XCTAssertEqual(
            json["mounts"] as? [String],
            [
                "source=${localWorkspaceFolder}/../../specs/data,target=/data,type=bind",
                "source=/scratch,target=/scratch,type=bind,readonly",
            ])
        // hostRequirements.gpu makes the CLI add --gpus all, which would undo the pinning.
        XCTAssertNil(json["hostRequirements"])
        XCTAssertTrue((json["runArgs"] as? [String] ?? []).contains(#""device=1,2""#))
        let all = try XCTUnwrap(
            JSONSerialization.jsonObject(
                with: Data(
                    try XCTUnwrap(generate(minimalSpec, targets: [.devcontainer])[".devcontainer/devcontainer.json"])
                        .utf8)) as? [String: Any])
        XCTAssertEqual((all["hostRequirements"] as? [String: Any])?["gpu"] as? Bool, true)
        XCTAssertFalse((all["runArgs"] as? [String] ?? []).contains("--gpus"))
    }
}
