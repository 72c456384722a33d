import Foundation
import PrefCore
import PrefLanguage

extension BuiltinLibrary {
    /// Elementwise math on numbers and tensors, min and max, pow and clamp.
    ///
    /// Numbers follow IEEE 754 like the operators: `log(0)` is -inf and `sqrt(-1)` is nan, never
    /// an error. On tensors each function applies elementwise and, inside `grad`, is recorded so
    /// the gradient flows through it.
    static var math: [Builtin] {
        [
            elementwise("exp", .exp, "e^x.", "exp(1)   # 2.718281828459045", Foundation.exp),
            elementwise("log", .log, "The natural logarithm ln x; log(0) is -inf, negative x gives nan.", "log(exp(2))   # 2", Foundation.log),
            elementwise("log1p", .log1p, "ln(1 + x), accurate for small x.", "log1p(1e-10)   # 1e-10", Foundation.log1p),
            elementwise("sqrt", .sqrt, "√x; negative x gives nan.", "sqrt(16)   # 4", Foundation.sqrt),
            elementwise("abs", .abs, "|x|.", "abs(-2.5)   # 2.5") { Swift.abs($0) },
            elementwise("sign", .sign, "-1, 0 or 1 by the sign of x (nan stays nan).", "sign(-3)   # -1", differentiable: false) { x in
                x > 0 ? 1 : (x < 0 ? -1 : x)
            },
            elementwise("sigmoid", .sigmoid, "σ(x) = 1 / (1 + e^−x), computed without overflow.", "sigmoid(0)   # 0.5", Scalar.sigmoid),
            elementwise("log_sigmoid", .logSigmoid, "log σ(x) = min(x, 0) − log1p(e^−|x|), stable for any x (log_sigmoid(-800) is -800).",
                        "log_sigmoid(0)   # -0.6931471805599453", Scalar.logSigmoid),
            elementwise("softplus", .softplus, "softplus(x) = log(1 + e^x) = max(x, 0) + log1p(e^−|x|), stable for any x.",
                        "softplus(0)   # 0.6931471805599453", Scalar.softplus),
            elementwise("tanh", .tanh, "The hyperbolic tangent (e^x − e^−x) / (e^x + e^−x).", "tanh(0)   # 0", Foundation.tanh),
            elementwise("relu", .relu, "max(x, 0).", "relu(-2)   # 0") { x in x.isNaN ? x : Swift.max(x, 0) },
            piecewise("floor", "The largest whole number ≤ x.", "floor(-1.5)   # -2") { $0.rounded(.down) },
            piecewise("ceil", "The smallest whole number ≥ x.", "ceil(1.2)   # 2") { $0.rounded(.up) },
            roundBuiltin,
            predicate("is_nan", "True when x is nan (not a number). On a tensor: 1 where an element is nan, else 0.", "is_nan(0 / 0)   # true") { $0.isNaN },
            predicate("is_inf", "True when x is +inf or -inf. On a tensor: 1 where an element is infinite, else 0.", "is_inf(1 / 0)   # true") { $0.isInfinite },
            extremum("max", largest: true),
            extremum("min", largest: false),
            pairwise("maximum", .maximum, "The elementwise larger of a and b, broadcasting (NumPy's maximum); the gradient goes to a on ties.",
                     "maximum(tensor([1, 5]), 3)   # tensor([3, 5], …)", Swift.max),
            pairwise("minimum", .minimum, "The elementwise smaller of a and b, broadcasting (NumPy's minimum); the gradient goes to a on ties.",
                     "minimum(tensor([1, 5]), 3)   # tensor([1, 3], …)", Swift.min),
            powBuiltin,
            clampBuiltin,
        ]
    }

