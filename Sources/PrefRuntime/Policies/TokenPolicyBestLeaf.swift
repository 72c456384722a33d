import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// `tp.best_leaf(lists)`: TPO's toy metric (spec §6.10), the probability the policy gives the best
/// leaf of a preference tree, with the candidate list as the support (§9.1: sequence spaces are not
/// enumerated): p_best = π(y*|x) / Σ_{y in list} π(y|x), y* the list's highest-gold response.
extension TokenPolicyMethods {
    static func bestLeaf(_ o: TokenPolicyObject) -> Builtin {
        Builtin("best_leaf", [BuiltinParameter("data", doc: "ranked lists of the policy's world (w.trees(…) or w.ranked(…))")], category: "policies",
                doc: "The policy's choice within each list (softmax of the exact log π(y|x) over the list's responses), averaged over the lists: "
                    + "a record {probability: the mean probability of the list's highest-gold response, gold: the mean gold of the policy's "
                    + "most probable response, best_gold and mean_gold: the mean best and average gold of the lists, lists: their number}.",
                example: "let w = toy_world(view: \"token\", max_length: 6, branches: 4, candidates: 8)\nlet tp = token_policy(w)\ntp.best_leaf(w.trees(50)).probability") { call in
            let w = o.world, k = w.config.candidates
            let (lists, _) = try PolicyData.rankedExamples(try call.dataset(0), candidates: k, total: w.config.totalPrompts * k, call: call)
            guard !lists.isEmpty else { throw call.error("the data has no lists") }
            let ids = lists.flatMap { $0 }
            let batch = try TokenBatch(prompts: ids.map { $0 / k }, sequences: ids.map(w.tokens(of:)), vocabulary: o.policy.vocabulary)
            let lp = try o.policy.evaluate { t throws(TensorError) in try o.policy.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
            var probability = 0.0, gold = 0.0, best = 0.0, mean = 0.0, offset = 0
            for list in lists {
                let logps = lp[offset..<(offset + list.count)].map { $0 }, golds = list.map { w.gold[$0] }
                offset += list.count
                let top = logps.max() ?? 0, total = logps.reduce(0) { $0 + exp($1 - top) }
                let bestLeaf = golds.indices.max { golds[$0] != golds[$1] ? golds[$0] < golds[$1] : $0 > $1 } ?? 0
                let guess = logps.indices.max { logps[$0] != logps[$1] ? logps[$0] < logps[$1] : $0 > $1 } ?? 0
                probability += exp(logps[bestLeaf] - top) / total
                gold += golds[guess]
                best += golds[bestLeaf]
                mean += golds.reduce(0, +) / Double(golds.count)
            }
            let n = Double(lists.count)
            return .record(RecordBox([
                ("probability", .number(probability / n)), ("gold", .number(gold / n)),
                ("best_gold", .number(best / n)), ("mean_gold", .number(mean / n)), ("lists", .number(n)),
            ]))
        }
    }
}
