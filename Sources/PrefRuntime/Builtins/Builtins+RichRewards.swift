import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// The richer reward models of issue 7 item 3 (spec algorithms.md §4–5): `gpm`, `gpm_score`,
    /// `pal`, `more`, `moe_reward`, `density_ratio`; their members live in `RichRewards/`.
    static var richRewards: [Builtin] {
        [GpmBuiltins.gpm, GpmBuiltins.score(bound: nil), PalBuiltins.pal, MoreRewardBuiltins.more, MoreRewardBuiltins.moeReward,
         MoreRewardBuiltins.densityRatio]
    }
}

/// `gpm(data, …)` and `gpm_score(model, a, b)`.
enum GpmBuiltins {
    static var gpm: Builtin {
        Builtin("gpm", [
            BuiltinParameter("data", doc: RichRewardArguments.dataDoc),
            BuiltinParameter("dims", .int, default: .number(2), doc: "k: embeddings have 2k numbers"),
            BuiltinParameter("hidden", .int, default: .number(0), doc: "hidden tanh units of the value head; 0: affine"),
            BuiltinParameter("gate", .bool, default: .bool(false), doc: "a prompt-dependent scale λ(x) = k·softmax(x W_p / √d_x) (needs prompt features)"),
            BuiltinParameter("normalize", .bool, default: .bool(true), doc: "scale embeddings to unit norm"),
            BuiltinParameter("temperature", .number, default: .number(0.1), doc: "τ dividing the skew score"),
            RichRewardArguments.epochs(), RichRewardArguments.lr(), RichRewardArguments.seed,
        ], category: "richer rewards",
        doc: "A General Preference Model (Zhang et al., ICML 2025; spec §4.1) trained full-batch with Adam on −log σ(s(y_w ≻ y_l | x)). "
            + "Each response gets an embedding v = f(y) ∈ R^{2k}; s(y_i ≻ y_j | x) = ⟨R^≻ v_i, v_j⟩/τ = Σ_l λ_l(x)(v_i^{(2l−1)} v_j^{(2l)} − "
            + "v_i^{(2l)} v_j^{(2l−1)})/τ with R^≻ = blockdiag([[0, −1], [1, 0]]), so s(i ≻ j) = −s(j ≻ i) and cyclic preferences "
            + "(a ≻ b ≻ c ≻ a), which no scalar reward can fit, are representable. Returns a reward of kind \"gpm\" (no scalar "
            + "score: score(g, x) is an error) with dims, temperature, gate, normalize, history and the methods score(a, b, prompts:), "
            + "embed(x), accuracy(data), ece(data, bins:).",
        example: "let w = toy_world(seed: 1, kappa: 4)\nlet g = gpm(w.pairs(500), dims: 2, epochs: 100)\ng.accuracy(w.pairs(200, split: \"test\"))") { call in
            let pairs = try RichRewardArguments.pairs(call, call[0], what: "data")
            var c = GpmModel.Config()
            c.dims = try RichRewardArguments.count(call, 1, 1...256)
            c.hidden = try RichRewardArguments.count(call, 2, 0...4096)
            c.gate = call.bool(3)
            c.normalize = call.bool(4)
            c.temperature = call.number(5)
            guard c.temperature.isFinite, c.temperature > 0, c.temperature <= 1e6 else {
                throw call.error("temperature must be a number in (0, 1e6], got \(Value.format(number: c.temperature))", hint: "τ divides the skew score")
            }
            if c.gate, pairs.prompts == nil {
                throw call.error("gate: true needs prompt features", hint: "toy-world pairs carry them; in a record pass prompt: [n, d_x]")
            }
            let options = try RichRewardArguments.options(call, 6)
            let model = try GpmModel(featureDim: pairs.chosen.shape[1], promptDim: pairs.prompts?.shape[1] ?? 0, config: c,
                                     seed: try RichRewardArguments.seed(call, 8))
            try model.fit(chosen: pairs.chosen, rejected: pairs.rejected, prompts: c.gate ? pairs.prompts : nil, options: options)
            return RewardObject.value(model, world: nil)
        }
    }

