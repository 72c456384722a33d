import PrefCore

/// `CPOTrainer`'s loss types (TRL 1.16.0 `CPOConfig.loss_type`).
public enum CPOLossType: String, Sendable, CaseIterable, Codable {
    case sigmoid, hinge, ipo, simpo
    /// Config alias: becomes `simpo` with cpo_alpha = 0; α itself keeps its own value.
    case alphapo
}

/// CPO / SimPO / AlphaPO hyperparameters; defaults are TRL 1.16.0's `CPOConfig`.
public struct CPOConfig: Sendable, Codable {
    public var lossType: CPOLossType = .sigmoid
    public var beta = 0.1
    /// ε, conservative label smoothing (sigmoid and simpo).
    public var labelSmoothing = 0.0
    /// Weight of the chosen-completion NLL term.
    public var cpoAlpha = 1.0
    /// SimPO's target margin γ.
    public var simpoGamma = 0.5
    /// AlphaPO's reward-shape α (0: off).
    public var alpha = 0.0

    public init(lossType: CPOLossType = .sigmoid, beta: Double = 0.1, labelSmoothing: Double = 0, cpoAlpha: Double = 1.0,
                simpoGamma: Double = 0.5, alpha: Double = 0) {
        self.lossType = lossType
        self.beta = beta
        self.labelSmoothing = labelSmoothing
        self.cpoAlpha = lossType == .alphapo ? 0 : cpoAlpha
        self.simpoGamma = simpoGamma
        self.alpha = alpha
    }

    /// The loss type after resolving the `alphapo` alias.
    public var effectiveLossType: CPOLossType { lossType == .alphapo ? .simpo : lossType }
}

/// CPO, SimPO and AlphaPO, in TRL 1.16.0's form (`trl.experimental.cpo`). No reference model.
///
/// The margin x uses sums q = pc, pr for `sigmoid` and `hinge` and per-token averages
/// q = pc/Lc, pr/Lr (lengths floored at 1) for `ipo` and `simpo`. With AlphaPO (α ≠ 0) each q is
/// first mapped to ρ(q) = (1 − e^{−αq})/α, for every loss type; x = ρ(q_w) − ρ(q_l).
/// - `sigmoid`, CPO (*Contrastive Preference Optimization*, Xu et al., 2024):
///   ℓ = −(1−ε)logσ(βx) − ε·logσ(−βx)
/// - `hinge` (SLiC-style): ℓ = max(0, 1 − βx)
/// - `ipo` (Azar et al., 2023): ℓ = (x − 1/(2β))²
/// - `simpo` (*SimPO*, Meng et al., 2024): ℓ = −(1−ε)logσ(βx − γ) − ε·logσ(γ − βx)
/// - `alphapo` (*AlphaPO: Reward Shape Matters for LLM Alignment*, Gupta et al., 2025): the
///   `simpo` loss with cpo_alpha = 0; it does not itself turn α on.
///
/// L = mean_i ℓ_i + cpo_alpha·NLL, NLL = −Σ_i pc_i / Σ_i Lc_i, the token-mean cross-entropy of
/// the chosen completions. Per example ℓ_i + cpo_alpha·NLL, so their mean is L.
/// Metrics: rewards are β·q (β·ρ(q) under AlphaPO), policy only; `logps/*` are the q's;
/// `nll_loss`.
public func cpoLoss(chosen pc: Var, rejected pr: Var, chosenLengths: [Double], rejectedLengths: [Double],
                    config: CPOConfig = CPOConfig()) throws(TensorError) -> LossEvaluation {
    let b = try LossSupport.batchSize("cpo", [("policy_chosen_logps", pc), ("policy_rejected_logps", pr)])
    try LossSupport.check("cpo", "chosen_length", chosenLengths, b)
    try LossSupport.check("cpo", "rejected_length", rejectedLengths, b)
    let type = config.effectiveLossType, beta = config.beta, eps = config.labelSmoothing
    var qw = pc, ql = pr
    if type == .ipo || type == .simpo {
        qw = try pc / LossSupport.vector(chosenLengths.map { Swift.max($0, 1) }, like: pc)
        ql = try pr / LossSupport.vector(rejectedLengths.map { Swift.max($0, 1) }, like: pr)
    }
    func rho(_ q: Var) throws(TensorError) -> Var {
        config.alpha == 0 ? q : try (1 - (try (q * -config.alpha).exp())) * (1 / config.alpha)
    }
    let rw = try rho(qw), rl = try rho(ql)
    let x = try rw - rl
    let perPair: Var
    switch type {
    case .sigmoid, .simpo, .alphapo:
        let z = try x * beta - (type == .sigmoid ? 0 : config.simpoGamma)
        perPair = try -(try z.logSigmoid() * (1 - eps)) - (try (-z).logSigmoid()) * eps
    case .hinge:
        perPair = try (1 - x * beta).relu()
    case .ipo:
        perPair = try (x - 1 / (2 * beta)).square()
    }
    let nll = try pc.sum() * (-1 / Swift.max(chosenLengths.reduce(0, +), 1))
    let perExample = config.cpoAlpha == 0 ? perPair : try perPair + nll * config.cpoAlpha
    let loss = try perExample.mean()

    var metrics = LossSupport.pairedMetrics(
        chosenRewards: try LossSupport.values(rw).map { beta * $0 }, rejectedRewards: try LossSupport.values(rl).map { beta * $0 },
        chosenLogps: try LossSupport.values(qw), rejectedLogps: try LossSupport.values(ql))
    metrics["nll_loss"] = try nll.value().item()
    return LossEvaluation(perExample: perExample, loss: loss, metrics: metrics)
}
