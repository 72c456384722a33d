import Foundation

// Decoding validates everything before it allocates: a tensor's bytes are copied only once its
// offsets are known to lie in the buffer, so a corrupt header cannot make pref allocate more
// than the file holds. Every count is checked with overflow-reporting arithmetic; no input traps.
//
// The checks follow the Rust implementation (safetensors `SafeTensors::read_metadata` and
// `Metadata::validate`): header length ≤ 100 MB and within the file, a UTF-8 JSON object,
// per-tensor size = product of the shape × dtype size, and tensors covering the data buffer
// exactly when sorted by offset. Like Rust, the reader does not insist on 8-byte padding
// (older writers did not pad), and it ignores unknown fields in a tensor entry.

extension Safetensors {
    /// The safetensors dtypes pref does not read, so an error can say "not supported" rather than
    /// "unknown".
    static let otherDTypes: Set<String> = [
        "BOOL", "U8", "I8", "U16", "I16", "F16", "BF16", "U32", "I32", "U64", "I64", "C64",
        "F8_E4M3", "F8_E5M2", "F8_E8M0", "F4", "F6_E2M3", "F6_E3M2",
    ]

    /// One validated tensor entry of the header.
    private struct Entry {
        var name: String
        var dtype: DType
        var shape: Shape
        var begin: Int
        var end: Int
    }

    /// Decodes a file's bytes; `path` only labels the errors.
    static func decode(_ data: Data, path: String?) throws(SafetensorsError) -> SafetensorsFile {
        // `withUnsafeBytes` is rethrows (untyped), so the typed error travels in a Result.
        let result: Result<SafetensorsFile, SafetensorsError> = data.withUnsafeBytes { raw in
            Result { () throws(SafetensorsError) in try decode(raw, path: path) }
        }
        return try result.get()
    }

    private static func decode(_ raw: UnsafeRawBufferPointer, path: String?) throws(SafetensorsError) -> SafetensorsFile {
        func fail(_ message: String) -> SafetensorsError { SafetensorsError(path: path, message) }

        guard raw.count >= 8 else {
            throw fail("the file is \(raw.count) bytes, too short to hold the 8-byte header length")
        }
        var n: UInt64 = 0
        for k in 0..<8 { n |= UInt64(raw[k]) << UInt64(8 * k) }
        guard n <= UInt64(maxHeaderLength) else {
            throw fail("the header length \(n) is absurd (the limit is \(maxHeaderLength) bytes); the file is corrupt or not safetensors")
        }
        let headerLength = Int(n)
        guard headerLength <= raw.count - 8 else {
            throw fail("the header length \(n) is larger than the \(raw.count - 8) bytes after the length field; the file is truncated or not safetensors")
        }
        let header = UnsafeRawBufferPointer(rebasing: raw[8..<(8 + headerLength)])
        let buffer = UnsafeRawBufferPointer(rebasing: raw[(8 + headerLength)...])

        if let bad = firstInvalidUTF8(header) {
            throw fail("the header is not valid UTF-8 (bad byte sequence at byte \(bad) of the header)")
        }
        let json: JSONValue
        do {
            var parser = JSONParser(header)
            json = try parser.parseDocument()
        } catch {
            throw fail("the header is not valid JSON: \(error.message) (at byte \(error.offset) of the header)")
        }
        guard case .object(let members) = json else {
            throw fail("the header is \(json.kind), expected a JSON object mapping tensor names to entries")
        }

        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        for (key, value) in members {
            if key == "__metadata__" {
                metadata = try parseMetadata(value, path: path)
            } else {
                entries.append(try parseEntry(name: key, value, bufferCount: buffer.count, path: path))
            }
        }
        // File order: by offset; zero-size tensors sharing an offset keep a deterministic order.
        entries.sort { ($0.begin, $0.end) < ($1.begin, $1.end) || (($0.begin, $0.end) == ($1.begin, $1.end) && $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)) }
        try checkCoverage(entries, bufferCount: buffer.count, path: path)

