import PrefCore

/// BCO's running reward shift δ: TRL 1.13.0's `RunningMoments`, a running mean and population
/// variance over **all rewards seen so far** (desirable and undesirable), merged batch by batch
/// the parallel way. Initial state: mean 0, var 1, count 1e-24, so after the first update δ is
/// essentially the first batch's mean.
///
/// TRL casts the batch mean and variance to float32 and forms the correction in float32
/// (a float32 tensor minus a Python float stays float32); the state itself is a Python float.
/// `update` reproduces that rounding.
public struct BCORunningMoments: Sendable, Equatable {
    public var mean = 0.0
    public var variance = 1.0
    public var count = 1e-24

    public init() {}

    /// δ, the current shift.
    public var delta: Double { mean }

    /// Merges a batch of rewards (no gradient; empty batches are ignored).
    public mutating func update(_ rewards: [Double]) {
        guard !rewards.isEmpty else { return }
        let n = Double(rewards.count)
        let m = rewards.reduce(0, +) / n
        let v = rewards.reduce(0) { $0 + ($1 - m) * ($1 - m) } / n
        let m32 = Float(m), v32 = Float(v)
        let shift = m32 - Float(mean)
        let total = count + n
        let newSum = v32 * Float(n)
        let oldSum = Float(variance * count) + shift * shift * Float(count * n / total)
        mean += Double(shift * Float(n) / Float(total))
        variance = Double((oldSum + newSum) / Float(total))
        count = total
    }
}

/// BCO hyperparameters; defaults are TRL 1.13.0's `BCOConfig`.
public struct BCOConfig: Sendable, Codable {
    public var beta = 0.1
    /// Bounds of the UDM density-ratio weight.
    public var minDensityRatio = 0.5
    public var maxDensityRatio = 10.0
    /// Weight undesirable examples by UDM's density ratio (`udmWeights`); TRL turns it on by
    /// giving BCOTrainer a prompt embedding model.
    public var udm = false
    public init(beta: Double = 0.1, minDensityRatio: Double = 0.5, maxDensityRatio: Double = 10.0, udm: Bool = false) {
        self.beta = beta
        self.minDensityRatio = minDensityRatio
        self.maxDensityRatio = maxDensityRatio
        self.udm = udm
    }
}

/// The UDM weight of each example: w = clip(p/(1 − p + 1e-8), min_density_ratio,
/// max_density_ratio) for undesirable examples, 1 for desirable ones, where p = P(desirable | x)
/// comes from the prompt classifier (TRL 1.13.0 `BCOTrainer._get_udm_weight`).
public func bcoDensityRatioWeights(desirableProbability p: [Double], desirable: [Bool], config: BCOConfig = BCOConfig()) -> [Double] {
    zip(p, desirable).map { prob, good in
        good ? 1 : Swift.min(Swift.max(prob / (1 - prob + 1e-8), config.minDensityRatio), config.maxDensityRatio)
    }
}

/// BCO: *Binary Classifier Optimization for Large Language Model Alignment* (Jung et al.,
/// 2024), in TRL 1.13.0's form (`BCOTrainer`, the last release that shipped it). Unpaired data,
/// reward r = β·(p − r_ref), shift δ held constant:
/// desirable ℓ = −logσ(r − δ), undesirable ℓ = −w·logσ(−(r − δ)), L = mean over the batch.
/// w is the UDM weight (1 without UDM; see `bcoDensityRatioWeights`).
///
/// Metrics (TRL's sums and counts): `rewards/chosen_sum`, `logps/chosen_sum`, `count/chosen`,
/// the same for rejected, and `delta`.
public func bcoLoss(policy: Var, reference: Var, desirable: [Bool], delta: Double, weights: [Double]? = nil,
                    config: BCOConfig = BCOConfig()) throws(TensorError) -> LossEvaluation {
    let b = try LossSupport.batchSize("bco", [("policy_logps", policy), ("ref_logps", reference)])
    try LossSupport.check("bco", "label", desirable, b)
    if let weights { try LossSupport.check("bco", "weights", weights, b) }
    let rewards = try (try policy - reference) * config.beta
    // ℓ_i = −w_i·logσ(s_i·(r − δ)), s = +1 desirable, −1 undesirable.
    let sign = try LossSupport.vector(desirable.map { $0 ? 1 : -1 }, like: policy)
    let w = try LossSupport.vector(weights ?? Array(repeating: 1, count: b), like: policy)
    let perExample = try -(try w * (try sign * (try rewards - delta)).logSigmoid())
    let loss = try perExample.mean()

    let r = try LossSupport.values(rewards), p = try LossSupport.values(policy)
    func sum(_ xs: [Double], _ good: Bool) -> Double { zip(xs, desirable).filter { $0.1 == good }.reduce(0) { $0 + $1.0 } }
    let chosenCount = Double(desirable.filter { $0 }.count)
    let metrics = [
        "rewards/chosen_sum": sum(r, true), "logps/chosen_sum": sum(p, true), "count/chosen": chosenCount,
        "rewards/rejected_sum": sum(r, false), "logps/rejected_sum": sum(p, false), "count/rejected": Double(b) - chosenCount,
        "delta": delta,
    ]
    return LossEvaluation(perExample: perExample, loss: loss, metrics: metrics)
}

/// One BCO training step's loss: updates `moments` with this batch's detached rewards β(p − r)
/// first (so δ includes the current batch), then evaluates `bcoLoss` with δ = moments.mean.
/// Pass `training: false` for evaluation steps, which leave δ unchanged.
public func bcoLoss(policy: Var, reference: Var, desirable: [Bool], moments: inout BCORunningMoments, training: Bool = true,
                    weights: [Double]? = nil, config: BCOConfig = BCOConfig()) throws(TensorError) -> LossEvaluation {
    _ = try LossSupport.batchSize("bco", [("policy_logps", policy), ("ref_logps", reference)])
    if training {
        moments.update(try LossSupport.values(policy - reference).map { config.beta * $0 })
    }
    return try bcoLoss(policy: policy, reference: reference, desirable: desirable, delta: moments.delta, weights: weights, config: config)
}
