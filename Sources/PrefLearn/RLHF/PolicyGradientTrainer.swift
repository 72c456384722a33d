import PrefCore

/// On-policy RLHF of a candidate policy against a fixed reward matrix (DESIGN.md §3 RLHF):
/// each `step` records the objective of `ExactPolicyGradient` or `SampledPolicyGradient` on
/// a tape over the trainer's prompts, backpropagates and takes one optimizer step (PPO: a
/// fresh π_old and `epochs` steps on it). Rewards are fixed during RL, so the caller
/// evaluates its reward once into the [n, K] matrix; `step(rewards:)` takes another matrix
/// for one step (e.g. a Lagrangian mix of component rewards).
///
/// Each step reports the exact measures of the policy it starts from (`PolicyMeasures`:
/// reward, kl, entropy, and gold when known), so step 1 describes the initial policy, plus
/// the objective's own numbers (clip_frac, kl_est, sample_reward), loss and grad_norm.
/// Draws come from one Philox stream per trainer: the same seed gives the same run.
public final class PolicyGradientTrainer {
    public let policy: CandidatePolicy
    public let prompts: [Int]
    public let config: PolicyGradientConfig
    public let optimizer: any Optimizer
    /// r, [n, K] in the policy's dtype.
    public let rewards: Tensor
    /// r*, [n, K], when known.
    public let gold: Tensor?
    /// log π_ref of the prompts, [n, K] (the reference is frozen, so computed once).
    public let referenceLogProbs: Tensor
    private var rng: RandomStream
    /// One tape for every step, reset after each: its arena keeps its pages, so a step does not
    /// fault in fresh memory for its [n, K] intermediates.
    private let tape = Tape()
    /// The tape-free exact step, when it applies (log-linear policy; exact reinforce, rloo, grpo).
    private let fused: FusedPolicyGradient?
    /// True when `step` takes the fused kernel's path.
    public var isFused: Bool { fused != nil }

    /// `rewards` and `gold` are [prompts.count, K]; `reference` must range over the policy's candidates.
    public init(policy: CandidatePolicy, reference: CandidatePolicy, prompts: [Int], rewards: Tensor, gold: Tensor? = nil,
                config: PolicyGradientConfig, optimizer: any Optimizer, seed: UInt64) throws(TensorError) {
        try policy.checkCompatible(reference)
        let shape = Shape([prompts.count, policy.source.candidates])
        guard !prompts.isEmpty else { throw TensorError(op: "rlhf", "no prompts to train on") }
        guard rewards.shape == shape else { throw TensorError(op: "rlhf", "the rewards must be \(shape), not \(rewards.shape)") }
        if let gold, gold.shape != shape { throw TensorError(op: "rlhf", "the gold rewards must be \(shape), not \(gold.shape)") }
        guard rewards.to(.f64).scalars.allSatisfy(\.isFinite) else { throw TensorError(op: "rlhf", "the rewards are not all finite") }
        guard config.exact || config.samples >= 1 else { throw TensorError(op: "rlhf", "samples must be ≥ 1, not \(config.samples)") }
        self.policy = policy
        self.prompts = prompts
        self.config = config
        self.optimizer = optimizer
        self.rewards = rewards.to(policy.dtype)
        self.gold = gold?.to(policy.dtype)
        referenceLogProbs = try reference.evaluate { t throws(TensorError) in try reference.logProbs(prompts: prompts, tape: t) }
        rng = RandomStream(seed: seed, stream: "rlhf/\(config.algorithm.rawValue)")
        fused = try FusedPolicyGradient(policy: policy, prompts: prompts, reference: referenceLogProbs, gold: self.gold, config: config)
    }

    /// One RLHF step; `rewards` replaces the trainer's matrix for this step. Throws before the
    /// update when the loss or a gradient is not finite (the parameters stay as they were).
    public func step(rewards override: Tensor? = nil) throws(TensorError) -> [String: Double] {
        let r = override.map { $0.to(policy.dtype) } ?? rewards
        if let override {
            guard override.shape == rewards.shape else { throw TensorError(op: "rlhf", "the rewards must be \(rewards.shape), not \(override.shape)") }
            guard override.to(.f64).scalars.allSatisfy(\.isFinite) else { throw TensorError(op: "rlhf", "the rewards are not all finite") }
        }
        if let fused { return try fusedStep(fused, rewards: r) }
        let needsOld = config.algorithm == .ppo || !config.exact
        let old = needsOld ? try policy.evaluate { t throws(TensorError) in try self.policy.logProbs(prompts: self.prompts, tape: t) } : nil
        let positions = config.exact ? nil : try draw(from: old)
        let rounds = config.algorithm == .ppo ? Swift.max(config.epochs, 1) : 1
        var report = [String: Double](), clipTotal = 0.0
        for round in 0..<rounds {
            defer { tape.reset() }
            let lp = try policy.logProbs(prompts: prompts, tape: tape)
            let lr = tape.constant(referenceLogProbs), rv = tape.constant(r)
            let m = try PolicyMeasures(logProbs: lp, reference: lr, rewards: rv)
            let oldVar = old.map { tape.constant($0) }
            let objective: PolicyObjective
            if let positions {
                objective = try SampledPolicyGradient.objective(m, logProbs: lp, reference: lr, rewards: rv, positions: positions,
                                                                old: oldVar, config: config)
            } else {
                objective = try ExactPolicyGradient.objective(m, logProbs: lp, reference: lr, rewards: rv, old: oldVar, config: config)
            }
            if round == 0 {
                report = try m.means().merging(objective.metrics) { a, _ in a }
                if gold != nil { report["gold"] = try goldMean(m, tape) }
            }
            clipTotal += objective.metrics["clip_frac"] ?? 0
            let (loss, norm) = try update(objective.loss, tape: tape)
            if round == 0 { report["loss"] = loss; report["grad_norm"] = norm }
        }
        if report["clip_frac"] != nil { report["clip_frac"] = clipTotal / Double(rounds) }
        return report
    }

