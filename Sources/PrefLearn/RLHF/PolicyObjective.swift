import PrefCore

/// A policy-gradient loss recorded on a tape with its metrics (plain numbers, e.g. the
/// clip fraction), ready for `tape.backward(loss)`.
public struct PolicyObjective {
    /// The loss to minimise, −J (a scalar).
    public var loss: Var
    /// Per-step numbers: "clip_frac" (PPO), "kl_est" and "sample_reward" (sampled mode)…
    public var metrics: [String: Double]
}

/// The exact per-prompt functionals of a candidate policy that every RLHF objective and
/// report uses, [n] each, on the tape: with p = π(·|x), lp = log π, lr = log π_ref,
///
///     E_π[r](x)      = Σ_k p_k r_k
///     KL(π‖π_ref)(x) = Σ_k p_k (lp_k − lr_k)
///     H(π)(x)        = −Σ_k p_k lp_k
public struct PolicyMeasures {
    public let probabilities: Var
    public let reward: Var
    public let kl: Var
    public let entropy: Var

    /// The measures of log-probabilities `lp` against reference `lr` and rewards `r` (all [n, K]).
    public init(logProbs lp: Var, reference lr: Var, rewards r: Var) throws(TensorError) {
        let p = try lp.exp()
        probabilities = p
        reward = try (p * r).sum(axis: 1)
        kl = try (p * (lp - lr)).sum(axis: 1)
        entropy = try 0 - (p * lp).sum(axis: 1)
    }

    /// The means over prompts: reward, kl, entropy.
    public func means() throws(TensorError) -> [String: Double] {
        ["reward": try Self.mean(reward), "kl": try Self.mean(kl), "entropy": try Self.mean(entropy)]
    }

    static func mean(_ v: Var) throws(TensorError) -> Double { try v.value().mean().to(.f64).scalars[0] }
}
