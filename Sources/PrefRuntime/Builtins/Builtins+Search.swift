import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Gradient-free search (issue 8 item 4): `nelder_mead`.
    static var search: [Builtin] { [SearchBuiltins.nelderMead] }
}

/// `nelder_mead(f, x0, …)`: PrefLearn's `NelderMead` over a pref function.
enum SearchBuiltins {
    static var nelderMead: Builtin {
        Builtin("nelder_mead", [
            BuiltinParameter("f", .function, doc: "the function to minimise: takes a point (in x0's form) and returns a number"),
            BuiltinParameter("x0", doc: "the start: a number, a list of numbers or a 1-D tensor; f receives points of the same form (none with simplex:)"),
            BuiltinParameter("step", default: .number(0.1), doc: "the initial simplex's edge: a number or one non-zero number per coordinate"),
            BuiltinParameter("tol", .number, default: .number(1e-8), doc: "stop when the population std of the simplex's values is below this"),
            BuiltinParameter("max_iters", default: .number(200), doc: "the iteration budget"),
            BuiltinParameter("max_evals", default: Value.none, doc: "a budget of calls of f; none: only max_iters"),
            BuiltinParameter("simplex", default: Value.none, doc: "the initial simplex, n + 1 points of n numbers; none: x0 and x0 + step·e_i"),
            BuiltinParameter("cache_tol", default: Value.none, doc: "reuse the value of an evaluated point within this in every coordinate; none: no cache"),
        ], category: "search",
        doc: "Nelder–Mead minimisation without gradients (spec algorithms.md §1.4), standard coefficients reflection α = 1, expansion "
            + "γ = 2, contraction ρ = 0.5, shrink σ = 0.5. Per iteration: sort; centroid c of all but the worst x_n; reflect "
            + "x_r = c + α(c − x_n), kept if best ≤ f(x_r) < second worst; if better than the best, expand x_e = c + γ(x_r − c) and "
            + "keep the better; else contract x_c = c + ρ(x_n − c), kept if better than the worst; else shrink every vertex toward the "
            + "best by σ. Stops when the std of the values is below tol or a budget is spent; a nan value counts as +∞. Returns "
            + "{x, value, iterations, evaluations, converged, path (a table: the best vertex after each iteration, its value, the move "
            + "and the spread), log (a table: every evaluated point, its value, whether it came from the cache)}.",
        example: "let r = nelder_mead(fn(x) (1 - x[0]) ^ 2 + 100 * (x[1] - x[0] ^ 2) ^ 2, [-1.2, 1], tol: 1e-12, max_iters: 2000)\n"
            + "r.x") { call in
            let form = try PointForm(call)
            var nm = NelderMead()
            nm.tolerance = call.number(3)
            nm.maxIterations = try nonNegative(call, 4)
            if case .none = call[5] {} else { nm.maxEvaluations = try nonNegative(call, 5) }
            if case .none = call[7] {} else { nm.cacheTolerance = try number(call, 7) }
            let simplex = try form.simplex(call)
            let interpreter = call.interpreter
            let result: NelderMead.Result
            do {
                result = try nm.minimize({ x in
                    let v = try interpreter.call(call[0], [try form.value(x)])
                    return try objective(v, call)
                }, simplex: simplex)
            } catch let e as TensorError where !e.isInterrupted {
                throw call.error(e.message, hint: e.hint)
            }
            return try record(result, form)
        }
    }

    static func nonNegative(_ call: BuiltinCall, _ i: Int) throws -> Int {
        let n = try call.whole(call[i], "argument '\(call.builtin.parameters[i].name)'")
        guard n >= 0 else { throw call.error("\(call.builtin.parameters[i].name) must be ≥ 0, got \(n)") }
        return n
    }

    static func number(_ call: BuiltinCall, _ i: Int) throws -> Double {
        guard case .number(let x) = call[i] else { throw call.typeError(i, expected: "a number") }
        return x
    }

    /// f's value as a number: a number, or a tensor with one element.
    static func objective(_ v: Value, _ call: BuiltinCall) throws -> Double {
        switch v {
        case .number(let x): return x
        case .tensor(let box):
            let t = try TensorValues.tensor(box)
            guard t.count == 1 else { throw call.error("f must return a number, got a tensor of shape \(t.shape)") }
            return t.scalars[0]
        default: throw call.error("f must return a number, got \(v.typeName)")
        }
    }

