import PrefCore

/// A linear combination of rewards, r = c + Σ_j a_j·r_j: the reward algebra `0.5 * a + 0.5 * b`,
/// `a - 0.1 * length`, `a + 1` (DESIGN.md §3 RLHF). Terms are kept flat: combining two sums
/// concatenates their terms.
public final class WeightedSumReward: RewardFunction, @unchecked Sendable {
    /// (a_j, r_j).
    public let terms: [(weight: Double, reward: any RewardFunction)]
    /// c.
    public let constant: Double

    public init(_ terms: [(weight: Double, reward: any RewardFunction)], constant: Double = 0) {
        var flat = [(weight: Double, reward: any RewardFunction)](), c = constant
        for (a, r) in terms {
            if let s = r as? WeightedSumReward {
                flat += s.terms.map { (a * $0.weight, $0.reward) }
                c += a * s.constant
            } else {
                flat.append((a, r))
            }
        }
        self.terms = flat
        self.constant = c
    }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        var out = Tensor(repeating: constant, shape: [inputs.count], dtype: .f64)
        for (a, r) in terms { out = try out + (try r.rewards(inputs).to(.f64)) * a }
        return out
    }

    public var summary: String {
        var parts = terms.map { t in t.weight == 1 ? "(\(t.reward.summary))" : "\(Self.number(t.weight)) · (\(t.reward.summary))" }
        if constant != 0 || parts.isEmpty { parts.append(Self.number(constant)) }
        return parts.joined(separator: " + ")
    }

    static func number(_ x: Double) -> String { x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : String(x) }
}

/// How an ensemble combines its members' rewards R_j(y), j = 1…k, per candidate (spec §3.1,
/// Coste et al. 2024; §3.2, Eisenstein et al. 2023):
///
///     mean:    (1/k) Σ_j R_j
///     min:     min_j R_j                              (worst-case optimisation, WCO)
///     max:     max_j R_j
///     median:  the middle value (the mean of the two middle values for even k)
///     uwo(λ):  (1/k) Σ_j R_j − λ·(1/k) Σ_j (R_j − mean)²    (uncertainty-weighted, population variance)
///     weights: Σ_j w_j R_j                            (fixed weights, as given)
public enum RewardCombination: Sendable, Equatable {
    case mean, min, max, median
    case uwo(lambda: Double)
    case weights([Double])

    public var name: String {
        switch self {
        case .mean: "mean"
        case .min: "min"
        case .max: "max"
        case .median: "median"
        case .uwo(let l): "uwo (λ = \(WeightedSumReward.number(l)))"
        case .weights(let w): "weights \(w.map(WeightedSumReward.number))"
        }
    }
}

/// An ensemble of rewards combined per candidate by a `RewardCombination`.
public final class EnsembleReward: RewardFunction, @unchecked Sendable {
    public let members: [any RewardFunction]
    public let combination: RewardCombination

    public init(_ members: [any RewardFunction], combination: RewardCombination) throws(TensorError) {
        guard !members.isEmpty else { throw TensorError(op: "ensemble", "an ensemble needs at least one member") }
        if case .weights(let w) = combination {
            guard w.count == members.count else { throw TensorError(op: "ensemble", "\(w.count) weights for \(members.count) members") }
            guard w.allSatisfy(\.isFinite) else { throw TensorError(op: "ensemble", "the weights must be finite") }
        }
        if case .uwo(let l) = combination, !l.isFinite { throw TensorError(op: "ensemble", "lambda must be finite") }
        self.members = members
        self.combination = combination
    }

    /// R, [k, n] f64: every member's rewards.
    public func memberRewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        let rows = try members.map { m throws(TensorError) in try m.rewards(inputs).to(.f64) }
        return try Tensor.stack(rows, axis: 0)
    }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        try Self.combine(try memberRewards(inputs), combination)
    }

    /// The combination of R ([k, n]) over axis 0, [n].
    public static func combine(_ r: Tensor, _ combination: RewardCombination) throws(TensorError) -> Tensor {
        switch combination {
        case .mean: return try r.mean(axis: 0)
        case .min: return try r.min(axis: 0)
        case .max: return try r.max(axis: 0)
        case .uwo(let lambda):
            let mean = try r.mean(axis: 0, keepDims: true)
            let variance = try (r - mean).square().mean(axis: 0)
            return try mean.reshaped([r.shape[1]]) - variance * lambda
        case .weights(let w):
            return try (try Tensor(w, shape: [1, w.count], dtype: .f64).matmul(r)).reshaped([r.shape[1]])
        case .median:
            let k = r.shape[0], n = r.shape[1], v = r.scalars
            let out = (0..<n).map { i in
                let column = (0..<k).map { v[$0 * n + i] }.sorted()
                return k % 2 == 1 ? column[k / 2] : (column[k / 2 - 1] + column[k / 2]) / 2
            }
            return try Tensor(out, shape: [n], dtype: .f64)
        }
    }

    public var summary: String { "ensemble of \(members.count) (\(combination.name))" }
}

/// A reward standardised with fixed statistics, (r − μ)/σ: Coste et al.'s z-scoring of each
/// member over samples from π_ref before combining (spec §3.1 [ours]), so min and variance are
/// not dominated by one member's scale.
public final class StandardizedReward: RewardFunction, @unchecked Sendable {
    public let base: any RewardFunction
    public let mean: Double
    public let std: Double

    /// μ and σ (population) of `base` over `reference`; σ = 0 keeps the scale (divides by 1).
    public init(_ base: any RewardFunction, over reference: RewardInputs) throws(TensorError) {
        let r = try base.rewards(reference).to(.f64).scalars
        guard !r.isEmpty else { throw TensorError(op: "ensemble", "cannot standardise over no candidates") }
        let m = r.reduce(0, +) / Double(r.count)
        let s = (r.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(r.count)).squareRoot()
        guard m.isFinite, s.isFinite else { throw TensorError(op: "ensemble", "a member's rewards are not finite") }
        self.base = base
        self.mean = m
        self.std = s > 0 ? s : 1
    }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        (try base.rewards(inputs).to(.f64) - mean) * (1 / std)
    }

    public var summary: String { "standardised \(base.summary)" }
}
