import PrefCore

/// Proxy points of component rewards (spec algorithms.md §1.1 and §1.5.1, Moskovitz et al. 2024):
/// the expected component rewards beyond which more of them lowers the evaluation score.
///
/// - Runs: from the policy's current parameters (restored afterwards), one fixed-weight exact
///   run per weight vector a on the simplex lattice {k/m : Σ_i k_i = m} (m = `divisions`; N = 2,
///   m = 10 gives a ∈ {0, 0.1, …, 1}), maximising E_π[Σ_i a_i r_i] − β·KL for `steps` steps;
///   every checkpoint (step 0…steps) records v_i = E_π[r_i] and eval = E_π[e], means over the
///   prompts. The step is either
///   - `.natural` (default): the exact natural policy gradient of the softmax over each prompt's
///     candidates (Kakade 2001; with the KL term, Cen et al. 2022, eq. 13), η = `learningRate`:
///         log π_{t+1} = (1 − ηβ)·log π_t + ηβ·log π_ref + η·Σ_i a_i r_i − log Z_t
///     With β = 0 the run is the exponential tilt π_t ∝ π_0·exp(tη·a·r): exactly the policies
///     that reach their (v_1…v_N) with the least KL, which are what μ and ξ (max v_0 subject to
///     the constraints) converge to — so the joint point read off these runs is the one the
///     constrained methods can realise. (For a log-linear policy whose features span the r_i it
///     is also the parametric natural gradient.)
///   - `.gradient`: the RLHF core's vanilla policy gradient on the policy's parameters (SGD).
///     Its checkpoints do not stay on the least-KL family (the x⊗q features tilt prompts
///     unevenly), so the evaluation score at a given (v_1…v_N) depends on the run, and the joint
///     point it gives is not one the constrained methods reach (docs/design.md, "Proxy points").
/// - Independent point: for each i, the run on r_i alone (a = e_i); a degree-d polynomial of
///   eval in v_i over its checkpoints, argmax over the checkpoints' v_i.
/// - Joint point: a degree-d polynomial surface of eval in (v_1…v_N) over all checkpoints
///   pooled (`SurfaceFit`), argmax over the checkpoints (the fit smooths; the argmax stays
///   where runs went, so the polynomial never extrapolates).
/// - `maxima`: the largest v_i seen on r_i's own run (NM-PPO's upper simplex bound, §1.4);
///   `initial`: v_i of the starting policy (its lower bound).
public struct ProxyPointSearch: Sendable {
    public var steps = 300
    public var learningRate = 0.3
    public var beta = 0.0
    public var divisions = 10
    public var degree = 3
    public var algorithm = Algorithm.natural

    /// How the sweep's runs step: see the type's documentation.
    public enum Algorithm: String, Sendable, CaseIterable {
        case natural = "npg", gradient = "pg"
    }

    public init() {}

    public struct Checkpoint: Sendable {
        public let run: Int
        public let weights: [Double]
        public let step: Int
        public let values: [Double]
        public let eval: Double
    }

    public struct Result: Sendable {
        public let independent: [Double]
        public let joint: [Double]
        /// The joint surface's fitted eval at each point.
        public let independentEval: Double
        public let jointEval: Double
        public let maxima: [Double]
        public let initial: [Double]
        public let checkpoints: [Checkpoint]
    }

    /// The lattice of weight vectors, e_1 … e_N among them.
    public static func lattice(_ n: Int, _ m: Int) -> [[Double]] {
        func compositions(_ parts: Int, _ total: Int) -> [[Int]] {
            parts == 1 ? [[total]] : (0...total).flatMap { k in compositions(parts - 1, total - k).map { [k] + $0 } }
        }
        return compositions(n, m).map { $0.map { Double($0) / Double(m) } }.reversed()
    }

