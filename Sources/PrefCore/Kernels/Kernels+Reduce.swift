/// Reductions and normalisations along one axis, over the [outer, n, inner] view of a shape.
/// Element (o, j, i) sits at (o·n + j)·inner + i.
enum ReduceKernels {
    enum Kind: UInt8 { case sum, mean, max, min, logsumexp }

    /// out[o, i] = reduce_j x[o, j, i]. For max/min, `indices` (outer·inner Int32s) receives the
    /// position of the first extreme element, for the backward pass and argmax.
    static func forward(_ kind: Kind, _ x: View, _ out: View, outer: Int, n: Int, inner: Int, indices: UnsafeMutablePointer<Int32>?) {
        switch x.dtype {
        case .f32: reduce(kind, x.ptr(Float.self), out.ptr(Float.self), outer, n, inner, indices)
        case .f64: reduce(kind, x.ptr(Double.self), out.ptr(Double.self), outer, n, inner, indices)
        }
    }

    /// gx += ∂reduce/∂x · g, with y the forward output.
    static func backward(_ kind: Kind, _ x: View, _ y: View, _ g: View, into gx: View, outer: Int, n: Int, inner: Int, indices: UnsafeMutablePointer<Int32>?) {
        switch x.dtype {
        case .f32: reduceGrad(kind, x.ptr(Float.self), y.ptr(Float.self), g.ptr(Float.self), gx.ptr(Float.self), outer, n, inner, indices)
        case .f64: reduceGrad(kind, x.ptr(Double.self), y.ptr(Double.self), g.ptr(Double.self), gx.ptr(Double.self), outer, n, inner, indices)
        }
    }

    @inline(__always)
    private static func reduce<T: TensorScalar>(
        _ kind: Kind, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int,
        _ indices: UnsafeMutablePointer<Int32>?
    ) {
        for o in 0..<outer {
            let xo = x + o * n * inner, yo = y + o * inner
            switch kind {
            case .sum, .mean:
                if inner == 1 {
                    yo[0] = rowSum(xo, n)
                } else {
                    for i in 0..<inner { yo[i] = 0 }
                    for j in 0..<n {
                        let row = xo + j * inner
                        for i in 0..<inner { yo[i] += row[i] }
                    }
                }
                if kind == .mean {
                    let s = 1 / T(n)
                    for i in 0..<inner { yo[i] *= s }
                }
            case .max, .min:
                for i in 0..<inner {
                    var best = xo[i], at: Int32 = 0
                    for j in 1..<Swift.max(n, 1) {
                        let v = xo[j * inner + i]
                        // NaN wins, so that a NaN is never hidden by a reduction.
                        if best.isNaN { break }
                        if v.isNaN || (kind == .max ? v > best : v < best) { best = v; at = Int32(j) }
                    }
                    yo[i] = n == 0 ? (kind == .max ? -T.infinity : T.infinity) : best
                    indices?[o * inner + i] = at
                }
            case .logsumexp:
                for i in 0..<inner {
                    var m = -T.infinity
                    for j in 0..<n { m = Swift.max(m, xo[j * inner + i]) }
                    if !m.isFinite {
                        yo[i] = m  // all −∞ → −∞; any +∞ → +∞
                        continue
                    }
                    var s: T = 0
                    for j in 0..<n { s += T.expScalar(xo[j * inner + i] - m) }
                    yo[i] = m + T.logScalar(s)
                }
            }
        }
    }

    /// A row sum with eight accumulators, so the loop vectorises without reassociating a chain.
    @inline(__always)
    static func rowSum<T: TensorScalar>(_ x: UnsafeMutablePointer<T>, _ n: Int) -> T {
        var acc: (T, T, T, T, T, T, T, T) = (0, 0, 0, 0, 0, 0, 0, 0)
        var j = 0
        while j + 8 <= n {
            acc.0 += x[j]; acc.1 += x[j + 1]; acc.2 += x[j + 2]; acc.3 += x[j + 3]
            acc.4 += x[j + 4]; acc.5 += x[j + 5]; acc.6 += x[j + 6]; acc.7 += x[j + 7]
            j += 8
        }
        var s = ((acc.0 + acc.1) + (acc.2 + acc.3)) + ((acc.4 + acc.5) + (acc.6 + acc.7))
        while j < n { s += x[j]; j += 1 }
        return s
    }

    @inline(__always)
    private static func reduceGrad<T: TensorScalar>(
        _ kind: Kind, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
        _ gx: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int, _ indices: UnsafeMutablePointer<Int32>?
    ) {
        for o in 0..<outer {
            let xo = x + o * n * inner, go = g + o * inner, gxo = gx + o * n * inner, yo = y + o * inner
            switch kind {
            case .sum, .mean:
                let s: T = kind == .mean ? 1 / T(n) : 1
                for j in 0..<n {
                    let row = gxo + j * inner
                    for i in 0..<inner { row[i] += go[i] * s }
                }
            case .max, .min:
                guard let indices, n > 0 else { continue }
                for i in 0..<inner {
                    gxo[Int(indices[o * inner + i]) * inner + i] += go[i]
                }
            case .logsumexp:
                for i in 0..<inner where yo[i].isFinite {
                    for j in 0..<n {
                        gxo[j * inner + i] += go[i] * T.expScalar(xo[j * inner + i] - yo[i])
                    }
                }
            }
        }
    }
}
