import PrefCore

/// RLHF objectives estimated from G draws y_1…y_G ~ π(·|x) per prompt (spec losses.md §7),
/// with R_i = r(y_i), lp_i = log π_θ(y_i), k_i the chosen KL estimator (`KLEstimator`) of
/// ℓ_r = log π_ref(y_i) − log π_θ(y_i), β the KL coefficient. Means run over all n·G draws.
///
///     reinforce: A_i = R̃_i − mean_batch R̃,            loss = −mean(A_i lp_i)
///     rloo:      A_i = R̃_i − (1/(G−1)) Σ_{j≠i} R̃_j,    loss = −mean(A_i lp_i)   (Ahmadian et al. 2024)
///     ppo:       A_i = R̃_i − mean_group R̃,  ρ_i = π_θ(y_i)/π_old(y_i),
///                loss = −mean min(ρ_i A_i, clip(ρ_i, 1 − ε, 1 + ε) A_i)          (Schulman et al. 2017)
///     grpo:      A_i = (R_i − mean_group R)/(std_group R + 1e-4) (Bessel std), ρ_i = e^{lp_i − sg(lp_i)},
///                loss = −mean min(ρ_i A_i, clip(ρ_i) A_i) + β·mean k_i          (TRL's GRPOTrainer)
///
/// where R̃_i = R_i − β·sg(k_i) carries the KL penalty in the reward (TRL's PPO and RLOO; for
/// PPO k is taken at π_old, the policy that drew y). An entropy bonus c uses the candidate
/// policy's exact H(π). The clip fraction is the share of draws with |ρ − 1| > ε.
public enum SampledPolicyGradient {
    /// The loss on `lp`'s tape ([n, K]); `positions` ([n, G]) are the draws' candidate indices;
    /// `old` is π_old's log-probabilities for PPO (the policy that drew them); `m` the measures of `lp`.
    public static func objective(_ m: PolicyMeasures, logProbs lp: Var, reference lr: Var, rewards r: Var, positions: IndexTensor, old: Var?,
                                 config: PolicyGradientConfig) throws(TensorError) -> PolicyObjective {
        let g = positions.shape[1]
        if config.algorithm == .rloo || config.algorithm == .grpo, g < 2 {
            throw TensorError(op: "rlhf", "\(config.algorithm.rawValue) needs samples ≥ 2 per prompt, not \(g)")
        }
        let lpS = try lp.takeAlong(positions, axis: 1)
        let lrS = try lr.takeAlong(positions, axis: 1)
        let rewards = try r.takeAlong(positions, axis: 1)
        let drawer: Var
        if let old { drawer = old } else { drawer = try lp.detached() }
        let drawn = try drawer.takeAlong(positions, axis: 1)
        var objective = try objective(sampled: lpS, reference: lrS, rewards: rewards, drawn: drawn,
                                      old: try old?.takeAlong(positions, axis: 1), config: config)
        var loss = objective.loss
        if config.entropy != 0 {
            loss = try loss - m.entropy.mean() * config.entropy
        }
        objective.loss = loss
        return objective
    }

    /// The objective from the draws' values, all [n, G]: `lpS` = log π_θ(y_i) on the tape,
    /// `lrS` = log π_ref(y_i), `rewards` = R_i, `drawn` = log-probabilities of the policy that drew
    /// y_i (π_old for PPO, else the detached `lpS`), `old` = π_old's for PPO. Shared by candidate
    /// and token policies; no entropy term.
    public static func objective(sampled lpS: Var, reference lrS: Var, rewards: Var, drawn: Var, old: Var?,
                                 config: PolicyGradientConfig) throws(TensorError) -> PolicyObjective {
        let g = lpS.shape[1]
        if config.algorithm == .rloo || config.algorithm == .grpo, g < 2 {
            throw TensorError(op: "rlhf", "\(config.algorithm.rawValue) needs samples ≥ 2 per prompt, not \(g)")
        }
        let k = try config.klEstimator.estimate(try lrS - drawn)
        var metrics = ["kl_est": try PolicyMeasures.mean(k), "sample_reward": try PolicyMeasures.mean(rewards)]
        let shaped = try rewards - k * config.beta
        let loss: Var
        switch config.algorithm {
        case .reinforce:
            loss = try 0 - (try (shaped - shaped.mean()).detached() * lpS).mean()
        case .rloo:
            let others = try (shaped.sum(axis: 1, keepDims: true) - shaped) / Double(g - 1)
            loss = try 0 - (try (shaped - others).detached() * lpS).mean()
        case .ppo:
            guard let old else { throw TensorError(op: "rlhf", "ppo needs π_old's log-probabilities") }
            let advantages = try (shaped - shaped.mean(axis: 1, keepDims: true)).detached()
            let ratio = try (lpS - old).exp()
            (loss, metrics["clip_frac"]) = try clippedLoss(ratio: ratio, advantages: advantages, clip: config.clip)
        case .grpo:
            let centred = try rewards - rewards.mean(axis: 1, keepDims: true)
            let std = try (centred.square().sum(axis: 1, keepDims: true) / Double(g - 1)).sqrt()
            let advantages = try (centred / (std + config.stdEpsilon)).detached()
            let ratio = try (lpS - lpS.detached()).exp()
            let (surrogate, fraction) = try clippedLoss(ratio: ratio, advantages: advantages, clip: config.clip)
            let penalty = try config.klEstimator.estimate(try lrS - lpS).mean()
            loss = try surrogate + penalty * config.beta
            metrics["clip_frac"] = fraction
        }
        return PolicyObjective(loss: loss, metrics: metrics)
    }

    /// −mean min(ρA, clip(ρ, 1 ± ε)A) and the share of |ρ − 1| > ε.
    static func clippedLoss(ratio: Var, advantages: Var, clip: Double) throws(TensorError) -> (Var, Double) {
        let unclipped = try ratio * advantages
        let bounded = try ratio.clamp(min: 1 - clip, max: 1 + clip) * advantages
        let loss = try 0 - unclipped.minimum(bounded).mean()
        let outside = try (try ratio.value() - 1).abs().compare(.gt, Tensor(scalar: clip, dtype: ratio.dtype))
        return (loss, try outside.mean().to(.f64).scalars[0])
    }
}
