import PrefCore

/// The formulations of constrained RLHF (spec algorithms.md §1.2, Moskovitz et al. 2024):
///
///     mu   max v_0 subject to the constraints as written: ≥ and ≤ are inequalities (σ-bounded
///          multipliers), == an equality (tanh); μ-PPO when every constraint is a lower bound
///     xi   max v_0 subject to v_i = θ_i for every constraint (ξ-PPO, tanh multipliers)
///     all  max Σ_i v_i (KL folded into each stream) subject to v_i ≤ θ_i (All-PPO)
///     sat  max E[−Σ_i (r_i − θ_i)²] + v_0, no multipliers (PPO-SAT, target satisfaction)
///
/// v_0 = E_π[r_0], r_0 = −β(log π − log π_ref), the KL stream.
public enum ConstrainedKind: String, Sendable, CaseIterable {
    case mu, xi, all, sat
}

/// The exact streams of one step over n prompts and their K candidates (spec §1.3 steps 1, 3
/// and 5, with exact expectations in place of rollouts and GAE): with p = π(·|x),
///
///     r_0 = −β(log π − log π_ref),   v_i = mean_x Σ_k p_k r_i(k),   KL = mean_x Σ_k p_k (log π − log π_ref)
///     Â(r) = (r − E_π r) / (std + 1e-8),   std² = mean_x Σ_k p_k (r_k − E_π r)²
///
/// Â is the advantage standardised over the batch, the batch being π's own distribution over
/// (prompt, candidate) (our reading of "standardised over the batch" for exact expectations;
/// 1e-8 is Stable-Baselines3's). The mixed advantage the policy step maximises (E_π[M]):
///
///     mu, xi:  M = (N − Σ_i λ̃_i)·Â(r_0) + Σ_i s_i λ̃_i·Â(r_i)
///     all:     M = (N − Σ_i λ̃_i)·Σ_i F_i − Σ_i λ̃_i F_i,   F_i = Â(r_i + r_0)
///     sat:     M = Â(−Σ_i (r_i − θ_i)² + r_0)
///
/// Because E_π[Â] = 0 per prompt, ∇ E_π[M] with M held fixed is the policy gradient
/// E_π[M ∇log π], exactly the gradient of the clipped objective at ratio 1.
public struct ConstrainedStreams {
    /// v_i, one per component.
    public let values: [Double]
    /// mean_x KL(π‖π_ref).
    public let kl: Double
    let probabilities: Tensor
    let klReward: Tensor
    let components: [Tensor]

    /// `logProbs`, `reference` and each of `components` are [n, K]; β is the KL coefficient.
    public init(logProbs lp: Tensor, reference lr: Tensor, components: [Tensor], beta: Double) throws(TensorError) {
        let lp = lp.to(.f64), lr = lr.to(.f64)
        let p = lp.exp()
        let gap = try lp - lr
        probabilities = p
        klReward = gap * -beta
        self.components = try components.map { r throws(TensorError) in
            guard r.shape == lp.shape else { throw TensorError(op: "constrained", "component rewards must be \(lp.shape), not \(r.shape)") }
            return r.to(.f64)
        }
        values = try self.components.map { r throws(TensorError) in try Self.mean(try (p * r).sum(axis: 1)) }
        kl = try Self.mean(try (p * gap).sum(axis: 1))
    }

    /// Â(r), [n, K].
    public func advantage(_ r: Tensor) throws(TensorError) -> Tensor {
        let centred = try r - (probabilities * r).sum(axis: 1, keepDims: true)
        let std = try Self.mean(try (probabilities * centred.square()).sum(axis: 1)).squareRoot()
        return centred * (1 / (std + 1e-8))
    }

    /// M for `kind` with bounded multipliers λ̃ and signs s (ignored by sat) and thresholds θ (sat).
    public func mixed(_ kind: ConstrainedKind, multipliers l: [Double], signs s: [Double], thresholds: [Double]) throws(TensorError) -> Tensor {
        let n = Double(components.count), total = l.reduce(0, +)
        switch kind {
        case .mu, .xi:
            var m = try advantage(klReward) * (n - total)
            for i in components.indices { m = try m + (try advantage(components[i])) * (s[i] * l[i]) }
            return m
        case .all:
            let folded = try components.map { r throws(TensorError) in try advantage(try r + klReward) }
            var sum = folded[0]
            for f in folded.dropFirst() { sum = try sum + f }
            var m = sum * (n - total)
            for i in folded.indices { m = try m - folded[i] * l[i] }
            return m
        case .sat:
            var penalty = klReward
            for i in components.indices { penalty = try penalty - (components[i] - thresholds[i]).square() }
            return try advantage(penalty)
        }
    }

    static func mean(_ t: Tensor) throws(TensorError) -> Double { try t.mean().to(.f64).scalars[0] }
}
