import PrefCore
import PrefLanguage

/// Argument reading shared by the builtin tables: whole numbers, axes, dtypes, shapes and tensor
/// operands, each with an error that names the builtin and the parameter.
extension BuiltinCall {
    /// The largest number of elements a builtin may create: the core's limit on every created
    /// tensor (`Shape.maxElements`, 2^28), so builtins and op results agree.
    static let maxElements = Shape.maxElements

    /// The active `grad` context: tensor results are recorded on its tape.
    var context: GradContext? { interpreter.gradContext }

    /// The session that owns the interpreter, when there is one.
    var session: Session? { interpreter.host as? Session }

    /// An error that names this builtin: `exp(): message`.
    func error(_ message: String, hint: String? = nil) -> RuntimeError {
        RuntimeError("\(builtin.name)(): \(message)", hint: hint)
    }

    /// The error for an argument of the wrong kind, worded like the binder's own type errors.
    func typeError(_ i: Int, expected: String, hint: String? = nil) -> RuntimeError {
        RuntimeError("argument '\(builtin.parameters[i].name)' of \(builtin.name)() must be \(expected), got \(arguments[i].typeName)",
                     hint: hint)
    }

    /// A whole number read from any value (list elements, shape entries).
    func whole(_ v: Value, _ what: String) throws -> Int {
        guard case .number(let x) = v else { throw error("\(what) must be a whole number, got \(v.typeName)") }
        guard x == x.rounded(), Swift.abs(x) < 9e15 else {
            throw error("\(what) must be a whole number, got \(Value.format(number: x))")
        }
        return Int(x)
    }

    /// An optional whole-number argument (`none` is nil).
    func optionalInt(_ i: Int) throws -> Int? {
        if case .none = arguments[i] { return nil }
        return try whole(arguments[i], "argument '\(builtin.parameters[i].name)'")
    }

    /// An axis argument: `none` (all axes) or a whole number, negative counting from the end.
    func axis(_ i: Int) throws -> Int? { try optionalInt(i) }

    /// A dtype argument: "f32" or "f64" (NumPy's "float32"/"float64" are accepted too).
    func dtype(_ i: Int) throws -> DType {
        guard case .string(let s) = arguments[i] else { throw typeError(i, expected: "a string such as \"f32\"") }
        switch s.value {
        case "f32", "float32": return .f32
        case "f64", "float64": return .f64
        default:
            let hint = Suggestion.closest(to: s.value, in: ["f32", "f64"]).map { "did you mean \"\($0)\"?" }
                ?? "dtypes are \"f32\" and \"f64\""
            throw error("unknown dtype \(Value.quote(s.value))", hint: hint)
        }
    }

    /// Dimensions from a number (`zeros(3)`) or a list of whole numbers (`zeros([2, 3])`).
    func dims(_ i: Int, what: String = "shape") throws -> [Int] {
        switch arguments[i] {
        case .number: return [try whole(arguments[i], "the \(what)")]
        case .list(let l): return try l.items.enumerated().map { try whole($1, "\(what) entry \($0)") }
        default: throw typeError(i, expected: "a list of whole numbers")
        }
    }

    /// A validated shape for a new tensor, within the element limit.
    func shape(_ i: Int) throws -> Shape {
        try Self.checkedShape(try dims(i), op: builtin.name)
    }

    /// `Shape.checked` (rank, negative sizes, overflow) plus the element limit, which bounds
    /// the dimensions of an empty tensor too (`zeros([3e9, 0])`).
    static func checkedShape(_ dims: [Int], op: String) throws -> Shape {
        let s = try Shape.checked(dims, op: op)
        guard s.count <= maxElements else {
            throw RuntimeError("\(op)(): shape \(s) has \(s.count) elements, more than the limit of \(maxElements)",
                               hint: "tensors hold at most 2^28 elements")
        }
        guard s.isWithinLimit else {
            throw RuntimeError("\(op)(): shape \(s) is empty but its other dimensions span \(s.extent) positions, more than the limit of \(maxElements)",
                               hint: "every dimension, even of an empty tensor, must stay within the 2^28 element limit")
        }
        return s
    }

