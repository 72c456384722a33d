import PrefCore

/// A constraint on a policy's expected reward, v = E_π[r] compared with a threshold θ
/// (spec algorithms.md §1.2, Moskovitz et al. 2024): `r >= θ` (μ-PPO's lower bound), `r <= θ`
/// (All-PPO's upper bound) or `r == θ` (ξ-PPO's equality). Its violation is c = v − θ.
public struct RewardConstraint: Sendable {
    public enum Relation: String, Sendable, CaseIterable {
        case atLeast = ">=", atMost = "<=", equal = "=="
    }

    public let reward: any RewardFunction
    public let relation: Relation
    public let threshold: Double

    /// Refuses a threshold that is not finite.
    public init(_ reward: any RewardFunction, _ relation: Relation, _ threshold: Double) throws(TensorError) {
        guard threshold.isFinite else { throw TensorError(op: "constraint", "the threshold must be finite, got \(threshold)") }
        self.reward = reward
        self.relation = relation
        self.threshold = threshold
    }

    /// The same constraint with another threshold.
    public func with(threshold: Double) throws(TensorError) -> RewardConstraint {
        try RewardConstraint(reward, relation, threshold)
    }

    /// "(summary) >= θ".
    public var summary: String { "(\(reward.summary)) \(relation.rawValue) \(WeightedSumReward.number(threshold))" }
}
