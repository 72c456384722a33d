/// Operators and methods on tape values, mirroring the eager `Tensor` API. Every op throws
/// `TensorError` on a shape or dtype mismatch and records its backward rule on the tape.
extension Var {
    public static func + (a: Var, b: Var) throws(TensorError) -> Var { try a.tape.binary(.add, a, b) }
    public static func - (a: Var, b: Var) throws(TensorError) -> Var { try a.tape.binary(.sub, a, b) }
    public static func * (a: Var, b: Var) throws(TensorError) -> Var { try a.tape.binary(.mul, a, b) }
    public static func / (a: Var, b: Var) throws(TensorError) -> Var { try a.tape.binary(.div, a, b) }

    public static func + (a: Var, s: Double) throws(TensorError) -> Var { try a.tape.unary(.affine, a, 1, s) }
    public static func + (s: Double, a: Var) throws(TensorError) -> Var { try a.tape.unary(.affine, a, 1, s) }
    public static func - (a: Var, s: Double) throws(TensorError) -> Var { try a.tape.unary(.affine, a, 1, -s) }
    public static func - (s: Double, a: Var) throws(TensorError) -> Var { try a.tape.unary(.affine, a, -1, s) }
    public static func * (a: Var, s: Double) throws(TensorError) -> Var { try a.tape.unary(.affine, a, s, 0) }
    public static func * (s: Double, a: Var) throws(TensorError) -> Var { try a.tape.unary(.affine, a, s, 0) }
    public static func / (a: Var, s: Double) throws(TensorError) -> Var { try a.tape.unary(.affine, a, 1 / s, 0) }
    public static func / (s: Double, a: Var) throws(TensorError) -> Var { try a.tape.unary(.reciprocal, a, s) }
    public static prefix func - (a: Var) throws(TensorError) -> Var { try a.tape.unary(.neg, a) }

    /// self^e elementwise, broadcasting.
    public func pow(_ e: Var) throws(TensorError) -> Var { try tape.binary(.pow, self, e) }
    /// self^e for a scalar exponent.
    public func pow(_ e: Double) throws(TensorError) -> Var { try tape.unary(.powScalar, self, e) }
    public func maximum(_ b: Var) throws(TensorError) -> Var { try tape.binary(.maximum, self, b) }
    public func minimum(_ b: Var) throws(TensorError) -> Var { try tape.binary(.minimum, self, b) }
    /// Comparison giving 1 where it holds and 0 elsewhere; no gradient.
    public func compare(_ op: BinaryOp, _ b: Var) throws(TensorError) -> Var { try tape.binary(op, self, b) }

    public func exp() throws(TensorError) -> Var { try tape.unary(.exp, self) }
    public func log() throws(TensorError) -> Var { try tape.unary(.log, self) }
    public func log1p() throws(TensorError) -> Var { try tape.unary(.log1p, self) }
    /// σ(x) = 1 / (1 + e^−x).
    public func sigmoid() throws(TensorError) -> Var { try tape.unary(.sigmoid, self) }
    /// log σ(x) = min(x, 0) − log1p(e^−|x|), stable for any x.
    public func logSigmoid() throws(TensorError) -> Var { try tape.unary(.logSigmoid, self) }
    /// softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|).
    public func softplus() throws(TensorError) -> Var { try tape.unary(.softplus, self) }
    public func tanh() throws(TensorError) -> Var { try tape.unary(.tanh, self) }
    public func relu() throws(TensorError) -> Var { try tape.unary(.relu, self) }
    public func abs() throws(TensorError) -> Var { try tape.unary(.abs, self) }
    public func sqrt() throws(TensorError) -> Var { try tape.unary(.sqrt, self) }
    public func square() throws(TensorError) -> Var { try tape.unary(.square, self) }
    public func clamp(min lo: Double, max hi: Double) throws(TensorError) -> Var { try tape.unary(.clamp, self, lo, hi) }

    public func sum(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Var {
        try tape.reduce(.sum, self, axis: axis, keepDims: keepDims, op: "sum")
    }
    public func mean(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Var {
        try tape.reduce(.mean, self, axis: axis, keepDims: keepDims, op: "mean")
    }
    public func max(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Var {
        try tape.reduce(.max, self, axis: axis, keepDims: keepDims, op: "max")
    }
    public func min(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Var {
        try tape.reduce(.min, self, axis: axis, keepDims: keepDims, op: "min")
    }
    /// log Σ e^x along an axis, stable.
    public func logsumexp(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Var {
        try tape.reduce(.logsumexp, self, axis: axis, keepDims: keepDims, op: "logsumexp")
    }
    public func softmax(axis: Int = -1) throws(TensorError) -> Var { try tape.softmax(self, axis: axis, log: false) }
    public func logSoftmax(axis: Int = -1) throws(TensorError) -> Var { try tape.softmax(self, axis: axis, log: true) }

    public func matmul(_ b: Var) throws(TensorError) -> Var { try tape.matmul(self, b) }
    /// Permutes the axes (nil reverses them).
    public func transposed(_ perm: [Int]? = nil) throws(TensorError) -> Var {
        try tape.strided(self, try OpGeometry.transpose(shape, perm), op: "transpose")
    }
    /// Python-style slice along one axis.
    public func slice(axis: Int = 0, start: Int? = nil, end: Int? = nil, step: Int = 1) throws(TensorError) -> Var {
        try tape.strided(self, try OpGeometry.slice(shape, axis: axis, start: start, end: end, step: step), op: "slice")
    }
    /// NumPy `take`: the elements at `indices` along `axis`.
    public func gather(_ indices: IndexTensor, axis: Int = 0) throws(TensorError) -> Var {
        try tape.take(self, try OpGeometry.take(shape, indices, axis: axis), along: false, op: "gather")
    }
    /// NumPy `take_along_axis`.
    public func takeAlong(_ indices: IndexTensor, axis: Int) throws(TensorError) -> Var {
        try tape.take(self, try OpGeometry.takeAlong(shape, indices, axis: axis), along: true, op: "take_along_axis")
    }
    public func reshaped(_ dims: [Int]) throws(TensorError) -> Var { try tape.reshape(self, dims) }
    public func expanded(to shape: Shape) throws(TensorError) -> Var { try tape.expand(self, to: shape) }
    public func detached() throws(TensorError) -> Var { try tape.detach(self) }

    /// cond ≠ 0 ? a : b with broadcasting.
    public static func select(_ cond: Var, _ a: Var, _ b: Var) throws(TensorError) -> Var { try cond.tape.select(cond, a, b) }

    /// Concatenation along an existing axis.
    public static func concat(_ xs: [Var], axis: Int = 0) throws(TensorError) -> Var {
        guard let t = xs.first?.tape else { throw TensorError(op: "concat", "nothing to concatenate") }
        return try t.concat(xs, axis: axis)
    }

    /// Stacking along a new axis.
    public static func stack(_ xs: [Var], axis: Int = 0) throws(TensorError) -> Var {
        guard let t = xs.first?.tape else { throw TensorError(op: "stack", "nothing to stack") }
        var parts = [Var]()
        for x in xs { parts.append(try x.reshaped(try OpGeometry.stackShape(x.shape, axis: axis).dims)) }
        let a = axis < 0 ? axis + xs[0].shape.rank + 1 : axis
        return try t.concat(parts, axis: a)
    }
}
