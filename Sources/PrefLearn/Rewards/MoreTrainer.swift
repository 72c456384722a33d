import PrefCore

/// Training a reward model on a mixture of T preference datasets with MORE's weighting
/// (Zeng et al. 2023; spec algorithms.md §5.2). Each epoch (full batch, spec §9.5):
///
/// 1. per dataset t, the gradient g_t = ∇_w L_t of its ranking loss L_t = −mean logσ(r_w − r_l)
///    with respect to the reward head's weights w (all parameters of a linear model; the last
///    layer w₂ of an MLP, as the code takes the head on detached embeddings);
/// 2. optional normalisation of g_t (none, L2, or loss-scaled g_t / L_t) and the EMA
///    g_t ← (1 − α) g_t + α g_t^new (α = 1, the default, is no smoothing);
/// 3. λ = argmin_{λ∈Δ^T} ‖Σ λ_t g_t‖² (`MoreWeighting.minNorm`), or λ_t = 1/T for `uniform`;
/// 4. the loss T · Σ_t λ_t S_t / N (S_t the sum of dataset t's pair losses, N all pairs) and one
///    Adam step on every parameter. With λ = 1/T this is the plain mean over the union, i.e.
///    uniform mixing.
public enum MoreTrainer {
    public enum Weighting: String, Sendable, CaseIterable { case mgda, uniform }
    public enum Normalization: String, Sendable, CaseIterable { case none, l2, loss }

    public struct Options: Sendable {
        public var weighting = Weighting.mgda
        public var normalization = Normalization.none
        public var alpha = 1.0
        public var fit = RichRewardFit.Options()
        public init() {}
    }

    /// One dataset's pairs.
    public struct Task: Sendable {
        public var chosen: RewardInputs
        public var rejected: RewardInputs
        public init(chosen: RewardInputs, rejected: RewardInputs) throws(TensorError) {
            guard chosen.count == rejected.count, chosen.count >= 1 else {
                throw TensorError(op: "more", "a dataset needs ≥ 1 pairs with as many chosen as rejected, got \(chosen.count) and \(rejected.count)")
            }
            self.chosen = chosen
            self.rejected = rejected
        }
    }

    /// Trains `model` in place; returns the combined loss and λ of every epoch.
    public static func fit(_ model: RewardModel, tasks: [Task], options: Options) throws(TensorError) -> (losses: [Double], weights: [[Double]]) {
        guard !tasks.isEmpty else { throw TensorError(op: "more", "needs at least one dataset") }
        guard options.alpha.isFinite, options.alpha > 0, options.alpha <= 1 else {
            throw TensorError(op: "more", "alpha must be in (0, 1], got \(options.alpha)")
        }
        let head = model.kind == .linear ? 0 : model.parameters.count - 1
        let total = Double(tasks.reduce(0) { $0 + $1.chosen.count }), count = Double(tasks.count)
        var smoothed: [[Double]]? = nil
        var weights = [[Double]]()

        func sums(_ tape: Tape, _ p: [Var]) throws(TensorError) -> [Var] { try taskSums(model, tasks, tape: tape, leaves: p) }

        let losses = try RichRewardFit.run(model.parameters, options.fit, op: "more") { tape, p throws(TensorError) in
            let s = try sums(tape, p)
            var lambda = [Double](repeating: 1 / count, count: tasks.count)
            if options.weighting == .mgda {
                var g = [[Double]]()
                let scratch = Tape()
                for t in tasks.indices {
                    scratch.reset()
                    let leaves = model.parameters.map { scratch.variable($0.value) }
                    let l = try sums(scratch, leaves)[t] / Double(tasks[t].chosen.count)
                    try scratch.backward(l)
                    var gt = try leaves[head].gradient()?.to(.f64).scalars ?? []
                    switch options.normalization {
                    case .none: break
                    case .l2:
                        let norm = gt.reduce(0) { $0 + $1 * $1 }.squareRoot()
                        if norm > 0 { gt = gt.map { $0 / norm } }
                    case .loss:
                        let value = try l.value().item()
                        if value > 0 { gt = gt.map { $0 / value } }
                    }
                    g.append(gt)
                }
                if let previous = smoothed {
                    g = zip(previous, g).map { old, new in zip(old, new).map { (1 - options.alpha) * $0 + options.alpha * $1 } }
                }
                smoothed = g
                lambda = try MoreWeighting.minNorm(g)
            }
            weights.append(lambda)
            return try combined(s, lambda: lambda, pairs: total)
        }
        return (losses, weights)
    }

    /// S_t = −Σ_i logσ(r(y_w,i) − r(y_l,i)) over dataset t's pairs, one scalar per task.
    public static func taskSums(_ model: RewardModel, _ tasks: [Task], tape: Tape, leaves: [Var]) throws(TensorError) -> [Var] {
        var out = [Var]()
        for task in tasks {
            let margin = try model.rewards(task.chosen, tape: tape, leaves: leaves) - model.rewards(task.rejected, tape: tape, leaves: leaves)
            out.append(try margin.logSigmoid().sum() * -1)
        }
        return out
    }

    /// T · Σ_t λ_t S_t / N, N the number of pairs over all tasks.
    public static func combined(_ sums: [Var], lambda: [Double], pairs n: Double) throws(TensorError) -> Var {
        guard !sums.isEmpty, sums.count == lambda.count else { throw TensorError(op: "more", "\(lambda.count) weights for \(sums.count) datasets") }
        let t = Double(sums.count)
        var loss = try sums[0] * (t * lambda[0] / n)
        for i in 1..<sums.count { loss = try loss + sums[i] * (t * lambda[i] / n) }
        return loss
    }
}
