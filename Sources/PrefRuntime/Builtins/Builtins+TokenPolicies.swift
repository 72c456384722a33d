import PrefCore
import PrefLanguage
import PrefLearn

/// `token_policy` and the token-policy cases of `reference` and `logps`.
enum TokenPolicyBuiltins {
    static var tokenPolicy: Builtin {
        Builtin("token_policy", [
            BuiltinParameter("source", doc: "a token-view toy world: toy_world(view: \"token\", …)"),
            BuiltinParameter("vocab", default: Value.none, doc: "V, the tokens besides EOS (≥ the world's); none: the world's vocabulary"),
            BuiltinParameter("hidden", .int, default: .number(64), doc: "H, the tanh layer's units, 1…4096"),
            BuiltinParameter("context", .int, default: .number(1), doc: "C, the previous tokens the next one depends on, 1…16"),
            BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 for the initial weights; none: the session seed"),
            BuiltinParameter("dtype", .string, default: .str("f64"), doc: "\"f64\" or \"f32\" parameters"),
        ], category: "policies",
        doc: "A tiny autoregressive policy over the world's token sequences (spec §9.1): h_t = tanh(x·W_x + Σ_{j≤C} E_j[y_{t−j}] + b₁) "
            + "(BOS before the start), p(·|x, y_<t) = softmax(h_t·W₂ + b₂) over the V tokens and EOS, so log π(y|x) = Σ_t log p(y_t|…) "
            + "+ log p(EOS|…) is exact and sequences of every length share one distribution. W_x, E ~ N(0, 1/(d_x + C)), W₂ ~ N(0, 1/H), "
            + "biases 0. Members: parameters, vocab, hidden, context, frozen; methods sample(n, seed:, max_length:), token_logps(data), "
            + "pair_logps(data), best_leaf(lists). reference(tp), logps(tp, pairs) and fit(tp, pairs, loss) work as for candidate policies.",
        example: "let w = toy_world(seed: 1, view: \"token\", prompts: 8, candidates: 4)\nlet tp = token_policy(w, hidden: 16)\nlogps(tp, w.pairs(3))") { call in
            guard case .native(let n) = call[0], let world = n.object as? ToyWorldObject else {
                if case .native(let n) = call[0], n.object is DatasetObject {
                    throw call.error("a dataset has no token sequences to model", hint: "build the policy on a toy world: token_policy(toy_world(view: \"token\"))")
                }
                throw call.typeError(0, expected: "a token-view toy world", hint: "token_policy(toy_world(seed: 1, view: \"token\"))")
            }
            let w = world.world
            guard w.config.view == .token else {
                throw call.error("the world has the candidate view: its candidates have no tokens",
                                 hint: "make it with toy_world(view: \"token\", …), or use candidate_policy(w)")
            }
            let vocab = try call.optionalInt(1) ?? w.config.vocabulary
            guard (w.config.vocabulary...4096).contains(vocab) else {
                throw call.error("vocab must be \(w.config.vocabulary)…4096 (the world's tokens are 0..<\(w.config.vocabulary)), got \(vocab)",
                                 hint: "leave vocab out to use the world's vocabulary")
            }
            let hidden = try call.whole(call[2], "hidden")
            guard (1...4096).contains(hidden) else { throw call.error("hidden must be 1…4096, got \(hidden)") }
            let context = try call.whole(call[3], "context")
            guard (1...16).contains(context) else { throw call.error("context must be 1…16, got \(context)") }
            let seed = try call.optionalInt(4) ?? Int(call.session?.seed ?? 0)
            guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
            let dtype: DType = try call.choice(5, ["f64", "f32"]) == "f32" ? .f32 : .f64
            let x = try Tensor(w.promptFeatures, shape: [w.config.totalPrompts, w.config.promptDim], dtype: .f64)
            let policy = try TokenPolicy(vocabulary: vocab, promptFeatures: x, hidden: hidden, context: context, seed: UInt64(seed),
                                         origin: "\(w.config)", dtype: dtype)
            return .native(NativeBox(TokenPolicyObject(policy, world: w)))
        }
    }

    /// The token policy argument `i`, or nil for any other value.
    static func argument(_ call: BuiltinCall, _ i: Int) -> TokenPolicyObject? {
        guard case .native(let n) = call[i] else { return nil }
        return n.object as? TokenPolicyObject
    }

    /// reference(tp): a frozen copy.
    static func reference(_ p: TokenPolicyObject) -> Value {
        let frozen = p.policy.frozen()
        return .native(NativeBox(TokenPolicyObject(frozen, world: p.world, initial: frozen)))
    }

    /// logps(tp, pairs, reference): exact sequence log-probs (with EOS) of chosen and rejected
    /// under the policy and the reference, with the lengths ℓ (tokens, EOS not counted).
    static func logps(_ p: TokenPolicyObject, _ call: BuiltinCall) throws -> Value {
        let ref = try p.reference(call, 2)
        let data = try call.dataset(1)
        let pairs = try TokenPairs(data, policy: p, call: call)
        let batch = try pairs.batch(vocabulary: p.policy.vocabulary)
        let pi = try p.policy.evaluate { t throws(TensorError) in try p.policy.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
        let pr = try ref.evaluate { t throws(TensorError) in try ref.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
        let b = pairs.count
        let rows = (0..<b).map { r in
            LogpsRow(policyChosen: pi[r], policyRejected: pi[b + r], refChosen: pr[r], refRejected: pr[b + r],
                     chosenLength: Double(pairs.chosen[r].count), rejectedLength: Double(pairs.rejected[r].count))
        }
        return DatasetObject.value(Dataset(.logps(rows), provenance: data.provenance, features: data.features))
    }
}
