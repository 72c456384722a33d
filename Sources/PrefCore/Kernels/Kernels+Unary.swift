internal import CKernels

#if canImport(Glibc)
import Glibc
#endif

/// Forward and backward loops of the unary ops. Transcendentals go to the C kernels
/// (polynomial f32 with runtime AVX-512/AVX2 dispatch, libm f64; core-performance.md §2);
/// the rest are plain loops that auto-vectorise.
/// Above `Interruption.grain` elements the loops run in chunks that poll the interrupt flag.
enum UnaryKernels {
    /// out = f(x); `out` may alias `x`. Throws only when interrupted.
    static func forward(_ op: UnaryOp, _ x: View, _ out: View, _ p0: Double, _ p1: Double) throws(TensorError) {
        var progress = Progress(op.name)
        try progress.pieces(x.count) { start, count in forward(op, x, out, p0, p1, start, count) }
    }

    /// gx += g · f′(x), with `y` = f(x) from the forward pass. Throws only when interrupted.
    static func backward(_ op: UnaryOp, _ x: View, _ y: View, _ g: View, into gx: View, _ p0: Double, _ p1: Double) throws(TensorError) {
        var progress = Progress(op.name)
        try progress.pieces(x.count) { start, count in backward(op, x, y, g, into: gx, p0, p1, start, count) }
    }

    /// out = f(x) for elements `start..<start + count`.
    static func forward(_ op: UnaryOp, _ x: View, _ out: View, _ p0: Double, _ p1: Double, _ start: Int, _ count: Int) {
        let n = Int64(count)
        switch x.dtype {
        case .f32:
            let a = x.ptr(Float.self) + start, y = out.ptr(Float.self) + start
            switch op {
            case .exp: pk_exp_f32(a, y, n)
            case .log: pk_log_f32(a, y, n)
            case .log1p: pk_log1p_f32(a, y, n)
            case .sigmoid: pk_sigmoid_f32(a, y, n)
            case .logSigmoid: pk_log_sigmoid_f32(a, y, n)
            case .softplus: pk_softplus_f32(a, y, n)
            case .tanh: pk_tanh_f32(a, y, n)
            default: plain(op, a, y, count, Float(p0), Float(p1))
            }
        case .f64:
            let a = x.ptr(Double.self) + start, y = out.ptr(Double.self) + start
            switch op {
            case .exp: pk_exp_f64(a, y, n)
            case .log: pk_log_f64(a, y, n)
            case .log1p: pk_log1p_f64(a, y, n)
            case .sigmoid: pk_sigmoid_f64(a, y, n)
            case .logSigmoid: pk_log_sigmoid_f64(a, y, n)
            case .softplus: pk_softplus_f64(a, y, n)
            case .tanh: pk_tanh_f64(a, y, n)
            default: plain(op, a, y, count, p0, p1)
            }
        }
    }

    /// gx += g · f′(x) for elements `start..<start + count`.
    private static func backward(_ op: UnaryOp, _ x: View, _ y: View, _ g: View, into gx: View, _ p0: Double, _ p1: Double, _ start: Int, _ count: Int) {
        let n = Int64(count)
        switch x.dtype {
        case .f32:
            let a = x.ptr(Float.self) + start, b = y.ptr(Float.self) + start, c = g.ptr(Float.self) + start, d = gx.ptr(Float.self) + start
            switch op {
            case .exp: pk_exp_grad_f32(a, b, c, d, n)
            case .log: pk_log_grad_f32(a, b, c, d, n)
            case .log1p: pk_log1p_grad_f32(a, b, c, d, n)
            case .sigmoid: pk_sigmoid_grad_f32(a, b, c, d, n)
            case .logSigmoid: pk_log_sigmoid_grad_f32(a, b, c, d, n)
            case .softplus: pk_softplus_grad_f32(a, b, c, d, n)
            case .tanh: pk_tanh_grad_f32(a, b, c, d, n)
            default: plainGrad(op, a, b, c, d, count, Float(p0), Float(p1))
            }
        case .f64:
            let a = x.ptr(Double.self) + start, b = y.ptr(Double.self) + start, c = g.ptr(Double.self) + start, d = gx.ptr(Double.self) + start
            switch op {
            case .exp: pk_exp_grad_f64(a, b, c, d, n)
            case .log: pk_log_grad_f64(a, b, c, d, n)
            case .log1p: pk_log1p_grad_f64(a, b, c, d, n)
            case .sigmoid: pk_sigmoid_grad_f64(a, b, c, d, n)
            case .logSigmoid: pk_log_sigmoid_grad_f64(a, b, c, d, n)
            case .softplus: pk_softplus_grad_f64(a, b, c, d, n)
            case .tanh: pk_tanh_grad_f64(a, b, c, d, n)
            default: plainGrad(op, a, b, c, d, count, p0, p1)
            }
        }
    }

    @inline(__always)
    private static func plain<T: TensorScalar>(_ op: UnaryOp, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int, _ p0: T, _ p1: T) {
        switch op {
        case .neg: for i in 0..<n { y[i] = -x[i] }
        case .relu: for i in 0..<n { y[i] = x[i] > 0 ? x[i] : (x[i].isNaN ? x[i] : 0) }
        case .abs: for i in 0..<n { y[i] = Swift.abs(x[i]) }
        case .sqrt: for i in 0..<n { y[i] = x[i].squareRoot() }
        case .square: for i in 0..<n { y[i] = x[i] * x[i] }
        case .affine: for i in 0..<n { y[i] = p0 * x[i] + p1 }
        case .reciprocal: for i in 0..<n { y[i] = p0 / x[i] }
        case .powScalar:
            if p0 == 2 {
                for i in 0..<n { y[i] = x[i] * x[i] }
            } else {
                for i in 0..<n { y[i] = T.powScalar(x[i], p0) }
            }
        case .clamp: for i in 0..<n { y[i] = x[i] < p0 ? p0 : (x[i] > p1 ? p1 : x[i]) }
        case .sign: for i in 0..<n { y[i] = x[i] > 0 ? 1 : (x[i] < 0 ? -1 : x[i]) }
        case .exp, .log, .log1p, .sigmoid, .logSigmoid, .softplus, .tanh:
            preconditionFailure("transcendentals go to the C kernels")
        }
    }

    @inline(__always)
    private static func plainGrad<T: TensorScalar>(
        _ op: UnaryOp, _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
        _ gx: UnsafeMutablePointer<T>, _ n: Int, _ p0: T, _ p1: T
    ) {
        switch op {
        case .neg: for i in 0..<n { gx[i] -= g[i] }
        case .relu: for i in 0..<n where x[i] > 0 { gx[i] += g[i] }
        case .abs: for i in 0..<n { gx[i] += x[i] > 0 ? g[i] : (x[i] < 0 ? -g[i] : 0) }
        case .sqrt: for i in 0..<n { gx[i] += g[i] / (2 * y[i]) }
        case .square: for i in 0..<n { gx[i] += 2 * x[i] * g[i] }
        case .affine: for i in 0..<n { gx[i] += p0 * g[i] }
        case .reciprocal: for i in 0..<n { gx[i] -= g[i] * y[i] / x[i] }
        case .powScalar:
            if p0 != 0 {
                for i in 0..<n { gx[i] += g[i] * p0 * T.powScalar(x[i], p0 - 1) }
            }
        case .clamp: for i in 0..<n where x[i] >= p0 && x[i] <= p1 { gx[i] += g[i] }
        case .sign: return
        case .exp, .log, .log1p, .sigmoid, .logSigmoid, .softplus, .tanh:
            preconditionFailure("transcendentals go to the C kernels")
        }
    }
}
