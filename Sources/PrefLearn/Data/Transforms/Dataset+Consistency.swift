/// Ratings against rankings ("Peering Through Preferences", Bansal et al., 2023): the same
/// responses judged in two protocols — an absolute rating of each response and a relative
/// ranking of two (or more) responses to a prompt — and how often the preference the ratings
/// imply disagrees with the ranking.
public struct RatingRankingConsistency: Sendable, Equatable {
    /// Ranked pairs whose two responses both have a rating.
    public var pairs: Int
    /// The higher-rated response is the ranked winner.
    public var agree: Int
    /// The higher-rated response is the ranked loser.
    public var disagree: Int
    /// Equal ratings for a strict ranking.
    public var ties: Int
    /// Ranked pairs skipped because a response has no rating.
    public var unmatched: Int

    /// Bansal et al.'s inconsistency: a pair is consistent only when the ratings prefer the ranked
    /// winner, so a rating tie against a strict ranking counts as a disagreement (our reading:
    /// the paper compares three-way outcomes, and ratings cannot express the ranked preference).
    public var disagreement: Double { pairs > 0 ? Double(disagree + ties) / Double(pairs) : .nan }
    /// Disagreement among the pairs the ratings order strictly: disagree / (agree + disagree).
    public var strictDisagreement: Double { agree + disagree > 0 ? Double(disagree) / Double(agree + disagree) : .nan }
}

extension Dataset {
    /// Compares `self` (ratings rows; a response rated several times counts with its mean on
    /// `aspect`, or on the mean of its aspects when nil) with `rankings` (pairs, or ranked rows
    /// taken as all their strictly ordered pairs). Responses match by (prompt, response text).
    public func consistency(with rankings: Dataset, aspect: String? = nil) throws(DataError) -> RatingRankingConsistency {
        guard case .ratings(let rated) = rows else { throw DataError("needs ratings rows, got \(kind.rawValue)", hint: "the first argument is the ratings") }
        struct Key: Hashable { var prompt: PrefText, response: PrefText }
        var sums = [Key: (total: Double, count: Double)]()
        for (i, r) in rated.enumerated() {
            let score: Double
            if let aspect {
                guard let s = r.score(aspect) else {
                    throw DataError("rating row \(i) has no '\(aspect)' score", hint: "its aspects are \(r.scores.map(\.aspect).joined(separator: ", "))")
                }
                score = s
            } else {
                guard !r.scores.isEmpty else { throw DataError("rating row \(i) has no scores") }
                score = r.scores.reduce(0) { $0 + $1.score } / Double(r.scores.count)
            }
            guard score.isFinite else { throw DataError("rating row \(i) has a non-finite score") }
            let k = Key(prompt: r.prompt, response: r.response)
            sums[k, default: (0, 0)].total += score
            sums[k, default: (0, 0)].count += 1
        }
        let ranked: [PairRow]
        switch rankings.rows {
        case .pairs(let ps): ranked = ps
        case .ranked:
            guard case .pairs(let ps) = try rankings.rankedToPairs(mode: .all).rows else { ranked = []; break }
            ranked = ps
        default: throw DataError("the rankings must be pairs or ranked rows, got \(rankings.kind.rawValue)")
        }
        var result = RatingRankingConsistency(pairs: 0, agree: 0, disagree: 0, ties: 0, unmatched: 0)
        for p in ranked {
            guard let w = sums[Key(prompt: p.prompt, response: p.chosen)], let l = sums[Key(prompt: p.prompt, response: p.rejected)] else {
                result.unmatched += 1
                continue
            }
            let a = w.total / w.count, b = l.total / l.count
            result.pairs += 1
            if a > b { result.agree += 1 } else if a < b { result.disagree += 1 } else { result.ties += 1 }
        }
        return result
    }
}
