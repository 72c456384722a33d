import PrefCore
import PrefLanguage

extension BuiltinLibrary {
    /// Gradients: grad, value_and_grad, detach, requires_grad and trainable tensors.
    ///
    /// `grad(f, wrt: [w])` runs `f()` with a fresh tape: every tensor operation inside it (the
    /// operators and the tensor builtins) is recorded, with the tensors in `wrt` as the leaves,
    /// then one backward pass gives d f / d w. Outside grad nothing is recorded and tensor code
    /// runs eagerly at full speed.
    static var autodiff: [Builtin] {
        [
            Builtin("grad", [functionParameter, wrtParameter], category: "autodiff",
                    doc: "The gradients of f() with respect to each tensor in `wrt`, as a list in the same order (zeros where the result "
                        + "does not depend on a tensor). f takes no arguments and returns a single value: a one-element tensor such as "
                        + "mean(…) or sum(…) of the tensors in wrt. Calls to grad cannot be nested.",
                    example: "var w = tensor([1, 2, 3])\ngrad(fn() sum(w * w), wrt: [w])[0]   # tensor([2, 4, 6], …): d Σw² / dw = 2w") { call in
                .list(try differentiate(call).grads)
            },
            Builtin("value_and_grad", [functionParameter, wrtParameter], category: "autodiff",
                    doc: "Like grad, and also the value of f(): the record {value: number, grads: [tensors]}. One gradient step of "
                        + "gradient descent: w = w - 0.5 * r.grads[0].",
                    example: """
                        var w = zeros([3])
                        for step in 0..<100 {
                          let r = value_and_grad(fn() mean(log_sigmoid(x @ w) * -1), wrt: [w])
                          w = w - 0.5 * r.grads[0]
                        }
                        """) { call in
                let (value, grads) = try differentiate(call)
                return .record(RecordBox([("value", .number(value)), ("grads", .list(grads))]))
            },
            Builtin("detach", [BuiltinParameter("t", doc: "a tensor or a number")], category: "autodiff",
                    doc: "The same values with no gradient flowing back through them (PyTorch's detach, JAX's stop_gradient): "
                        + "inside grad, detach(x) is treated as a constant. Outside grad: a plain copy of the values.",
                    example: "grad(fn() sum(w * detach(w)), wrt: [w])[0]   # w, not 2w") { call in
                switch call[0] {
                case .number: return call[0]
                case .tensor(let box):
                    switch TensorValues.operand(box, context: call.context) {
                    case .eager(let t): return TensorValues.wrap(t)
                    case .recorded(let v): return TensorValues.wrap(try v.detached())
                    }
                default: throw call.typeError(0, expected: "a tensor or a number")
                }
            },
            Builtin("requires_grad", [BuiltinParameter("t", doc: "any value")], category: "autodiff",
                    doc: "True inside grad when t depends on the tensors being differentiated (a gradient will flow back through it); "
                        + "always false outside grad. Useful to check that a loss is connected to its parameters.",
                    example: "grad(fn() { assert(requires_grad(x @ w), \"disconnected\"); sum(x @ w) }, wrt: [w])") { call in
                guard case .tensor(let box) = call[0], case .recorded(let v) = TensorValues.operand(box, context: call.context) else {
                    return .bool(false)
                }
                return .bool(v.requiresGrad)
            },
            Builtin("param_tensor", [BuiltinParameter("values", doc: "a number, nested lists or a tensor"), dtypeParameter,
                                     BuiltinParameter("name", .string, default: .str(""), doc: "a name for checkpoints and messages")],
                    category: "autodiff",
                    doc: "A trainable tensor (shown as param(…)): a parameter that training (fit, optimizers) updates in place. "
                        + "Inside grad every parameter is recorded, so it can be listed in wrt like any tensor.",
                    example: "let w = param_tensor(zeros([3]), name: \"w\")") { call in
                let dtype = try call.dtype(1)
                let t: Tensor
                if case .tensor(let box) = call[0] {
                    t = try TensorValues.tensor(box).to(dtype)
                } else {
                    t = try TensorLiteral.tensor(call[0], dtype: dtype, op: "param_tensor")
                }
                return .tensor(TensorBox(.parameter(Parameter(t, name: call.string(2)))))
            },
        ]
    }

