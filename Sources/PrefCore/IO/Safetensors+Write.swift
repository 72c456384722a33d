import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The header is written by hand, byte for byte as serde_json writes it in the Rust
// implementation: compact (no spaces), `__metadata__` first, then each tensor's
// `{"dtype":…,"shape":[…],"data_offsets":[b,e]}` in data order, strings escaped as serde_json
// escapes them (`\"`, `\\`, `\b \f \n \r \t`, other control characters as `\u00xx`, everything
// else raw UTF-8). Integers are printed exactly; JSONSerialization would go through NSNumber.

/// write(2), named apart from `Safetensors.write`.
private func posixWrite(_ fd: Int32, _ buffer: UnsafeRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, buffer, count)
    #else
    return Darwin.write(fd, buffer, count)
    #endif
}

extension Safetensors {
    /// The bytes of a safetensors file; `path` only labels the errors.
    static func encodeBytes(_ tensors: [(name: String, tensor: Tensor)], metadata: [String: String],
                            path: String?) throws(SafetensorsError) -> Data {
        var seen = Set<[UInt8]>()
        for (name, _) in tensors {
            guard name != "__metadata__" else {
                throw SafetensorsError(path: path, tensor: name, "the name __metadata__ is reserved for the metadata object")
            }
            guard seen.insert(Array(name.utf8)).inserted else {
                throw SafetensorsError(path: path, tensor: name, "the name appears twice; tensor names must be unique")
            }
        }
        // Rust's `prepare`: descending dtype alignment (F64 before F32), then name as bytes.
        let ordered = tensors.sorted { a, b in
            if a.tensor.dtype.size != b.tensor.dtype.size { return a.tensor.dtype.size > b.tensor.dtype.size }
            return a.name.utf8.lexicographicallyPrecedes(b.name.utf8)
        }

        var header: [UInt8] = Array("{".utf8)
        if !metadata.isEmpty {
            header += Array("\"__metadata__\":{".utf8)
            let keys = metadata.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
            for (k, key) in keys.enumerated() {
                if k > 0 { header.append(UInt8(ascii: ",")) }
                appendJSONString(key, to: &header)
                header.append(UInt8(ascii: ":"))
                appendJSONString(metadata[key] ?? "", to: &header)
            }
            header.append(UInt8(ascii: "}"))
        }
        var offset = 0
        for (k, (name, tensor)) in ordered.enumerated() {
            let (bytes, o1) = tensor.count.multipliedReportingOverflow(by: tensor.dtype.size)
            let (end, o2) = offset.addingReportingOverflow(bytes)
            guard !o1, !o2 else { throw SafetensorsError(path: path, tensor: name, "the data is too large to address") }
            if k > 0 || !metadata.isEmpty { header.append(UInt8(ascii: ",")) }
            appendJSONString(name, to: &header)
            header += Array(":{\"dtype\":\"\(tensor.dtype == .f32 ? "F32" : "F64")\",\"shape\":[".utf8)
            header += Array(tensor.shape.dims.map(String.init).joined(separator: ",").utf8)
            header += Array("],\"data_offsets\":[\(offset),\(end)]}".utf8)
            offset = end
        }
        header.append(UInt8(ascii: "}"))
        // Pad with spaces so the data starts 8-byte aligned: 8 + N is a multiple of 8.
        header += [UInt8](repeating: 0x20, count: (8 - header.count % 8) % 8)
        guard header.count <= maxHeaderLength else {
            throw SafetensorsError(path: path, "the header would be \(header.count) bytes, above the \(maxHeaderLength)-byte limit readers accept")
        }

        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for (_, tensor) in ordered {
            appendLittleEndian(tensor, to: &data)
        }
        return data
    }

    /// Appends a JSON string literal, escaped as serde_json escapes it.
    private static func appendJSONString(_ s: String, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), UInt8(ascii: "\"")]
            case UInt8(ascii: "\\"): out += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
            case 0x08: out += [UInt8(ascii: "\\"), UInt8(ascii: "b")]
            case 0x0C: out += [UInt8(ascii: "\\"), UInt8(ascii: "f")]
            case 0x0A: out += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
            case 0x0D: out += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
            case 0x09: out += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
            case 0..<0x20: out += Array("\\u00".utf8) + [hex[Int(b >> 4)], hex[Int(b & 0xF)]]
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Appends a tensor's elements as little-endian bytes.
    private static func appendLittleEndian(_ tensor: Tensor, to data: inout Data) {
        let byteCount = tensor.count * tensor.dtype.size
        guard byteCount > 0 else { return }
        withExtendedLifetime(tensor) {
            #if _endian(big)
            let size = tensor.dtype.size
            for e in 0..<tensor.count {
                data.append(contentsOf: UnsafeRawBufferPointer(start: tensor.rawPointer + e * size, count: size).reversed())
            }
            #else
            data.append(UnsafePointer(tensor.rawPointer.assumingMemoryBound(to: UInt8.self)), count: byteCount)
            #endif
        }
    }

    /// Writes `bytes` to a temporary file next to `url`, flushes it to disk, and renames it over
    /// `url` (rename(2) is atomic within a directory). The temporary file is removed on failure.
    static func writeAtomically(_ bytes: Data, to url: URL) throws(SafetensorsError) {
        let path = url.path
        let directory = url.deletingLastPathComponent().path
        let temp = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp").path
        func fail(_ what: String) -> SafetensorsError {
            let reason = String(cString: strerror(errno))
            return SafetensorsError(path: path, "cannot write the file: \(what) failed (\(reason))")
        }

        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("creating a temporary file in \(directory)") }
        var failure: SafetensorsError?
        bytes.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count, let base = raw.baseAddress {
                let n = posixWrite(fd, base + written, raw.count - written)
                if n < 0 {
                    if errno == EINTR { continue }
                    failure = fail("writing")
                    return
                }
                written += n
            }
        }
        if failure == nil, fsync(fd) != 0 { failure = fail("flushing to disk") }
        if close(fd) != 0, failure == nil { failure = fail("closing") }
        if failure == nil, rename(temp, path) != 0 { failure = fail("renaming the temporary file into place") }
        if let failure {
            unlink(temp)
            throw failure
        }
        // Make the rename itself durable; best effort, as some file systems refuse to sync a directory.
        let dirfd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_CLOEXEC)
        if dirfd >= 0 {
            _ = fsync(dirfd)
            _ = close(dirfd)
        }
    }
}
