import PrefCore

/// RLHF objectives in exact expectation over each prompt's K candidates (spec algorithms.md
/// §1.5, §2.4 "exact policy gradient"; losses.md §7). With p = π_θ(·|x), r the fixed reward
/// matrix, lr = log π_ref, β the KL coefficient and c the entropy bonus, per prompt:
///
///     reinforce, rloo:  J = Σ_k p_k r_k − β·KL(π‖π_ref) + c·H(π)
///                       (a baseline b(x) adds Σ_k ∇p_k·b = 0, so both have this exact gradient)
///     grpo:             J = Σ_k p_k A_k − β·KL(π‖π_ref) + c·H(π),
///                       A_k = (r_k − E_π r)/(std_π(r) + ε_std), A held constant (stop-gradient)
///     ppo:              J = Σ_k π_old(k) min(ρ_k A_k, clip(ρ_k, 1 − ε, 1 + ε) A_k) + c·H(π),
///                       ρ_k = π(k)/π_old(k), R_k = r_k − β(log π_old(k) − lr_k) (the KL penalty
///                       as reward, TRL's PPO), A_k = R_k − E_{π_old}[R] (the exact value baseline)
///
/// and the loss is −mean over prompts of J. PPO's clip fraction is the π_old-mass of the
/// candidates whose ratio is outside [1 − ε, 1 + ε], averaged over prompts (TRL's `clipfrac`
/// counted under π_old's exact distribution).
public enum ExactPolicyGradient {
    /// The loss on `lp`'s tape; `lr`, `r` and (PPO) `old` are constants, all [n, K]; `m` are
    /// the measures of the same `lp`, `lr`, `r` (shared with the step's report).
    public static func objective(_ m: PolicyMeasures, logProbs lp: Var, reference lr: Var, rewards r: Var, old: Var?,
                                 config: PolicyGradientConfig) throws(TensorError) -> PolicyObjective {
        var metrics = [String: Double]()
        let gain: Var
        switch config.algorithm {
        case .reinforce, .rloo:
            gain = try m.reward - m.kl * config.beta
        case .grpo:
            let advantages = try groupAdvantages(r, probabilities: try m.probabilities.detached(), epsilon: config.stdEpsilon)
            gain = try (m.probabilities * advantages).sum(axis: 1) - m.kl * config.beta
        case .ppo:
            guard let old else { throw TensorError(op: "rlhf", "ppo needs π_old's log-probabilities") }
            let (surrogate, clipFraction) = try clipped(lp: lp, old: old, reference: lr, rewards: r, config: config)
            gain = surrogate
            metrics["clip_frac"] = clipFraction
        }
        let j = config.entropy == 0 ? gain : try gain + m.entropy * config.entropy
        return PolicyObjective(loss: try 0 - j.mean(), metrics: metrics)
    }

    /// A_k = (r_k − Σ_j p_j r_j) / (sqrt(Σ_j p_j (r_j − E r)²) + ε), [n, K], as a constant.
    static func groupAdvantages(_ r: Var, probabilities p: Var, epsilon: Double) throws(TensorError) -> Var {
        let centred = try r - (p * r).sum(axis: 1, keepDims: true)
        let std = try (p * centred.square()).sum(axis: 1, keepDims: true).sqrt()
        return try (centred / (std + epsilon)).detached()
    }

    /// PPO's exact clipped surrogate per prompt, [n], and the clip fraction.
    static func clipped(lp: Var, old: Var, reference lr: Var, rewards r: Var,
                        config: PolicyGradientConfig) throws(TensorError) -> (Var, Double) {
        let pOld = try old.exp()
        let shaped = try r - (old - lr) * config.beta
        let advantages = try (shaped - (pOld * shaped).sum(axis: 1, keepDims: true)).detached()
        let ratio = try (lp - old).exp()
        let unclipped = try ratio * advantages
        let bounded = try ratio.clamp(min: 1 - config.clip, max: 1 + config.clip) * advantages
        let surrogate = try (pOld * unclipped.minimum(bounded)).sum(axis: 1)
        let outside = try (try ratio.value() - 1).abs().compare(.gt, Tensor(scalar: config.clip, dtype: ratio.dtype))
        let fraction = try (try pOld.value() * outside).sum(axis: 1).mean().to(.f64).scalars[0]
        return (surrogate, fraction)
    }
}
