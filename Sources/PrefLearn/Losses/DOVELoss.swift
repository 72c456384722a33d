import PrefCore

/// The prompt log-probs of a joint preference, for DOVE's `joint_distribution` option.
public struct DOVEPromptLogps {
    public var chosen: Var, rejected: Var, refChosen: Var, refRejected: Var
    public init(chosen: Var, rejected: Var, refChosen: Var, refRejected: Var) {
        self.chosen = chosen
        self.rejected = rejected
        self.refChosen = refChosen
        self.refRejected = refRejected
    }
}

/// DOVE / Joint Preference Optimization (*Comparing Bad Apples to Good Oranges: Aligning Large
/// Language Models via Joint Preference Optimization*, Bansal et al., 2024; spec algorithms.md
/// §6.11): preferences over instruction–response pairs (x_w, y_w) ≻ (x_l, y_l), prompts may differ.
/// ℓ = −log σ(β[log π_θ(y_w|x_w) − log π_ref(y_w|x_w)] − β[log π_θ(y_l|x_l) − log π_ref(y_l|x_l)]),
/// L = mean ℓ; DPO is the case x_w = x_l. With `prompts` (the code's `joint_distribution`) the
/// prompt log-probs are added, i.e. the joint log π(x, y). Metrics are DPO's.
public func doveLoss(chosen pc: Var, rejected pr: Var, refChosen rc: Var, refRejected rr: Var,
                     prompts: DOVEPromptLogps? = nil, beta: Double = 0.1) throws(TensorError) -> LossEvaluation {
    var inputs = [("policy_chosen_logps", pc), ("policy_rejected_logps", pr), ("ref_chosen_logps", rc), ("ref_rejected_logps", rr)]
    if let x = prompts {
        inputs += [("policy_chosen_prompt_logps", x.chosen), ("policy_rejected_prompt_logps", x.rejected),
                   ("ref_chosen_prompt_logps", x.refChosen), ("ref_rejected_prompt_logps", x.refRejected)]
    }
    _ = try LossSupport.batchSize("dove", inputs)
    var dw = try pc - rc, dl = try pr - rr
    if let x = prompts {
        dw = try dw + (try x.chosen - x.refChosen)
        dl = try dl + (try x.rejected - x.refRejected)
    }
    let perExample = try (-(try (dw - dl) * beta)).softplus()
    let metrics = LossSupport.pairedMetrics(
        chosenRewards: try LossSupport.values(dw).map { beta * $0 }, rejectedRewards: try LossSupport.values(dl).map { beta * $0 },
        chosenLogps: try LossSupport.values(pc), rejectedLogps: try LossSupport.values(pr))
    return LossEvaluation(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
}

extension PreferenceBatch {
    /// `doveLoss` on a paired batch whose chosen and rejected completions may answer different prompts.
    public func dove(beta: Double = 0.1) throws(TensorError) -> LossEvaluation {
        try doveLoss(chosen: require(policyChosen, "policy chosen log-probs", op: "dove"),
                     rejected: require(policyRejected, "policy rejected log-probs", op: "dove"),
                     refChosen: require(referenceChosen, "reference chosen log-probs", op: "dove"),
                     refRejected: require(referenceRejected, "reference rejected log-probs", op: "dove"), beta: beta)
    }
}
