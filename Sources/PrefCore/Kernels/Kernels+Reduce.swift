/// Reductions and normalisations along one axis, over the [outer, n, inner] view of a shape.
/// Element (o, j, i) sits at (o·n + j)·inner + i.
enum ReduceKernels {
    enum Kind: UInt8 { case sum, mean, max, min, logsumexp }

    /// out[o, i] = reduce_j x[o, j, i]. For max/min, `indices` (outer·inner Int32s) receives the
    /// position of the first extreme element, for the backward pass and argmax. Long loops run
    /// in pieces that poll the interrupt flag, carrying their state across pieces so the result
    /// is the same as in one pass; throws only when interrupted.
    static func forward(_ kind: Kind, _ x: View, _ out: View, outer: Int, n: Int, inner: Int, indices: UnsafeMutablePointer<Int32>?) throws(TensorError) {
        var progress = Progress(kind.name)
        switch x.dtype {
        case .f32: try reduce(kind, x.ptr(Float.self), out.ptr(Float.self), outer, n, inner, indices, &progress)
        case .f64: try reduce(kind, x.ptr(Double.self), out.ptr(Double.self), outer, n, inner, indices, &progress)
        }
    }

    /// gx += ∂reduce/∂x · g, with y the forward output. Throws only when interrupted.
    static func backward(_ kind: Kind, _ x: View, _ y: View, _ g: View, into gx: View, outer: Int, n: Int, inner: Int, indices: UnsafeMutablePointer<Int32>?) throws(TensorError) {
        var progress = Progress(kind.name)
        switch x.dtype {
        case .f32: try reduceGrad(kind, x.ptr(Float.self), y.ptr(Float.self), g.ptr(Float.self), gx.ptr(Float.self), outer, n, inner, indices, &progress)
        case .f64: try reduceGrad(kind, x.ptr(Double.self), y.ptr(Double.self), g.ptr(Double.self), gx.ptr(Double.self), outer, n, inner, indices, &progress)
        }
    }

    /// Calls `body(start, count)` over the `n` rows of an [n, inner] slice in blocks of about a
    /// grain of elements, polling between blocks.
    @inline(__always)
    static func rowBlocks(_ n: Int, inner: Int, _ progress: inout Progress, _ body: (Int, Int) -> Void) throws(TensorError) {
        let rows = Swift.max(1, Interruption.grain / Swift.max(inner, 1))
        var start = 0
        while start < n {
            let count = Swift.min(rows, n - start)
            try progress.advance(count * inner)
            body(start, count)
            start += count
        }
    }

