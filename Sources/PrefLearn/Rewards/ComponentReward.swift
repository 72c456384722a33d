import PrefCore

/// A toy world's component reward r_i = w_i·q (spec §9.4; the component reward models of
/// constrained RLHF, §1.5), computed from the candidates' q features, so it scores any
/// candidates with the world's feature dimension. The w_i have pairwise cosine ρ.
public final class ComponentReward: RewardFunction, @unchecked Sendable {
    public let world: ToyWorld
    /// i, 0-based.
    public let index: Int
    let weights: Tensor

    public init(_ world: ToyWorld, index: Int) throws(TensorError) {
        let n = world.config.components, d = world.config.featureDim
        guard (0..<n).contains(index) else { throw TensorError(op: "component reward", "the world has \(n) components, not \(index + 1)") }
        self.world = world
        self.index = index
        weights = try Tensor(Array(world.geometry.componentWeights[(index * d)..<((index + 1) * d)]), shape: [d, 1], dtype: .f64)
    }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        let d = world.config.featureDim
        guard inputs.features.shape[1] == d else {
            throw TensorError(op: "component reward", "the candidates have \(inputs.features.shape[1]) features, the world's q has \(d)")
        }
        return try inputs.features.to(.f64).matmul(weights).reshaped([inputs.count])
    }

    public var summary: String { "component r\(index + 1) of toy world seed \(world.config.seed)" }
}
