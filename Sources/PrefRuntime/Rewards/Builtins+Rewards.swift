import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Rewards (issue 7 items 1, 4, 5): reward models, scoring, ensembles, best-of-n.
    static var rewards: [Builtin] {
        [RewardBuiltins.rewardModel, RewardBuiltins.scoreBuiltin, RewardBuiltins.lengthReward, RewardBuiltins.ensemble,
         RewardBuiltins.trainEnsemble, RewardBuiltins.bestOfN]
    }
}

/// The reward builtins; the models and combinations live in PrefLearn/Rewards.
enum RewardBuiltins {
    static let dataParameter = BuiltinParameter("data", doc: "a dataset (pairs give {chosen, rejected}), a toy world (its training candidates, [P, K]), w.train / w.test, or a [n, d] / [P, K, d] feature tensor")
    static let worldParameter = BuiltinParameter("world", default: Value.none, doc: "a toy world whose candidates the data's ids name (for lengths, ψ and gold); none: the reward's own world")

    static var rewardModel: Builtin {
        Builtin("reward_model", [
            BuiltinParameter("kind", .string, default: .str("linear"), doc: "\"linear\" (r = w·φ) or \"mlp\" (r = w₂·tanh(W₁φ + b₁))"),
            BuiltinParameter("hidden", .int, default: .number(32), doc: "H, the MLP's hidden units, 1…4096"),
            BuiltinParameter("features", doc: "what the model reads: a toy world (its q, d_q features), a dataset (the width of its response features) or a whole number d"),
            BuiltinParameter("view", .string, default: .str("q"), doc: "\"q\" (quality features) or \"psi\" (ψ = [q, ℓ, onehot(ℓ), x ⊗ q], needs a toy world)"),
            BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 for the initial parameters; none: the session seed"),
            BuiltinParameter("basis", default: Value.none, doc: "mlp: a whole number ≥ 0 seeding a frozen random-feature hidden layer (W₁ ~ N(0, 1/D), b₁ ~ N(0, 1)); only w₂ trains; none: all layers train"),
        ], category: "rewards",
        doc: "A Bradley–Terry reward model over candidate features (spec §9.5): linear r = w·φ(y) or an MLP with one tanh hidden "
            + "layer, parameters N(0, 1/fan_in) from the seed; with basis the hidden layer is a frozen random-feature basis (a stand-in for a "
            + "pretrained representation, spec §3.3). Train it with fit(rm, pairs, bradley_terry_loss()) or on ranked data with "
            + "plackett_luce(); score(rm, data) or rm(data) gives rewards; it works wherever a reward is expected.",
        example: "let w = toy_world(seed: 1)\nlet rm = reward_model(kind: \"mlp\", hidden: 16, features: w)\nrm(w.test)") { call in
            let kind = RewardModel.Kind(rawValue: try call.choice(0, RewardModel.Kind.allCases.map(\.rawValue))) ?? .linear
            let hidden = try call.whole(call[1], "hidden")
            guard (1...4096).contains(hidden) else { throw call.error("hidden must be 1…4096, got \(hidden)") }
            let view = RewardModel.View(rawValue: try call.choice(3, RewardModel.View.allCases.map(\.rawValue))) ?? .q
            let seed = try call.optionalInt(4) ?? Int(call.session?.seed ?? 0)
            guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
            var world: ToyWorld? = nil, dim = 0
            switch call[2] {
            case .native(let n) where n.object is ToyWorldObject:
                let w = (n.object as? ToyWorldObject)?.world
                world = w
                dim = view == .psi ? (w?.psiDim ?? 0) : (w?.config.featureDim ?? 0)
            case .native(let n) where n.object is DatasetObject:
                guard let d = (n.object as? DatasetObject)?.dataset, let column = d.responseColumns.first, let q = d.features[column] else {
                    throw call.error("the dataset has no response features to size the model", hint: "pass features: w (a toy world) or a number")
                }
                dim = q.shape[q.rank - 1]
            case .number:
                dim = try call.whole(call[2], "features")
            default:
                throw call.typeError(2, expected: "a toy world, a dataset or a whole number")
            }
            guard view == .q || world != nil else { throw call.error("the psi view needs a toy world", hint: "pass features: w") }
            guard (1...1_000_000).contains(dim) else { throw call.error("the feature dimension must be 1…1000000, got \(dim)") }
            let basis = try call.optionalInt(5)
            if let basis, basis < 0 { throw call.error("basis must be a whole number ≥ 0, got \(basis)") }
            if basis != nil, kind != .mlp { throw call.error("a frozen basis needs kind \"mlp\"", hint: "reward_model(kind: \"mlp\", basis: 1, …)") }
            let model = try RewardModel(kind, view: view, inputDim: dim, hidden: hidden, seed: UInt64(seed), world: view == .psi ? world : nil,
                                        basisSeed: basis.map { UInt64($0) })
            return RewardObject.value(model, world: world)
        }
    }

    static var scoreBuiltin: Builtin {
        Builtin("score", [BuiltinParameter("reward", doc: "a reward"), dataParameter, worldParameter], category: "rewards",
                doc: "The rewards r(x, y) of candidates: a tensor shaped like the candidates ([n], [P, K], [n, m] for ranked lists), or "
                    + "{chosen, rejected} for pairs. rm(data) is the same.",
                example: "let w = toy_world(seed: 1)\nscore(w.gold_reward, w.pairs(4)).chosen") { call in
            try score(try reward(call, 0), call, data: 1, world: 2)
        }
    }

    static var lengthReward: Builtin {
        Builtin("length_reward", [], category: "rewards",
                doc: "The candidate's length ℓ as a reward term (the prelude binds it to `length`): a - 0.1 * length. Reads the "
                    + "lengths of toy-world candidates through their ids.",
                example: "let w = toy_world(seed: 1)\nlet r = w.gold_reward - 0.1 * length") { _ in
            RewardObject.value(LengthReward(), world: nil)
        }
    }
}
