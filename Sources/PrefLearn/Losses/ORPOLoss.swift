import PrefCore

/// ORPO: *ORPO: Monolithic Preference Optimization without Reference Model* (Hong et al., 2024),
/// in TRL 1.16.0's form (`trl.experimental.orpo`). No reference model.
///
/// With per-token averaged log-probs a_w = pc/Lc and a_l = pr/Lr (lengths floored at 1),
/// the log odds ratio is LO = (a_w − a_l) − [log(1 − e^{a_w}) − log(1 − e^{a_l})], with the
/// stable log(1 − eˣ) (TRL's branch point −ln 2), and
/// L = NLL − β·mean_i logσ(LO_i), β being the paper's λ (default 0.1).
/// NLL is TRL's token-mean cross-entropy of the chosen sequence over prompt *and* response
/// tokens: −Σ_i (pp_i + pc_i) / Σ_i (Lp_i + Lc_i), where pp and Lp are the prompt tokens' summed
/// log-prob and count (omit them for a completion-only NLL). Per example ℓ_i = NLL − β·logσ(LO_i),
/// so mean_i ℓ_i = L.
///
/// Metrics: `rewards/chosen` = mean β·a_w and `rewards/rejected` = mean β·a_l (no reference),
/// `rewards/accuracies`, `rewards/margins`, `logps/chosen` / `logps/rejected` (the averages),
/// `nll_loss`, `log_odds_ratio` = mean logσ(LO) and `log_odds_chosen` = mean LO (TRL's names,
/// which do not match their contents).
public func orpoLoss(chosen pc: Var, rejected pr: Var, chosenLengths: [Double], rejectedLengths: [Double],
                     promptLogps: Var? = nil, promptLengths: [Double]? = nil, beta: Double = 0.1) throws(TensorError) -> LossEvaluation {
    var inputs = [("policy_chosen_logps", pc), ("policy_rejected_logps", pr)]
    if let promptLogps { inputs.append(("prompt_logps", promptLogps)) }
    let b = try LossSupport.batchSize("orpo", inputs)
    try LossSupport.check("orpo", "chosen_length", chosenLengths, b)
    try LossSupport.check("orpo", "rejected_length", rejectedLengths, b)
    if let promptLengths { try LossSupport.check("orpo", "prompt_length", promptLengths, b) }
    let aw = try pc / LossSupport.vector(chosenLengths.map { Swift.max($0, 1) }, like: pc)
    let al = try pr / LossSupport.vector(rejectedLengths.map { Swift.max($0, 1) }, like: pr)
    let logOdds = try (try aw - al) - (try LossSupport.log1mexp(aw) - LossSupport.log1mexp(al))
    let ratio = try logOdds.logSigmoid()

    var tokens = chosenLengths.reduce(0, +) + (promptLengths ?? []).reduce(0, +)
    tokens = Swift.max(tokens, 1)
    var nllSum = try pc.sum()
    if let promptLogps { nllSum = try nllSum + promptLogps.sum() }
    let nll = try nllSum * (-1 / tokens)
    let perExample = try nll - ratio * beta
    let loss = try perExample.mean()

    let a = try LossSupport.values(aw), r = try LossSupport.values(al)
    var metrics = LossSupport.pairedMetrics(chosenRewards: a.map { beta * $0 }, rejectedRewards: r.map { beta * $0 },
                                            chosenLogps: a, rejectedLogps: r)
    metrics["nll_loss"] = try nll.value().item()
    metrics["log_odds_ratio"] = LossSupport.mean(try LossSupport.values(ratio))
    metrics["log_odds_chosen"] = LossSupport.mean(try LossSupport.values(logOdds))
    return LossEvaluation(perExample: perExample, loss: loss, metrics: metrics)
}
