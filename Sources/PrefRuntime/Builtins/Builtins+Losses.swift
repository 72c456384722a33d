import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Losses (issue 6): the zoo, `loss` and `inspect`.
    static var losses: [Builtin] { [LossBuiltins.dpo, LossBuiltins.inspect] + LossBuiltins.zoo }
}

enum LossBuiltins {
    static let dpoParams = [
        BuiltinParameter("beta", .number, default: .number(0.1), doc: "β, the KL coefficient (TRL default 0.1)"),
        BuiltinParameter("loss_type", default: .str("sigmoid"), doc: "a TRL loss type or a list of them: sigmoid, hinge, ipo, exo_pair, nca_pair, robust, bco_pair, sppo_hard, aot, aot_unpaired, apo_zero, apo_down, discopop, sft (nll), sigmoid_norm"),
        BuiltinParameter("label_smoothing", .number, default: .number(0), doc: "ε: robust's flip probability, exo_pair's ε, aot's mix; ignored elsewhere"),
        BuiltinParameter("loss_weights", default: Value.none, doc: "one weight per loss type; none: 1 each"),
        BuiltinParameter("f_divergence_type", .string, default: .str("reverse_kl"), doc: "reverse_kl, forward_kl, js_divergence or alpha_divergence"),
        BuiltinParameter("f_alpha_divergence_coef", .number, default: .number(0.5), doc: "α of alpha_divergence"),
        BuiltinParameter("discopop_tau", .number, default: .number(0.05), doc: "τ of discopop"),
        BuiltinParameter("use_weighting", .bool, default: .bool(false), doc: "WPO: multiply each example's loss by the data's weight column"),
        BuiltinParameter("cdpo", .bool, default: .bool(false), doc: "legacy (TRL ≤ 0.28) cDPO label smoothing on sigmoid"),
        BuiltinParameter("reference_free", .bool, default: .bool(false), doc: "legacy (TRL ≤ 0.28): the loss drops the reference"),
    ]

    static var dpo: Builtin {
        Builtin("dpo", dpoParams, category: "losses",
                doc: "The DPO family of TRL 1.16 (spec/losses.md §1): L = Σ_k w_k·mean_i ℓ_k,i over the loss types, with x = β·Δc, "
                    + "y = β·Δr, z = β·(s(Δc) − s(Δr)); sigmoid is ℓ = softplus(−z). Returns a loss object for `inspect` and training.",
                example: "let l = dpo(beta: 0.1, loss_type: [\"sigmoid\", \"sft\"], loss_weights: [1, 0.5])") { call in
            var c = DPOConfig(beta: call.number(0), labelSmoothing: call.number(2), discopopTau: call.number(6),
                              useWeighting: call.bool(7), legacyCDPO: call.bool(8), referenceFree: call.bool(9))
            c.lossTypes = try strings(call, 1).map { name in
                guard let t = DPOLossType(name: name) else { throw call.error("unknown loss_type '\(name)'", hint: "one of " + DPOLossType.allCases.map(\.rawValue).joined(separator: ", ")) }
                return t
            }
            if case .list(let l) = call[3] {
                c.lossWeights = try l.items.map { v in
                    guard case .number(let x) = v else { throw call.error("loss_weights must be numbers") }
                    return x
                }
            }
            guard let f = FDivergence(name: call.string(4), alpha: call.number(5)) else {
                throw call.error("unknown f_divergence_type '\(call.string(4))'", hint: "reverse_kl, forward_kl, js_divergence or alpha_divergence")
            }
            c.fDivergence = f
            do throws(TensorError) { try c.validate() } catch { throw call.error(error.message, hint: error.hint) }
            return .native(NativeBox(LossObject(.dpo(c))))
        }
    }

    static func strings(_ call: BuiltinCall, _ i: Int) throws -> [String] {
        switch call[i] {
        case .string(let s): return [s.value]
        case .list(let l):
            return try l.items.map { v in
                guard case .string(let s) = v else { throw call.error("loss_type must be a string or a list of strings") }
                return s.value
            }
        default: throw call.error("loss_type must be a string or a list of strings")
        }
    }

