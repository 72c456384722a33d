import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Model merging and soups (issue 11 item 4): `merge`.
    static var merging: [Builtin] { [MergeBuiltin.builtin] }
}

/// `merge`: a new model whose parameters interpolate those of models of one architecture
/// (candidate policies of one world and kind, or reward models of one kind and input).
enum MergeBuiltin {
    static var builtin: Builtin {
        Builtin("merge", [
            BuiltinParameter("models", doc: "a list of candidate policies (same world, kind and hidden size), token policies (same world, vocab, hidden size and context) or reward models (same kind, view, input and hidden size)"),
            BuiltinParameter("weights", default: Value.none, doc: "linear: one finite weight per model (rewarded soups use convex weights); none: the uniform average"),
            BuiltinParameter("t", default: Value.none, doc: "the interpolation point, 0 (the first model) … 1 (the second), for two models; linear takes it as weights [1 − t, t]"),
            BuiltinParameter("method", .string, default: .str("linear"), doc: "\"linear\" (Σ λ_i θ_i) or \"slerp\" (spherical, two models, per parameter tensor)"),
        ], category: "training",
        doc: "Merges models by their parameters: linear θ = Σ_i λ_i θ_i (model soups, Wortsman et al. 2022; rewarded soups, Ramé et al. 2023: "
            + "interpolating policies fine-tuned on different rewards traces a front of those rewards) or, for two models, SLERP per parameter "
            + "tensor, θ = sin((1 − t)Ω)/sin Ω · a + sin(tΩ)/sin Ω · b with cos Ω = ⟨a, b⟩/(‖a‖‖b‖) (linear when |cos Ω| > 0.9995, MergeKit's "
            + "rule). Returns a new model; a merged policy keeps the first model's reference (the policy as built). Models of different "
            + "architectures or worlds are an error.",
        example: "let w = toy_world(seed: 1, candidates: 8)\nlet a = candidate_policy(w)\nlet b = candidate_policy(w)\n"
            + "fit(b, w.pairs(256), dpo(), lr: 0.05)\nlet m = merge([a, b], t: 0.5)\nmean(m.expected_gold())") { call in
            guard case .list(let list) = call[0], list.items.count >= 1 else {
                throw call.typeError(0, expected: "a non-empty list of policies or reward models")
            }
            let models = list.items
            let method = try call.choice(3, ["linear", "slerp"])
            let weights = try weights(call, count: models.count, slerp: method == "slerp")
            func merged(_ tensors: [[Double]]) -> [Double] {
                method == "slerp" ? ParameterMerge.slerp(tensors[0], tensors[1], t: weights[1]) : ParameterMerge.linear(tensors, weights: weights)
            }
            if case .native(let n) = models[0], n.object is PolicyObject {
                return try mergePolicies(models, call: call, merged)
            }
            if case .native(let n) = models[0], n.object is RewardObject {
                return try mergeRewards(models, call: call, merged)
            }
            if case .native(let n) = models[0], n.object is TokenPolicyObject {
                return try mergeTokenPolicies(models, call: call, merged)
            }
            throw call.error("models[0] is a \(models[0].typeName); merge takes candidate policies, token policies or reward models",
                             hint: "e.g. merge([pi_a, pi_b], t: 0.5)")
        }
    }

    /// λ from weights: or t:, validated; slerp needs two models and t in 0…1.
    static func weights(_ call: BuiltinCall, count: Int, slerp: Bool) throws -> [Double] {
        var t: Double?
        switch call[2] {
        case .none: break
        case .number(let x) where x.isFinite: t = x
        default: throw call.error("t must be a finite number")
        }
        if slerp {
            guard count == 2 else { throw call.error("slerp merges two models, got \(count)", hint: "use method: \"linear\" with weights: for more") }
            guard case .none = call[1] else { throw call.error("slerp takes t:, not weights:") }
            guard let t, (0...1).contains(t) else { throw call.error("slerp needs t: in 0…1") }
            return [1 - t, t]
        }
        if let t {
            guard count == 2 else { throw call.error("t: interpolates two models, got \(count)", hint: "give weights: for \(count) models") }
            guard case .none = call[1] else { throw call.error("give either t: or weights:, not both") }
            return [1 - t, t]
        }
        switch call[1] {
        case .none: return Array(repeating: 1 / Double(count), count: count)
        case .list(let l):
            guard l.items.count == count else { throw call.error("\(l.items.count) weights for \(count) models", hint: "one weight per model") }
            return try l.items.enumerated().map { i, v in
                guard case .number(let x) = v, x.isFinite else { throw call.error("weights[\(i)] must be a finite number, got \(v.typeName)") }
                return x
            }
        default: throw call.typeError(1, expected: "none or a list of numbers")
        }
    }

