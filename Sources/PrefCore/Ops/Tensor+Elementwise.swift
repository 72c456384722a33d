/// Eager elementwise ops: broadcasting arithmetic, comparisons, `where`, and the stable
/// activations. Each allocates its result and runs the same kernel as the recorded op.
extension Tensor {
    /// An elementwise binary op with NumPy broadcasting.
    public static func binary(_ op: BinaryOp, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        try OpGeometry.sameDType(op.name, a.dtype, b.dtype)
        let shape = try Shape.broadcast(a.shape, b.shape, op: op.name)
        return try withExtendedLifetime((a, b)) { () throws(TensorError) -> Tensor in
            try produce(shape, a.dtype) { out throws(TensorError) in try BinaryKernels.forward(op, a.view, b.view, out) }
        }
    }

    /// An elementwise unary op with scalar parameters (see `UnaryOp`). It cannot fail, so it
    /// runs to completion whatever the interrupt flag; `interruptibleUnary` is the same op for
    /// callers that can stop (the interpreter).
    public func unary(_ op: UnaryOp, _ p0: Double = 0, _ p1: Double = 0) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        withExtendedLifetime(self) { UnaryKernels.forward(op, view, out.view, p0, p1, 0, shape.count) }
        return out
    }

    /// `unary`, in chunks that throw `TensorError.interrupted` when the current thread's
    /// interrupt flag is set (`Interruption`).
    public func interruptibleUnary(_ op: UnaryOp, _ p0: Double = 0, _ p1: Double = 0) throws(TensorError) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: dtype)
        try withExtendedLifetime(self) { () throws(TensorError) in try UnaryKernels.forward(op, view, out.view, p0, p1) }
        return out
    }

    public static func + (a: Tensor, b: Tensor) throws(TensorError) -> Tensor { try binary(.add, a, b) }
    public static func - (a: Tensor, b: Tensor) throws(TensorError) -> Tensor { try binary(.sub, a, b) }
    public static func * (a: Tensor, b: Tensor) throws(TensorError) -> Tensor { try binary(.mul, a, b) }
    public static func / (a: Tensor, b: Tensor) throws(TensorError) -> Tensor { try binary(.div, a, b) }
    public static func + (a: Tensor, s: Double) -> Tensor { a.unary(.affine, 1, s) }
    public static func + (s: Double, a: Tensor) -> Tensor { a.unary(.affine, 1, s) }
    public static func - (a: Tensor, s: Double) -> Tensor { a.unary(.affine, 1, -s) }
    public static func - (s: Double, a: Tensor) -> Tensor { a.unary(.affine, -1, s) }
    public static func * (a: Tensor, s: Double) -> Tensor { a.unary(.affine, s, 0) }
    public static func * (s: Double, a: Tensor) -> Tensor { a.unary(.affine, s, 0) }
    public static func / (a: Tensor, s: Double) -> Tensor { a.unary(.affine, 1 / s, 0) }
    public static func / (s: Double, a: Tensor) -> Tensor { a.unary(.reciprocal, s) }
    public static prefix func - (a: Tensor) -> Tensor { a.unary(.neg) }

    public func pow(_ e: Tensor) throws(TensorError) -> Tensor { try Tensor.binary(.pow, self, e) }
    public func pow(_ e: Double) -> Tensor { unary(.powScalar, e) }
    public func maximum(_ b: Tensor) throws(TensorError) -> Tensor { try Tensor.binary(.maximum, self, b) }
    public func minimum(_ b: Tensor) throws(TensorError) -> Tensor { try Tensor.binary(.minimum, self, b) }
    /// 1 where the comparison holds, else 0.
    public func compare(_ op: BinaryOp, _ b: Tensor) throws(TensorError) -> Tensor { try Tensor.binary(op, self, b) }

    public func exp() -> Tensor { unary(.exp) }
    public func log() -> Tensor { unary(.log) }
    public func log1p() -> Tensor { unary(.log1p) }
    /// σ(x) = 1 / (1 + e^−x).
    public func sigmoid() -> Tensor { unary(.sigmoid) }
    /// log σ(x) = min(x, 0) − log1p(e^−|x|).
    public func logSigmoid() -> Tensor { unary(.logSigmoid) }
    /// softplus(x) = max(x, 0) + log1p(e^−|x|).
    public func softplus() -> Tensor { unary(.softplus) }
    public func tanh() -> Tensor { unary(.tanh) }
    public func relu() -> Tensor { unary(.relu) }
    public func abs() -> Tensor { unary(.abs) }
    public func sqrt() -> Tensor { unary(.sqrt) }
    public func square() -> Tensor { unary(.square) }
    public func sign() -> Tensor { unary(.sign) }
    public func clamp(min lo: Double, max hi: Double) -> Tensor { unary(.clamp, lo, hi) }

    /// cond ≠ 0 ? a : b, broadcasting all three.
    public static func select(_ cond: Tensor, _ a: Tensor, _ b: Tensor) throws(TensorError) -> Tensor {
        try OpGeometry.sameDType("where", a.dtype, b.dtype)
        try OpGeometry.sameDType("where", cond.dtype, a.dtype)
        let shape = try Shape.broadcast(try Shape.broadcast(cond.shape, a.shape, op: "where"), b.shape, op: "where")
        let c = try cond.expanded(to: shape), x = try a.expanded(to: shape), y = try b.expanded(to: shape)
        return try withExtendedLifetime((c, x, y)) { () throws(TensorError) -> Tensor in
            try produce(shape, a.dtype) { out in LayoutKernels.select(c.view, x.view, y.view, out) }
        }
    }

    /// The tensor broadcast to `shape` (a copy).
    public func expanded(to target: Shape) throws(TensorError) -> Tensor {
        if shape == target { return self }
        let s = try Shape.broadcast(shape, target, op: "expand")
        guard s == target else { throw TensorError.shapes("expand", shape, target, "cannot expand") }
        return try Tensor.binary(.add, self, Tensor(zeros: target, dtype: dtype))
    }
}
