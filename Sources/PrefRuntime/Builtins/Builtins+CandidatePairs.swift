import PrefCore
import PrefLanguage
import PrefLearn

/// `candidate_pairs`: pairs over a policy's own candidate set, the way to get trainable data for a
/// policy built on a [P, K, D] tensor (a toy world makes its own with w.pairs).
enum CandidatePairsBuiltin {
    static var builtin: Builtin {
        Builtin("candidate_pairs", [
            BuiltinParameter("policy", doc: "a candidate policy; its candidate set numbers the ids"),
            BuiltinParameter("chosen", doc: "candidate ids p·K + k (candidate k of prompt p): a list or a tensor of whole numbers"),
            BuiltinParameter("rejected", doc: "candidate ids of the same prompts, one per chosen id"),
        ], category: "policies",
        doc: "A pairs dataset over a policy's candidates: row i prefers candidate chosen[i] to rejected[i], both of one prompt. The rows' "
            + "text names the prompt and candidates; the features chosen_id and rejected_id make the data usable with fit, logps and "
            + "evaluate. Use it for a policy over a [P, K, D] tensor, whose candidates have no world to draw pairs from.",
        example: "let pi = candidate_policy(randn([3, 4, 8], seed: 1))\nlet d = candidate_pairs(pi, [0, 4, 9], [1, 6, 8])\n"
            + "fit(pi, d, dpo(), epochs: 2).steps") { call in
            let p = try PolicyMethods.policyArgument(call, 0)
            let chosen = try ids(call, 1, "chosen"), rejected = try ids(call, 2, "rejected")
            guard chosen.count == rejected.count else {
                throw call.error("\(chosen.count) chosen ids but \(rejected.count) rejected ids", hint: "give one rejected id per chosen id")
            }
            let k = p.policy.source.candidates, total = p.policy.source.prompts * k
            var rows = [PairRow]()
            rows.reserveCapacity(chosen.count)
            for (i, (c, r)) in zip(chosen, rejected).enumerated() {
                guard (0..<total).contains(c), (0..<total).contains(r) else {
                    throw call.error("row \(i): candidate ids \(c), \(r) are not ids of the policy's \(total) candidates",
                                     hint: "ids run from 0 to \(total - 1): p·\(k) + k for prompt p and candidate k")
                }
                guard c / k == r / k else {
                    throw call.error("row \(i): candidates \(c) and \(r) belong to different prompts (\(c / k) and \(r / k))",
                                     hint: "a pair compares two candidates of one prompt")
                }
                rows.append(PairRow(prompt: .plain("prompt \(c / k)"), chosen: .plain("candidate \(c % k)"), rejected: .plain("candidate \(r % k)")))
            }
            let features = FeatureSet([("chosen_id", Tensor(chosen.map(Double.init), dtype: .f64)),
                                       ("rejected_id", Tensor(rejected.map(Double.init), dtype: .f64))])
            return DatasetObject.value(Dataset(.pairs(rows), features: features))
        }
    }

    /// Argument `i` as a flat list of ids.
    private static func ids(_ call: BuiltinCall, _ i: Int, _ name: String) throws -> [Int] {
        let t = try call.indices(i)
        guard t.shape.rank == 1 else { throw call.error("\(name) must be a list or a 1-D tensor of ids, not of shape \(t.shape)") }
        return t.values.map(Int.init)
    }
}
