import PrefCore

/// The toy world's gold reward as a `RewardFunction` (spec §9.2):
/// r*(x, y) = w*·q − λ‖q‖² − c_ℓ(ℓ − ℓ*)², looked up exactly by candidate id. Candidates whose
/// q does not match the world's q of their ids (data from another world) are an error.
public final class GoldReward: RewardFunction, @unchecked Sendable {
    public let world: ToyWorld

    public init(_ world: ToyWorld) { self.world = world }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        guard let ids = inputs.ids else {
            throw TensorError(op: "gold reward", "needs toy-world candidate ids", hint: "score data with chosen_id/rejected_id, or a world's candidates")
        }
        try Self.checkSameWorld(inputs, ids, world)
        return try Tensor(ids.map { world.gold[$0] }, shape: [ids.count], dtype: .f64)
    }

    /// Refuses ids outside the world or features that are not the world's q of those ids
    /// (compared at f32 precision, the precision datasets carry).
    static func checkSameWorld(_ inputs: RewardInputs, _ ids: [Int], _ world: ToyWorld) throws(TensorError) {
        let d = world.config.featureDim
        if let bad = ids.first(where: { !(0..<world.gold.count).contains($0) }) {
            throw TensorError(op: "gold reward", "candidate id \(bad) is outside the world's 0..<\(world.gold.count)",
                              hint: "use data from the world the reward belongs to")
        }
        guard inputs.features.shape[1] == d else {
            throw TensorError(op: "gold reward", "the candidates have \(inputs.features.shape[1]) features, the world's q has \(d)")
        }
        let q = inputs.features.scalars
        for (r, i) in ids.enumerated() {
            for j in 0..<d {
                let expected = world.features[i * d + j]
                guard Swift.abs(q[r * d + j] - expected) <= 1e-5 * Swift.max(1, Swift.abs(expected)) else {
                    throw TensorError(op: "gold reward", "candidate \(i)'s features are not the world's (row \(r))",
                                      hint: "use data from the world the reward belongs to")
                }
            }
        }
    }

    public var summary: String { "gold reward of toy world seed \(world.config.seed)" }
}

/// The candidate's length ℓ as a reward term (`a - 0.1 * length`): read from the inputs'
/// lengths or, through the ids, from their toy world.
public final class LengthReward: RewardFunction, @unchecked Sendable {
    public init() {}

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        let l = try inputs.lengths(for: "length")
        return try Tensor(l, shape: [l.count], dtype: .f64)
    }

    public var summary: String { "length" }
}
