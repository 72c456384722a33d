import PrefCore

/// On-policy RLHF of a token policy (DESIGN.md §3 RLHF; spec losses.md §7): token policies
/// have no enumerable candidate set, so every step samples. Per step, G sequences per prompt
/// are drawn from π_θ (`TokenPolicy.sample`, one Philox stream per step from the trainer's
/// seed), scored by the caller's reward, and `SampledPolicyGradient.objective` is recorded
/// over their sequence log-probabilities log π_θ(y|x) = Σ_t log p(y_t|…) + log p(EOS|…):
/// reinforce, rloo, grpo and PPO (ratios of whole-sequence probabilities, π_old frozen for
/// `epochs` updates), with KL control through the k1/k2/k3 estimator against the frozen
/// reference.
///
/// Each step reports, over its draws (estimates of the policy the step starts from):
/// reward = mean R, kl = mean(log π − log π_ref) (k1, unbiased for KL(π‖π_ref)), kl_est = the
/// chosen estimator's mean, entropy = −mean log π (unbiased for H(π)), gold (when the caller
/// scores it), loss, grad_norm, and clip_frac for ppo and grpo.
/// A sequence that reaches `maxLength` is truncated; its log-probability still ends with EOS,
/// so keep `maxLength` above the lengths the policy produces.
public final class TokenPolicyGradientTrainer {
    /// The rewards of the sequences drawn for the prompts (one prompt per sequence), one each.
    public typealias Reward = (_ prompts: [Int], _ sequences: [[Int]]) throws -> [Double]

    public let policy: TokenPolicy
    public let reference: TokenPolicy
    public let prompts: [Int]
    public let config: PolicyGradientConfig
    public let optimizer: any Optimizer
    public let maxLength: Int
    private let seed: UInt64
    private var steps: UInt64 = 0
    private let tape = Tape()

    public init(policy: TokenPolicy, reference: TokenPolicy, prompts: [Int], config: PolicyGradientConfig, maxLength: Int,
                optimizer: any Optimizer, seed: UInt64) throws(TensorError) {
        guard policy.isCompatible(with: reference) else {
            throw TensorError(op: "rlhf", "the reference ranges over other prompts or another vocabulary",
                              hint: "use reference(policy) of the same token policy")
        }
        guard !prompts.isEmpty else { throw TensorError(op: "rlhf", "no prompts to train on") }
        if let bad = prompts.first(where: { !(0..<policy.prompts).contains($0) }) {
            throw TensorError(op: "rlhf", "prompt \(bad) is outside 0..<\(policy.prompts)")
        }
        guard config.samples >= 1 else { throw TensorError(op: "rlhf", "samples must be ≥ 1, not \(config.samples)") }
        if config.algorithm == .rloo || config.algorithm == .grpo, config.samples < 2 {
            throw TensorError(op: "rlhf", "\(config.algorithm.rawValue) needs samples ≥ 2 per prompt, not \(config.samples)")
        }
        guard prompts.count * config.samples <= Shape.maxElements / Swift.max(maxLength + 1, 1) else {
            throw TensorError(op: "rlhf", "\(prompts.count) prompts × \(config.samples) samples is too many")
        }
        guard (1...4096).contains(maxLength) else { throw TensorError(op: "rlhf", "max_length must be 1…4096, not \(maxLength)") }
        self.policy = policy
        self.reference = reference
        self.prompts = prompts
        self.config = config
        self.optimizer = optimizer
        self.maxLength = maxLength
        self.seed = seed
    }

    /// The prompt of each draw: every prompt G times in a row (so draws reshape to [n, G]).
    public var drawPrompts: [Int] { prompts.flatMap { Array(repeating: $0, count: config.samples) } }

    /// The sequences step `step` (0-based) draws: a function of the seed and the step only.
    public func draws(step: UInt64) throws(TensorError) -> [[Int]] {
        try policy.sample(prompts: drawPrompts, maxLength: maxLength, seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ step)
    }

    /// One RLHF step. `reward` scores the draws (and `gold`, when given, is reported as "gold").
    /// Throws before the update when a reward, the loss or a gradient is not finite.
    public func step(reward: Reward, gold: Reward? = nil) throws -> [String: Double] {
        let n = prompts.count, g = config.samples
        let sequences = try draws(step: steps)
        steps += 1
        let who = drawPrompts
        let r = try Self.checked(try reward(who, sequences), count: n * g, what: "reward")
        let batch = try TokenBatch(prompts: who, sequences: sequences, vocabulary: policy.vocabulary)
        let lr = try reference.evaluate { t throws(TensorError) in try self.reference.sequenceLogProbs(batch, tape: t) }
        let old = config.algorithm == .ppo ? try policy.evaluate { t throws(TensorError) in try self.policy.sequenceLogProbs(batch, tape: t) } : nil
        let shape = [n, g]
        let rewards = try Tensor(r, shape: Shape(shape), dtype: policy.dtype)
        var report = [String: Double](), clipTotal = 0.0
        let rounds = config.algorithm == .ppo ? Swift.max(config.epochs, 1) : 1
        for round in 0..<rounds {
            defer { tape.reset() }
            let lp = try policy.sequenceLogProbs(batch, tape: tape).reshaped(shape)
            let lrS = try tape.constant(lr).reshaped(shape)
            let oldS = try old.map { o throws(TensorError) in try tape.constant(o).reshaped(shape) }
            let drawn = try oldS ?? lp.detached()
            let objective = try SampledPolicyGradient.objective(sampled: lp, reference: lrS, rewards: tape.constant(rewards),
                                                                drawn: drawn, old: oldS, config: config)
            if round == 0 {
                let logProbs: [Double] = try lp.value().to(.f64).scalars, refs: [Double] = lr.to(.f64).scalars
                let count = Double(n * g)
                report = objective.metrics
                report["reward"] = r.reduce(0, +) / count
                report["kl"] = zip(logProbs, refs).reduce(0.0) { $0 + ($1.0 - $1.1) } / count
                report["entropy"] = -logProbs.reduce(0, +) / count
                if let gold {
                    report["gold"] = try Self.checked(try gold(who, sequences), count: n * g, what: "gold reward").reduce(0, +) / count
                }
            }
            clipTotal += objective.metrics["clip_frac"] ?? 0
            let (loss, norm) = try update(objective.loss)
            if round == 0 { report["loss"] = loss; report["grad_norm"] = norm }
        }
        if report["clip_frac"] != nil { report["clip_frac"] = clipTotal / Double(rounds) }
        return report
    }

    /// `values` when there are `count` of them, all finite.
    static func checked(_ values: [Double], count: Int, what: String) throws(TensorError) -> [Double] {
        guard values.count == count else { throw TensorError(op: "rlhf", "the \(what) gave \(values.count) values for \(count) sequences") }
        if let i = values.firstIndex(where: { !$0.isFinite }) {
            throw TensorError(op: "rlhf", "the \(what) of sequence \(i) is \(values[i]), not a finite number")
        }
        return values
    }

    /// Backward and one optimizer step; (loss, gradient norm). Non-finite values throw first.
    private func update(_ loss: Var) throws(TensorError) -> (Double, Double) {
        try PolicyGradientTrainer.update(loss, tape: tape, parameters: policy.parameters, optimizer: optimizer)
    }
}