    /// Argument `i` as a tensor operand (tensors, numbers and nested lists of numbers).
    func operand(_ i: Int, dtype: DType = .f32) throws -> TensorValues.Operand {
        guard let o = try TensorArgs.operand(arguments[i], dtype: dtype, context: context, op: builtin.name) else {
            throw typeError(i, expected: "a tensor, a number or a list of numbers")
        }
        return o
    }

    /// Indices for gather, take_along_axis and one_hot: a number, a list or a tensor of whole numbers.
    func indices(_ i: Int) throws -> IndexTensor {
        switch arguments[i] {
        case .number, .list:
            return try IndexTensor(try TensorLiteral.tensor(arguments[i], dtype: .f64, op: builtin.name))
        case .tensor(let box):
            return try IndexTensor(try TensorValues.tensor(box))
        default:
            throw typeError(i, expected: "a whole number, a list or a tensor of indices")
        }
    }
}

/// Turning values into tensor operands and applying eager or recorded ops to them.
enum TensorArgs {
    /// A tensor operand from a value, or nil when the value is not tensor-like. Numbers and lists
    /// become constants of `dtype`; tensors keep theirs (and are recorded under `grad`).
    static func operand(_ v: Value, dtype: DType, context: GradContext?, op: String) throws -> TensorValues.Operand? {
        switch v {
        case .tensor(let box): return TensorValues.operand(box, context: context)
        case .number(let x): return .eager(Tensor(scalar: x, dtype: dtype))
        case .bool(let b): return .eager(Tensor(scalar: b ? 1 : 0, dtype: dtype))
        case .list: return .eager(try TensorLiteral.tensor(v, dtype: dtype, op: op))
        default: return nil
        }
    }

    /// The dtype the tensors among `values` share (the first one's), f32 when there are none: the
    /// dtype numbers and lists convert to so that they combine with the tensors.
    static func commonDType(_ values: [Value]) -> DType {
        for v in values { if case .tensor(let t) = v { return TensorValues.dtype(t) } }
        return .f32
    }

    /// Several operands: eager tensors when none is recorded, otherwise all lifted onto the tape.
    enum Group {
        case eager([Tensor])
        case recorded([Var])
    }

    static func group(_ operands: [TensorValues.Operand]) -> Group {
        var tensors = [Tensor]()
        for o in operands {
            switch o {
            case .eager(let t): tensors.append(t)
            case .recorded(let v): return .recorded(operands.map { TensorValues.lift($0, on: v.tape) })
            }
        }
        return .eager(tensors)
    }

    /// Applies an op to one operand, eagerly or on the tape.
    static func apply(_ o: TensorValues.Operand, eager: (Tensor) throws -> Tensor, recorded: (Var) throws -> Var) throws -> Value {
        switch o {
        case .eager(let t): return TensorValues.wrap(try eager(t))
        case .recorded(let v): return TensorValues.wrap(try recorded(v))
        }
    }

    /// The tensor behind an operand (a copy of the value for recorded ones).
    static func value(_ o: TensorValues.Operand) throws -> Tensor {
        switch o {
        case .eager(let t): return t
        case .recorded(let v): return try v.value()
        }
    }

    /// The result of a reduction over all elements: a plain number when computed eagerly, so
    /// `print(mean(t))` and `if sum(t) > 0` read naturally; a rank-0 tensor on the tape, so the
    /// gradient can flow through it.
    static func reduced(_ v: Value, full: Bool) throws -> Value {
        guard full, case .tensor(let box) = v, case .constant(let t) = box.content else { return v }
        return .number(try t.item())
    }

    /// A tensor of the same shape and dtype with `f` applied to each element (ops without a
    /// gradient: floor, round, is_nan…). Recorded inputs give constants: these functions are
    /// piecewise constant, so their gradient is zero wherever it exists.
    static func map(_ t: Tensor, _ f: (Double) -> Double) throws -> Tensor {
        try Tensor(t.scalars.map(f), shape: t.shape, dtype: t.dtype)
    }
}
