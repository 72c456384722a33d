import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

extension TokenPolicyMethods {
    /// `tp.gold_kl(n, seed:, split:, reference:)`: the reward-vs-KL point of a token policy by
    /// sampling, since its sequence space cannot be enumerated (spec §9.1 allows sampling).
    static func goldKL(_ o: TokenPolicyObject) -> Builtin {
        Builtin("gold_kl", [BuiltinParameter("n", .int, doc: "samples per prompt"),
                            BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0; none: 0"),
                            PolicyMethods.split, reference],
                category: "policies",
                doc: "Monte-Carlo gold and KL of the policy: n sequences per prompt of the split drawn from π (as tp.sample, cut at the "
                    + "world's max_length), gold = mean r*(y) (the world's gold of the tokens, spec §9.2) and kl = mean [log π(y|x) − "
                    + "log π_ref(y|x)], an unbiased estimate of KL(π‖π_ref) over the sequences (EOS counted when drawn; a cut sequence's "
                    + "probability is its prefix's, under both models); gold_se and kl_se are their standard errors. "
                    + "A record {gold, gold_se, kl, kl_se, samples}.") { call in
            let n = try call.whole(call[0], "n")
            let seed = try call.optionalInt(1) ?? 0
            guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
            let split = ToyWorld.Split(rawValue: try call.choice(2, ToyWorld.Split.allCases.map(\.rawValue))) ?? .train
            let ref = try o.reference(call, 3)
            let prompts = Array(o.world.prompts(split)), limit = o.world.config.maxLength
            guard !prompts.isEmpty else { throw call.error("the world has no \(split.rawValue) prompts") }
            guard n >= 1, n <= Shape.maxElements / (prompts.count * (limit + 1)) else {
                throw call.error("n must be 1…\(Shape.maxElements / (prompts.count * (limit + 1))), got \(n)")
            }
            let each = prompts.flatMap { [Int](repeating: $0, count: n) }
            let p = o.policy
            let sequences = try p.sample(prompts: each, maxLength: limit, seed: UInt64(seed))
            let gold = try o.world.sequenceGold(sequences)
            let batch = try TokenBatch(prompts: each, sequences: sequences, vocabulary: p.vocabulary)
            let lp = try p.evaluate { t throws(TensorError) in try p.tokenLogProbs(batch, tape: t) }.to(.f64).scalars
            let lr = try ref.evaluate { t throws(TensorError) in try ref.tokenLogProbs(batch, tape: t) }.to(.f64).scalars
            // A sequence cut at max_length drew no EOS: its probability is that of the prefix.
            let w = batch.width
            let kl = sequences.enumerated().map { r, s in
                let end = s.count < limit ? s.count : s.count - 1          // EOS at ℓ, or the last token of a cut sequence
                var sum = 0.0
                for t in stride(from: 0, through: end, by: 1) { sum += lp[r * w + t] - lr[r * w + t] }
                return sum
            }
            func meanSE(_ x: [Double]) -> (Double, Double) {
                let m = x.reduce(0, +) / Double(x.count)
                let v = x.count > 1 ? x.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(x.count - 1) : 0
                return (m, (v / Double(x.count)).squareRoot())
            }
            let (g, gse) = meanSE(gold), (k, kse) = meanSE(kl)
            return .record(RecordBox([
                ("gold", .number(g)), ("gold_se", .number(gse)), ("kl", .number(k)), ("kl_se", .number(kse)),
                ("samples", .number(Double(each.count))),
            ]))
        }
    }
}
