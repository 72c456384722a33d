import PrefCore
import PrefLanguage
import PrefLearn

/// Pairs of token sequences for a token policy: the world's candidates named by a pairs
/// dataset's `chosen_id` / `rejected_id`, each read as its tokens (`ToyWorld.tokens(of:)`).
struct TokenPairs {
    /// The prompt of each pair (chosen and rejected share it).
    var prompts: [Int]
    var chosen: [[Int]]
    var rejected: [[Int]]

    /// Reads and checks the pairs (ids of the policy's world, of one prompt, q matching).
    init(_ data: Dataset, policy o: TokenPolicyObject, call: BuiltinCall) throws {
        let w = o.world, k = w.config.candidates
        let ids = try PolicyData.pairIds(data, candidates: k, total: w.config.totalPrompts * k, world: w, call: call)
        prompts = ids.map { $0[0] / k }
        chosen = ids.map { w.tokens(of: $0[0]) }
        rejected = ids.map { w.tokens(of: $0[1]) }
    }

    init(prompts: [Int], chosen: [[Int]], rejected: [[Int]]) {
        self.prompts = prompts
        self.chosen = chosen
        self.rejected = rejected
    }

    var count: Int { prompts.count }

    /// The pairs `rows` of these.
    func rows(_ rows: [Int]) -> TokenPairs {
        TokenPairs(prompts: rows.map { prompts[$0] }, chosen: rows.map { chosen[$0] }, rejected: rows.map { rejected[$0] })
    }

    /// One batch of the chosen then the rejected sequences ([2B] rows, one width), so a policy
    /// scores both sides in one pass.
    func batch(vocabulary v: Int) throws(TensorError) -> TokenBatch {
        try TokenBatch(prompts: prompts + prompts, sequences: chosen + rejected, vocabulary: v)
    }
}
