import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Policies (issue 6 item 1): `candidate_policy`, `token_policy`, `reference`, `logps`, `candidate_pairs`.
    static var policies: [Builtin] {
        [PolicyBuiltins.candidatePolicy, TokenPolicyBuiltins.tokenPolicy, PolicyBuiltins.reference, PolicyBuiltins.logps, CandidatePairsBuiltin.builtin]
    }
}

/// The policy builtins; the policy's members are in `Policies/`.
enum PolicyBuiltins {
    static var candidatePolicy: Builtin {
        Builtin("candidate_policy", [
            BuiltinParameter("source", doc: "a toy world (ψ(x, k) = [q, ℓ, onehot(ℓ), x ⊗ q] of each prompt's candidates) or a [P, K, D] tensor of candidate features"),
            BuiltinParameter("kind", .string, default: .str("loglinear"), doc: "\"loglinear\" (θ·ψ) or \"mlp\" (w₂·tanh(W₁ψ + b₁))"),
            BuiltinParameter("hidden", .int, default: .number(16), doc: "H, the MLP's hidden units (mlp only)"),
            BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 for the MLP's initial weights; none: the session seed"),
            BuiltinParameter("dtype", .string, default: .str("f64"), doc: "\"f64\" or \"f32\" parameters and features"),
            BuiltinParameter("gold", default: Value.none,
                             doc: "tensor source: the [P, K] gold reward of each candidate (for expected_gold and evaluate's gold and win rate); none: no gold"),
            BuiltinParameter("lengths", default: Value.none,
                             doc: "tensor source: the [P, K] length (whole numbers ≥ 1) of each candidate, for length-normalised losses; none: no lengths"),
            BuiltinParameter("goal", default: Value.none,
                             doc: "[low, high]: a goal-conditioned policy π(y|x, g) over target scores g in low…high, ψ_g = [ψ, φ(g)·ψ] with "
                                + "φ(g) = (g − low)/(high − low) (reward-augmented relabelling: train it on relabel(pairs), read it with p.at(goal: g)); none: a plain policy"),
            BuiltinParameter("goal_encoding", .string, default: .str("linear"),
                             doc: "how the goal enters: \"linear\" (ψ_g = [ψ, φ(g)·ψ], one set of goal weights scaled by φ(g)) or \"onehot\" "
                                + "(ψ_g = [ψ, e_g ⊗ ψ]: whole-number goals low…high, each with its own weights, like the paper's target-score token)"),
        ], category: "policies",
        doc: "A policy over each prompt's candidate set (spec §9.1): π_θ(k|x) = exp(s_θ(x, k)) / Σ_j exp(s_θ(x, j)), exact over the K "
            + "candidates, with s_θ = θ·ψ(x, k) (loglinear; θ starts at 0, the uniform policy) or w₂·tanh(W₁ψ + b₁) (mlp; W₁, w₂ ~ "
            + "N(0, 1/fan_in)). Members: parameters, kind, hidden, frozen; methods kl(ref), expected_gold(), sample(n, seed:), logprobs() "
            + "(kl, expected_gold and logprobs are differentiable inside grad with respect to p.parameters). With goal: the scores add "
            + "φ(g)·θ_g·ψ (mlp: φ(g)·W_gψ inside the tanh), or with goal_encoding: \"onehot\" θ_g·ψ with one θ_g per whole-number goal; "
            + "the goal weights are 0 at first, so the fresh goal policy is the plain one at every goal.",
        example: "let w = toy_world(seed: 1, candidates: 8)\nlet pi = candidate_policy(w)\nlet ref = reference(pi)\nmean(pi.kl(ref))") { call in
            if case .tensor(let box) = call[0] { return try tensorSource(call, box) }
            for i in 5...6 {
                if case .none = call[i] { continue }
                throw call.error("\(call.builtin.parameters[i].name) is for a tensor source; a toy world knows its own", hint: "drop \(call.builtin.parameters[i].name):")
            }
            guard case .native(let n) = call[0], let world = n.object as? ToyWorldObject else {
                if case .native(let n) = call[0], n.object is DatasetObject {
                    throw call.error("a dataset has no candidate sets to normalise over", hint: "build the policy on a toy world: candidate_policy(toy_world(…))")
                }
                throw call.typeError(0, expected: "a toy world", hint: "candidate_policy(toy_world(seed: 1))")
            }
            let (kind, hidden, seed) = try options(call)
            let dtype: DType = try call.choice(4, ["f64", "f32"]) == "f32" ? .f32 : .f64
            let w = world.world
            guard Double(w.config.totalPrompts) * Double(w.config.candidates) * Double(w.psiDim) <= Double(Shape.maxElements) else {
                throw call.error("ψ of \(w.config.totalPrompts * w.config.candidates) candidates × \(w.psiDim) is too large", hint: "use fewer prompts or candidates")
            }
            let policy = try CandidatePolicy(kind, source: try w.candidateFeatures(dtype: dtype), hidden: hidden, seed: seed, goal: try PolicyGoal.range(call, 7))
            return .native(NativeBox(PolicyObject(policy, world: w)))
        }
    }

    /// kind, hidden and seed, checked.
    static func options(_ call: BuiltinCall) throws -> (CandidatePolicy.Kind, Int, UInt64) {
        let kind = CandidatePolicy.Kind(rawValue: try call.choice(1, CandidatePolicy.Kind.allCases.map(\.rawValue))) ?? .loglinear
        let hidden = try call.whole(call[2], "hidden")
        guard (1...4096).contains(hidden) else { throw call.error("hidden must be 1…4096, got \(hidden)") }
        let seed = try call.optionalInt(3) ?? Int(call.session?.seed ?? 0)
        guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
        return (kind, hidden, UInt64(seed))
    }

