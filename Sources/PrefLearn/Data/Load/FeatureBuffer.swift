#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PrefCore

/// A growable f32 buffer that becomes a tensor's storage without a copy. It grows with
/// `realloc`, which for large blocks (glibc serves them with mmap) moves pages with `mremap`
/// instead of copying, so loading N rows of features peaks at about their size, not twice it.
final class FeatureBuffer {
    private var base: UnsafeMutablePointer<Float>?
    private var capacity = 0
    private(set) var count = 0

    deinit { free(base) }

    /// Appends values, growing by half again when full. False when memory ran out.
    func append(_ values: [Double]) -> Bool {
        if count + values.count > capacity {
            let wanted = Swift.max(count + values.count, capacity + capacity / 2, 1024)
            guard let p = realloc(base, wanted * MemoryLayout<Float>.stride) else { return false }
            base = p.assumingMemoryBound(to: Float.self)
            capacity = wanted
        }
        guard let base else { return false }
        for (i, x) in values.enumerated() { base[count + i] = Float(x) }
        count += values.count
        return true
    }

    /// A [rows, dim] f32 tensor over the buffer (which the tensor then owns).
    func tensor(rows: Int, dim: Int) -> Tensor {
        let n = rows * dim
        guard n > 0, n <= count, let shrunk = realloc(base, n * MemoryLayout<Float>.stride) else { return Tensor(zeros: [rows, dim], dtype: .f32) }
        base = nil
        capacity = 0
        count = 0
        return Tensor(storage: TensorStorage(adopting: shrunk, byteCount: n * MemoryLayout<Float>.stride), shape: [rows, dim], dtype: .f32)
    }
}