    /// A unary math function on numbers and, through the core op, elementwise on tensors.
    private static func elementwise(_ name: String, _ op: UnaryOp, _ formula: String, _ example: String, differentiable: Bool = true,
                                    _ f: @escaping (Double) -> Double) -> Builtin {
        let grad = differentiable ? "differentiable inside grad" : "passes no gradient"
        return Builtin(name, [BuiltinParameter("x", doc: "a number or a tensor")], category: "math",
                       doc: "\(formula) Works on numbers and elementwise on tensors (\(grad)).", example: example) { call in
            switch call[0] {
            case .number(let x): return .number(f(x))
            case .tensor(let t): return try TensorValues.unary(op, t, context: call.context)
            default: throw call.typeError(0, expected: "a number or a tensor")
            }
        }
    }

    /// A piecewise-constant function: no core op and no gradient (zero wherever it exists).
    private static func piecewise(_ name: String, _ doc: String, _ example: String, _ f: @escaping (Double) -> Double) -> Builtin {
        Builtin(name, [BuiltinParameter("x", doc: "a number or a tensor")], category: "math",
                doc: "\(doc) Works on numbers and elementwise on tensors; passes no gradient.", example: example) { call in
            switch call[0] {
            case .number(let x): return .number(f(x))
            case .tensor(let t): return TensorValues.wrap(try TensorArgs.map(try TensorValues.tensor(t), f))
            default: throw call.typeError(0, expected: "a number or a tensor")
            }
        }
    }

    private static func predicate(_ name: String, _ doc: String, _ example: String, _ p: @escaping (Double) -> Bool) -> Builtin {
        Builtin(name, [BuiltinParameter("x", doc: "a number or a tensor")], category: "math", doc: doc, example: example) { call in
            switch call[0] {
            case .number(let x): return .bool(p(x))
            case .tensor(let t): return TensorValues.wrap(try TensorArgs.map(try TensorValues.tensor(t)) { p($0) ? 1 : 0 })
            default: throw call.typeError(0, expected: "a number or a tensor")
            }
        }
    }

    /// Python rounds halves to even (`round(2.5) == 2`), as do NumPy and PyTorch; pref does the
    /// same so results match the reference implementations scripts are compared with.
    private static var roundBuiltin: Builtin {
        Builtin("round", [BuiltinParameter("x", doc: "a number or a tensor"),
                          BuiltinParameter("digits", .int, default: .number(0), doc: "decimal places to keep")], category: "math",
                doc: "x rounded to `digits` decimal places, halves to even as in Python and NumPy (round(2.5) is 2, round(3.5) is 4). "
                    + "With digits: round(x · 10^d) / 10^d. Works elementwise on tensors; passes no gradient.",
                example: "round(2.675, 2)   # 2.67") { call in
            let d = try call.int(1)
            guard Swift.abs(d) <= 308 else { throw call.error("digits must be between -308 and 308, got \(d)") }
            let f: (Double) -> Double = { x in Scalar.round(x, digits: d) }
            switch call[0] {
            case .number(let x): return .number(f(x))
            case .tensor(let t): return TensorValues.wrap(try TensorArgs.map(try TensorValues.tensor(t), f))
            default: throw call.typeError(0, expected: "a number or a tensor")
            }
        }
    }

