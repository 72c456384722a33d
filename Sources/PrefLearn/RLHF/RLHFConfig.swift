import PrefCore

/// The on-policy algorithms of `rlhf` (spec losses.md §7; DESIGN.md §3 RLHF).
public enum PolicyGradientAlgorithm: String, Sendable, CaseIterable {
    /// REINFORCE with a baseline (Williams 1992): the batch-mean baseline when sampling.
    case reinforce
    /// REINFORCE leave-one-out (Ahmadian et al. 2024): baseline = mean of the other draws of the prompt.
    case rloo
    /// PPO-clip (Schulman et al. 2017) with π_old frozen for `epochs` inner updates.
    case ppo
    /// GRPO (Shao et al. 2024): group-normalised advantages, KL as a loss term.
    case grpo
}

/// Schulman's estimators of KL(π‖π_ref) from one draw y ~ π (*Approximating KL Divergence*, 2020),
/// with ℓ_r = log π_ref(y) − log π(y):
///
///     k1 = −ℓ_r            (unbiased, can be negative)
///     k2 = ½ ℓ_r²          (biased, low variance)
///     k3 = (e^{ℓ_r} − 1) − ℓ_r   (unbiased, ≥ 0)
public enum KLEstimator: String, Sendable, CaseIterable {
    case k1, k2, k3

    /// The estimate per draw from ℓ_r = log π_ref − log π, on the tape (so GRPO's KL term
    /// differentiates through log π).
    public func estimate(_ lr: Var) throws(TensorError) -> Var {
        switch self {
        case .k1: return try 0 - lr
        case .k2: return try lr.square() * 0.5
        case .k3: return try (try lr.exp() - 1) - lr
        }
    }
}

/// The knobs of one policy-gradient run against a fixed reward matrix.
public struct PolicyGradientConfig: Sendable {
    public var algorithm: PolicyGradientAlgorithm = .reinforce
    /// β, the KL coefficient: J = E_π[r] − β·KL(π‖π_ref).
    public var beta: Double = 0.05
    /// c, an entropy bonus c·H(π) added to J (0: none). H is exact for candidate policies.
    public var entropy: Double = 0
    /// True: exact expectations over each prompt's candidate set; false: `samples` draws per prompt.
    public var exact: Bool = true
    /// G, draws per prompt when sampling (≥ 2 for rloo and grpo).
    public var samples: Int = 4
    /// The KL estimator used when sampling.
    public var klEstimator: KLEstimator = .k1
    /// ε, PPO's (and GRPO's) clip range: ratios are clipped to [1 − ε, 1 + ε].
    public var clip: Double = 0.2
    /// PPO's inner updates per batch of π_old.
    public var epochs: Int = 4
    /// Added to the group std of GRPO's advantage denominator (TRL's 1e-4).
    public var stdEpsilon: Double = 1e-4
    /// Take exact reinforce/rloo/grpo steps of a log-linear policy with the fused kernel
    /// (`FusedPolicyGradient`) instead of the tape; false forces the tape (the tests compare them).
    public var fused: Bool = true

    public init() {}
}
