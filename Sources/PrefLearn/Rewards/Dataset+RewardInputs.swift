import PrefCore

/// The candidates of a dataset as `RewardInputs`: the feature tensor of a response column
/// (`chosen`, `rejected`, `completion`, `response`, `responses`) with its ids (`<name>_id`) when
/// the data comes from a toy world.
extension Dataset {
    /// The response feature column a reward scores for each kind: pairs and logps have two.
    public var responseColumns: [String] {
        switch kind {
        case .pairs, .logps: ["chosen", "rejected"]
        case .unpaired: ["completion"]
        case .ratings: ["response"]
        case .ranked: ["responses"]
        case .comparisons: []
        }
    }

    /// The candidates of feature column `name` ([n, d], or [n, m, d] flattened to n·m rows),
    /// with ids from `<name>_id` when present and `world` to look them up in.
    public func rewardInputs(_ name: String, world: ToyWorld?) throws(TensorError) -> RewardInputs {
        guard let q = features[name] else {
            throw TensorError(op: "reward", "the data has no '\(name)' features to score",
                              hint: "load features with load(…, features: …) or use toy-world data")
        }
        guard q.rank == 2 || q.rank == 3 else { throw TensorError(op: "reward", "'\(name)' features must be [n, d] or [n, m, d], not \(q.shape)") }
        let d = q.shape[q.rank - 1], rows = q.count / Swift.max(d, 1)
        let flat = try q.reshaped([rows, d])
        var ids: [Int]? = nil
        if let t = features["\(name)_id"] {
            let v = t.to(.f64).scalars
            guard v.count == rows else { throw TensorError(op: "reward", "'\(name)_id' has \(v.count) ids for \(rows) responses") }
            let limit = Double(world?.gold.count ?? Int(Int32.max))
            if let bad = v.firstIndex(where: { !($0 >= 0 && $0 < limit && $0 == $0.rounded()) }) {
                throw TensorError(op: "reward", "response \(bad) of '\(name)': \(idText(v[bad])) is not a candidate id of the world",
                                  hint: "the data comes from another world")
            }
            ids = v.map { Int($0) }
        }
        return try RewardInputs(features: flat, ids: ids, world: ids == nil ? nil : world)
    }

    /// (chosen, rejected) of a pairs or logps dataset.
    public func pairInputs(world: ToyWorld?) throws(TensorError) -> (chosen: RewardInputs, rejected: RewardInputs) {
        guard kind == .pairs || kind == .logps else {
            throw TensorError(op: "reward", "needs a pairs dataset; this one is \(kind.rawValue)", hint: "use w.pairs(n)")
        }
        return (try rewardInputs("chosen", world: world), try rewardInputs("rejected", world: world))
    }

    /// The per-pair margins m_i (0 where a row has none), or nil when no row has one.
    public var pairMargins: [Double]? {
        guard case .pairs(let rows) = self.rows, rows.contains(where: { $0.margin != nil }) else { return nil }
        return rows.map { $0.margin ?? 0 }
    }
}

/// An id as text for messages.
private func idText(_ x: Double) -> String { x == x.rounded() && Swift.abs(x) < 1e15 ? String(Int(x)) : String(x) }
