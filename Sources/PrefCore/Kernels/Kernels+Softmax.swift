/// Softmax and log-softmax along one axis, over the [outer, n, inner] view; stable (the row
/// maximum is subtracted before exponentiating).
enum SoftmaxKernels {
    static func forward(log: Bool, _ x: View, _ y: View, outer: Int, n: Int, inner: Int) {
        switch x.dtype {
        case .f32: softmax(log, x.ptr(Float.self), y.ptr(Float.self), outer, n, inner)
        case .f64: softmax(log, x.ptr(Double.self), y.ptr(Double.self), outer, n, inner)
        }
    }

    /// log-softmax: gx += g − softmax·Σg; softmax: gx += y·(g − Σ g·y).
    static func backward(log: Bool, _ y: View, _ g: View, into gx: View, outer: Int, n: Int, inner: Int) {
        switch y.dtype {
        case .f32: softmaxGrad(log, y.ptr(Float.self), g.ptr(Float.self), gx.ptr(Float.self), outer, n, inner)
        case .f64: softmaxGrad(log, y.ptr(Double.self), g.ptr(Double.self), gx.ptr(Double.self), outer, n, inner)
        }
    }

    @inline(__always)
    private static func softmax<T: TensorScalar>(_ log: Bool, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int) {
        for o in 0..<outer {
            let xo = x + o * n * inner, yo = y + o * n * inner
            for i in 0..<inner {
                var m = -T.infinity
                for j in 0..<n { m = Swift.max(m, xo[j * inner + i]) }
                if m == -T.infinity { m = 0 }  // an all −∞ row gives NaN, as the formula does
                var s: T = 0
                for j in 0..<n {
                    let e = T.expScalar(xo[j * inner + i] - m)
                    if !log { yo[j * inner + i] = e }
                    s += e
                }
                if log {
                    // (x − m) − log s, not x − (m + log s): the latter loses digits when |m| is large.
                    let ls = T.logScalar(s)
                    for j in 0..<n { yo[j * inner + i] = (xo[j * inner + i] - m) - ls }
                } else {
                    let r = 1 / s
                    for j in 0..<n { yo[j * inner + i] *= r }
                }
            }
        }
    }

    @inline(__always)
    private static func softmaxGrad<T: TensorScalar>(_ log: Bool, _ y: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, _ gx: UnsafeMutablePointer<T>, _ outer: Int, _ n: Int, _ inner: Int) {
        for o in 0..<outer {
            let base = o * n * inner
            for i in 0..<inner {
                var s: T = 0
                if log {
                    for j in 0..<n { s += g[base + j * inner + i] }
                    for j in 0..<n {
                        let k = base + j * inner + i
                        gx[k] += g[k] - T.expScalar(y[k]) * s
                    }
                } else {
                    for j in 0..<n { s += g[base + j * inner + i] * y[base + j * inner + i] }
                    for j in 0..<n {
                        let k = base + j * inner + i
                        gx[k] += y[k] * (g[k] - s)
                    }
                }
            }
        }
    }
}
