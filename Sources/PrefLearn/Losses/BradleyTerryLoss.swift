import PrefCore

/// The Bradley–Terry reward-model loss of TRL 1.16.0's `RewardTrainer`: Bradley & Terry (1952),
/// as used for RLHF reward models in InstructGPT (Ouyang et al., 2022); the margin variant is
/// from *Llama 2* (Touvron et al., 2023), centring from *Helping or Herding?* (Eisenstein et al.,
/// 2023), Eq. 2.
///
/// L = mean_i [−logσ(s_w,i − s_l,i − m_i)] + c·mean_i (s_w,i + s_l,i)², with m the per-pair
/// margin (0 without a `margin` column) and c = `center_rewards_coefficient` (nil: off; 0.01 is
/// recommended). Per example ℓ_i = −logσ(s_w − s_l − m) + c(s_w + s_l)².
///
/// Metrics: `accuracy` = mean[s_w > s_l], `margin` = mean(s_w − s_l) (without the data margin),
/// `min_reward`, `mean_reward`, `max_reward` over all 2B outputs.
public func bradleyTerryLoss(chosen sw: Var, rejected sl: Var, margin: [Double]? = nil,
                             centerRewardsCoefficient c: Double? = nil) throws(TensorError) -> LossEvaluation {
    let b = try LossSupport.batchSize("bradley_terry_loss", [("chosen_rewards", sw), ("rejected_rewards", sl)])
    var diff = try sw - sl
    if let margin {
        try LossSupport.check("bradley_terry_loss", "margin", margin, b)
        diff = try diff - LossSupport.vector(margin, like: sw)
    }
    var perExample = try (-diff).softplus()
    if let c { perExample = try perExample + (try sw + sl).square() * c }
    let loss = try perExample.mean()

    let w = try LossSupport.values(sw), l = try LossSupport.values(sl), all = w + l
    let metrics = [
        "accuracy": LossSupport.mean(zip(w, l).map { $0 > $1 ? 1 : 0 }),
        "margin": LossSupport.mean(zip(w, l).map { $0 - $1 }),
        "min_reward": all.min() ?? .nan, "mean_reward": LossSupport.mean(all), "max_reward": all.max() ?? .nan,
    ]
    return LossEvaluation(perExample: perExample, loss: loss, metrics: metrics)
}
