import PrefCore
import PrefLanguage
import PrefLearn

/// `more(datasets, …)`, `moe_reward(world, data, …)` and `density_ratio(a, b)`.
enum MoreRewardBuiltins {
    static let worldDoc = "the toy world the data's ids name; none: ids are not looked up"

    /// A toy world argument (none allowed when `optional`).
    static func world(_ call: BuiltinCall, _ i: Int, optional: Bool) throws -> ToyWorld? {
        if optional, case .none = call[i] { return nil }
        guard case .native(let n) = call[i], let w = n.object as? ToyWorldObject else {
            throw call.typeError(i, expected: optional ? "a toy world or none" : "a toy world", hint: "toy_world(seed: 1)")
        }
        return w.world
    }

    static var more: Builtin {
        Builtin("more", [
            BuiltinParameter("datasets", .list, doc: "T pairs datasets (annotator pools) with chosen / rejected features"),
            BuiltinParameter("weighting", .string, default: .str("mgda"), doc: "\"mgda\" (MORE's min-norm weights) or \"uniform\" (λ = 1/T: plain mixing)"),
            BuiltinParameter("kind", .string, default: .str("linear"), doc: "\"linear\" or \"mlp\" reward model"),
            BuiltinParameter("hidden", .int, default: .number(32), doc: "the MLP's hidden units"),
            BuiltinParameter("normalize", .string, default: .str("none"), doc: "gradient normalisation before the min-norm step: \"none\", \"l2\" or \"loss\""),
            BuiltinParameter("alpha", .number, default: .number(1), doc: "EMA rate of the task gradients, (0, 1]; 1: no smoothing"),
            RichRewardArguments.epochs(), RichRewardArguments.lr(), RichRewardArguments.seed,
            BuiltinParameter("world", default: Value.none, doc: worldDoc),
        ], category: "richer rewards",
        doc: "A Bradley–Terry reward model trained on a mixture of T preference datasets with MORE's weighting (Zeng et al. 2023; "
            + "spec §5.2): each full-batch epoch takes the per-dataset gradients g_t of the ranking loss with respect to the reward head, "
            + "λ = argmin_{λ∈Δ^T} ‖Σ_t λ_t g_t‖² (Frank–Wolfe), and steps Adam on T·Σ_t λ_t S_t / N (S_t the sum of dataset t's pair losses, "
            + "N all pairs). Returns a reward (kind \"more\") with task_weights ([epochs, T]), history, accuracy(data) and ece(data, bins:).",
        example: "let w = toy_world(seed: 1)\nlet r = more([w.pairs(300, group: g) for g in 0..<3], epochs: 100)\nr.ece(w.pairs(500, group: \"gold\", split: \"test\"))") { call in
            guard case .list(let list) = call[0], !list.items.isEmpty, list.items.count <= 64 else {
                throw call.error("datasets must be a list of 1…64 pairs datasets")
            }
            let world = try Self.world(call, 9, optional: true)
            let tasks = try list.items.enumerated().map { i, v -> MoreTrainer.Task in
                guard case .native(let n) = v, let d = n.object as? DatasetObject else {
                    throw call.error("datasets[\(i)] must be a pairs dataset, got \(v.typeName)")
                }
                let (c, r) = try d.dataset.pairInputs(world: world)
                return try MoreTrainer.Task(chosen: c, rejected: r)
            }
            let dim = tasks[0].chosen.features.shape[1]
            if let bad = tasks.firstIndex(where: { $0.chosen.features.shape[1] != dim }) {
                throw call.error("datasets[\(bad)] has \(tasks[bad].chosen.features.shape[1]) features per response, datasets[0] has \(dim)")
            }
            var options = MoreTrainer.Options()
            options.weighting = MoreTrainer.Weighting(rawValue: try call.choice(1, MoreTrainer.Weighting.allCases.map(\.rawValue))) ?? .mgda
            let kind = RewardModel.Kind(rawValue: try call.choice(2, RewardModel.Kind.allCases.map(\.rawValue))) ?? .linear
            let hidden = try RichRewardArguments.count(call, 3, 1...4096)
            options.normalization = MoreTrainer.Normalization(rawValue: try call.choice(4, MoreTrainer.Normalization.allCases.map(\.rawValue))) ?? .none
            options.alpha = call.number(5)
            guard options.alpha.isFinite, options.alpha > 0, options.alpha <= 1 else {
                throw call.error("alpha must be in (0, 1], got \(Value.format(number: options.alpha))")
            }
            options.fit = try RichRewardArguments.options(call, 6)
            // One unit of work per pair-epoch, charged up front (as train_ensemble).
            try call.interpreter.chargeWork(options.fit.epochs * tasks.reduce(0) { $0 + $1.chosen.count })
            let model = try RewardModel(kind, inputDim: dim, hidden: hidden, seed: try RichRewardArguments.seed(call, 8))
            return RewardObject.value(try MoreReward(model, tasks: tasks, options: options), world: world)
        }
    }

    /// Candidate ids of a toy-world pairs dataset, checked against `world`.
    static func pairs(_ call: BuiltinCall, _ v: Value, world: ToyWorld, what: String) throws -> MoERewardModel.Pairs {
        guard case .native(let n) = v, let d = n.object as? DatasetObject else {
            throw call.error("\(what) must be a pairs dataset of the world, got \(v.typeName)")
        }
        let (c, r) = try d.dataset.pairInputs(world: world)
        guard let ci = c.ids, let ri = r.ids else {
            throw call.error("\(what) has no chosen_id / rejected_id features", hint: "use toy-world pairs, e.g. w.pairs(n)")
        }
        return try MoERewardModel.Pairs(chosen: ci, rejected: ri)
    }

