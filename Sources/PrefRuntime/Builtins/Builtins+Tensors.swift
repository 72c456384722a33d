import PrefCore
import PrefLanguage

extension BuiltinLibrary {
    /// Tensors: creation (`Builtins+TensorCreation.swift`), layout and indexing
    /// (`Builtins+TensorOps.swift`), and here reductions, softmax and conversions. `sum` is in
    /// `Builtins+Lists.swift`, `min`/`max` in `Builtins+Math.swift`; they reduce tensors too.
    static var tensors: [Builtin] {
        tensorCreation + tensorReductions + tensorOps + tensorConversions
    }

    private static var tensorReductions: [Builtin] {
        [
            reduction("mean", "The arithmetic mean Σx / n. A list of numbers gives a number.",
                      "mean([1, 2, 6])   # 3\nmean(tensor([[1, 2], [3, 4]]), axis: 1)   # tensor([1.5, 3.5], …)",
                      eager: { try $0.mean(axis: $1, keepDims: $2) }, recorded: { try $0.mean(axis: $1, keepDims: $2) }),
            reduction("logsumexp", "log Σ e^x, computed stably (the largest element is factored out).",
                      "logsumexp(tensor([0, 0]))   # 0.6931471805599453 (log 2)",
                      eager: { try $0.logsumexp(axis: $1, keepDims: $2) }, recorded: { try $0.logsumexp(axis: $1, keepDims: $2) }),
            argExtremum("argmax", largest: true),
            argExtremum("argmin", largest: false),
            softmax("softmax", log: false, "e^x / Σ e^x along `axis`, computed stably; each slice sums to 1.",
                    "softmax(tensor([0, 0]))   # tensor([0.5, 0.5], …)"),
            softmax("log_softmax", log: true, "x − logsumexp(x) along `axis`: the log of softmax without underflow.",
                    "log_softmax(tensor([0, 0]))   # tensor([-0.693…, -0.693…], …)"),
        ]
    }

    private static func reduction(_ name: String, _ doc: String, _ example: String,
                                  eager: @escaping (Tensor, Int?, Bool) throws -> Tensor,
                                  recorded: @escaping (Var, Int?, Bool) throws -> Var) -> Builtin {
        Builtin(name, [BuiltinParameter("t", doc: "a tensor (numbers and lists convert)"),
                       BuiltinParameter("axis", default: Value.none, doc: "the axis to reduce; none for all elements"),
                       BuiltinParameter("keepdims", .bool, default: .bool(false), doc: "keep the reduced axis with size 1")],
                category: "tensors",
                doc: doc + " Over all elements the result is a number (a rank-0 tensor inside grad, so the gradient flows); "
                    + "along `axis` a tensor.", example: example) { call in
            let axis = try call.axis(1), keep = call.bool(2)
            if name == "mean", case .list(let l) = call[0], let xs = ValueOrder.numbers(l.items), axis == nil, !keep {
                guard !xs.isEmpty else { throw call.error("the list is empty") }
                return .number(xs.reduce(0, +) / Double(xs.count))
            }
            let r = try TensorArgs.apply(try call.operand(0), eager: { try eager($0, axis, keep) }, recorded: { try recorded($0, axis, keep) })
            return try TensorArgs.reduced(r, full: axis == nil && !keep)
        }
    }

    private static func argExtremum(_ name: String, largest: Bool) -> Builtin {
        Builtin(name, [BuiltinParameter("t", doc: "a tensor (numbers and lists convert)"),
                       BuiltinParameter("axis", default: Value.none, doc: "none: the index into the flattened tensor")],
                category: "tensors",
                doc: "The index of the first \(largest ? "largest" : "smallest") element: a number over the flattened tensor, "
                    + "or along `axis` a tensor of indices (whole numbers in t's dtype). Passes no gradient.",
                example: "\(name)([3, 9, 1])   # \(largest ? 1 : 2)\n\(name)(tensor([[1, 5], [7, 2]]), axis: 1)   # tensor([\(largest ? "1, 0" : "0, 1")], …)") { call in
            let axis = try call.axis(1)
            let t = try TensorArgs.value(try call.operand(0))
            // The first smallest element is the first largest of −t.
            let idx = try (largest ? t : t.interruptibleUnary(.neg)).argmax(axis: axis)
            guard axis != nil else { return .number(Double(idx.values.first ?? 0)) }
            return TensorValues.wrap(idx.tensor(dtype: t.dtype))
        }
    }

