import PrefCore
import PrefLanguage
import PrefLearn

/// SparsePO's token record: per-token [B, T] tensors (chosen and rejected may differ in T).
extension LossObject {
    static let tokenHint = "Data: inspect(l, {chosen_logps, rejected_logps, ref_chosen_logps, ref_rejected_logps: [B, T] per-token log-probs; "
        + "optional chosen_mask, rejected_mask (1 real token, 0 padding; default 1), chosen_weights, rejected_weights (m^u; default 1), "
        + "chosen_kl_weights, rejected_kl_weights (m^d; default: the reward masks), chosen_kl, rejected_kl (δ; default: no KL term)})"

    /// The loss on token batches (SparsePO; a composite of SparsePO terms).
    func evaluateTokens(_ w: SparsePOTokens, _ l: SparsePOTokens) throws -> LossResult {
        switch kind {
        case .sparsePO(let c): return LossResult(try sparsePOLoss(chosen: w, rejected: l, config: c))
        case .sum(let terms): return try Self.combine(terms) { try $0.evaluateTokens(w, l) }
        default: throw RuntimeError("\(name) does not read a token record", hint: "sparse_po reads token records")
        }
    }
}

extension LossBuiltins {
    /// SparsePO on a token record: per-example `loss`, `grad_chosen` / `grad_rejected` (B·∂L/∂ token
    /// log-probs), `grad_chosen_weights` / `grad_rejected_weights` (B·∂L/∂m^u), `reward_chosen` /
    /// `reward_rejected` (β·Σ m^u Δ), `batch_loss`, `metrics`.
    static func inspectTokens(_ loss: LossObject, _ r: RecordBox) throws -> Value {
        let hint = LossObject.tokenHint, tape = Tape()
        func side(_ prefix: String) throws -> (SparsePOTokens, Var, Var) {
            guard let lp = try recordTensor(r, "\(prefix)_logps", required: true, hint: hint),
                  let ref = try recordTensor(r, "ref_\(prefix)_logps", required: true, hint: hint) else { throw RuntimeError("unreachable") }
            guard lp.shape.rank == 2, lp.shape.count > 0 else {
                throw RuntimeError("\(prefix)_logps must be a non-empty [batch, tokens] tensor, got shape \(lp.shape)", hint: hint)
            }
            func optional(_ key: String) throws -> Tensor? {
                guard let t = try recordTensor(r, key, required: false, hint: hint) else { return nil }
                guard t.shape == lp.shape else { throw RuntimeError("\(key) has shape \(t.shape), \(prefix)_logps \(lp.shape)", hint: hint) }
                return t
            }
            guard ref.shape == lp.shape else { throw RuntimeError("ref_\(prefix)_logps has shape \(ref.shape), \(prefix)_logps \(lp.shape)", hint: hint) }
            let mask = try optional("\(prefix)_mask")?.scalars ?? [Double](repeating: 1, count: lp.shape.count)
            let weights = tape.variable(try optional("\(prefix)_weights") ?? Tensor(repeating: 1, shape: lp.shape, dtype: .f64))
            let klWeights = try optional("\(prefix)_kl_weights").map { tape.variable($0) }
            let kl = try optional("\(prefix)_kl").map { tape.constant($0) }
            let logps = tape.variable(lp)
            return (SparsePOTokens(logps: logps, refLogps: tape.constant(ref), padding: mask, rewardMask: weights, klMask: klWeights, kl: kl), logps, weights)
        }
        let (w, lw, mw) = try side("chosen"), (l, ll, ml) = try side("rejected")
        let out = try loss.evaluateTokens(w, l)
        try tape.backward(out.loss)
        let b = Double(lw.shape.dims[0])
        func grad(_ v: Var) throws -> Value {
            let g = try v.gradient()?.scalars.map { $0 * b } ?? [Double](repeating: 0, count: v.shape.count)
            return .tensor(TensorBox(try Tensor(g, shape: v.shape, dtype: .f64)))
        }
        let beta = loss.terms.first?.loss.beta ?? 1
        func reward(_ s: SparsePOTokens) throws -> Value {
            let m = try s.rewardMask.value().scalars, lp = try s.logps.value().scalars, ref = try s.refLogps.value().scalars, t = s.logps.shape.dims[1]
            let u = (0..<s.logps.shape.dims[0]).map { n in (0..<t).reduce(0.0) { $0 + s.padding[n * t + $1] * m[n * t + $1] * (lp[n * t + $1] - ref[n * t + $1]) } }
            return .tensor(TensorBox(Tensor(u.map { beta * $0 }, dtype: .f64)))
        }
        let metrics = out.metrics.keys.sorted().map { ($0, Value.number(out.metrics[$0] ?? 0)) }
        return .record(RecordBox([
            ("loss", .tensor(TensorBox(Tensor(try out.perExample.value().scalars, dtype: .f64)))),
            ("grad_chosen", try grad(lw)), ("grad_rejected", try grad(ll)),
            ("grad_chosen_weights", try grad(mw)), ("grad_rejected_weights", try grad(ml)),
            ("reward_chosen", try reward(w)), ("reward_rejected", try reward(l)),
            ("batch_loss", .number(try out.loss.value().scalars[0])),
            ("metrics", .record(RecordBox(metrics))),
        ]))
    }
}