    static var inspect: Builtin {
        Builtin("inspect", [BuiltinParameter("loss", doc: "a loss: dpo(…), orpo(…), loss(…), a + b, …"),
                            BuiltinParameter("data", doc: "a logps dataset, or a record of tensors (ranked: policy_logps, ref_logps, scores)")], category: "losses",
                doc: "Evaluates a loss on a logps dataset as one batch, in f64. Returns a table, one row per example, with columns loss, "
                    + "grad_chosen and grad_rejected (B·∂L/∂pc_i and B·∂L/∂pr_i: the per-example gradient for pointwise losses), "
                    + "reward_chosen and reward_rejected (the loss's implicit rewards: β(p − r) for DPO, β·p/L for ORPO, β·q for the CPO family, the scores for Bradley–Terry); the table also carries batch_loss and metrics (TRL's names): t.batch_loss, t.metrics, and t.loss etc. give a column as a tensor. "
                    + "On unpaired rows (label, policy_logps, ref_logps, policy_kl_logps, ref_kl_logps; for kto and bco) the columns "
                    + "are loss, grad (B·∂L/∂p_i) and reward = β(p − r).",
                example: "let w = toy_world(seed: 1)\nlet t = inspect(dpo(), w.logps(8, w.w_star))\nt.metrics") { call in
            guard case .native(let n) = call[0], let loss = n.object as? LossObject else { throw call.typeError(0, expected: "a loss (dpo(…), kto(…), loss(…), …)") }
            if case .record(let r) = call[1] { return try inspectRecord(loss, r, call) }
            let d = try call.dataset(1)
            guard case .logps(let rows) = d.rows, !rows.isEmpty else { throw call.error("inspect needs a non-empty logps dataset, got \(d.kind.rawValue)") }
            let unpaired = rows.compactMap(\.unpaired)
            guard unpaired.isEmpty || unpaired.count == rows.count else {
                throw call.error("inspect needs all rows paired or all unpaired; this dataset mixes them")
            }
            do {
                if !unpaired.isEmpty { return try evaluateUnpaired(loss, rows, unpaired) }
                return try evaluate(loss, rows, interpreter: call.interpreter)
            } catch let e as TensorError {
                throw call.error(e.message, hint: e.hint)
            } catch let e as RuntimeError {
                // Errors located in the user's loss function keep their place.
                if e.file != nil { throw e }
                throw call.error(e.message, hint: e.hint)
            }
        }
    }

    static func evaluate(_ lossObject: LossObject, _ rows: [LogpsRow], interpreter: Interpreter) throws -> Value {
        let tape = Tape()
        func v(_ x: [Double]) -> Var { tape.variable(Tensor(x, dtype: .f64)) }
        func constant(_ x: [Double?]) -> Var? {
            let xs = x.compactMap { $0 }
            return xs.count == x.count ? tape.constant(Tensor(xs, dtype: .f64)) : nil
        }
        let pc = v(rows.map(\.policyChosen)), pr = v(rows.map(\.policyRejected))
        let rc = v(rows.map(\.refChosen)), rr = v(rows.map(\.refRejected))
        let batch = PreferenceBatch(policyChosen: pc, policyRejected: pr, referenceChosen: rc, referenceRejected: rr,
                                    chosenLengths: constant(rows.map(\.chosenLength)), rejectedLengths: constant(rows.map(\.rejectedLength)),
                                    labels: constant(rows.map { $0.label ?? 1 }), weights: constant(rows.map(\.weight)),
                                    margins: constant(rows.map(\.margin)))
        let out = try lossObject.evaluate(batch, interpreter: interpreter)
        try tape.backward(out.loss)
        let b = Double(rows.count)
        func grad(_ x: Var) throws(TensorError) -> [Double] {
            try x.gradient()?.scalars.map { $0 * b } ?? [Double](repeating: 0, count: rows.count)
        }
        let rewards = rows.map(lossObject.rewards)
        return try inspection([
            ("loss", try out.perExample.value().scalars), ("grad_chosen", try grad(pc)), ("grad_rejected", try grad(pr)),
            ("reward_chosen", rewards.map(\.chosen)), ("reward_rejected", rewards.map(\.rejected)),
        ], out)
    }

    /// The table `inspect` returns: one row per example with the given columns, carrying
    /// `batch_loss` and `metrics` (TRL's names, sorted).
    static func inspection(_ columns: [(String, [Double])], _ out: LossResult) throws -> Value {
        let n = columns.first?.1.count ?? 0
        let rows = (0..<n).map { i in columns.map { Value.number($0.1[i]) } }
        let metrics = out.metrics.keys.sorted().map { ($0, Value.number(out.metrics[$0] ?? 0)) }
        let table = Table(columns: columns.map(\.0), rows: rows)
        return .native(NativeBox(TableObject(table, extras: [
            ("batch_loss", .number(try out.loss.value().scalars[0])), ("metrics", .record(RecordBox(metrics))),
        ])))
    }

    /// `inspect` on unpaired rows (KTO, BCO): per-example `loss`, `grad` (B·∂L/∂p_i),
    /// `reward` = β(p − r), `batch_loss`, `metrics`.
    static func evaluateUnpaired(_ lossObject: LossObject, _ rows: [LogpsRow], _ u: [UnpairedLogps]) throws -> Value {
        let tape = Tape()
        func constant(_ x: [Double?]) -> Var? {
            let xs = x.compactMap { $0 }
            return xs.count == x.count ? tape.constant(Tensor(xs, dtype: .f64)) : nil
        }
        let p = tape.variable(Tensor(u.map(\.policy), dtype: .f64))
        let r = tape.constant(Tensor(u.map(\.ref), dtype: .f64))
        let batch = PreferenceBatch(policy: p, reference: r, labels: tape.constant(Tensor(rows.map { $0.label ?? 1 }, dtype: .f64)),
                                    policyKL: constant(u.map(\.policyKL)), referenceKL: constant(u.map(\.refKL)),
                                    weights: constant(rows.map(\.weight)))
        let out = try lossObject.evaluateUnpaired(batch)
        try tape.backward(out.loss)
        let b = Double(rows.count)
        let grad = try p.gradient()?.scalars.map { $0 * b } ?? [Double](repeating: 0, count: rows.count)
        return try inspection([
            ("loss", try out.perExample.value().scalars), ("grad", grad),
            ("reward", u.map { lossObject.beta * ($0.policy - $0.ref) }),
        ], out)
    }
}
