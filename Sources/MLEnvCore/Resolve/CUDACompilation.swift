/// What shows that the image compiles CUDA code (extensions built against the framework, nvcc in
/// a setup step). Only then does the base image's toolkit decide anything about the GPU code: a
/// framework installed from wheels brings its own CUDA runtime and kernels, and the toolkit's
/// nvcc builds only what the spec compiles.
public struct CUDACompilation: Sendable, Equatable {
    /// What shows it, for messages: "`TORCH_CUDA_ARCH_LIST` in `env`".
    public var evidence: String
    /// Where the spec says it.
    public var location: SourceLocation
    /// The architectures `TORCH_CUDA_ARCH_LIST` asks for, when it is set and can be read.
    public var architectures: CUDAArchitectureList?

    /// Variables that ask a build (PyTorch's extension builder, CMake, torchvision and detectron2's
    /// setup scripts) to compile CUDA code.
    static let variables = ["TORCH_CUDA_ARCH_LIST", "CMAKE_CUDA_ARCHITECTURES", "CUDAARCHS", "FORCE_CUDA"]
    /// Words of a setup step that compile CUDA code: the compiler itself, and pip building an
    /// extension against the installed framework.
    static let words = ["nvcc", "--no-build-isolation"]

    /// The first evidence in the spec, `env` before `setup`; nil when it shows none.
    static func of(_ spec: EnvironmentSpec) -> CUDACompilation? {
        var found: CUDACompilation?
        let settings = spec.env.map { ($0, "env") } + spec.build.env.map { ($0, "build.env") }
        for (variable, key) in settings where variables.contains(variable.name.value) && variable.value.value != "0" {
            var entry = CUDACompilation(
                evidence: "`\(variable.name.value)` in `\(key)`", location: variable.name.location)
            if variable.name.value == "TORCH_CUDA_ARCH_LIST" {
                entry.architectures = CUDAArchitectureList(variable.value.value, at: variable.value.location)
                return entry
            }
            found = found ?? entry
        }
        for step in spec.setup {
            let bytes = Array(step.value.utf8)
            if let value = assignment(of: "TORCH_CUDA_ARCH_LIST", in: bytes) {
                let entry = CUDACompilation(
                    evidence: "`TORCH_CUDA_ARCH_LIST` in a setup step", location: step.location,
                    architectures: CUDAArchitectureList(value, at: step.location))
                return entry
            }
            if found == nil {
                for variable in variables where assignment(of: variable, in: bytes).map({ $0 != "0" }) ?? false {
                    found = CUDACompilation(evidence: "`\(variable)` in a setup step", location: step.location)
                }
                for word in words where contains(word: word, in: bytes) {
                    found = found ?? CUDACompilation(evidence: "`\(word)` in a setup step", location: step.location)
                }
            }
        }
        return found
    }

    /// Whether `word` stands in `bytes` with no letter, digit, `_` or `-` on either side.
    static func contains(word: String, in bytes: [UInt8]) -> Bool {
        !occurrences(of: Array(word.utf8), in: bytes).filter { start, end in
            !(start > 0 && isWordByte(bytes[start - 1])) && !(end < bytes.count && isWordByte(bytes[end]))
        }.isEmpty
    }

    /// The value of `NAME=value` (quoted or not) written as a shell word in `bytes`.
    static func assignment(of name: String, in bytes: [UInt8]) -> String? {
        for (start, end) in occurrences(of: Array((name + "=").utf8), in: bytes)
        where start == 0 || !isWordByte(bytes[start - 1]) {
            var index = end
            var value: [UInt8] = []
            if index < bytes.count, bytes[index] == UInt8(ascii: "\"") || bytes[index] == UInt8(ascii: "'") {
                let quote = bytes[index]
                index += 1
                while index < bytes.count, bytes[index] != quote {
                    value.append(bytes[index])
                    index += 1
                }
            } else {
                while index < bytes.count, !ASCII.isOne(of: " \t\n;&|)", bytes[index]) {
                    value.append(bytes[index])
                    index += 1
                }
            }
            return String(decoding: value, as: UTF8.self)
        }
        return nil
    }

    private static func isWordByte(_ byte: UInt8) -> Bool {
        ASCII.isAlnum(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }

    private static func occurrences(of needle: [UInt8], in bytes: [UInt8]) -> [(Int, Int)] {
        guard !needle.isEmpty, bytes.count >= needle.count else { return [] }
        return (0...(bytes.count - needle.count)).filter { bytes[$0..<($0 + needle.count)].elementsEqual(needle) }
            .map { ($0, $0 + needle.count) }
    }
}

/// `TORCH_CUDA_ARCH_LIST` as PyTorch's extension builder reads it: compute capabilities separated
/// by `;` or spaces, each `X.Y` (a cubin), `X.Ya` (a cubin for X.Y only), `X.Yf` (a cubin for the
/// family), with `+PTX` to embed PTX as well (torch.utils.cpp_extension, `_get_cuda_arch_flags`).
public struct CUDAArchitectureList: Sendable, Equatable {
    /// The value as written.
    public var text: String
    /// Where it is written.
    public var location: SourceLocation
    /// Cubins that run on their major at or above their minor, written XY.
    public var cubins: [Int] = []
    /// Architecture-specific cubins (`9.0a`), which run on that compute capability only.
    public var exact: [Int] = []
    /// PTX embedded.
    public var ptx: [Int] = []

    /// nil when an entry is not a compute capability (named architectures such as `Ampere`, or
    /// `native`): then the list says nothing mlenv can check.
    init?(_ text: String, at location: SourceLocation) {
        self.text = text
        self.location = location
        let entries = text.split(whereSeparator: { $0 == ";" || $0 == " " || $0 == "," }).filter { !$0.isEmpty }
        guard !entries.isEmpty else { return nil }
        for entry in entries {
            var body = Substring(entry)
            let withPTX = body.hasSuffix("+PTX")
            if withPTX { body = body.dropLast(4) }
            let suffix = body.last.flatMap { $0 == "a" || $0 == "f" ? $0 : nil }
            if suffix != nil { body = body.dropLast() }
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 2, let major = Int(parts[0]), let minor = Int(parts[1]), minor < 10 else { return nil }
            let sm = major * 10 + minor
            if suffix == "a" { exact.append(sm) } else { cubins.append(sm) }
            if withPTX, suffix != "a" { ptx.append(sm) }
        }
    }

    /// Every architecture the list asks nvcc to compile for.
    public var all: [Int] { Array(Set(cubins + exact + ptx)).sorted() }
}
