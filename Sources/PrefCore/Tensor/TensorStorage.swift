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
    }

    /// Allocates `byteCount` zeroed bytes.
    public init(zeroedByteCount byteCount: Int) {
        self.byteCount = byteCount
        guard let p = calloc(Swift.max(byteCount, 16), 1) else {
            fatalError("out of memory allocating \(byteCount) bytes")
        }
        self.base = p
    }

    /// Takes ownership of a buffer from `malloc`/`realloc` (freed with `free`), e.g. one a
    /// loader grew with `realloc` so that filling a large tensor needs no second copy.
    public init(adopting base: UnsafeMutableRawPointer, byteCount: Int) {
        self.base = base
        self.byteCount = byteCount
    }

    deinit { free(base) }
}
