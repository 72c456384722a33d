#if canImport(Glibc)
import Glibc
#endif

/// A bump allocator for one step's intermediate values and gradients: allocation is a pointer
/// increment and a reset frees everything at once (core-performance.md §3, design C: 0.22 µs per
/// op against 0.7 for a malloc per value).
final class Arena {
    // Unchecked: the arena belongs to one tape, and dynamic exclusivity checks on these
    // properties cost about 30 % of a small op (core-performance.md §6 item 6).
    @exclusivity(unchecked) private var chunks: [(base: UnsafeMutableRawPointer, size: Int)] = []
    @exclusivity(unchecked) private var used = 0
    @exclusivity(unchecked) private var total = 0
    /// Bytes handed out since the last reset.
    @exclusivity(unchecked) private(set) var bytesInUse = 0

    init(initialSize: Int = 1 << 20) {
        addChunk(initialSize)
    }

    deinit {
        for c in chunks { free(c.base) }
    }

    private func addChunk(_ size: Int) {
        guard let p = malloc(size) else { fatalError("out of memory allocating a \(size)-byte arena chunk") }
        chunks.append((p, size))
        used = 0
        total += size
    }

    /// `byteCount` uninitialised bytes, 64-byte aligned within the chunk.
    @inline(__always)
    func allocate(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let size = (Swift.max(byteCount, 1) + 63) & ~63
        if used + size > chunks[chunks.count - 1].size {
            addChunk(Swift.max(size, chunks[chunks.count - 1].size * 2))
        }
        let p = chunks[chunks.count - 1].base + used
        used += size
        bytesInUse += size
        return p
    }

    /// `byteCount` zeroed bytes.
    @inline(__always)
    func allocateZeroed(_ byteCount: Int) -> UnsafeMutableRawPointer {
        let p = allocate(byteCount)
        p.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        return p
    }

    /// Frees everything; when the last step needed several chunks, they are replaced by one big
    /// enough for all of them, so a steady-state step allocates nothing.
    func reset() {
        if chunks.count > 1 {
            let size = total
            for c in chunks { free(c.base) }
            chunks.removeAll(keepingCapacity: true)
            total = 0
            addChunk(size)
        }
        used = 0
        bytesInUse = 0
    }
}
