internal import CKernels

/// Softmax and log-softmax over short contiguous rows (inner = 1, e.g. a policy's [B, K] scores
/// over K candidates): whole rows in chunks, with the exponentials of a chunk in one call. The
/// general loop spent about 100 instructions per element here on per-row closures and scalar
/// `expf`. f32 uses the vectorised polynomial `pk_exp_f32` (as the tape's f32 `exp` does); f64
/// keeps libm's `exp` in the same order as the general loop, so f64 results are bit-identical.
extension SoftmaxKernels {
    /// Elements per chunk, and the longest row this path takes.
    static let rowChunk = 1024

    /// Whether the rows path applies.
    @inline(__always)
    static func usesRows(n: Int, inner: Int) -> Bool { inner == 1 && n >= 1 && n <= rowChunk }

    @inline(__always)
    static func exponentials<T: TensorScalar>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ count: Int) {
        if T.self == Float.self {
            pk_exp_f32(UnsafeRawPointer(x).assumingMemoryBound(to: Float.self), UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self), Int64(count))
        } else {
            for i in 0..<count { y[i] = T.expScalar(x[i]) }
        }
    }

    /// Calls `body(firstRow, rows, scratch)` over chunks of whole rows, polling between chunks.
    @inline(__always)
    static func chunks<T: TensorScalar>(_ outer: Int, _ n: Int, _ progress: inout Progress, _ : T.Type,
                                        _ body: (Int, Int, UnsafeMutablePointer<T>) -> Void) throws(TensorError) {
        let per = rowChunk / n
        try withUnsafeTemporaryAllocation(of: T.self, capacity: rowChunk) { (scratch) throws(TensorError) in
            var r = 0
            while r < outer {
                let rows = Swift.min(per, outer - r)
                try progress.advance(rows * n)
                body(r, rows, scratch.baseAddress.unsafelyUnwrapped)
                r += rows
            }
        }
    }

    @inline(__always)
    static func softmaxRows<T: TensorScalar>(_ log: Bool, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int,
                                             _ progress: inout Progress) throws(TensorError) {
        try chunks(outer, n, &progress, T.self) { first, rows, e in
            let xc = x + first * n, yc = y + first * n
            for r in 0..<rows {
                // `>` instead of Swift.max (which orders NaN): a NaN anywhere in the row makes
                // the whole row NaN through s either way.
                var m = -T.infinity
                for j in 0..<n where xc[r * n + j] > m { m = xc[r * n + j] }
                if m == -T.infinity { m = 0 }  // an all −∞ row gives NaN, as the formula does
                for j in 0..<n { yc[r * n + j] = xc[r * n + j] - m }
            }
            exponentials(yc, e, rows * n)
            for r in 0..<rows {
                var s: T = 0
                for j in 0..<n { s += e[r * n + j] }
                if log {
                    // (x − m) − log s, not x − (m + log s): the latter loses digits when |m| is large.
                    let ls = T.logScalar(s)
                    for j in 0..<n { yc[r * n + j] -= ls }
                } else {
                    let inv = 1 / s
                    for j in 0..<n { yc[r * n + j] = e[r * n + j] * inv }
                }
            }
        }
    }

    @inline(__always)
    static func softmaxRowsGrad<T: TensorScalar>(_ log: Bool, _ y: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, _ gx: UnsafeMutablePointer<T>,
                                                 _ outer: Int, _ n: Int, _ progress: inout Progress) throws(TensorError) {
        try chunks(outer, n, &progress, T.self) { first, rows, e in
            let o = first * n
            if log { exponentials(y + o, e, rows * n) }
            for r in 0..<rows {
                let k = o + r * n
                var s: T = 0
                if log {
                    for j in 0..<n { s += g[k + j] }
                    for j in 0..<n { gx[k + j] += g[k + j] - e[r * n + j] * s }
                } else {
                    for j in 0..<n { s += g[k + j] * y[k + j] }
                    for j in 0..<n { gx[k + j] += y[k + j] * (g[k + j] - s) }
                }
            }
        }
    }
}