    /// `max`/`min` of several numbers, of a list, or of a tensor (reduced along `axis`).
    ///
    /// The declaration lists `axis` and `keepdims` after `x` so tensors can name them; a builtin
    /// cannot yet declare keyword-only parameters, so for numbers the values that land in those
    /// slots positionally (`max(1, 2, 3)`) are taken as further numbers.
    private static func extremum(_ name: String, largest: Bool) -> Builtin {
        let word = largest ? "largest" : "smallest", pairwise = largest ? "maximum" : "minimum"
        return Builtin(name, [BuiltinParameter("x", doc: "a list, a tensor, or the first of several numbers"),
                              BuiltinParameter("axis", default: Value.none, doc: "tensors: the axis to reduce; none for all elements"),
                              BuiltinParameter("keepdims", default: .bool(false), doc: "tensors: keep the reduced axis with size 1")],
                       variadic: true, category: "math",
                       doc: "The \(word) of several numbers (\(name)(a, b, c)) or rewards (a reward: the \(word) reward per candidate), of a list (numbers, strings or lists; the first on ties), or of a tensor. "
                           + "A tensor reduces over all elements to a number, or along `axis` to a tensor (keepdims keeps that axis with size 1); "
                           + "differentiable inside grad. nan propagates. For the elementwise \(word) of two tensors use \(pairwise)(a, b).",
                       example: "\(name)(3, 7, 5)   # \(largest ? 7 : 3)\n\(name)(tensor([[1, 9], [4, 2]]), axis: 1)   # tensor([\(largest ? "9, 4" : "1, 2")], …)") { call in
            switch call[0] {
            case .tensor(let box):
                let isTensor: (Value) -> Bool = { if case .tensor = $0 { true } else { false } }
                guard call.rest.isEmpty, !isTensor(call[1]), case .bool(let keep) = call[2] else {
                    throw call.error("takes one tensor, an axis and keepdims", hint: "use \(pairwise)(a, b) for the elementwise \(word) of two tensors")
                }
                let axis = try call.axis(1)
                let r = try TensorArgs.apply(TensorValues.operand(box, context: call.context),
                                             eager: { largest ? try $0.max(axis: axis, keepDims: keep) : try $0.min(axis: axis, keepDims: keep) },
                                             recorded: { largest ? try $0.max(axis: axis, keepDims: keep) : try $0.min(axis: axis, keepDims: keep) })
                return try TensorArgs.reduced(r, full: axis == nil && !keep)
            case .list(let l):
                guard call[1].isNone, case .bool(false) = call[2], call.rest.isEmpty else {
                    throw call.error("takes one list, or several numbers", hint: "axis and keepdims apply to tensors")
                }
                return try extreme(l.items, largest: largest, op: name)
            default:
                var items = [call[0]]
                if !call[1].isNone { items.append(call[1]) }
                if case .bool(false) = call[2] {} else { items.append(call[2]) }
                items += call.rest
                if items.contains(where: { if case .tensor = $0 { true } else { false } }) {
                    throw call.error("cannot mix tensors with other arguments", hint: "use \(pairwise)(a, b) for an elementwise \(word)")
                }
                guard items.count > 1 else {
                    throw call.error("needs a list, a tensor or at least two numbers, got one \(call[0].typeName)")
                }
                if let r = try RewardBuiltins.extreme(items, largest: largest, call) { return r }
                return try extreme(items, largest: largest, op: name)
            }
        }
    }

    /// Numbers take the fast path and propagate nan; other values use the language's ordering.
    private static func extreme(_ items: [Value], largest: Bool, op: String) throws -> Value {
        guard let xs = ValueOrder.numbers(items) else { return try ValueOrder.extreme(items, largest: largest, op: op) }
        guard var best = xs.first else { throw RuntimeError("\(op)(): the list is empty") }
        for x in xs.dropFirst() {
            if x.isNaN { return .number(x) }
            if largest ? x > best : x < best { best = x }
        }
        return .number(best)
    }

    /// An elementwise binary function of numbers or tensors.
    private static func pairwise(_ name: String, _ op: BinaryOp, _ doc: String, _ example: String,
                                 _ f: @escaping (Double, Double) -> Double) -> Builtin {
        Builtin(name, [BuiltinParameter("a", doc: "a number or a tensor"), BuiltinParameter("b", doc: "a number or a tensor")],
                category: "math", doc: doc, example: example) { call in
            switch (call[0], call[1]) {
            case (.number(let x), .number(let y)): return .number(x.isNaN || y.isNaN ? .nan : f(x, y))
            case (.tensor, .tensor), (.tensor, .number), (.number, .tensor):
                return try TensorValues.binary(op, call[0], call[1], context: call.context)
            default:
                throw call.typeError(call[0].isNumeric ? 1 : 0, expected: "a number or a tensor")
            }
        }
    }