    static func record(_ r: NelderMead.Result, _ form: PointForm) throws -> Value {
        let n = r.point.count
        let coordinates = (0..<n).map { "x\($0 + 1)" }
        let path = Table(columns: ["iteration", "move"] + coordinates + ["value", "spread"], rows: r.path.map { it in
            [.number(Double(it.index)), .str(it.move.rawValue)] + it.simplex[0].map(Value.number) + [.number(it.values[0]), .number(it.spread)]
        })
        let log = Table(columns: ["evaluation", "iteration"] + coordinates + ["value", "cached"], rows: r.log.enumerated().map { i, e in
            [.number(Double(i + 1)), .number(Double(e.iteration))] + e.point.map(Value.number) + [.number(e.value), .bool(e.cached)]
        })
        return .record(RecordBox([
            ("x", try form.value(r.point)), ("value", .number(r.value)), ("iterations", .number(Double(r.iterations))),
            ("evaluations", .number(Double(r.evaluations))), ("converged", .bool(r.converged)),
            ("path", .native(NativeBox(TableObject(path)))), ("log", .native(NativeBox(TableObject(log)))),
        ]))
    }

    /// How points travel to f: as a number (1-D), a list of numbers or a tensor of x0's dtype, as x0 was.
    struct PointForm {
        enum Kind { case number, list, tensor(DType) }
        let kind: Kind
        let start: [Double]?

        init(kind: Kind, start: [Double]?) {
            self.kind = kind
            self.start = start
        }

        init(_ call: BuiltinCall) throws {
            switch call[1] {
            case .number(let x): (kind, start) = (.number, [x])
            case .list(let l):
                guard let xs = ValueOrder.numbers(l.items) else { throw call.typeError(1, expected: "a number, a list of numbers or a 1-D tensor") }
                (kind, start) = (.list, xs)
            case .tensor(let box):
                let t = try TensorValues.tensor(box)
                guard t.rank == 1 else { throw call.error("x0 must be a 1-D tensor, got shape \(t.shape)") }
                (kind, start) = (.tensor(t.dtype), t.scalars)
            case .none:
                guard case .list = call[6] else { throw call.error("give x0 or simplex:", hint: "nelder_mead(f, [0, 0])") }
                (kind, start) = (.list, nil)
            default: throw call.typeError(1, expected: "a number, a list of numbers or a 1-D tensor")
            }
        }

        func value(_ x: [Double]) throws -> Value {
            switch kind {
            case .number: return .number(x[0])
            case .list: return .list(ListBox(x.map(Value.number)))
            case .tensor(let dtype): return TensorValues.wrap(try Tensor(x, shape: [x.count], dtype: dtype))
            }
        }

        /// The explicit simplex, or x0 and x0 + step·e_i.
        func simplex(_ call: BuiltinCall) throws -> [[Double]] {
            if case .list(let l) = call[6] {
                let points = l.items.map { v -> [Double]? in
                    if case .list(let p) = v { return ValueOrder.numbers(p.items) }
                    if case .number(let x) = v { return [x] }
                    return nil
                }
                guard let all = points as? [[Double]] else { throw call.error("simplex must be a list of points, each a list of numbers") }
                if let start, all.first?.count != start.count {
                    throw call.error("the simplex's points have \(all.first?.count ?? 0) coordinates, x0 has \(start.count)")
                }
                return all
            }
            if case .none = call[6] {} else { throw call.typeError(6, expected: "a list of points or none") }
            guard let start else { throw call.error("give x0 or simplex:") }
            let step: [Double]
            switch call[2] {
            case .number(let s): step = Array(repeating: s, count: start.count)
            case .list(let l):
                guard let s = ValueOrder.numbers(l.items), s.count == start.count else {
                    throw call.error("step must be a number or \(start.count) numbers, one per coordinate")
                }
                step = s
            default: throw call.typeError(2, expected: "a number or a list of numbers")
            }
            guard step.allSatisfy({ $0 != 0 && $0.isFinite }) else {
                throw call.error("every step must be a non-zero finite number", hint: "a zero step gives a flat simplex")
            }
            return NelderMead.simplex(around: start, step: step)
        }
    }
}