    /// A policy over given features ψ, a [P, K, D] tensor: candidate id p·K + k, with the
    /// optional gold reward and lengths of each candidate.
    static func tensorSource(_ call: BuiltinCall, _ box: TensorBox) throws -> Value {
        let t = try TensorValues.tensor(box)
        guard t.rank == 3 else {
            throw call.error("candidate features must be a [P, K, D] tensor, not \(t.shape)", hint: "one row of D features per candidate of each prompt")
        }
        let dtype: DType = try call.choice(4, ["f64", "f32"]) == "f32" ? .f32 : .f64
        let (kind, hidden, seed) = try options(call)
        let (p, k) = (t.shape[0], t.shape[1])
        func perCandidate(_ i: Int) throws -> [Double]? {
            if case .none = call[i] { return nil }
            let v = try TensorLiteral.tensor(call[i], dtype: .f64, op: "candidate_policy")
            guard v.shape.dims == [p, k] else {
                throw call.error("\(call.builtin.parameters[i].name) must be [\(p), \(k)] (one number per candidate), not \(v.shape)")
            }
            guard v.scalars.allSatisfy(\.isFinite) else { throw call.error("\(call.builtin.parameters[i].name) must be finite") }
            return v.scalars
        }
        let gold = try perCandidate(5).map { try Tensor($0, shape: [p, k], dtype: .f64) }
        let lengths = try perCandidate(6).map { ls in
            try ls.map { l -> Int in
                guard l == l.rounded(), l >= 1, l <= 1e6 else {
                    throw call.error("lengths must be whole numbers in 1…1000000, got \(Value.format(number: l))")
                }
                return Int(l)
            }
        }
        let source = try CandidateFeatures(psi: t.to(dtype), gold: gold, lengths: lengths, origin: "tensor \(ObjectIdentifier(box).hashValue)")
        let policy = try CandidatePolicy(kind, source: source, hidden: hidden, seed: seed, goal: try PolicyGoal.range(call, 7))
        return .native(NativeBox(PolicyObject(policy, world: nil)))
    }

    static var reference: Builtin {
        Builtin("reference", [BuiltinParameter("policy", doc: "a policy or token policy")], category: "policies",
                doc: "A frozen copy of a policy's current parameters: π_ref. It takes no gradient and has no parameters.",
                example: "let ref = reference(candidate_policy(toy_world(seed: 1)))") { call in
            if let tp = TokenPolicyBuiltins.argument(call, 0) { return TokenPolicyBuiltins.reference(tp) }
            let p = try PolicyMethods.policyArgument(call, 0)
            let frozen = p.policy.frozen()
            return .native(NativeBox(PolicyObject(frozen, world: p.world, initial: frozen)))
        }
    }

    static var logps: Builtin {
        Builtin("logps", [
            BuiltinParameter("policy", doc: "a policy or token policy"),
            BuiltinParameter("data", doc: "a pairs dataset with chosen_id / rejected_id features (e.g. w.pairs(n))"),
            BuiltinParameter("reference", default: Value.none, doc: "a policy; none: the policy as it was built (uniform for a fresh log-linear policy)"),
        ], category: "policies",
        doc: "The `logps` dataset of a policy on pairs: exact log π(y|x) and log π_ref(y|x) of chosen and rejected, with their lengths ℓ "
            + "from the world; the pairs' features are kept. The input of inspect(loss, …) and of every direct-alignment loss. For a token "
            + "policy log π(y|x) is the sequence log-prob including EOS and ℓ the number of tokens.",
        example: "let w = toy_world(seed: 1, candidates: 8)\nlet pi = candidate_policy(w)\ninspect(dpo(), logps(pi, w.pairs(4)))") { call in
            if let tp = TokenPolicyBuiltins.argument(call, 0) { return try TokenPolicyBuiltins.logps(tp, call) }
            let p = try PolicyMethods.policyArgument(call, 0)
            let ref: PolicyObject
            if case .none = call[2] { ref = PolicyObject(p.initial, world: p.world, initial: p.initial) } else {
                ref = try PolicyMethods.policyArgument(call, 2)
                try p.checkSameSource(ref, call: call)
            }
            let data = try call.dataset(1)
            let ids = try PolicyData.pairIds(data, policy: p, call: call)
            // A goal policy reads each row's goal (relabelled data) or its view's; so does a goal reference.
            let goals = try PolicyGoal.rows(data, policy: p, count: ids.count, call: call) ?? PolicyGoal.rows(data, policy: ref, count: ids.count, call: call)
            let pi = try p.policy.evaluate { t throws(TensorError) in try p.policy.logProbs(ids: ids, goals: goals, tape: t) }.to(.f64).scalars
            let pr = try ref.policy.evaluate { t throws(TensorError) in try ref.policy.logProbs(ids: ids, goals: goals, tape: t) }.to(.f64).scalars
            let lengths = p.policy.source.lengths
            let rows = ids.indices.map { r in
                LogpsRow(policyChosen: pi[2 * r], policyRejected: pi[2 * r + 1], refChosen: pr[2 * r], refRejected: pr[2 * r + 1],
                         chosenLength: lengths.map { Double($0[ids[r][0]]) }, rejectedLength: lengths.map { Double($0[ids[r][1]]) })
            }
            return DatasetObject.value(Dataset(.logps(rows), provenance: data.provenance, features: data.features))
        }
    }
}
