import PrefCore
import PrefLanguage

extension BuiltinLibrary {
    /// Layout and indexing: matmul, transpose, reshape, concat, stack, gather, take_along_axis,
    /// one_hot, where. Every op accepts numbers and nested lists where a tensor is expected, and
    /// inside `grad` records on the tape (except one_hot, whose result has no gradient).
    static var tensorOps: [Builtin] {
        [
            Builtin("matmul", [BuiltinParameter("a"), BuiltinParameter("b")], category: "tensors",
                    doc: "The matrix product a @ b with NumPy's rules: vectors are promoted, leading dimensions are batch dimensions and broadcast.",
                    example: "matmul(ones([2, 3]), ones([3]))   # tensor([3, 3], …)") { call in
                switch TensorArgs.group(try call.operands([0, 1])) {
                case .eager(let t): return TensorValues.wrap(try t[0].matmul(t[1]))
                case .recorded(let v): return TensorValues.wrap(try v[0].matmul(v[1]))
                }
            },
            Builtin("transpose", [BuiltinParameter("t"), BuiltinParameter("axes", default: Value.none, doc: "a permutation of the axes; none reverses them")],
                    category: "tensors", doc: "The tensor with its axes permuted (t.T reverses them).",
                    example: "transpose(ones([2, 3])).shape   # [3, 2]\ntranspose(ones([2, 3, 4]), [0, 2, 1]).shape   # [2, 4, 3]") { call in
                let axes = call[1].isNone ? nil : try call.dims(1, what: "axes")
                return try TensorArgs.apply(try call.operand(0), eager: { try $0.transposed(axes) }, recorded: { try $0.transposed(axes) })
            },
            Builtin("reshape", [BuiltinParameter("t"), BuiltinParameter("shape", doc: "the new sizes; one may be -1 (inferred)")],
                    category: "tensors", doc: "The same elements in row-major order under a new shape with the same number of elements.",
                    example: "reshape(arange(6), [2, -1]).shape   # [2, 3]") { call in
                let dims = try call.dims(1)
                // Checked here so that the core's inference of the -1 size cannot overflow.
                var known = 1
                for d in dims where d != -1 {
                    guard d >= 0 else { throw call.error("size \(d) in \(dims) is negative", hint: "only -1 (inferred) may be negative") }
                    let (p, overflow) = known.multipliedReportingOverflow(by: d)
                    guard !overflow, p <= BuiltinCall.maxElements else { throw call.error("shape \(dims) has too many elements") }
                    known = p
                }
                return try TensorArgs.apply(try call.operand(0), eager: { try $0.reshaped(dims) }, recorded: { try $0.reshaped(dims) })
            },
            joining("concat", "Joins tensors along an existing axis; their other dimensions must agree. A list of datasets is joined by concat_rows.",
                    "concat([ones([2, 3]), zeros([1, 3])]).shape   # [3, 3]", eager: Tensor.concat, recorded: Var.concat),
            joining("stack", "Stacks equally shaped tensors along a new axis.",
                    "stack([ones([3]), zeros([3])]).shape   # [2, 3]", eager: Tensor.stack, recorded: Var.stack),
            Builtin("gather", [BuiltinParameter("t"), BuiltinParameter("indices", doc: "a whole number, a list or a tensor of indices; negative count from the end"),
                               BuiltinParameter("axis", .int, default: .number(0))], category: "tensors",
                    doc: "The slices of t at `indices` along `axis` (NumPy's take): the axis is replaced by the indices' shape.",
                    example: "gather(tensor([10, 20, 30]), [2, 0])   # tensor([30, 10], …)") { call in
                let idx = try call.indices(1), axis = try call.int(2)
                return try TensorArgs.apply(try call.operand(0), eager: { try $0.gather(idx, axis: axis) }, recorded: { try $0.gather(idx, axis: axis) })
            },
            Builtin("take_along_axis", [BuiltinParameter("t"), BuiltinParameter("indices", doc: "indices with t's rank"),
                                        BuiltinParameter("axis", .int)], category: "tensors",
                    doc: "NumPy's take_along_axis: out[i][j] = t[i][indices[i][j]] for axis 1. Picks one entry per row, e.g. the log-probability of each chosen token.",
                    example: "take_along_axis(tensor([[1, 2], [3, 4]]), [[1], [0]], axis: 1)   # tensor([[2], [3]], …)") { call in
                let idx = try call.indices(1), axis = try call.int(2)
                return try TensorArgs.apply(try call.operand(0), eager: { try $0.takeAlong(idx, axis: axis) }, recorded: { try $0.takeAlong(idx, axis: axis) })
            },
            Builtin("one_hot", [BuiltinParameter("indices", doc: "whole numbers in 0..<depth (negative count from the end)"),
                                BuiltinParameter("depth", .int, doc: "the number of classes"), dtypeParameter], category: "tensors",
                    doc: "Rows of zeros with a 1 at each index: the shape is indices' shape + [depth].",
                    example: "one_hot([0, 2], 3)   # tensor([[1, 0, 0], [0, 0, 1]], …)") { call in
                let idx = try call.indices(0), depth = try call.int(1)
                _ = try BuiltinCall.checkedShape(idx.shape.dims + [Swift.max(depth, 0)], op: "one_hot")
                return TensorValues.wrap(try Tensor.oneHot(idx, depth: depth, dtype: try call.dtype(2)))
            },
            Builtin("where", [BuiltinParameter("cond", doc: "a bool, or a tensor: nonzero means true"), BuiltinParameter("a"), BuiltinParameter("b")],
                    category: "tensors",
                    doc: "Elementwise cond ≠ 0 ? a : b, broadcasting all three (NumPy's where); the gradient flows to a and b, not cond. A bool cond picks a or b whole.",
                    example: "where(x > 0, x, 0.1 * x)   # a leaky relu") { call in
                if case .bool(let c) = call[0] { return c ? call[1] : call[2] }
                let dtype = TensorArgs.commonDType([call[1], call[2], call[0]])
                var operands = try call.operands([0, 1, 2], dtype: dtype)
                // The condition carries no gradient, so converting its value to the dtype is safe.
                let c = try TensorArgs.value(operands[0])
                if c.dtype != dtype { operands[0] = .eager(c.to(dtype)) }
                switch TensorArgs.group(operands) {
                case .eager(let t): return TensorValues.wrap(try Tensor.select(t[0], t[1], t[2]))
                case .recorded(let v): return TensorValues.wrap(try Var.select(v[0], v[1], v[2]))
                }
            },
        ]
    }

