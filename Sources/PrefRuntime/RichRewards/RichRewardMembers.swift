import PrefCore
import PrefLanguage
import PrefLearn

/// The members the richer reward models add to a `reward` value (`RewardObject.member` asks
/// here for names it does not know): a GPM's `dims`, `temperature`, `gate`, `normalize`,
/// `history`, `score(a, b)`, `embed(x)`; a PAL user's `weights`; MORE's `task_weights` and
/// `history`; the mixture of experts' `tasks`, `capabilities`, `history`, `route(data)`; and on
/// every one of them `accuracy(data)` and `ece(data, bins:)`.
enum RichRewardMembers {
    /// The `kind` of a richer reward, nil for others.
    static func kind(_ r: any RewardFunction) -> String? {
        switch r {
        case is GpmModel: "gpm"
        case is PalUserReward: "pal_user"
        case is MoreReward: "more"
        case is MoERewardModel: "moe"
        case is DensityRatioReward: "density_ratio"
        default: nil
        }
    }

    static func names(_ r: any RewardFunction) -> [String] {
        let common = ["accuracy", "ece"]
        switch r {
        case is GpmModel: return ["dims", "temperature", "gate", "normalize", "history", "score", "embed"] + common
        case is PalUserReward: return ["weights"] + common
        case is MoreReward: return ["task_weights", "history"] + common
        case is MoERewardModel: return ["tasks", "capabilities", "history", "route"] + common
        case is DensityRatioReward: return ["beta"] + common
        default: return []
        }
    }

    static func member(_ o: RewardObject, _ name: String) -> Value? {
        guard names(o.reward).contains(name) else { return nil }
        switch (o.reward, name) {
        case (_, "accuracy"): return .builtin(BuiltinBox(accuracy(o)))
        case (_, "ece"): return .builtin(BuiltinBox(ece(o)))
        case (let u as PalUserReward, "weights"): return try? TensorValues.wrap(u.weights())
        case (let m as MoreReward, "task_weights"):
            return try? TensorValues.wrap(Tensor(m.taskWeights.flatMap { $0 }, shape: [m.taskWeights.count, m.taskWeights.first?.count ?? 0], dtype: .f64))
        case (let m as MoreReward, "history"): return RichRewardArguments.history(m.history)
        case (let d as DensityRatioReward, "beta"): return .number(d.beta)
        case (let m as MoERewardModel, _): return moe(m, name)
        case (let g as GpmModel, _): return gpm(g, name)
        default: return nil
        }
    }

    static func gpm(_ g: GpmModel, _ name: String) -> Value? {
        switch name {
        case "dims": .number(Double(g.config.dims))
        case "temperature": .number(g.config.temperature)
        case "gate": .bool(g.config.gate)
        case "normalize": .bool(g.config.normalize)
        case "history": RichRewardArguments.history(g.history)
        case "score": .builtin(BuiltinBox(GpmBuiltins.score(bound: g)))
        case "embed": .builtin(BuiltinBox(embed(g)))
        default: nil
        }
    }

    static func moe(_ m: MoERewardModel, _ name: String) -> Value? {
        switch name {
        case "tasks": return .number(Double(m.tasks))
        case "capabilities": return .number(Double(m.capabilities))
        case "history":
            return .record(RecordBox([("router", RichRewardArguments.history(m.routerHistory)),
                                      ("experts", RichRewardArguments.history(m.expertHistory)),
                                      ("combiner", RichRewardArguments.history(m.combinerHistory))]))
        case "route":
            return .builtin(BuiltinBox(Builtin("route", [BuiltinParameter("ids", .tensor, doc: "toy-world candidate ids")], category: "richer rewards",
                                               doc: "The router's top-1 task τ(x) for each candidate id's prompt.") { call in
                let ids = try call.indices(0).values.map { Int($0) }
                if let bad = ids.first(where: { !(0..<m.world.gold.count).contains($0) }) {
                    throw call.error("candidate id \(bad) is outside the world's 0..<\(m.world.gold.count)")
                }
                return TensorValues.wrap(Tensor(try m.route(ids).map(Double.init), dtype: .f64))
            }))
        default: return nil
        }
    }

    /// The logit of P(chosen ≻ rejected) of every pair of `data`: GPM's skew score (from the
    /// pairs' features and prompts), else the reward's `preferenceLogits` (a dataset's candidates
    /// looked up in the reward's world through their ids).
    static func logits(_ call: BuiltinCall, _ o: RewardObject, _ data: Value) throws -> Tensor {
        if let g = o.reward as? GpmModel { return try gpmScores(call, g, try RichRewardArguments.pairs(call, data, what: "data")) }
        if case .native(let n) = data, let d = n.object as? DatasetObject {
            let (c, r) = try d.dataset.pairInputs(world: o.world)
            return try o.reward.preferenceLogits(chosen: c, rejected: r)
        }
        let pairs = try RichRewardArguments.pairs(call, data, what: "data")
        return try o.reward.preferenceLogits(chosen: RewardInputs(features: pairs.chosen), rejected: RewardInputs(features: pairs.rejected))
    }

    /// s(chosen ≻ rejected | x) of every pair, after checking the feature and prompt widths.
    static func gpmScores(_ call: BuiltinCall, _ g: GpmModel, _ pairs: RichRewardArguments.Pairs) throws -> Tensor {
        try RichRewardArguments.check(call, pairs, dim: g.featureDim, promptDim: g.promptDim, what: "data")
        return try g.scores(pairs.chosen, pairs.rejected, prompts: pairs.prompts)
    }

    static func accuracy(_ o: RewardObject) -> Builtin {
        Builtin("accuracy", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc)], category: "richer rewards",
                doc: "The fraction of pairs whose preference logit (GPM: s(chosen ≻ rejected | x); a scalar reward: r(chosen) − r(rejected)) is > 0.") { call in
            .number(RichRewardFit.accuracy(try logits(call, o, call[0])))
        }
    }

    static func ece(_ o: RewardObject) -> Builtin {
        Builtin("ece", [BuiltinParameter("data", doc: RichRewardArguments.dataDoc),
                        BuiltinParameter("bins", .int, default: .number(5), doc: "uniform probability bins (MORE's default 5)")],
                category: "richer rewards",
                doc: "MORE's expected calibration error (spec §5.2): each pair shown in a random order (Philox stream more/ece, seed 0), "
                    + "p = σ(logit), y = 1 when the first is the chosen; ECE = Σ_b |Σ_{i∈b} p_i − Σ_{i∈b} y_i| / n.") { call in
            let bins = try RichRewardArguments.count(call, 1, 1...1000)
            return .number(try MoreWeighting.pairCalibration(logits: try logits(call, o, call[0]).scalars, bins: bins).ece)
        }
    }

    static func embed(_ g: GpmModel) -> Builtin {
        Builtin("embed", [BuiltinParameter("x", .tensor, doc: "[n, d] response features")], category: "richer rewards",
                doc: "The preference embeddings v = f(y), [n, 2k] (unit norm when normalised).") { call in
            TensorValues.wrap(try g.embeddings(try RichRewardArguments.features(call, 0, dim: g.featureDim)))
        }
    }
}
