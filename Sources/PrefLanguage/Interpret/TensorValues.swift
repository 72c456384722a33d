import PrefCore

/// Tensor values in the language: plain tensors compute eagerly; a value recorded on a tape (or
/// a parameter while `grad` has a tape active) makes the whole operation recorded.
public enum TensorValues {
    public enum Operand {
        case eager(Tensor)
        case recorded(Var)
    }

    /// The tensor behind a value: constants as they are, parameters by their current value, tape
    /// values copied out.
    public static func tensor(_ box: TensorBox) throws -> Tensor {
        switch box.content {
        case .constant(let t): return t
        case .parameter(let p): return p.value
        case .recorded(let v): return try v.value()
        }
    }

    public static func shape(_ box: TensorBox) throws -> Shape {
        switch box.content {
        case .constant(let t): return t.shape
        case .parameter(let p): return p.value.shape
        case .recorded(let v): return v.shape
        }
    }

    public static func dtype(_ box: TensorBox) -> DType {
        switch box.content {
        case .constant(let t): return t.dtype
        case .parameter(let p): return p.value.dtype
        case .recorded(let v): return v.dtype
        }
    }

    /// How a tensor value takes part in an operation: recorded when it is a `grad` leaf or
    /// already on a tape, eager otherwise.
    public static func operand(_ box: TensorBox, context: GradContext?) -> Operand {
        if let context, let leaf = context.leaves[ObjectIdentifier(box)] { return .recorded(leaf) }
        switch box.content {
        case .constant(let t): return .eager(t)
        case .parameter(let p):
            if let context { return .recorded(context.tape.parameter(p)) }
            return .eager(p.value)
        case .recorded(let v): return .recorded(v)
        }
    }

    public static func lift(_ o: Operand, on tape: Tape) -> Var {
        switch o {
        case .eager(let t): return tape.constant(t)
        case .recorded(let v): return v
        }
    }

    public static func wrap(_ t: Tensor) -> Value { .tensor(TensorBox(t)) }
    public static func wrap(_ v: Var) -> Value { .tensor(TensorBox(.recorded(v))) }

    /// An elementwise binary op (or matmul) on two values at least one of which is a tensor;
    /// numbers become scalars of the tensor's dtype.
    public static func binary(_ op: BinaryOp?, _ a: Value, _ b: Value, context active: GradContext?) throws -> Value {
        let dtype: DType
        switch (a, b) {
        case (.tensor(let t), _), (_, .tensor(let t)): dtype = TensorValues.dtype(t)
        default: dtype = .f32
        }
        func operand(_ v: Value) throws -> Operand {
            switch v {
            case .tensor(let t): return TensorValues.operand(t, context: active)
            case .number(let x): return .eager(Tensor(scalar: x, dtype: dtype))
            default: throw RuntimeError("cannot combine a tensor with a \(v.typeName)")
            }
        }
        let x = try operand(a), y = try operand(b)
        switch (x, y) {
        case (.eager(let p), .eager(let q)):
            if let op { return wrap(try Tensor.binary(op, p, q)) }
            return wrap(try p.matmul(q))
        case (.recorded(let v), _), (_, .recorded(let v)):
            let tape = v.tape
            let p = lift(x, on: tape), q = lift(y, on: tape)
            if let op { return wrap(try tape.binary(op, p, q)) }
            return wrap(try tape.matmul(p, q))
        }
    }

    public static func unary(_ op: UnaryOp, _ box: TensorBox, context: GradContext?, _ p0: Double = 0, _ p1: Double = 0) throws -> Value {
        switch operand(box, context: context) {
        case .eager(let t): return wrap(try t.interruptibleUnary(op, p0, p1))
        case .recorded(let v): return wrap(try v.tape.unary(op, v, p0, p1))
        }
    }

    /// The rows along the first axis (for `for row in t`).
    static func rows(_ box: TensorBox) throws -> [Value] {
        let s = try shape(box)
        guard s.rank > 0 else { throw TensorError(op: "iterate", "a scalar tensor has no rows") }
        var out = [Value]()
        for i in 0..<s[0] { out.append(try row(box, i)) }
        return out
    }

    /// Row `i` along the first axis: a number for rank-1 tensors, a tensor otherwise.
    static func row(_ box: TensorBox, _ i: Int, context: GradContext? = nil) throws -> Value {
        switch operand(box, context: context) {
        case .eager(let t):
            let r = try t.rows(i..<(i + 1))
            if t.rank == 1 { return .number(try r.item()) }
            return wrap(try r.reshaped(Shape(Array(t.shape.dims.dropFirst()))).copy())
        case .recorded(let v):
            let r = try v.slice(axis: 0, start: i, end: i + 1)
            let out = try r.reshaped(Array(v.shape.dims.dropFirst()))
            return wrap(out)
        }
    }

    static func slice(_ box: TensorBox, _ r: Range<Int>, context: GradContext?) throws -> Value {
        switch operand(box, context: context) {
        case .eager(let t): return wrap(try t.rows(r).copy())
        case .recorded(let v): return wrap(try v.slice(axis: 0, start: r.lowerBound, end: r.upperBound))
        }
    }
}
