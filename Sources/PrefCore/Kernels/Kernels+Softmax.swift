/// Softmax and log-softmax along one axis, over the [outer, n, inner] view; stable (the row
/// maximum is subtracted before exponentiating). Each pass over a row runs in pieces that poll
/// the interrupt flag, with its running maximum or sum carried across pieces.
enum SoftmaxKernels {
    /// Throws only when interrupted.
    static func forward(log: Bool, _ x: View, _ y: View, outer: Int, n: Int, inner: Int) throws(TensorError) {
        var progress = Progress(log ? "log_softmax" : "softmax")
        if usesRows(n: n, inner: inner) {
            switch x.dtype {
            case .f32: try softmaxRows(log, x.ptr(Float.self), y.ptr(Float.self), outer, n, &progress)
            case .f64: try softmaxRows(log, x.ptr(Double.self), y.ptr(Double.self), outer, n, &progress)
            }
            return
        }
        switch x.dtype {
        case .f32: try softmax(log, x.ptr(Float.self), y.ptr(Float.self), outer, n, inner, &progress)
        case .f64: try softmax(log, x.ptr(Double.self), y.ptr(Double.self), outer, n, inner, &progress)
        }
    }

    /// log-softmax: gx += g − softmax·Σg; softmax: gx += y·(g − Σ g·y). Throws only when interrupted.
    static func backward(log: Bool, _ y: View, _ g: View, into gx: View, outer: Int, n: Int, inner: Int) throws(TensorError) {
        var progress = Progress(log ? "log_softmax" : "softmax")
        if usesRows(n: n, inner: inner) {
            switch y.dtype {
            case .f32: try softmaxRowsGrad(log, y.ptr(Float.self), g.ptr(Float.self), gx.ptr(Float.self), outer, n, &progress)
            case .f64: try softmaxRowsGrad(log, y.ptr(Double.self), g.ptr(Double.self), gx.ptr(Double.self), outer, n, &progress)
            }
            return
        }
        switch y.dtype {
        case .f32: try softmaxGrad(log, y.ptr(Float.self), g.ptr(Float.self), gx.ptr(Float.self), outer, n, inner, &progress)
        case .f64: try softmaxGrad(log, y.ptr(Double.self), g.ptr(Double.self), gx.ptr(Double.self), outer, n, inner, &progress)
        }
    }

    @inline(__always)
    private static func softmax<T: TensorScalar>(_ log: Bool, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int,
                                                 _ progress: inout Progress) throws(TensorError) {
        for o in 0..<outer {
            let xo = x + o * n * inner, yo = y + o * n * inner
            for i in 0..<inner {
                var m = -T.infinity
                try progress.pieces(n) { start, count in
                    for j in start..<(start + count) { m = Swift.max(m, xo[j * inner + i]) }
                }
                if m == -T.infinity { m = 0 }  // an all −∞ row gives NaN, as the formula does
                var s: T = 0
                try progress.pieces(n) { start, count in
                    for j in start..<(start + count) {
                        let e = T.expScalar(xo[j * inner + i] - m)
                        if !log { yo[j * inner + i] = e }
                        s += e
                    }
                }
                if log {
                    // (x − m) − log s, not x − (m + log s): the latter loses digits when |m| is large.
                    let ls = T.logScalar(s)
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) { yo[j * inner + i] = (xo[j * inner + i] - m) - ls }
                    }
                } else {
                    let r = 1 / s
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) { yo[j * inner + i] *= r }
                    }
                }
            }
        }
    }

    @inline(__always)
    private static func softmaxGrad<T: TensorScalar>(_ log: Bool, _ y: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, _ gx: UnsafeMutablePointer<T>,
                                                     _ outer: Int, _ n: Int, _ inner: Int, _ progress: inout Progress) throws(TensorError) {
        for o in 0..<outer {
            let base = o * n * inner
            for i in 0..<inner {
                var s: T = 0
                if log {
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) { s += g[base + j * inner + i] }
                    }
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) {
                            let k = base + j * inner + i
                            gx[k] += g[k] - T.expScalar(y[k]) * s
                        }
                    }
                } else {
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) { s += g[base + j * inner + i] * y[base + j * inner + i] }
                    }
                    try progress.pieces(n) { start, count in
                        for j in start..<(start + count) {
                            let k = base + j * inner + i
                            gx[k] += y[k] * (g[k] - s)
                        }
                    }
                }
            }
        }
    }
}