    /// concat and stack: a list of tensors and an axis.
    private static func joining(_ name: String, _ doc: String, _ example: String,
                                eager: @escaping ([Tensor], Int) throws(TensorError) -> Tensor,
                                recorded: @escaping ([Var], Int) throws(TensorError) -> Var) -> Builtin {
        Builtin(name, [BuiltinParameter("xs", .list, doc: "the tensors (numbers and lists convert)"), BuiltinParameter("axis", .int, default: .number(0))],
                category: "tensors", doc: doc, example: example) { call in
            guard case .list(let l) = call[0] else { return .none }
            guard !l.items.isEmpty else { throw call.error("the list is empty; there is nothing to \(name)") }
            if name == "concat", case .native(let n) = l.items[0], n.object is DatasetObject {
                // concat([train, test]) joins datasets (concat_rows).
                var c = call
                c.builtin = BuiltinLibrary.concatRows
                c.arguments = [call[0]]
                return try BuiltinLibrary.concatRows.body(c)
            }
            let dtype = TensorArgs.commonDType(l.items)
            var operands = [TensorValues.Operand]()
            for (i, v) in l.items.enumerated() {
                guard let o = try TensorArgs.operand(v, dtype: dtype, context: call.context, op: name) else {
                    throw call.error("item \(i) is a \(v.typeName), expected a tensor")
                }
                operands.append(o)
            }
            let axis = try call.int(1)
            switch TensorArgs.group(operands) {
            case .eager(let t): return TensorValues.wrap(try eager(t, axis))
            case .recorded(let v): return TensorValues.wrap(try recorded(v, axis))
            }
        }
    }
}

extension BuiltinCall {
    /// Several tensor operands sharing one dtype: numbers and lists convert to the dtype of the
    /// first tensor among them.
    func operands(_ indices: [Int], dtype: DType? = nil) throws -> [TensorValues.Operand] {
        let d = dtype ?? TensorArgs.commonDType(indices.map { arguments[$0] })
        return try indices.map { try operand($0, dtype: d) }
    }
}
