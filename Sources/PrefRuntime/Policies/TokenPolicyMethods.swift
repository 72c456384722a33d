import PrefCore
import PrefLanguage
import PrefLearn

/// A token policy's methods, each a builtin bound to it: `tp.sample(n, seed:, max_length:)`,
/// `tp.token_logps(data)` and `tp.pair_logps(data)`. Inside `grad` the policy's log-probs are
/// recorded, so `grad(fn() -mean(tp.pair_logps(d)), wrt: tp.parameters)` differentiates through it.
enum TokenPolicyMethods {
    static let names = ["sample", "token_logps", "pair_logps", "masks", "gold_kl", "best_leaf"]

    static func bound(_ name: String, to object: TokenPolicyObject) -> Value? {
        guard let method = method(name, object) else { return nil }
        return .builtin(BuiltinBox(method))
    }

    static let data = BuiltinParameter("data", doc: "a pairs dataset of the policy's world (chosen_id / rejected_id)")
    static let reference = BuiltinParameter("reference", default: Value.none, doc: "a token policy; none: the policy as built")

    private static func method(_ name: String, _ o: TokenPolicyObject) -> Builtin? {
        switch name {
        case "sample": sample(o)
        case "token_logps": tokenLogps(o)
        case "pair_logps": pairLogps(o)
        case "masks": masks(o)
        case "gold_kl": goldKL(o)
        case "best_leaf": bestLeaf(o)
        default: nil
        }
    }

    static func sample(_ o: TokenPolicyObject) -> Builtin {
        Builtin("sample", [BuiltinParameter("n", .int, doc: "sequences per prompt"),
                           BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0; none: 0"),
                           BuiltinParameter("max_length", default: Value.none, doc: "1…4096 tokens at most; none: the world's max_length"),
                           PolicyMethods.split],
                category: "policies",
                doc: "n sequences per prompt of the split drawn autoregressively from π(·|x), ending at EOS or cut at max_length: "
                    + "a record {prompts: [N], tokens: [N, max_length] (−1 after the end), lengths: [N]}, N = prompts × n, prompt-major.") { call in
            let n = try call.whole(call[0], "n")
            let seed = try call.optionalInt(1) ?? 0
            guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
            let limit = try call.optionalInt(2) ?? o.world.config.maxLength
            guard (1...4096).contains(limit) else { throw call.error("max_length must be 1…4096, got \(limit)") }
            let split = ToyWorld.Split(rawValue: try call.choice(3, ToyWorld.Split.allCases.map(\.rawValue))) ?? .train
            let prompts = Array(o.world.prompts(split))
            guard n >= 1, n <= Shape.maxElements / (max(prompts.count, 1) * limit) else {
                throw call.error("n must be 1…\(Shape.maxElements / (max(prompts.count, 1) * limit)), got \(n)")
            }
            let each = prompts.flatMap { [Int](repeating: $0, count: n) }
            let seqs = try o.policy.sample(prompts: each, maxLength: limit, seed: UInt64(seed))
            var tokens = [Double](repeating: -1, count: each.count * limit)
            for (r, s) in seqs.enumerated() { for (t, y) in s.enumerated() { tokens[r * limit + t] = Double(y) } }
            return .record(RecordBox([
                ("prompts", TensorValues.wrap(Tensor(each.map(Double.init), dtype: .f64))),
                ("tokens", TensorValues.wrap(try Tensor(tokens, shape: [each.count, limit], dtype: .f64))),
                ("lengths", TensorValues.wrap(Tensor(seqs.map { Double($0.count) }, dtype: .f64))),
            ]))
        }
    }

    static func tokenLogps(_ o: TokenPolicyObject) -> Builtin {
        Builtin("token_logps", [data, reference], category: "policies",
                doc: "Per-token log-probs of the pairs' chosen and rejected sequences, log p(y_t | x, y_<t) at t < ℓ and log p(EOS | x, y) "
                    + "at t = ℓ, 0 after: the token record of sparse_po — {chosen_logps, rejected_logps, ref_chosen_logps, "
                    + "ref_rejected_logps, chosen_mask, rejected_mask: [B, T+1] (mask 1 at t ≤ ℓ), chosen_lengths, rejected_lengths: [B]}. "
                    + "chosen_logps and rejected_logps are differentiable inside grad.") { call in
            let ref = try o.reference(call, 1)
            let pairs = try TokenPairs(try call.dataset(0), policy: o, call: call)
            guard pairs.count > 0 else { throw call.error("the data has no pairs") }
            let batch = try pairs.batch(vocabulary: o.policy.vocabulary)
            let (tape, leaves) = o.leaves(call)
            let lp = try o.policy.tokenLogProbs(batch, tape: tape, leaves: leaves)
            let lr = try ref.evaluate { t throws(TensorError) in try ref.tokenLogProbs(batch, tape: t) }.to(.f64)
            let b = pairs.count
            let mask = try batch.mask(.f64)
            func half(_ t: Tensor, _ first: Bool) throws -> Value {
                TensorValues.wrap(try t.slice(axis: 0, start: first ? 0 : b, end: first ? b : 2 * b))
            }
            return .record(RecordBox([
                ("chosen_logps", try PolicyTape.value(try lp.slice(axis: 0, start: 0, end: b), call: call)),
                ("rejected_logps", try PolicyTape.value(try lp.slice(axis: 0, start: b, end: 2 * b), call: call)),
                ("ref_chosen_logps", try half(lr, true)), ("ref_rejected_logps", try half(lr, false)),
                ("chosen_mask", try half(mask, true)), ("rejected_mask", try half(mask, false)),
                ("chosen_lengths", TensorValues.wrap(Tensor(pairs.chosen.map { Double($0.count) }, dtype: .f64))),
                ("rejected_lengths", TensorValues.wrap(Tensor(pairs.rejected.map { Double($0.count) }, dtype: .f64))),
            ]))
        }
    }

    static func pairLogps(_ o: TokenPolicyObject) -> Builtin {
        Builtin("pair_logps", [data], category: "policies",
                doc: "log π(y|x) = Σ_t log p(y_t | x, y_<t) + log p(EOS | x, y) of the pairs' chosen and rejected sequences, a [B, 2] "
                    + "tensor (column 0 chosen, 1 rejected); differentiable inside grad.") { call in
            let pairs = try TokenPairs(try call.dataset(0), policy: o, call: call)
            guard pairs.count > 0 else { throw call.error("the data has no pairs") }
            let batch = try pairs.batch(vocabulary: o.policy.vocabulary)
            let (tape, leaves) = o.leaves(call)
            let seq = try o.policy.sequenceLogProbs(batch, tape: tape, leaves: leaves)
            return try PolicyTape.value(try seq.reshaped([2, pairs.count]).transposed(), call: call)
        }
    }
}