    static func mergePolicies(_ models: [Value], call: BuiltinCall, _ merged: ([[Double]]) -> [Double]) throws -> Value {
        let policies = try models.enumerated().map { i, v -> PolicyObject in
            guard case .native(let n) = v, let p = n.object as? PolicyObject else {
                throw call.error("models[\(i)] is a \(v.typeName), not a policy", hint: "merge models of one kind")
            }
            return p
        }
        let first = policies[0].policy
        for (i, o) in policies.enumerated().dropFirst() {
            let p = o.policy
            guard p.source.origin == first.source.origin, p.source.psi.shape == first.source.psi.shape else {
                throw call.error("models[\(i)] ranges over a different world or candidate set than models[0]", hint: "merge policies of one world")
            }
            guard p.kind == first.kind, p.parameters.map(\.shape) == first.parameters.map(\.shape) else {
                func describe(_ q: CandidatePolicy) -> String { q.kind == .mlp ? "mlp (hidden \(q.hidden))" : q.kind.rawValue }
                throw call.error("models[\(i)] has kind \(describe(p)), models[0] kind \(describe(first)): merge needs one architecture",
                                 hint: "merge policies built alike: candidate_policy(w, kind: …, hidden: …)")
            }
        }
        if let i = policies.indices.dropFirst().first(where: { policies[$0].policy.goal != first.goal }) {
            throw call.error("models[\(i)] and models[0] differ in goal conditioning", hint: "merge policies built alike: candidate_policy(w, goal: …)")
        }
        if policies.contains(where: { $0.fixedGoal != nil }) {
            throw call.error("merge the goal-conditioned policies themselves, not their views at a goal", hint: "drop .at(goal: …)")
        }
        let out = try CandidatePolicy(first.kind, source: first.source, hidden: max(first.hidden, 1), goal: first.goal)
        for (j, q) in out.parameters.enumerated() {
            let values = merged(policies.map { $0.policy.parameters[j].value.to(.f64).scalars })
            q.value = try Tensor(values, shape: q.shape, dtype: q.dtype)
        }
        return .native(NativeBox(PolicyObject(out, world: policies[0].world, initial: policies[0].initial)))
    }

    static func mergeTokenPolicies(_ models: [Value], call: BuiltinCall, _ merged: ([[Double]]) -> [Double]) throws -> Value {
        let policies = try models.enumerated().map { i, v -> TokenPolicyObject in
            guard case .native(let n) = v, let p = n.object as? TokenPolicyObject else {
                throw call.error("models[\(i)] is a \(v.typeName), not a token policy", hint: "merge models of one kind")
            }
            return p
        }
        let first = policies[0].policy
        for (i, o) in policies.enumerated().dropFirst() {
            guard o.policy.origin == first.origin, o.policy.parameters.map(\.shape) == first.parameters.map(\.shape) else {
                throw call.error("models[\(i)] has another world, vocab, hidden size or context than models[0]: merge needs one architecture",
                                 hint: "merge token policies built alike on one world")
            }
        }
        let out = try TokenPolicy(vocabulary: first.vocabulary, promptFeatures: first.promptFeatures, hidden: first.hidden,
                                  context: first.context, seed: 0, origin: first.origin, dtype: first.dtype)
        for (j, q) in out.parameters.enumerated() {
            let values = merged(policies.map { $0.policy.parameters[j].value.to(.f64).scalars })
            q.value = try Tensor(values, shape: q.shape, dtype: q.dtype)
        }
        return .native(NativeBox(TokenPolicyObject(out, world: policies[0].world, initial: policies[0].initial)))
    }

    static func mergeRewards(_ models: [Value], call: BuiltinCall, _ merged: ([[Double]]) -> [Double]) throws -> Value {
        let rms = try models.enumerated().map { i, v -> (RewardModel, RewardObject) in
            guard case .native(let n) = v, let r = n.object as? RewardObject else {
                throw call.error("models[\(i)] is a \(v.typeName), not a reward model", hint: "merge models of one kind")
            }
            guard let m = r.reward as? RewardModel else {
                throw call.error("models[\(i)] is a \(r.kind) reward; merge takes learned reward models (reward_model(…))",
                                 hint: "for ensembles of rewards use ensemble(…) or the reward algebra")
            }
            return (m, r)
        }
        let first = rms[0].0
        for (i, (m, _)) in rms.enumerated().dropFirst() {
            guard m.kind == first.kind, m.view == first.view, m.inputDim == first.inputDim, m.parameters.map(\.shape) == first.parameters.map(\.shape) else {
                throw call.error("models[\(i)] (\(m.summary)) has another architecture than models[0] (\(first.summary))",
                                 hint: "merge reward models of one kind, view, input and hidden size")
            }
        }
        let out = try RewardModel(first.kind, view: first.view, inputDim: first.inputDim, hidden: max(first.hidden, 1), seed: first.seed, world: first.world)
        for (j, q) in out.parameters.enumerated() {
            let values = merged(rms.map { $0.0.parameters[j].value.to(.f64).scalars })
            q.value = try Tensor(values, shape: q.shape, dtype: q.dtype)
        }
        return RewardObject.value(out, world: rms[0].1.world)
    }
}
