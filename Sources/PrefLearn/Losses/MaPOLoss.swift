import PrefCore

/// MaPO hyperparameters (spec algorithms.md §6.8, §6.15): β = 0.1, c = 0.5 (`snr_value`), κ = 50.
public struct MaPOConfig: Sendable, Codable {
    public var beta: Double
    /// c of the likelihood s(L) = cL/(e^{cL} − 1).
    public var c: Double
    /// κ, the margin scale (T, the number of diffusion steps, in the paper).
    public var kappa: Double
    public init(beta: Double = 0.1, c: Double = 0.5, kappa: Double = 50) {
        self.beta = beta
        self.c = c
        self.kappa = kappa
    }
}

/// MaPO, margin-aware preference optimization without a reference (*Margin-aware Preference
/// Optimization for Aligning Diffusion Models without Reference*, Hong et al., 2024), in the
/// token transcription of spec algorithms.md §6.8: the per-token NLL L = −p/len (lengths
/// floored at 1) replaces the denoising MSE and κ replaces T.
/// s(L) = cL/(e^{cL} − 1), ℓ = L_w + β·(−log σ(κ(s(L_w) − s(L_l)))), L = mean ℓ.
/// s is computed as exp(log x − x − log(1 − e^{−x})), x = cL clamped to ≥ 1e-300, so it is
/// finite at L = 0 (s = 1) and for very large L (s ≈ x·e^{−x}).
/// Metrics: rewards β·p/len (policy only, as ORPO), `logps/*` the per-token averages,
/// `sft_loss` = mean L_w, `margin_loss` = mean −log σ(κ(s_w − s_l)).
public func mapoLoss(chosen pc: Var, rejected pr: Var, chosenLengths: [Double], rejectedLengths: [Double],
                     config: MaPOConfig = MaPOConfig()) throws(TensorError) -> LossEvaluation {
    let b = try LossSupport.batchSize("mapo", [("policy_chosen_logps", pc), ("policy_rejected_logps", pr)])
    try LossSupport.check("mapo", "chosen_length", chosenLengths, b)
    try LossSupport.check("mapo", "rejected_length", rejectedLengths, b)
    let aw = try pc / LossSupport.vector(chosenLengths.map { Swift.max($0, 1) }, like: pc)
    let al = try pr / LossSupport.vector(rejectedLengths.map { Swift.max($0, 1) }, like: pr)
    let lw = try -aw, ll = try -al
    let margin = try (-(try (try mapoLikelihood(lw, c: config.c) - mapoLikelihood(ll, c: config.c)) * config.kappa)).softplus()
    let perExample = try lw + margin * config.beta
    var metrics = LossSupport.pairedMetrics(
        chosenRewards: try LossSupport.values(aw).map { config.beta * $0 }, rejectedRewards: try LossSupport.values(al).map { config.beta * $0 },
        chosenLogps: try LossSupport.values(aw), rejectedLogps: try LossSupport.values(al))
    metrics["sft_loss"] = LossSupport.mean(try LossSupport.values(lw))
    metrics["margin_loss"] = LossSupport.mean(try LossSupport.values(margin))
    return LossEvaluation(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
}

/// s(L) = x/(e^x − 1), x = cL, as exp(log x − x − log1mexp(−x)).
func mapoLikelihood(_ loss: Var, c: Double) throws(TensorError) -> Var {
    let x = try (loss * c).clamp(min: 1e-300, max: .infinity)
    return try (try (try x.log() - x) - LossSupport.log1mexp(-x)).exp()
}

extension PreferenceBatch {
    /// `mapoLoss` on a paired batch with lengths.
    public func mapo(_ config: MaPOConfig = MaPOConfig()) throws(TensorError) -> LossEvaluation {
        let pc = try require(policyChosen, "policy chosen log-probs", op: "mapo")
        let pr = try require(policyRejected, "policy rejected log-probs", op: "mapo")
        let lc = try LossSupport.values(require(chosenLengths, "chosen lengths", op: "mapo"))
        let lr = try LossSupport.values(require(rejectedLengths, "rejected lengths", op: "mapo"))
        return try mapoLoss(chosen: pc, rejected: pr, chosenLengths: lc, rejectedLengths: lr, config: config)
    }
}