    /// The step of `step` through the fused kernel: same report, same errors, no tape.
    private func fusedStep(_ fused: FusedPolicyGradient, rewards r: Tensor) throws(TensorError) -> [String: Double] {
        let theta = policy.parameters[0]
        let m = try fused.step(theta: theta.value, rewards: r)
        try Self.checkLoss(m.loss)
        var squares = 0.0
        for g in fused.gradient {
            guard g.isFinite else { throw TensorError(op: "rlhf", "the gradient of '\(theta.name)' is not finite") }
            squares += g * g
        }
        for q in policy.parameters { q.zeroGrad() }
        theta.grad = try Tensor(fused.gradient, shape: theta.shape, dtype: theta.dtype)
        try optimizer.step()
        theta.zeroGrad()
        var report = ["reward": m.reward, "kl": m.kl, "entropy": m.entropy, "loss": m.loss, "grad_norm": squares.squareRoot()]
        if gold != nil { report["gold"] = m.gold }
        return report
    }

    private static func checkLoss(_ value: Double) throws(TensorError) {
        guard value.isFinite else { throw TensorError(op: "rlhf", "the loss is \(value.isNaN ? "NaN" : value > 0 ? "+∞" : "−∞")") }
    }

    /// The exact measures of the current policy without an update: reward, kl, entropy, gold.
    public func measures() throws(TensorError) -> [String: Double] {
        let tape = Tape()
        tape.isRecording = false
        let lp = try policy.logProbs(prompts: prompts, tape: tape)
        let m = try PolicyMeasures(logProbs: lp, reference: tape.constant(referenceLogProbs), rewards: tape.constant(rewards))
        var report = try m.means()
        if gold != nil { report["gold"] = try goldMean(m, tape) }
        return report
    }

    /// mean_x E_π[r*].
    private func goldMean(_ m: PolicyMeasures, _ tape: Tape) throws(TensorError) -> Double {
        guard let gold else { return .nan }
        return try PolicyMeasures.mean(try (m.probabilities * tape.constant(gold)).sum(axis: 1))
    }

    /// Backward and one optimizer step; (loss, gradient norm). Non-finite values throw first.
    private func update(_ loss: Var, tape: Tape) throws(TensorError) -> (Double, Double) {
        try Self.update(loss, tape: tape, parameters: policy.parameters, optimizer: optimizer)
    }

    /// Backward through `tape` from `loss` and one step of `optimizer` over `parameters`;
    /// (loss, gradient norm). A non-finite loss or gradient throws before the update, with the
    /// gradients cleared (shared by the candidate and the token trainers).
    static func update(_ loss: Var, tape: Tape, parameters: [Parameter], optimizer: any Optimizer) throws(TensorError) -> (Double, Double) {
        let value = try loss.value().to(.f64).scalars[0]
        try checkLoss(value)
        for q in parameters { q.zeroGrad() }
        try tape.backward(loss)
        var squares = 0.0
        for q in parameters {
            let g = q.grad?.to(.f64).scalars ?? []
            guard g.allSatisfy(\.isFinite) else {
                for q in parameters { q.zeroGrad() }
                throw TensorError(op: "rlhf", "the gradient of '\(q.name)' is not finite")
            }
            squares += g.reduce(0) { $0 + $1 * $1 }
        }
        try optimizer.step()
        for q in parameters { q.zeroGrad() }
        return (value, squares.squareRoot())
    }

    /// G candidate positions per prompt drawn from exp(`logProbs`) ([n, K]).
    private func draw(from logProbs: Tensor?) throws(TensorError) -> IndexTensor {
        guard let logProbs else { throw TensorError(op: "rlhf", "sampling needs the policy's log-probabilities") }
        return try Self.draw(probabilities: logProbs.exp(), samples: config.samples, rng: &rng)
    }

    /// G positions per row drawn i.i.d. from the rows of `probabilities` ([n, K]) by inverse
    /// CDF with one uniform each, [n, G].
    static func draw(probabilities: Tensor, samples g: Int, rng: inout RandomStream) throws(TensorError) -> IndexTensor {
        let n = probabilities.shape[0], k = probabilities.shape[1]
        let probs = probabilities.to(.f64).scalars
        var picks = [Int]()
        picks.reserveCapacity(n * g)
        for row in 0..<n {
            for _ in 0..<g {
                let u = rng.uniform()
                var acc = 0.0, pick = k - 1
                for j in 0..<k {
                    acc += probs[row * k + j]
                    if u < acc { pick = j; break }
                }
                picks.append(pick)
            }
        }
        return try IndexTensor(picks, shape: [n, g])
    }
}
