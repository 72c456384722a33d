import PrefCore

/// Pairs labelled by their scores (spec §6.13's data, as UltraFeedback's: a judge rates each
/// response and the higher-rated one is chosen), for comparing DPO with reward-augmented
/// relabelling on the same judge.
extension ToyWorld {
    /// `data` (scored pairs) with chosen and rejected oriented by score: a row whose rejected
    /// response scores higher is swapped, and a tie is swapped with probability ½ (one uniform
    /// drawn per row, tie or not, so the stream does not depend on the scores). Every row's
    /// annotator becomes "judge".
    public func orientedByScore(_ data: Dataset, rng: inout RandomStream) throws(DataError) -> Dataset {
        guard case .pairs(let rows) = data.rows else { throw DataError("orienting by score needs pairs, not \(data.kind.rawValue)") }
        var swap = [Bool]()
        swap.reserveCapacity(rows.count)
        for (r, row) in rows.enumerated() {
            let coin = rng.uniform() < 0.5
            guard let c = row.scoreChosen, let j = row.scoreRejected else {
                throw DataError("row \(r) has no scores to orient by", hint: "draw the pairs with scores: \"grade\", \"judge\", \"judge_grade\" or \"gold\"")
            }
            swap.append(c < j || (c == j && coin))
        }
        return try data.orientingPairs(swap: swap, annotators: Array(repeating: "judge", count: rows.count))
    }
}
