import PrefCore

/// The goal g of a reward-conditioned candidate policy π(y | x, g) (reward-augmented relabelling,
/// Zhang et al. 2024/ICML 2025; algorithms.md §6.13): the target scores run from `low` to `high`
/// (e.g. the grades 0…4 of §9.3), and g enters the policy through
///
///     φ(g) = (g − low) / (high − low) ∈ [0, 1]
///
/// so the lowest goal is φ = 0 and the highest φ = 1, whatever the score scale.
public struct GoalRange: Sendable, Equatable, CustomStringConvertible {
    public let low: Double, high: Double

    public init(low: Double, high: Double) throws(TensorError) {
        guard low.isFinite, high.isFinite, low < high, Swift.abs(low) <= 1e9, Swift.abs(high) <= 1e9 else {
            throw TensorError(op: "candidate_policy", "the goal range must be two finite numbers low < high (magnitude ≤ 1e9), not \(low)…\(high)")
        }
        self.low = low
        self.high = high
    }

    /// φ(g), checked to be in range.
    public func encode(_ g: Double) throws(TensorError) -> Double {
        guard contains(g) else {
            throw TensorError(op: "goal", "goal \(g) is outside the policy's goal range \(self)",
                              hint: "goals are the target scores the policy was built for")
        }
        return (g - low) / (high - low)
    }

    public func contains(_ g: Double) -> Bool { g.isFinite && g >= low && g <= high }

    public var description: String {
        func s(_ x: Double) -> String { x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int64(x)) : String(x) }
        return "\(s(low))…\(s(high))"
    }
}
