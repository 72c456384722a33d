#if canImport(Glibc)
import Glibc
#endif

/// The bytes behind one or more tensors: a malloc'd buffer (16-byte aligned; wider alignment costs
/// about 70 ns per allocation on glibc, core-performance.md §1). Mutated only when uniquely
/// referenced (copy-on-write), which is what makes `@unchecked Sendable` sound.
public final class TensorStorage: @unchecked Sendable {
    /// The first byte.
    public let base: UnsafeMutableRawPointer
    /// The size of the buffer in bytes.
    public let byteCount: Int

    /// Allocates `byteCount` uninitialised bytes.
    public init(byteCount: Int) {
        self.byteCount = byteCount
        // malloc(0) may return nil; always ask for at least one 16-byte block.
        guard let p = malloc(Swift.max(byteCount, 16)) else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        self.base = p
        Self.adviseHugePages(p, byteCount)
    }

    /// Allocates `byteCount` zeroed bytes.
    public init(zeroedByteCount byteCount: Int) {
        self.byteCount = byteCount
        guard let p = calloc(Swift.max(byteCount, 16), 1) else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        self.base = p
        Self.adviseHugePages(p, byteCount)
    }

    /// Buffers from this size on ask for transparent huge pages.
    static let hugePageThreshold = 8 << 20

    /// Asks Linux to back the whole 2 MiB pages inside a large buffer with huge pages (THP in
    /// "madvise" mode, Debian's default). Reading a large table in random 8 KB blocks, as
    /// training batches read candidate features, then misses the TLB far less: 8–9 GB/s became
    /// 13–15 in Scripts/bench/train/bandwidth.c. Only a hint: a refusal changes nothing.
    private static func adviseHugePages(_ p: UnsafeMutableRawPointer, _ byteCount: Int) {
        #if os(Linux)
        guard byteCount >= hugePageThreshold else { return }
        let huge = 2 << 20, start = (Int(bitPattern: p) + huge - 1) & ~(huge - 1)
        let end = (Int(bitPattern: p) + byteCount) & ~(huge - 1)
        if end > start, let q = UnsafeMutableRawPointer(bitPattern: start) { _ = madvise(q, end - start, MADV_HUGEPAGE) }
        #endif
    }

    /// Takes ownership of a buffer from `malloc`/`realloc` (freed with `free`), e.g. one a
    /// loader grew with `realloc` so that filling a large tensor needs no second copy.
    public init(adopting base: UnsafeMutableRawPointer, byteCount: Int) {
        self.base = base
        self.byteCount = byteCount
    }

    deinit { free(base) }
}
