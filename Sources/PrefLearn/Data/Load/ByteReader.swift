import CZlib
import Foundation

/// Reads a data file's bytes through zlib's `gzread`, which inflates gzip files and passes
/// plain files through unchanged, so `.jsonl.gz` needs no separate path. JSONL is streamed line
/// by line (a 1 GB file is never in memory at once); JSON and CSV are read whole.
final class ByteReader {
    private let file: gzFile
    let path: String

    /// Opens `diskPath`; `path` is the name messages use.
    init(diskPath: String, path: String) throws(LoadFailure) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: diskPath, isDirectory: &isDirectory) else {
            throw LoadFailure.missingFile(path)
        }
        guard !isDirectory.boolValue, let f = gzopen(diskPath, "rb") else {
            throw LoadFailure(message: "cannot read \(path)", hint: isDirectory.boolValue ? "it is a directory" : nil, missingInput: true)
        }
        gzbuffer(f, 1 << 20)
        file = f
        self.path = path
    }

    deinit { gzclose(file) }

    /// Fills `buffer` from `start`; the number of bytes read, 0 at the end.
    private func read(into buffer: UnsafeMutableBufferPointer<UInt8>, from start: Int) throws(LoadFailure) -> Int {
        guard let base = buffer.baseAddress, start < buffer.count else { return 0 }
        let n = gzread(file, base + start, UInt32(Swift.min(buffer.count - start, 1 << 30)))
        var status: Int32 = 0
        _ = gzerror(file, &status)
        // A truncated gzip stream reads as a short file with Z_BUF_ERROR set, not as -1.
        guard n >= 0, status == Z_OK || status == Z_STREAM_END else {
            throw LoadFailure(message: "cannot read \(path): the gzip data is corrupt or truncated", hint: nil)
        }
        return Int(n)
    }

    /// The whole (inflated) content.
    func readAll() throws(LoadFailure) -> [UInt8] {
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = try chunk.withUnsafeMutableBufferPointer { (b) throws(LoadFailure) -> Int in try read(into: b, from: 0) }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// Calls `body` with each line (without its `\n` or `\r\n`) and its 1-based number until it
    /// returns false. A final line without a newline counts.
    func forEachLine(_ body: (UnsafeBufferPointer<UInt8>, Int) throws -> Bool) throws {
        var buffer = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: 1 << 22)
        defer { buffer.deallocate() }
        var filled = 0, lineNumber = 0
        var atEnd = false
        while !atEnd {
            if filled == buffer.count {
                // One line is longer than the buffer: grow it.
                let bigger = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: buffer.count * 2)
                _ = bigger.initialize(from: buffer)
                buffer.deallocate()
                buffer = bigger
            }
            let n = try read(into: buffer, from: filled)
            atEnd = n == 0
            filled += n
            guard let base = buffer.baseAddress else { return }
            var start = 0
            while start < filled {
                let rest = filled - start
                guard let nl = memchr(base + start, 0x0A, rest) else {
                    guard atEnd else { break }
                    lineNumber += 1
                    _ = try body(UnsafeBufferPointer(start: base + start, count: rest), lineNumber)
                    return
                }
                let stop = base.distance(to: nl.assumingMemoryBound(to: UInt8.self))
                var len = stop - start
                if len > 0, base[start + len - 1] == 0x0D { len -= 1 }
                lineNumber += 1
                guard try body(UnsafeBufferPointer(start: base + start, count: len), lineNumber) else { return }
                start = stop + 1
            }
            if start > 0 {
                memmove(base, base + start, filled - start)
                filled -= start
            }
        }
    }
}
