import PrefCore

/// Constrained RLHF of a candidate policy (spec algorithms.md §1.3): each step
///
/// 1. computes the exact streams of the policy it starts from (`ConstrainedStreams`: v_i, KL,
///    standardised advantages) and the mixed advantage M of its kind with the current λ̃;
/// 2. takes one policy-gradient step of the RLHF core (`PolicyGradientTrainer.step(rewards: M)`,
///    β = 0 there because the KL stream is part of M), so the core's clipping, checks and
///    optimizer apply unchanged;
/// 3. measures the violations c_i = v_i − θ_i of the same policy — exactly, or from `samples`
///    Monte-Carlo draws per prompt (the reward-to-go of one-step episodes; stream
///    "constrained/violations") — and takes the dual step of `LagrangeMultipliers`.
///
/// The report of a step describes the policy it started from and the multipliers it used.
public final class ConstrainedTrainer {
    public let core: PolicyGradientTrainer
    public let kind: ConstrainedKind
    /// r_i over the core's prompts, [n, K] f64.
    public let components: [Tensor]
    /// θ_i; NM-PPO moves them between steps.
    public var thresholds: [Double]
    /// nil for sat, which has no multipliers.
    public private(set) var multipliers: LagrangeMultipliers?
    public let beta: Double
    /// Monte-Carlo draws per prompt for the violations; nil: exact expectations.
    public let violationSamples: Int?
    private var rng: RandomStream

    /// What one step measured.
    public struct Report {
        /// The core's numbers: kl, entropy, gold (the evaluation score), loss, grad_norm…
        public var core: [String: Double]
        /// v_i (exact), the violations used by the dual step, θ_i and the λ̃_i this step used.
        public var values: [Double]
        public var violations: [Double]
        public var thresholds: [Double]
        public var multipliers: [Double]
    }

    /// `relations` gives each constraint's multiplier (equality or not) and sign for `mu`;
    /// `xi` makes all equalities, `all` all upper bounds.
    public init(core: PolicyGradientTrainer, kind: ConstrainedKind, components: [Tensor], relations: [RewardConstraint.Relation],
                thresholds: [Double], beta: Double, squash: Bool, learningRate: Double, momentum: Double, maxGradNorm: Double?,
                violationSamples: Int?, seed: UInt64) throws(TensorError) {
        guard components.count == thresholds.count, components.count == relations.count, !components.isEmpty else {
            throw TensorError(op: "constrained", "needs one component reward and threshold per constraint")
        }
        guard beta.isFinite, beta >= 0 else { throw TensorError(op: "constrained", "kl must be finite and ≥ 0") }
        if let s = violationSamples, s < 1 { throw TensorError(op: "constrained", "samples must be ≥ 1") }
        self.core = core
        self.kind = kind
        self.components = components.map { $0.to(.f64) }
        self.thresholds = thresholds
        self.beta = beta
        self.violationSamples = violationSamples
        let equality: [Bool], signs: [Double]
        switch kind {
        case .mu:
            equality = relations.map { $0 == .equal }
            signs = relations.map { $0 == .atMost ? -1 : 1 }
        case .xi: (equality, signs) = (relations.map { _ in true }, relations.map { _ in 1 })
        case .all, .sat: (equality, signs) = (relations.map { _ in false }, relations.map { _ in -1 })
        }
        multipliers = kind == .sat ? nil : try LagrangeMultipliers(equality: equality, signs: signs, squash: squash, learningRate: learningRate,
                                                                   momentum: momentum, maxGradNorm: maxGradNorm, seed: seed)
        rng = RandomStream(seed: seed, stream: "constrained/violations")
    }

    /// The exact streams of the current policy.
    public func streams() throws(TensorError) -> ConstrainedStreams {
        let policy = core.policy, prompts = core.prompts
        let lp = try policy.evaluate { t throws(TensorError) in try policy.logProbs(prompts: prompts, tape: t) }
        return try ConstrainedStreams(logProbs: lp, reference: core.referenceLogProbs, components: components, beta: beta)
    }

    /// One primal step and one dual step.
    public func step() throws(TensorError) -> Report {
        let s = try streams()
        let signs = multipliers?.signs ?? thresholds.map { _ in 1 }
        let used = multipliers?.bounded ?? thresholds.map { _ in 0 }
        let mixed = try s.mixed(kind, multipliers: used, signs: signs, thresholds: thresholds)
        let values = try violationSamples.map { g throws(TensorError) in try sampledValues(s, samples: g) } ?? s.values
        let violations = zip(values, thresholds).map { $0 - $1 }
        let report = try core.step(rewards: mixed)
        try multipliers?.step(violations: violations)
        return Report(core: report, values: s.values, violations: violations, thresholds: thresholds, multipliers: used)
    }

    /// v̂_i = the mean of r_i over `samples` draws per prompt from π.
    private func sampledValues(_ s: ConstrainedStreams, samples g: Int) throws(TensorError) -> [Double] {
        let picks = try PolicyGradientTrainer.draw(probabilities: s.probabilities, samples: g, rng: &rng)
        return try components.map { r throws(TensorError) in try r.takeAlong(picks, axis: 1).mean().to(.f64).scalars[0] }
    }
}
