import PrefCore

/// The Eurus reward-model objective (Yuan et al., 2024, *Advancing LLM Reasoning Generalists
/// with Preference Trees*, §3 "Reward modeling", Eq. L_ULTRAINTERACT): the Bradley–Terry term plus
/// a direct reward term that pushes the chosen reward up and the rejected one down in absolute
/// value, not only their difference —
///
/// ℓ_i = −logσ(r_c − r_r − m) − logσ(r_c) − logσ(−r_r),  L = mean_i ℓ_i,
///
/// with m the optional per-pair margin (0 without a `margin` column; our extension, as in
/// `bradleyTerryLoss`). The paper motivates the direct term for reasoning tasks, where the
/// chosen response's absolute reward should be high (correct) and the rejected one's low.
/// −logσ(z) is computed as softplus(−z). Metrics as `bradleyTerryLoss`.
public func eurusRewardModelLoss(chosen rc: Var, rejected rr: Var, margin: [Double]? = nil) throws(TensorError) -> LossEvaluation {
    let b = try LossSupport.batchSize("eurus_rm_loss", [("chosen_rewards", rc), ("rejected_rewards", rr)])
    var diff = try rc - rr
    if let margin {
        try LossSupport.check("eurus_rm_loss", "margin", margin, b)
        diff = try diff - LossSupport.vector(margin, like: rc)
    }
    let perExample = try (-diff).softplus() + (-rc).softplus() + rr.softplus()
    let loss = try perExample.mean()

    let c = try LossSupport.values(rc), r = try LossSupport.values(rr), all = c + r
    let metrics = [
        "accuracy": LossSupport.mean(zip(c, r).map { $0 > $1 ? 1 : 0 }),
        "margin": LossSupport.mean(zip(c, r).map { $0 - $1 }),
        "min_reward": all.min() ?? .nan, "mean_reward": LossSupport.mean(all), "max_reward": all.max() ?? .nan,
    ]
    return LossEvaluation(perExample: perExample, loss: loss, metrics: metrics)
}

extension PreferenceBatch {
    /// `eurusRewardModelLoss` with `policyChosen` / `policyRejected` holding the reward model's
    /// scalar outputs and `margins` the optional data margin.
    public func eurusRewardModel() throws(TensorError) -> LossEvaluation {
        let rc = try require(policyChosen, "chosen rewards", op: "eurus_rm_loss")
        let rr = try require(policyRejected, "rejected rewards", op: "eurus_rm_loss")
        return try eurusRewardModelLoss(chosen: rc, rejected: rr, margin: Self.data(margins))
    }
}