    private static var powBuiltin: Builtin {
        Builtin("pow", [BuiltinParameter("x", doc: "the base: a number or a tensor"), BuiltinParameter("y", doc: "the exponent: a number or a tensor")],
                category: "math", doc: "x^y, the same as the operator `^`. Elementwise with broadcasting when either is a tensor; differentiable in both.",
                example: "pow(2, 10)   # 1024") { call in
            switch (call[0], call[1]) {
            case (.number(let x), .number(let y)): return .number(Foundation.pow(x, y))
            case (.tensor(let t), .number(let y)): return try TensorValues.unary(.powScalar, t, context: call.context, y)
            case (.number, .tensor), (.tensor, .tensor): return try TensorValues.binary(.pow, call[0], call[1], context: call.context)
            default:
                throw call.typeError(call[0].isNumeric ? 1 : 0, expected: "a number or a tensor")
            }
        }
    }

    private static var clampBuiltin: Builtin {
        Builtin("clamp", [BuiltinParameter("x", doc: "a number or a tensor"),
                          BuiltinParameter("lo", .number, default: Value.none, doc: "lower bound; none for no bound"),
                          BuiltinParameter("hi", .number, default: Value.none, doc: "upper bound; none for no bound")], category: "math",
                doc: "min(max(x, lo), hi), elementwise on tensors. Inside grad the gradient passes where lo ≤ x ≤ hi, as in PyTorch.",
                example: "clamp(1.7, 0, 1)   # 1") { call in
            let lo = call[1].isNone ? -Double.infinity : call.number(1)
            let hi = call[2].isNone ? Double.infinity : call.number(2)
            guard !(lo > hi) else {
                throw call.error("lo (\(Value.format(number: lo))) is greater than hi (\(Value.format(number: hi)))")
            }
            switch call[0] {
            case .number(let x): return .number(x.isNaN ? x : Swift.min(Swift.max(x, lo), hi))
            case .tensor(let t): return try TensorValues.unary(.clamp, t, context: call.context, lo, hi)
            default: throw call.typeError(0, expected: "a number or a tensor")
            }
        }
    }
}

extension Value {
    /// True for `none`.
    var isNone: Bool {
        if case .none = self { return true }
        return false
    }

    /// True for numbers and tensors, the operands of elementwise math.
    var isNumeric: Bool {
        switch self {
        case .number, .tensor: return true
        default: return false
        }
    }
}

/// Scalar versions of the stable activations (matching the tensor kernels) and of round.
enum Scalar {
    /// x rounded to `digits` decimals, halves to even, deciding as Python does by the exact
    /// value of the double: 2.675 is stored as 2.67499999…, so round(2.675, 2) is 2.67.
    static func round(_ x: Double, digits d: Int) -> Double {
        // + 0 turns -0 into 0: Python's round(-0.4) is the integer 0.
        if d == 0 || !x.isFinite { return x.rounded(.toNearestOrEven) + 0 }
        // 10^d is exact up to 10^22; the residual of one product or quotient is exact (fma), so
        // it tells on which side of a computed tie the true value lies.
        let scale = Foundation.pow(10.0, Double(Swift.abs(d)))
        let p = d > 0 ? x * scale : x / scale
        let residual = d > 0 ? Foundation.fma(x, scale, -p) : Foundation.fma(-p, scale, x)
        var r = p.rounded(.toNearestOrEven)
        if Swift.abs(p - r) == 0.5, residual != 0 { r = residual > 0 ? p.rounded(.up) : p.rounded(.down) }
        let y = d > 0 ? r / scale : r * scale
        return y.isFinite ? y : x
    }

    static func sigmoid(_ x: Double) -> Double {
        if x >= 0 { return 1 / (1 + Foundation.exp(-x)) }
        let e = Foundation.exp(x)
        return e / (1 + e)
    }

    static func logSigmoid(_ x: Double) -> Double { Swift.min(x, 0) - Foundation.log1p(Foundation.exp(-Swift.abs(x))) }

    static func softplus(_ x: Double) -> Double { Swift.max(x, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(x))) }
}