    static var moeReward: Builtin {
        Builtin("moe_reward", [
            BuiltinParameter("world", doc: "the toy world (its prompt features feed the router; its clusters are the tasks)"),
            BuiltinParameter("data", doc: "overall preference pairs of the world (chosen_id / rejected_id)"),
            BuiltinParameter("capabilities", default: Value.none, doc: "one pairs dataset per capability expert (phase 2), or none: experts train jointly with the combiners"),
            BuiltinParameter("experts", .int, default: .number(4), doc: "C, capability experts per task (the length of capabilities when given)"),
            BuiltinParameter("hidden", .int, default: .number(8), doc: "hidden tanh units of each task's combiner"),
            RichRewardArguments.epochs(), RichRewardArguments.lr(), RichRewardArguments.seed,
        ], category: "richer rewards",
        doc: "A DMoERM-style double-layer mixture-of-experts reward (Quan 2024; spec §5.3): a top-1 router τ(x) = argmax(x W_r + b_r) "
            + "over the world's prompt clusters (tasks), C linear capability experts e_{t,c}(y) = q·w_{t,c} + b_{t,c} per task, and a "
            + "per-task MLP combiner r = w₂·tanh(W₁e_τ + b₁) + b₂. Phases (full-batch Adam): the router by cross-entropy on c(x); each "
            + "expert on its capability's pairs (when given); the combiners (and unpretrained experts) on the overall pairs. Returns a "
            + "reward (kind \"moe\") with tasks, capabilities, history {router, experts, combiner}, route(ids), accuracy(data), ece(data).",
        example: "let w = toy_world(seed: 1)\nlet r = moe_reward(w, w.pairs(1000), epochs: 100)\nr.accuracy(w.pairs(500, split: \"test\"))") { call in
            guard let world = try Self.world(call, 0, optional: false) else { throw call.typeError(0, expected: "a toy world") }
            let overall = try pairs(call, call[1], world: world, what: "data")
            var capabilityData = [MoERewardModel.Pairs]()
            if case .list(let list) = call[2] {
                capabilityData = try list.items.enumerated().map { i, v in try pairs(call, v, world: world, what: "capabilities[\(i)]") }
                guard (1...64).contains(capabilityData.count) else { throw call.error("capabilities must list 1…64 datasets") }
            } else if case .none = call[2] {} else {
                throw call.typeError(2, expected: "a list of pairs datasets or none")
            }
            let experts = capabilityData.isEmpty ? try RichRewardArguments.count(call, 3, 1...64) : capabilityData.count
            let hidden = try RichRewardArguments.count(call, 4, 1...1024)
            let options = try RichRewardArguments.options(call, 5)
            let model = try MoERewardModel(world: world, capabilities: experts, hidden: hidden, seed: try RichRewardArguments.seed(call, 7))
            // One unit of work per pair-epoch of every phase, charged up front (as train_ensemble).
            try call.interpreter.chargeWork(options.epochs * (overall.chosen.count + capabilityData.reduce(0) { $0 + $1.chosen.count }))
            try model.fit(overall: overall, capabilityData: capabilityData, options: options)
            return RewardObject.value(model, world: world)
        }
    }

    static var densityRatio: Builtin {
        Builtin("density_ratio", [
            BuiltinParameter("policy_a", doc: "the numerator policy π_a (e.g. a trained candidate policy)"),
            BuiltinParameter("policy_b", doc: "the denominator policy π_b over the same candidates (e.g. reference(π) before training)"),
            BuiltinParameter("beta", .number, default: .number(1), doc: "β scaling the log-ratio, > 0"),
        ], category: "richer rewards",
        doc: "The density-ratio reward r(x, y) = β(log π_a(y|x) − log π_b(y|x)), exact over each prompt's candidates; both policies are "
            + "frozen as they are now. With π_a tuned on preferences and π_b its reference it is DPO's implicit reward (Rafailov et al. "
            + "2023). Scores toy-world candidates (datasets with ids, w.train / w.test); a reward of kind \"density_ratio\".",
        example: "let w = toy_world(seed: 1, candidates: 8)\nlet pi = candidate_policy(w)\nlet ref = reference(pi)\nfit(pi, w.pairs(500), dpo(), lr: 0.05)\n"
            + "let r = density_ratio(pi, ref, beta: 0.1)\nr.accuracy(w.pairs(200, split: \"test\"))") { call in
            let a = try PolicyMethods.policyArgument(call, 0), b = try PolicyMethods.policyArgument(call, 1)
            guard a.policy.source.origin == b.policy.source.origin, a.policy.source.psi.shape == b.policy.source.psi.shape else {
                throw call.error("policy_a and policy_b range over different worlds or candidate sets",
                                 hint: "compare a policy with reference(policy) or another policy of the same world")
            }
            let beta = call.number(2)
            guard beta.isFinite, beta > 0, beta <= 1e6 else { throw call.error("beta must be a number in (0, 1e6], got \(Value.format(number: beta))") }
            return RewardObject.value(try DensityRatioReward(a.policy, b.policy, beta: beta), world: a.world)
        }
    }
}
