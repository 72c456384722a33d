import Foundation

/// Reading and writing the safetensors checkpoint format (huggingface/safetensors), so pref's
/// checkpoints load in PyTorch (`safetensors.torch.load_file`) and the other way round.
///
/// The format, byte by byte:
/// 1. 8 bytes: `N`, the header length, an unsigned 64-bit little-endian integer.
/// 2. `N` bytes: a UTF-8 JSON object mapping each tensor name to
///    `{"dtype": "F32" | "F64", "shape": [d0, d1, …], "data_offsets": [begin, end]}`, plus an
///    optional `"__metadata__"` object of string → string. The header is padded with spaces
///    (0x20) so that `8 + N` is a multiple of 8.
/// 3. The data buffer: every tensor's elements, row-major, little-endian. `data_offsets` are
///    byte offsets relative to the start of this buffer; the tensors cover it exactly, with no
///    holes or overlaps.
///
/// pref reads and writes `F32` and `F64` only; the other safetensors dtypes (`BF16`, `F16`,
/// `I64`, …) are rejected with an error that names them. Ranks above `Shape.maxRank` are rejected.
///
/// Output is deterministic and ordered as the Rust implementation orders it (`safetensors::
/// serialize`): tensors sorted by dtype alignment, largest first (so every `F64` tensor comes
/// before every `F32` tensor), then by name compared as UTF-8 bytes; the header lists the
/// tensors in the same order as their data, after `__metadata__` (whose keys pref sorts).
/// A file pref writes from one metadata key is byte-identical to the one Python's
/// `safetensors.numpy.save_file` writes from the same arrays.
public enum Safetensors {
    /// The largest header pref accepts, as in the Rust implementation (`MAX_HEADER_SIZE`):
    /// anything larger is a corrupt length field, not a real header.
    public static let maxHeaderLength = 100_000_000

    /// Encodes tensors and metadata as the bytes of a safetensors file.
    ///
    /// - Throws: `SafetensorsError` for a duplicate name, the reserved name `__metadata__`, or a
    ///   header above `maxHeaderLength`.
    public static func encode(_ tensors: [(name: String, tensor: Tensor)],
                              metadata: [String: String] = [:]) throws(SafetensorsError) -> Data {
        try encodeBytes(tensors, metadata: metadata, path: nil)
    }

    /// Writes tensors and metadata to a safetensors file, atomically: the bytes go to a temporary
    /// file in the same directory, are flushed to disk, and the temporary file is then renamed
    /// over `url`, so a crash leaves either the old file or the complete new one.
    public static func write(_ tensors: [(name: String, tensor: Tensor)],
                             metadata: [String: String] = [:], to url: URL) throws(SafetensorsError) {
        let bytes = try encodeBytes(tensors, metadata: metadata, path: url.path)
        try writeAtomically(bytes, to: url)
    }

    /// Decodes the bytes of a safetensors file, validating every field (see `SafetensorsError`).
    public static func decode(_ data: Data) throws(SafetensorsError) -> SafetensorsFile {
        try decode(data, path: nil)
    }

    /// Reads and decodes a safetensors file.
    public static func read(from url: URL) throws(SafetensorsError) -> SafetensorsFile {
        let data: Data
        do {
            // Mapped when the file system allows it: the tensors are copied out anyway.
            data = try Data(contentsOf: url, options: .mappedIfSafe)
        } catch {
            throw SafetensorsError(path: url.path, "cannot read the file: \(error.localizedDescription)")
        }
        return try decode(data, path: url.path)
    }
}

/// The contents of a safetensors file: named tensors in the order of their data in the file,
/// and the `__metadata__` strings.
public struct SafetensorsFile: Sendable {
    /// The tensors, in the order of their `data_offsets` in the file.
    public var tensors: [(name: String, tensor: Tensor)]
    /// The `__metadata__` object (empty when the file has none).
    public var metadata: [String: String]

    public init(tensors: [(name: String, tensor: Tensor)] = [], metadata: [String: String] = [:]) {
        self.tensors = tensors
        self.metadata = metadata
    }

    /// The tensor with this name, or nil.
    public subscript(name: String) -> Tensor? {
        tensors.first { $0.name == name }?.tensor
    }

    /// The tensor names, in file order.
    public var names: [String] { tensors.map(\.name) }
}

/// A safetensors file that cannot be read or written, with the file (when there is one), the
/// tensor (when one is at fault) and exactly what is wrong.
public struct SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file's path, or nil for in-memory data.
    public var path: String?
    /// The tensor at fault, when the problem is in one tensor's entry.
    public var tensor: String?
    /// What is wrong, lowercase, no final period.
    public var message: String

    public init(path: String? = nil, tensor: String? = nil, _ message: String) {
        self.path = path
        self.tensor = tensor
        self.message = message
    }

    public var description: String {
        var s = "safetensors"
        if let path { s += " file \(path)" }
        s += ": "
        if let tensor { s += "tensor \(SafetensorsError.quote(tensor)): " }
        return s + message
    }
}

extension SafetensorsError {
    /// A name quoted for an error message, with control characters escaped so that a corrupt
    /// name cannot break the message's line.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where u.value < 0x20 || u.value == 0x7F: out += "\\u{\(String(u.value, radix: 16))}"
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }
}