    @inline(__always)
    private static func reduce<T: TensorScalar>(
        _ kind: Kind, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int,
        _ indices: UnsafeMutablePointer<Int32>?, _ progress: inout Progress
    ) throws(TensorError) {
        for o in 0..<outer {
            let xo = x + o * n * inner, yo = y + o * inner
            switch kind {
            case .sum, .mean:
                if inner == 1 {
                    yo[0] = try rowSum(xo, n, &progress)
                } else {
                    for i in 0..<inner { yo[i] = 0 }
                    try rowBlocks(n, inner: inner, &progress) { start, count in
                        for j in start..<(start + count) {
                            let row = xo + j * inner
                            for i in 0..<inner { yo[i] += row[i] }
                        }
                    }
                }
                if kind == .mean {
                    let s = 1 / T(n)
                    for i in 0..<inner { yo[i] *= s }
                }
            case .max, .min:
                for i in 0..<inner {
                    var best = xo[i], at: Int32 = 0
                    try progress.pieces(Swift.max(n, 1) - 1) { start, count in
                        for j in (start + 1)..<(start + 1 + count) {
                            let v = xo[j * inner + i]
                            // NaN wins, so that a NaN is never hidden by a reduction.
                            if best.isNaN { break }
                            if v.isNaN || (kind == .max ? v > best : v < best) { best = v; at = Int32(j) }
                        }
                    }
                    yo[i] = n == 0 ? (kind == .max ? -T.infinity : T.infinity) : best
                    indices?[o * inner + i] = at
                }
            case .logsumexp:
                for i in 0..<inner {
                    var m = -T.infinity
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) { m = Swift.max(m, xo[j * inner + i]) }
                    }
                    if !m.isFinite {
                        yo[i] = m  // all −∞ → −∞; any +∞ → +∞
                        continue
                    }
                    var s: T = 0
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) { s += T.expScalar(xo[j * inner + i] - m) }
                    }
                    yo[i] = m + T.logScalar(s)
                }
            }
        }
    }

    /// A row sum with eight accumulators, so the loop vectorises without reassociating a chain.
    @inline(__always)
    static func rowSum<T: TensorScalar>(_ x: UnsafeMutablePointer<T>, _ n: Int) -> T {
        var acc: (T, T, T, T, T, T, T, T) = (0, 0, 0, 0, 0, 0, 0, 0)
        accumulate(x, n / 8 * 8, &acc)
        var j = n / 8 * 8
        var s = ((acc.0 + acc.1) + (acc.2 + acc.3)) + ((acc.4 + acc.5) + (acc.6 + acc.7))
        while j < n { s += x[j]; j += 1 }
        return s
    }

    /// `rowSum` in pieces of a grain (a multiple of 8, so the accumulators see the same elements
    /// in the same order and the sum is bit-identical).
    @inline(__always)
    static func rowSum<T: TensorScalar>(_ x: UnsafeMutablePointer<T>, _ n: Int, _ progress: inout Progress) throws(TensorError) -> T {
        try progress.advance(Swift.min(n, Interruption.grain))
        if n <= Interruption.grain { return rowSum(x, n) }
        var acc: (T, T, T, T, T, T, T, T) = (0, 0, 0, 0, 0, 0, 0, 0)
        let whole = n / 8 * 8
        var start = 0
        while start < whole {
            if start > 0 { try progress.advance(Interruption.grain) }
            let count = Swift.min(Interruption.grain, whole - start)
            accumulate(x + start, count, &acc)
            start += count
        }
        var s = ((acc.0 + acc.1) + (acc.2 + acc.3)) + ((acc.4 + acc.5) + (acc.6 + acc.7))
        for j in whole..<n { s += x[j] }
        return s
    }

    /// acc.k += x[8i + k] for the first `n` elements (`n` a multiple of 8).
    @inline(__always)
    private static func accumulate<T: TensorScalar>(_ x: UnsafeMutablePointer<T>, _ n: Int, _ acc: inout (T, T, T, T, T, T, T, T)) {
        var j = 0
        while j + 8 <= n {
            acc.0 += x[j]; acc.1 += x[j + 1]; acc.2 += x[j + 2]; acc.3 += x[j + 3]
            acc.4 += x[j + 4]; acc.5 += x[j + 5]; acc.6 += x[j + 6]; acc.7 += x[j + 7]
            j += 8
        }
    }

    @inline(__always)
    private static func reduceGrad<T: TensorScalar>(
        _ kind: Kind, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
        _ gx: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int, _ indices: UnsafeMutablePointer<Int32>?,
        _ progress: inout Progress
    ) throws(TensorError) {
        for o in 0..<outer {
            let xo = x + o * n * inner, go = g + o * inner, gxo = gx + o * n * inner, yo = y + o * inner
            switch kind {
            case .sum, .mean:
                let s: T = kind == .mean ? 1 / T(n) : 1
                try rowBlocks(n, inner: inner, &progress) { start, count in
                    for j in start..<(start + count) {
                        let row = gxo + j * inner
                        for i in 0..<inner { row[i] += go[i] * s }
                    }
                }
            case .max, .min:
                guard let indices, n > 0 else { continue }
                try progress.advance(inner)
                for i in 0..<inner {
                    gxo[Int(indices[o * inner + i]) * inner + i] += go[i]
                }
            case .logsumexp:
                for i in 0..<inner where yo[i].isFinite {
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) {
                            gxo[j * inner + i] += go[i] * T.expScalar(xo[j * inner + i] - yo[i])
                        }
                    }
                }
            }
        }
    }
}

extension ReduceKernels.Kind {
    /// The op's pref name, for errors.
    var name: String {
        switch self {
        case .sum: "sum"
        case .mean: "mean"
        case .max: "max"
        case .min: "min"
        case .logsumexp: "logsumexp"
        }
    }
}