    /// `gpm_score(model, a, b, prompts:)`, and the same bound to a model as `g.score(a, b, prompts:)`.
    static func score(bound: GpmModel?) -> Builtin {
        let sides = [BuiltinParameter("a", .tensor, doc: "[n, d] response features"), BuiltinParameter("b", .tensor, doc: "[n, d] response features"),
                     BuiltinParameter("prompts", default: Value.none, doc: "[n, d_x] prompt features (gated models)")]
        let params = bound == nil ? [BuiltinParameter("model", .native, doc: "a gpm reward")] + sides : sides
        return Builtin(bound == nil ? "gpm_score" : "score", params, category: "richer rewards",
                       doc: "The GPM skew score s(a_i ≻ b_i | x) = ⟨R^≻ v_{a_i}, v_{b_i}⟩/τ per row, [n]; P(a ≻ b) = σ(s). "
                        + "Skew-symmetric: gpm_score(g, a, b) = −gpm_score(g, b, a), and gpm_score(g, a, a) = 0.",
                       example: bound == nil ? "let items = eye(3)\nlet g = gpm({chosen: items, rejected: gather(items, [1, 2, 0])}, dims: 1)\ngpm_score(g, items, gather(items, [1, 2, 0]))" : "") { call in
            let offset = bound == nil ? 1 : 0
            let m: GpmModel
            if let bound { m = bound } else {
                guard case .native(let n) = call[0], let g = (n.object as? RewardObject)?.reward as? GpmModel else {
                    throw call.typeError(0, expected: "a gpm reward", hint: "train one with gpm(data)")
                }
                m = g
            }
            let a = try RichRewardArguments.features(call, offset, dim: m.featureDim)
            let b = try RichRewardArguments.features(call, offset + 1, dim: m.featureDim)
            guard a.shape == b.shape else { throw call.error("a and b must have the same shape, got \(a.shape) and \(b.shape)") }
            let pairs = RichRewardArguments.Pairs(chosen: a, rejected: b, prompts: try RichRewardArguments.prompts(call, offset + 2, rows: a.shape[0]))
            return TensorValues.wrap(try RichRewardMembers.gpmScores(call, m, pairs))
        }
    }
}

/// `pal(users, …)`.
enum PalBuiltins {
    static var pal: Builtin {
        Builtin("pal", [
            BuiltinParameter("users", .list, doc: "one pairs dataset (or {chosen, rejected} record) per user, each labelled by that user"),
            BuiltinParameter("prototypes", .int, default: .number(3), doc: "K, the number of prototypes (latent groups)"),
            BuiltinParameter("dim", .int, default: .number(4), doc: "d, the dimension of the preference space"),
            BuiltinParameter("hidden", .int, default: .number(0), doc: "hidden tanh units of the item map; 0: affine"),
            RichRewardArguments.epochs(), RichRewardArguments.lr(), RichRewardArguments.seed,
        ], category: "richer rewards",
        doc: "PAL-A, the ideal-point mixture model of pluralistic alignment (Chen et al., ICLR 2025; spec §5.1), trained full-batch "
            + "with Adam on −log σ(r_u(y_w) − r_u(y_l)): an item map f(y) ∈ R^d, K prototypes p_k and user weights w_u = softmax(W_u) "
            + "give the ideal point a_u = Σ_k w_uk p_k and the reward r_u(y) = −s‖f(y) − a_u‖ (s a learnable scale ≤ 100). Members: "
            + "prototypes, users, dim, weights ([U, K]), history; methods user(i) and adapt(data, epochs:, lr:) (few-shot: only a new "
            + "user's K logits are fitted), which return a reward of kind \"pal_user\" (score(u, x), u(x)) with weights, accuracy(data) "
            + "and ece(data, bins:).",
        example: "let w = toy_world(seed: 1)\nlet m = pal([w.pairs(50, group: u % 3, seed: u) for u in 0..<12], prototypes: 3, epochs: 100)\n"
            + "m.user(0).accuracy(w.pairs(200, group: 0, split: \"test\"))") { call in
            guard case .list(let list) = call[0], !list.items.isEmpty else {
                throw call.error("users must be a non-empty list of datasets, one per user")
            }
            let data = try list.items.enumerated().map { i, v in try RichRewardArguments.pairs(call, v, what: "users[\(i)]") }
            let dim = data[0].chosen.shape[1]
            for (i, d) in data.enumerated() { try RichRewardArguments.check(call, d, dim: dim, what: "users[\(i)]") }
            var c = PalModel.Config()
            c.prototypes = try RichRewardArguments.count(call, 1, 1...256)
            c.dim = try RichRewardArguments.count(call, 2, 1...1024)
            c.hidden = try RichRewardArguments.count(call, 3, 0...4096)
            let options = try RichRewardArguments.options(call, 4)
            let model = try PalModel(featureDim: dim, users: data.count, config: c, seed: try RichRewardArguments.seed(call, 6))
            let ids = data.enumerated().flatMap { u, d in Array(repeating: u, count: d.count) }
            // One unit of work per pair-epoch, charged up front (as more and train_ensemble).
            try call.interpreter.chargeWork(options.epochs * ids.count)
            try model.fit(chosen: try Tensor.concat(data.map(\.chosen)), rejected: try Tensor.concat(data.map(\.rejected)), users: ids, options: options)
            return .native(NativeBox(PalObject(model)))
        }
    }
}
