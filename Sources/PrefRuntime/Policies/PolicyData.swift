import PrefCore
import PrefLanguage
import PrefLearn

/// Reading candidate ids from datasets for a policy, with located errors.
enum PolicyData {
    /// [[chosen, rejected]] per row from the `chosen_id` / `rejected_id` features, checked to be
    /// whole, in range, of one prompt, and — when the data carries q (`chosen`, `rejected`) —
    /// candidates of the policy's world.
    static func pairIds(_ data: Dataset, policy o: PolicyObject, call: BuiltinCall) throws -> [[Int]] {
        try pairIds(data, candidates: o.policy.source.candidates, total: o.policy.source.prompts * o.policy.source.candidates,
                    world: o.world, call: call)
    }

    /// The same for `total` candidates, `k` per prompt, of `world` (when known).
    static func pairIds(_ data: Dataset, candidates k: Int, total: Int, world: ToyWorld?, call: BuiltinCall) throws -> [[Int]] {
        guard data.kind == .pairs || data.kind == .logps else {
            throw call.error("logps needs a pairs dataset; this one is \(data.kind.rawValue)", hint: "use w.pairs(n)")
        }
        guard let c = data.features["chosen_id"], let r = data.features["rejected_id"] else {
            throw call.error("the data has no chosen_id / rejected_id features: its responses are not candidates of a world",
                             hint: "use pairs from the policy's toy world, e.g. w.pairs(1000)")
        }
        let chosen = c.to(.f64).scalars, rejected = r.to(.f64).scalars
        var ids = [[Int]]()
        ids.reserveCapacity(chosen.count)
        for (i, (a, b)) in zip(chosen, rejected).enumerated() {
            guard a.isFinite, b.isFinite, a == a.rounded(), b == b.rounded(), (0..<Double(total)).contains(a), (0..<Double(total)).contains(b) else {
                throw call.error("row \(i): candidate ids \(Value.format(number: a)), \(Value.format(number: b)) are not ids of the policy's \(total) candidates",
                                 hint: "the data comes from another world")
            }
            guard Int(a) / k == Int(b) / k else {
                throw call.error("row \(i): chosen and rejected are candidates of different prompts (joint pairs)", hint: "candidate policies need pairs of one prompt")
            }
            ids.append([Int(a), Int(b)])
        }
        if let w = world { try checkFeatures(data, ids: ids, world: w, call: call) }
        return ids
    }

    /// The data's q features must be the world's q of those ids (in f32): otherwise the data
    /// comes from another world.
    static func checkFeatures(_ data: Dataset, ids: [[Int]], world w: ToyWorld, call: BuiltinCall) throws {
        let d = w.config.featureDim
        for (column, name) in [(0, "chosen"), (1, "rejected")] {
            guard let q = data.features[name], q.shape == [ids.count, d] else { continue }
            let values = q.to(.f32).scalars
            for (r, row) in ids.enumerated() {
                let id = row[column]
                for j in 0..<d where Float(values[r * d + j]) != Float(w.features[id * d + j]) {
                    throw call.error("row \(r): the data's \(name) features are not those of candidate \(id) of the policy's world",
                                     hint: "the data comes from another world; build the policy on the world that made it")
                }
            }
        }
    }
}
