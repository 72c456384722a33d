import PrefCore

/// GPM as a `RewardFunction`: it compares pairs (`preferenceLogits` is the skew score
/// s(chosen ≻ rejected | x)) but has no scalar reward, since its preferences may be cyclic.
extension GpmModel: RewardFunction {
    /// Always an error: a general preference model ranks pairs, not single responses.
    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        throw TensorError(op: "gpm", "a general preference model has no scalar reward: its preferences may be cyclic",
                          hint: "compare pairs with gpm_score(g, a, b) or g.accuracy(pairs)")
    }

    /// s(chosen_i ≻ rejected_i | x_i), [n]; a gated model reads x from the toy world through
    /// the candidates' ids.
    public func preferenceLogits(chosen: RewardInputs, rejected: RewardInputs) throws(TensorError) -> Tensor {
        var prompts: Tensor? = nil
        if config.gate {
            let (world, ids) = try chosen.worldIds(for: "gpm")
            prompts = try world.promptTensor(ids).to(.f64)
        }
        return try scores(chosen.features, rejected.features, prompts: prompts)
    }

    public var summary: String {
        "general preference model, k = \(config.dims) over \(featureDim) features" + (config.gate ? ", gated" : "")
    }
}

/// One PAL user's reward r_u(y) = −s‖f(y) − a_u‖ (spec §5.1): a seen user's row of W or an
/// adapted new user's logits.
public final class PalUserReward: RewardFunction, @unchecked Sendable {
    public let model: PalModel
    /// The user's weight logits, [1, K].
    public let logits: Tensor
    /// "user 3" or "adapted from 10 pairs".
    public let name: String

    public init(_ model: PalModel, logits: Tensor, name: String) {
        self.model = model
        self.logits = logits
        self.name = name
    }

    public func rewards(_ inputs: RewardInputs) throws(TensorError) -> Tensor {
        guard inputs.features.shape[1] == model.featureDim else {
            throw TensorError(op: "pal", "the model reads \(model.featureDim) features, the candidates have \(inputs.features.shape[1])")
        }
        return try model.rewards(inputs.features, logits: logits)
    }

    /// The user's mixture weights softmax(W_u), [K].
    public func weights() throws(TensorError) -> Tensor { try model.mixture(logits).reshaped([model.config.prototypes]) }

    public var summary: String { "PAL user reward (\(name)), K = \(model.config.prototypes)" }
}
