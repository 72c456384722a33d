import PrefCore

/// SparsePO hyperparameters (spec §6.15: β = 0.1, λ_u = λ_d = 0.001) and the masks a token
/// policy learns with it (`SparseMaskNetwork`; none: m = 1).
public struct SparsePOConfig: Sendable, Codable {
    public var beta: Double
    public var lambdaU: Double
    public var lambdaD: Double
    public var mask: SparseMaskKind
    /// A fixed mask instead of a learned one (mask "none" only): m^u = m^d = 1 on these token ids
    /// (V for EOS) and 0 on every other token — the oracle that tests the paper's mechanism.
    public var maskTokens: [Int]?
    public init(beta: Double = 0.1, lambdaU: Double = 0.001, lambdaD: Double = 0.001, mask: SparseMaskKind = .none, maskTokens: [Int]? = nil) {
        self.beta = beta
        self.lambdaU = lambdaU
        self.lambdaD = lambdaD
        self.mask = mask
        self.maskTokens = maskTokens
    }

    enum CodingKeys: String, CodingKey { case beta, lambdaU, lambdaD, mask, maskTokens }

    /// Configs stored before masks existed decode with mask "none" and no fixed tokens.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        beta = try c.decode(Double.self, forKey: .beta)
        lambdaU = try c.decode(Double.self, forKey: .lambdaU)
        lambdaD = try c.decode(Double.self, forKey: .lambdaD)
        mask = try c.decodeIfPresent(SparseMaskKind.self, forKey: .mask) ?? .none
        maskTokens = try c.decodeIfPresent([Int].self, forKey: .maskTokens)
    }
}

/// One side (chosen or rejected) of a SparsePO batch, [B, T] per-token tensors on one tape.
public struct SparsePOTokens {
    /// log π_θ(y_t | ctx_t) and log π_ref(y_t | ctx_t).
    public var logps: Var, refLogps: Var
    /// Padding: 1 for a real token, 0 for padding (B·T values).
    public var padding: [Double]
    /// m^u, the reward mask (≥ 0; from the mask network, so it may carry gradients).
    public var rewardMask: Var
    /// m^d, the KL mask; nil for "sparse-common" (m^d = m^u).
    public var klMask: Var?
    /// δ_t = Σ_v π_ref(v|ctx_t)(log π_θ(v|ctx_t) − log π_ref(v|ctx_t)); nil drops the KL term.
    public var kl: Var?
    public init(logps: Var, refLogps: Var, padding: [Double], rewardMask: Var, klMask: Var? = nil, kl: Var? = nil) {
        self.logps = logps
        self.refLogps = refLogps
        self.padding = padding
        self.rewardMask = rewardMask
        self.klMask = klMask
        self.kl = kl
    }
}

/// SparsePO, token-level weight masks (*SparsePO: Controlling Preference Alignment of LLMs via
/// Sparse Token Masks*, Christopoulou et al., 2024; spec algorithms.md §6.12):
/// u = Σ_t m^u_t(y_w)·[log π_θ − log π_ref](y_w,t) − Σ_t m^u_t(y_l)·[log π_θ − log π_ref](y_l,t),
/// d = Σ_t m^d_t(y_w)·δ_t(y_w) − Σ_t m^d_t(y_l)·δ_t(y_l),
/// ℓ = −log σ(β(u − d)) + λ_u(‖m^u(y_w)‖₁ + ‖m^u(y_l)‖₁) + λ_d(‖m^d(y_w)‖₁ + ‖m^d(y_l)‖₁),
/// sums over real tokens only. With a common mask (klMask nil) m^d = m^u, so both penalties apply
/// to it; without δ (kl nil) d = 0 and the λ_d term is dropped. L = mean ℓ.
/// Metrics: rewards β·Σ m^u(log π_θ − log π_ref), `logps/*` the summed token log-probs,
/// `kl/chosen`, `kl/rejected` (mean Σ m^d δ), `mask/mean` (the mean reward-mask weight of real tokens).
public func sparsePOLoss(chosen w: SparsePOTokens, rejected l: SparsePOTokens,
                         config: SparsePOConfig = SparsePOConfig()) throws(TensorError) -> LossEvaluation {
    _ = try side(l, "rejected", batch: try side(w, "chosen", batch: nil))
    func masked(_ x: Var, _ s: SparsePOTokens) throws(TensorError) -> Var {
        try (try x * s.logps.tape.constant(try Tensor(s.padding, shape: x.shape, dtype: x.dtype))).sum(axis: 1)
    }
    let uw = try masked(try w.rewardMask * (try w.logps - w.refLogps), w), ul = try masked(try l.rewardMask * (try l.logps - l.refLogps), l)
    var z = try uw - ul
    var penalty = try (try masked(try w.rewardMask.abs(), w) + masked(try l.rewardMask.abs(), l)) * config.lambdaU
    var dw: Var?, dl: Var?
    if let kw = w.kl, let kl = l.kl {
        let mw = w.klMask ?? w.rewardMask, ml = l.klMask ?? l.rewardMask
        let a = try masked(try mw * kw, w), c = try masked(try ml * kl, l)
        z = try z - (try a - c)
        penalty = try penalty + (try masked(try mw.abs(), w) + masked(try ml.abs(), l)) * config.lambdaD
        (dw, dl) = (a, c)
    } else if (w.kl == nil) != (l.kl == nil) {
        throw TensorError(op: "sparse_po", "give the per-token KL δ for both the chosen and the rejected tokens, or for neither")
    }
    let perExample = try (try (-(try z * config.beta)).softplus()) + penalty
    var metrics = LossSupport.pairedMetrics(
        chosenRewards: try LossSupport.values(uw).map { config.beta * $0 }, rejectedRewards: try LossSupport.values(ul).map { config.beta * $0 },
        chosenLogps: try LossSupport.values(try masked(w.logps, w)), rejectedLogps: try LossSupport.values(try masked(l.logps, l)))
    if let dw, let dl {
        metrics["kl/chosen"] = LossSupport.mean(try LossSupport.values(dw))
        metrics["kl/rejected"] = LossSupport.mean(try LossSupport.values(dl))
    }
    let maskValues = zip(try LossSupport.values(w.rewardMask), w.padding).filter { $0.1 != 0 }.map(\.0)
        + zip(try LossSupport.values(l.rewardMask), l.padding).filter { $0.1 != 0 }.map(\.0)
    if !maskValues.isEmpty { metrics["mask/mean"] = LossSupport.mean(maskValues) }
    return LossEvaluation(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
}

/// Checks one side's shapes ([B, T], all alike; B equal to `batch` when given) and returns B.
private func side(_ s: SparsePOTokens, _ name: String, batch: Int?) throws(TensorError) -> Int {
    let shape = s.logps.shape
    guard shape.rank == 2, shape.dims[0] > 0 else { throw TensorError(op: "sparse_po", "\(name) token log-probs must be a non-empty [batch, tokens] tensor, got shape \(shape)") }
    for (field, v) in [("reference log-probs", s.refLogps), ("reward mask", s.rewardMask), ("KL mask", s.klMask), ("KL", s.kl)] {
        if let v, v.shape != shape { throw TensorError(op: "sparse_po", "\(name) \(field) has shape \(v.shape), the token log-probs \(shape)") }
    }
    guard s.padding.count == shape.count else { throw TensorError(op: "sparse_po", "\(name) padding has \(s.padding.count) entries, expected \(shape.count)") }
    if let batch, batch != shape.dims[0] { throw TensorError(op: "sparse_po", "\(name) has \(shape.dims[0]) examples, chosen has \(batch)") }
    return shape.dims[0]
}
