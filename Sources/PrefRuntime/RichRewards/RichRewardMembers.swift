import PrefCore
import PrefLanguage
import PrefLearn

/// The members the richer reward models add to a `reward` value (`RewardObject.member` asks
/// here for names it does not know): a GPM's `dims`, `temperature`, `gate`, `history`,
/// `score(a, b)`, `embed(x)`; a PAL user's `weights`; every one of them `accuracy(data)`.
enum RichRewardMembers {
    /// The `kind` of a richer reward, nil for others.
    static func kind(_ r: any RewardFunction) -> String? {
        switch r {
        case is GpmModel: "gpm"
        case is PalUserReward: "pal_user"
        default: nil
        }
    }

    static func names(_ r: any RewardFunction) -> [String] {
        switch r {
        case is GpmModel: ["dims", "temperature", "gate", "normalize", "history", "score", "embed", "accuracy"]
        case is PalUserReward: ["weights", "accuracy"]
        default: []
        }
    }

    static func member(_ o: RewardObject, _ name: String) -> Value? {
        guard names(o.reward).contains(name) else { return nil }
        if name == "accuracy" { return .builtin(BuiltinBox(accuracy(o.reward))) }
        if let u = o.reward as? PalUserReward, name == "weights" { return try? TensorValues.wrap(u.weights()) }
        guard let g = o.reward as? GpmModel else { return nil }
        switch name {
        case "dims": return .number(Double(g.config.dims))
        case "temperature": return .number(g.config.temperature)
        case "gate": return .bool(g.config.gate)
        case "normalize": return .bool(g.config.normalize)
        case "history": return RichRewardArguments.history(g.history)
        case "score": return .builtin(BuiltinBox(GpmBuiltins.score(bound: g)))
        case "embed": return .builtin(BuiltinBox(embed(g)))
        default: return nil
        }
    }

    /// The logit of P(chosen ≻ rejected) of every pair: GPM's skew score, a scalar reward's
    /// difference.
    static func logits(_ call: BuiltinCall, _ r: any RewardFunction, _ pairs: RichRewardArguments.Pairs) throws -> Tensor {
        if let g = r as? GpmModel {
            try RichRewardArguments.check(call, pairs, dim: g.featureDim, promptDim: g.promptDim, what: "data")
            return try g.scores(pairs.chosen, pairs.rejected, prompts: pairs.prompts)
        }
        return try r.preferenceLogits(chosen: RewardInputs(features: pairs.chosen), rejected: RewardInputs(features: pairs.rejected))
    }

    static func accuracy(_ r: any RewardFunction) -> Builtin {
        Builtin("accuracy", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc)], category: "reward models",
                doc: "The fraction of pairs whose preference logit (GPM: s(chosen ≻ rejected | x); a scalar reward: r(chosen) − r(rejected)) is > 0.") { call in
            .number(RichRewardFit.accuracy(try logits(call, r, try RichRewardArguments.pairs(call, call[0], what: "data"))))
        }
    }

    static func embed(_ g: GpmModel) -> Builtin {
        Builtin("embed", [BuiltinParameter("x", .tensor, doc: "[n, d] response features")], category: "reward models",
                doc: "The preference embeddings v = f(y), [n, 2k] (unit norm when normalised).") { call in
            TensorValues.wrap(try g.embeddings(try RichRewardArguments.features(call, 0, dim: g.featureDim)))
        }
    }
}