    /// `components` and `evaluation` are [prompts.count, K]; `afterStep` is called after every
    /// policy step (the caller's budget and interrupt) and returns true to stop; a stop keeps
    /// the runs so far. Its errors propagate.
    public func run(policy: CandidatePolicy, reference: CandidatePolicy, prompts: [Int], components: [Tensor], evaluation: Tensor,
                    afterStep: () throws -> Bool = { false }) throws -> Result {
        let n = components.count
        guard n >= 1 else { throw TensorError(op: "proxy_points", "needs at least one component reward") }
        guard steps >= 1, divisions >= 1, learningRate.isFinite, learningRate > 0, beta.isFinite, beta >= 0 else {
            throw TensorError(op: "proxy_points", "steps and divisions must be ≥ 1, lr > 0 and kl ≥ 0")
        }
        if algorithm == .natural {
            return try natural(policy: policy, reference: reference, prompts: prompts, components: components, evaluation: evaluation,
                               afterStep: afterStep)
        }
        let saved = policy.parameters.map { $0.value.copy() }
        defer { for (p, v) in zip(policy.parameters, saved) { p.value = v.copy() } }
        var checkpoints = [Checkpoint]()
        let weights = Self.lattice(n, divisions)
        var stop = false
        for (run, a) in weights.enumerated() where !stop {
            for (p, v) in zip(policy.parameters, saved) { p.value = v.copy() }
            var mix = components[0].to(.f64) * a[0]
            for i in 1..<n { mix = try mix + components[i].to(.f64) * a[i] }
            var config = PolicyGradientConfig()
            config.beta = beta
            let trainer = try PolicyGradientTrainer(policy: policy, reference: reference, prompts: prompts, rewards: mix, gold: evaluation,
                                                    config: config, optimizer: try SGD(policy.parameters, learningRate: learningRate), seed: 0)
            for step in 0...steps {
                let lp = try policy.evaluate { t throws(TensorError) in try policy.logProbs(prompts: prompts, tape: t) }
                let s = try ConstrainedStreams(logProbs: lp, reference: trainer.referenceLogProbs, components: components + [evaluation], beta: 0)
                checkpoints.append(Checkpoint(run: run + 1, weights: a, step: step, values: Array(s.values.prefix(n)), eval: s.values[n]))
                if step < steps {
                    _ = try trainer.step()
                    stop = try afterStep()
                    if stop { break }
                }
            }
        }
        return try summarise(checkpoints, n: n)
    }

    /// The sweep with the exact natural-gradient step on each prompt's candidate distribution.
    func natural(policy: CandidatePolicy, reference: CandidatePolicy, prompts: [Int], components: [Tensor], evaluation: Tensor,
                 afterStep: () throws -> Bool) throws -> Result {
        let n = components.count, eta = learningRate
        guard eta * beta <= 1 else {
            throw TensorError(op: "proxy_points", "the natural step needs lr·kl ≤ 1, not \(eta * beta)", hint: "lower lr or kl")
        }
        let start = try policy.evaluate { t throws(TensorError) in try policy.logProbs(prompts: prompts, tape: t) }.to(.f64)
        let ref = try reference.evaluate { t throws(TensorError) in try reference.logProbs(prompts: prompts, tape: t) }.to(.f64)
        let measured = components.map { $0.to(.f64) } + [evaluation.to(.f64)]
        var checkpoints = [Checkpoint]()
        var stop = false
        for (run, a) in Self.lattice(n, divisions).enumerated() where !stop {
            var mix = measured[0] * a[0]
            for i in 1..<n { mix = try mix + measured[i] * a[i] }
            var lp = start
            for step in 0...steps {
                let s = try ConstrainedStreams(logProbs: lp, reference: ref, components: measured, beta: 0)
                checkpoints.append(Checkpoint(run: run + 1, weights: a, step: step, values: Array(s.values.prefix(n)), eval: s.values[n]))
                guard step < steps else { break }
                let logits = try lp * (1 - eta * beta) + ref * (eta * beta) + mix * eta
                lp = try logits - logits.logsumexp(axis: 1, keepDims: true)
                stop = try afterStep()
                if stop { break }
            }
        }
        return try summarise(checkpoints, n: n)
    }

    /// The points from the pooled checkpoints.
    func summarise(_ checkpoints: [Checkpoint], n: Int) throws(TensorError) -> Result {
        let surface = try SurfaceFit(points: checkpoints.map(\.values), values: checkpoints.map(\.eval), degree: degree)
        let joint = checkpoints.max { surface($0.values) < surface($1.values) }?.values ?? []
        var independent = [Double](), maxima = [Double]()
        for i in 0..<n {
            let own = checkpoints.filter { $0.weights[i] == 1 }
            guard !own.isEmpty else { throw TensorError(op: "proxy_points", "the run on component \(i + 1) alone did not happen (interrupted)") }
            let curve = try SurfaceFit(points: own.map { [$0.values[i]] }, values: own.map(\.eval), degree: degree)
            independent.append(own.map { $0.values[i] }.max { curve([$0]) < curve([$1]) } ?? .nan)
            maxima.append(own.map { $0.values[i] }.max() ?? .nan)
        }
        return Result(independent: independent, joint: joint, independentEval: surface(independent), jointEval: surface(joint),
                      maxima: maxima, initial: checkpoints.first?.values ?? [], checkpoints: checkpoints)
    }
}