    private static let functionParameter = BuiltinParameter("f", .function, doc: "a function of no arguments returning the value to differentiate")
    private static let wrtParameter = BuiltinParameter("wrt", .list, doc: "the tensors to differentiate with respect to")

    /// Runs f() on a fresh tape with the `wrt` tensors as leaves, then backward: f's value and
    /// the gradients in `wrt` order.
    private static func differentiate(_ call: BuiltinCall) throws -> (value: Double, grads: [Value]) {
        let interpreter = call.interpreter
        guard interpreter.gradContext == nil else {
            throw call.error("nested grad calls are not supported",
                             hint: "higher-order gradients are not supported; compute each gradient in its own grad call")
        }
        guard case .list(let wrt) = call[1] else { return (0, []) }
        let tape = Tape()
        let context = GradContext(tape: tape)
        var leaves = [Var]()
        for (i, item) in wrt.items.enumerated() {
            guard case .tensor(let box) = item else {
                throw call.error("wrt[\(i)] is a \(item.typeName), expected a tensor", hint: "list the tensors the result depends on: wrt: [w, b]")
            }
            if let leaf = context.leaves[ObjectIdentifier(box)] {
                leaves.append(leaf)
                continue
            }
            let value: Tensor
            switch box.content {
            case .constant(let t): value = t
            case .parameter(let p): value = p.value
            case .recorded:
                throw call.error("wrt[\(i)] is a value from a finished grad call", hint: "differentiate with respect to tensors made outside grad")
            }
            // Parameters become plain variables too: their gradient is returned, not accumulated.
            let leaf = tape.variable(value)
            context.leaves[ObjectIdentifier(box)] = leaf
            leaves.append(leaf)
        }
        interpreter.gradContext = context
        // Restored on every exit; the reset frees the step's memory and makes any recorded value
        // that escaped f an error to use rather than a dangling reference.
        defer {
            interpreter.gradContext = nil
            tape.reset()
        }
        if case .function(let f) = call[0], !f.code.requiredParameters.isEmpty {
            let required = f.code.requiredParameters
            throw RuntimeError("\(call.builtin.name)(): f must take no arguments, but it takes \(required.count) (\(required.joined(separator: ", ")))",
                               hint: "wrap it in a lambda that closes over the data: \(call.builtin.name)(fn() loss(x), wrt: [w])")
        }
        let root = try lossRoot(try interpreter.call(call[0], []), tape: tape, call)
        try tape.backward(root)
        let value = try root.value().item()
        var grads = [Value]()
        for leaf in leaves {
            grads.append(TensorValues.wrap(try leaf.gradient() ?? Tensor(zeros: leaf.shape, dtype: leaf.dtype)))
        }
        return (value, grads)
    }

    /// The single value f returned, on the tape and connected to the leaves.
    private static func lossRoot(_ result: Value, tape: Tape, _ call: BuiltinCall) throws -> Var {
        let name = call.builtin.name
        let detached = RuntimeError("\(name)(): the result does not depend on wrt",
                                    hint: "f must compute its result from the tensors in wrt, with tensor operations")
        switch result {
        case .number: throw detached
        case .tensor(let box):
            guard case .recorded(let v) = TensorValues.operand(box, context: call.context), v.tape === tape else { throw detached }
            guard v.shape.count == 1 else {
                throw RuntimeError("\(name)(): f must return a single value, got a tensor of shape \(v.shape)", hint: "reduce it with sum(…) or mean(…)")
            }
            guard v.requiresGrad else { throw detached }
            return v
        default:
            throw RuntimeError("\(name)(): f must return a one-element tensor, got \(result.typeName)")
        }
    }
}
