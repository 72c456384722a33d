import PrefCore

/// An annotator's utility as a reward (spec §9.3): u_g(y) = (w* + Δ_g)·q − λ_ann‖q‖² + b_len·ℓ
/// − c_ℓ(ℓ − ℓ*)² for one group g, or routed by the prompt's cluster (group c(x) mod G, the
/// task-specific "gold" of DMoERM's toy, §5.3), or r* itself; looked up exactly by candidate id.
/// The same checks as `GoldReward` refuse data from another world.
public final class UtilityReward: RewardFunction, @unchecked Sendable {
    public let world: ToyWorld
    public let labeller: ToyWorld.Labeller

    /// `labeller` is a group, `.cluster` or `.gold` (a random group per candidate is refused).
    public init(_ world: ToyWorld, labeller: ToyWorld.Labeller) throws(TensorError) {
        if labeller == .randomGroup {
            throw TensorError(op: "utility_reward", "a utility needs one group, \"cluster\" or \"gold\", not a random group per candidate")
        }
        if case .group(let g) = labeller, !(0..<world.config.groups).contains(g) {
            throw TensorError(op: "utility_reward", "group \(g) does not exist", hint: "groups are 0 to \(world.config.groups - 1)")
        }
        self.world = world
        self.labeller = labeller
    }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        guard let ids = inputs.ids else {
            throw TensorError(op: "utility reward", "needs toy-world candidate ids", hint: "score data with chosen_id/rejected_id, or a world's candidates")
        }
        if !(inputs.fromWorld && inputs.world?.config == world.config) { try GoldReward.checkSameWorld(inputs, ids, world) }
        let k = world.config.candidates
        return try Tensor(ids.map { id in
            let judge: ToyWorld.Judge = switch labeller {
            case .gold, .randomGroup: .gold
            case .group(let g): .group(g)
            case .cluster: .group(world.clusters[id / k] % world.config.groups)
            }
            return world.utility(judge, id)
        }, shape: [ids.count], dtype: .f64)
    }

    public var summary: String {
        switch labeller {
        case .gold, .randomGroup: "gold reward of toy world seed \(world.config.seed)"
        case .group(let g): "utility of annotator group \(g) of toy world seed \(world.config.seed)"
        case .cluster: "utility of each prompt's cluster's group, toy world seed \(world.config.seed)"
        }
    }
}
