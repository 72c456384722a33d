import PrefCore

/// KTO's two `loss_type`s (TRL 1.16.0 `KTOConfig.loss_type`).
public enum KTOLossType: String, Sendable, CaseIterable, Codable {
    /// Prospect-theoretic loss around the KL reference point z₀.
    case kto
    /// APO-zero in its unpaired form; z₀ is not used.
    case apoZeroUnpaired = "apo_zero_unpaired"
}

/// KTO hyperparameters; the defaults are TRL 1.16.0's `KTOConfig`.
public struct KTOConfig: Sendable, Codable {
    public var lossType: KTOLossType = .kto
    public var beta = 0.1
    /// λ_D (`desirable_weight`).
    public var desirableWeight = 1.0
    /// λ_U (`undesirable_weight`).
    public var undesirableWeight = 1.0
    public init(lossType: KTOLossType = .kto, beta: Double = 0.1, desirableWeight: Double = 1.0, undesirableWeight: Double = 1.0) {
        self.lossType = lossType
        self.beta = beta
        self.desirableWeight = desirableWeight
        self.undesirableWeight = undesirableWeight
    }
}

/// KTO's reference point z₀ = max(0, mean_j [p_KL,j − r_KL,j]), detached (no gradient flows to
/// the mismatched-pair log-probs), as TRL 1.16.0 computes it on the local batch. The mismatched
/// pairs are the batch's completions rotated by one against the prompts: (x₁,y_n), (x₂,y₁), …
public func ktoReferencePoint(policyKL: Var, referenceKL: Var) throws(TensorError) -> Var {
    _ = try LossSupport.batchSize("kto", [("policy_kl_logps", policyKL), ("ref_kl_logps", referenceKL)])
    let kl = try (try policyKL - referenceKL).mean()
    return try kl.clamp(min: 0, max: .infinity).detached()
}

/// KTO: *KTO: Model Alignment as Prospect Theoretic Optimization* (Ethayarajh et al., 2024), in
/// TRL 1.16.0's form (`KTOTrainer`). Unpaired examples (x, y, label), Δ = p − r on sequence sums.
///
/// - `kto`: desirable ℓ = λ_D·(1 − σ(β(Δ − z₀))), undesirable ℓ = λ_U·(1 − σ(β(z₀ − Δ))), with
///   z₀ from `ktoReferencePoint` (detached, clamped at 0). Written as λ·σ(∓β(Δ − z₀)), since
///   1 − σ(t) = σ(−t).
/// - `apo_zero_unpaired` (APO-zero, D'Oosterlinck et al., 2024): desirable λ_D·(1 − σ(βΔ)),
///   undesirable λ_U·σ(βΔ); z₀ is neither needed nor used.
///
/// L = mean over all B examples. Metrics: `kl` = z₀ (0 for apo_zero_unpaired, which computes
/// none); `rewards/chosen` and `rewards/rejected` = mean βΔ over the desirable / undesirable
/// examples; `rewards/margins` = their difference, only when both kinds are present;
/// `logps/chosen`, `logps/rejected` likewise over p.
///
/// - Parameters:
///   - policy, reference: p and r, sequence log-probs, shape [B].
///   - desirable: the labels.
///   - policyKL, referenceKL: log-probs of the mismatched pairs (required for `kto`, batch > 1).
public func ktoLoss(policy: Var, reference: Var, desirable: [Bool], policyKL: Var? = nil, referenceKL: Var? = nil,
                    config: KTOConfig = KTOConfig()) throws(TensorError) -> LossEvaluation {
    let b = try LossSupport.batchSize("kto", [("policy_logps", policy), ("ref_logps", reference)])
    try LossSupport.check("kto", "label", desirable, b)
    let beta = config.beta
    var logratio = try policy - reference
    var z0 = 0.0
    if config.lossType == .kto {
        guard let policyKL, let referenceKL else {
            throw TensorError(op: "kto", "loss_type kto needs the mismatched-pair log-probs",
                              hint: "pass policy_kl_logps and ref_kl_logps, or use loss_type apo_zero_unpaired")
        }
        guard b > 1 else { throw TensorError(op: "kto", "the KL reference point needs a batch of at least 2") }
        let point = try ktoReferencePoint(policyKL: policyKL, referenceKL: referenceKL)
        z0 = try point.value().item()
        logratio = try logratio - point
    }
    // ℓ_i = λ_i·σ(−s_i·β(Δ − z₀)), s = +1 desirable, −1 undesirable.
    let sign = try LossSupport.vector(desirable.map { $0 ? -beta : beta }, like: policy)
    let lambda = try LossSupport.vector(desirable.map { $0 ? config.desirableWeight : config.undesirableWeight }, like: policy)
    let perExample = try lambda * (try (sign * logratio).sigmoid())
    let loss = try perExample.mean()

    let rewards = try LossSupport.values(policy - reference).map { beta * $0 }
    let logps = try LossSupport.values(policy)
    let undesirable = desirable.map { !$0 }
    var metrics = ["kl": z0]
    let chosen = LossSupport.mean(rewards, where: desirable), rejected = LossSupport.mean(rewards, where: undesirable)
    if let chosen { metrics["rewards/chosen"] = chosen }
    if let rejected { metrics["rewards/rejected"] = rejected }
    if let chosen, let rejected { metrics["rewards/margins"] = chosen - rejected }
    if let v = LossSupport.mean(logps, where: desirable) { metrics["logps/chosen"] = v }
    if let v = LossSupport.mean(logps, where: undesirable) { metrics["logps/rejected"] = v }
    return LossEvaluation(perExample: perExample, loss: loss, metrics: metrics)
}