    private static func softmax(_ name: String, log: Bool, _ doc: String, _ example: String) -> Builtin {
        Builtin(name, [BuiltinParameter("t", doc: "a tensor (numbers and lists convert)"),
                       BuiltinParameter("axis", .int, default: .number(-1), doc: "the axis to normalise; -1 is the last")],
                category: "tensors", doc: doc + " Differentiable inside grad.", example: example) { call in
            let axis = try call.int(1)
            return try TensorArgs.apply(try call.operand(0),
                                        eager: { log ? try $0.logSoftmax(axis: axis) : try $0.softmax(axis: axis) },
                                        recorded: { log ? try $0.logSoftmax(axis: axis) : try $0.softmax(axis: axis) })
        }
    }

    private static var tensorConversions: [Builtin] {
        [
            Builtin("item", [BuiltinParameter("t", doc: "a one-element tensor, or a number")], category: "tensors",
                    doc: "The single element of a one-element tensor, as a number (no gradient flows through it).",
                    example: "item(tensor([[2.5]]))   # 2.5") { call in
                switch call[0] {
                case .number: return call[0]
                case .tensor(let box): return .number(try TensorValues.tensor(box).item())
                default: throw call.typeError(0, expected: "a tensor or a number")
                }
            },
            Builtin("to_list", [BuiltinParameter("t", doc: "a tensor")], category: "tensors",
                    doc: "The elements as nested lists of numbers with the tensor's shape; a rank-0 tensor gives a number.",
                    example: "to_list(eye(2))   # [[1, 0], [0, 1]]") { call in
                switch call[0] {
                case .number: return call[0]
                case .tensor(let box): return TensorLiteral.list(try TensorValues.tensor(box))
                default: throw call.typeError(0, expected: "a tensor")
                }
            },
            Builtin("shape", [BuiltinParameter("t", doc: "a tensor, a number or nested lists")], category: "tensors",
                    doc: "The sizes of t's dimensions as a list (the same as t.shape); a number has shape [].",
                    example: "shape(zeros([2, 3]))   # [2, 3]") { call in
                let s: Shape
                switch call[0] {
                case .tensor(let box): s = try TensorValues.shape(box)
                case .number: s = .scalar
                case .list: s = try TensorLiteral.tensor(call[0], dtype: .f32, op: "shape").shape
                default: throw call.typeError(0, expected: "a tensor")
                }
                return .list(s.dims.map { .number(Double($0)) })
            },
            Builtin("astype", [BuiltinParameter("t", doc: "a tensor (numbers and lists convert)"),
                               BuiltinParameter("dtype", .string, doc: "\"f32\" or \"f64\"")], category: "tensors",
                    doc: "A copy of t converted to dtype. f64 is exact enough for gradient checks; f32 is the fast default. "
                        + "Inside grad, only values that already have the dtype pass (the tape has no conversion op): convert before grad.",
                    example: "astype(ones([2]), \"f64\").dtype   # \"f64\"") { call in
                let dtype = try call.dtype(1)
                switch try call.operand(0, dtype: dtype) {
                case .eager(let t): return TensorValues.wrap(t.to(dtype))
                case .recorded(let v):
                    guard v.dtype == dtype else {
                        throw call.error("cannot convert a \(v.dtype) value being differentiated to \(dtype)",
                                         hint: "convert the tensor with astype before calling grad")
                    }
                    return TensorValues.wrap(v)
                }
            },
        ]
    }
}