        var tensors: [(name: String, tensor: Tensor)] = []
        tensors.reserveCapacity(entries.count)
        for e in entries {
            let tensor = Tensor(uninitialized: e.shape, dtype: e.dtype)
            let byteCount = e.end - e.begin
            if byteCount > 0, let base = buffer.baseAddress {
                withExtendedLifetime(tensor) {
                    tensor.rawPointer.copyMemory(from: base + e.begin, byteCount: byteCount)
                }
            }
            tensors.append((e.name, fromLittleEndian(tensor)))
        }
        return SafetensorsFile(tensors: tensors, metadata: metadata)
    }

    /// The offset of the first invalid UTF-8 sequence, or nil when all of `bytes` is valid.
    /// Swift's decoder rejects overlong forms, surrogates and code points above U+10FFFF.
    static func firstInvalidUTF8(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var decoder = UTF8()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s)
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private static func parseMetadata(_ value: JSONValue, path: String?) throws(SafetensorsError) -> [String: String] {
        switch value {
        case .null:
            return [:]  // serde reads `null` as an absent Option, so Rust accepts it too
        case .object(let members):
            var out: [String: String] = [:]
            for (key, v) in members {
                guard case .string(let s) = v else {
                    throw SafetensorsError(path: path, "__metadata__ value for key \(SafetensorsError.quote(key)) is \(v.kind), expected a string (metadata values must be strings)")
                }
                out[key] = s
            }
            return out
        default:
            throw SafetensorsError(path: path, "__metadata__ is \(value.kind), expected an object of string values")
        }
    }

    private static func parseEntry(name: String, _ value: JSONValue, bufferCount: Int,
                                   path: String?) throws(SafetensorsError) -> Entry {
        func fail(_ message: String) -> SafetensorsError { SafetensorsError(path: path, tensor: name, message) }
        guard case .object(let fields) = value else {
            throw fail("the entry is \(value.kind), expected an object with \"dtype\", \"shape\" and \"data_offsets\"")
        }
        func field(_ key: String) throws(SafetensorsError) -> JSONValue {
            guard let v = fields.first(where: { $0.key == key })?.value else { throw fail("the entry has no \"\(key)\"") }
            return v
        }

        let dtypeValue = try field("dtype")
        guard case .string(let dtypeName) = dtypeValue else {
            throw fail("\"dtype\" is \(dtypeValue.kind), expected a string such as \"F32\"")
        }
        let dtype: DType
        switch dtypeName {
        case "F32": dtype = .f32
        case "F64": dtype = .f64
        case _ where otherDTypes.contains(dtypeName):
            throw fail("\(dtypeName) is not supported; pref reads F32 and F64")
        default:
            throw fail("unknown dtype \(SafetensorsError.quote(dtypeName)); pref reads F32 and F64")
        }

        let shapeValue = try field("shape")
        guard case .array(let dimValues) = shapeValue else {
            throw fail("\"shape\" is \(shapeValue.kind), expected an array of non-negative integers")
        }
        guard dimValues.count <= Shape.maxRank else {
            throw fail("\"shape\" has \(dimValues.count) dimensions; pref supports at most \(Shape.maxRank)")
        }
        var dims: [Int] = []
        for (k, v) in dimValues.enumerated() {
            switch v.nonNegativeInt() {
            case .success(let d): dims.append(d)
            case .failure(let problem): throw fail("\"shape\" entry \(k) \(problem.message)")
            }
        }
        let shape: Shape
        do { shape = try Shape.checked(dims, op: "safetensors") } catch { throw fail(error.message) }

        let offsetsValue = try field("data_offsets")
        guard case .array(let offsetValues) = offsetsValue else {
            throw fail("\"data_offsets\" is \(offsetsValue.kind), expected an array [begin, end]")
        }
        guard offsetValues.count == 2 else {
            throw fail("\"data_offsets\" has \(offsetValues.count) \(offsetValues.count == 1 ? "entry" : "entries"), expected two: [begin, end]")
        }
        var offsets: [Int] = []
        for (k, v) in offsetValues.enumerated() {
            switch v.nonNegativeInt() {
            case .success(let o): offsets.append(o)
            case .failure(let problem): throw fail("\"data_offsets\" \(k == 0 ? "begin" : "end") \(problem.message)")
            }
        }
        let begin = offsets[0], end = offsets[1]
        guard begin <= end else { throw fail("data_offsets [\(begin), \(end)] end before they begin") }
        // Shape.checked bounds the element count well below Int.max / 8, so this cannot overflow.
        let needed = shape.count * dtype.size
        guard end - begin == needed else {
            throw fail("data_offsets [\(begin), \(end)] span \(end - begin) bytes but shape \(shape) of \(dtypeName) needs \(needed) bytes")
        }
        guard end <= bufferCount else {
            throw fail("data_offsets [\(begin), \(end)] reach past the end of the \(bufferCount)-byte data buffer")
        }
        return Entry(name: name, dtype: dtype, shape: shape, begin: begin, end: end)
    }

    /// The tensors, sorted by offset, must tile the data buffer: no overlap, no hole, nothing after.
    private static func checkCoverage(_ entries: [Entry], bufferCount: Int, path: String?) throws(SafetensorsError) {
        var position = 0
        var previous: Entry?
        for e in entries {
            let range = "data_offsets [\(e.begin), \(e.end)]"
            if e.begin < position, let p = previous {
                throw SafetensorsError(path: path, tensor: e.name,
                                       "\(range) overlap tensor \(SafetensorsError.quote(p.name)) (data_offsets [\(p.begin), \(p.end)])")
            }
            if e.begin > position {
                let after = previous.map { " after tensor \(SafetensorsError.quote($0.name))" } ?? " at the start of the data buffer"
                throw SafetensorsError(path: path, tensor: e.name,
                                       "\(range) leave a hole: bytes \(position)..<\(e.begin)\(after) belong to no tensor")
            }
            position = e.end
            previous = e
        }
        guard position == bufferCount else {
            throw SafetensorsError(path: path, "the data buffer is \(bufferCount) bytes but the tensors cover only \(position); bytes \(position)..<\(bufferCount) belong to no tensor")
        }
    }

    /// The tensor with its elements converted from little-endian to host order (a no-op on the
    /// little-endian hosts pref runs on).
    private static func fromLittleEndian(_ tensor: Tensor) -> Tensor {
        #if _endian(big)
        var t = tensor
        let size = t.dtype.size, n = t.count
        t.withMutablePointer(UInt8.self) { p in
            for e in 0..<n { UnsafeMutableRawBufferPointer(start: p + e * size, count: size).reverse() }
        }
        return t
        #else
        return tensor
        #endif
    }
}
