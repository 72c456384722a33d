import PrefCore
import PrefLanguage
import PrefLearn

/// Reading candidate ids from datasets for a policy, with located errors.
enum PolicyData {
    /// [[chosen, rejected]] per row from the `chosen_id` / `rejected_id` features, checked to be
    /// whole, in range, of one prompt, and — when the data carries q (`chosen`, `rejected`) —
    /// candidates of the policy's world.
    static func pairIds(_ data: Dataset, policy o: PolicyObject, call: BuiltinCall, joint: Bool = false) throws -> [[Int]] {
        try pairIds(data, candidates: o.policy.source.candidates, total: o.policy.source.prompts * o.policy.source.candidates,
                    world: o.world, call: call, joint: joint)
    }

    /// The same for `total` candidates, `k` per prompt, of `world` (when known). `joint` accepts
    /// pairs whose two candidates answer different prompts (DOVE's joint preferences).
    static func pairIds(_ data: Dataset, candidates k: Int, total: Int, world: ToyWorld?, call: BuiltinCall,
                        joint: Bool = false) throws -> [[Int]] {
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
            guard joint || Int(a) / k == Int(b) / k else {
                throw call.error("row \(i): chosen and rejected are candidates of different prompts (joint pairs)", hint: "candidate policies need pairs of one prompt")
            }
            ids.append([Int(a), Int(b)])
        }
        if let w = world { try checkFeatures(data, ids: ids, world: w, call: call) }
        return ids
    }

    /// The candidate ids of an id feature (any shape), checked to be whole and in range.
    static func candidateIds(_ data: Dataset, _ feature: String, policy o: PolicyObject, call: BuiltinCall) throws -> [Int] {
        try candidateIds(data, feature, total: o.policy.source.prompts * o.policy.source.candidates, call: call)
    }

    /// The same for a world of `total` candidates.
    static func candidateIds(_ data: Dataset, _ feature: String, total: Int, call: BuiltinCall) throws -> [Int] {
        guard let t = data.features[feature] else {
            throw call.error("the data has no \(feature) feature: its responses are not candidates of a world",
                             hint: "use data from the policy's toy world")
        }
        return try t.to(.f64).scalars.enumerated().map { i, a in
            guard a.isFinite, a == a.rounded(), (0..<Double(total)).contains(a) else {
                throw call.error("row \(i / max(t.count / max(data.count, 1), 1)): candidate id \(Value.format(number: a)) is not an id of the policy's \(total) candidates",
                                 hint: "the data comes from another world")
            }
            return Int(a)
        }
    }

    /// (completion id, desirable) per row of an unpaired dataset of the policy's world.
    static func unpairedExamples(_ data: Dataset, policy o: PolicyObject, call: BuiltinCall) throws -> ([Int], [Bool]) {
        guard case .unpaired(let rows) = data.rows else { throw call.error("expected an unpaired dataset, got \(data.kind.rawValue)") }
        let ids = try candidateIds(data, "completion_id", policy: o, call: call)
        guard ids.count == rows.count else { throw call.error("completion_id has \(ids.count) entries for \(rows.count) rows") }
        return (ids, rows.map(\.label))
    }

    /// (candidate ids, graded labels ψ) per list of a ranked dataset of the policy's world: ψ is
    /// the row's scores, or m − rank for ranks (rank 1 is best).
    static func rankedExamples(_ data: Dataset, policy o: PolicyObject, call: BuiltinCall) throws -> ([[Int]], [[Double]]) {
        try rankedExamples(data, candidates: o.policy.source.candidates, total: o.policy.source.prompts * o.policy.source.candidates, call: call)
    }

    /// The same for a world of `total` candidates, `k` per prompt.
    static func rankedExamples(_ data: Dataset, candidates k: Int, total: Int, call: BuiltinCall) throws -> ([[Int]], [[Double]]) {
        guard case .ranked(let rows) = data.rows, let m = rows.first?.responses.count, m >= 2 else {
            throw call.error("expected a ranked dataset of lists of at least 2 responses", hint: "use w.ranked(n, size: 4)")
        }
        let flat = try candidateIds(data, "responses_id", total: total, call: call)
        guard flat.count == rows.count * m else {
            throw call.error("responses_id has \(flat.count) entries for \(rows.count) lists of \(m)", hint: "every list needs the same number of responses")
        }
        var lists = [[Int]](), labels = [[Double]]()
        for (r, row) in rows.enumerated() {
            let ids = Array(flat[(r * m)..<(r * m + m)])
            guard ids.allSatisfy({ $0 / k == ids[0] / k }) else { throw call.error("list \(r) mixes candidates of different prompts") }
            guard row.responses.count == m else { throw call.error("list \(r) has \(row.responses.count) responses, the first has \(m)") }
            if let scores = row.scores, scores.count == m, scores.allSatisfy(\.isFinite) {
                labels.append(scores)
            } else if let ranks = row.ranks, ranks.count == m {
                labels.append(ranks.map { Double(m - $0) })
            } else {
                throw call.error("list \(r) has neither \(m) finite scores nor \(m) ranks")
            }
            lists.append(ids)
        }
        return (lists, labels)
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
