import PrefCore

/// Conversions between row kinds (DESIGN.md §3): rankings → pairs, ratings → pairs,
/// pairs → unpaired. Feature tensors are carried over where the rows map one to one onto
/// feature rows ("responses" → "chosen"/"rejected", "chosen"/"rejected" → "completion").
extension Dataset {
    /// How rankings become pairs.
    public enum RankedPairing: String, CaseIterable, Sendable {
        /// Every ordered pair (better, worse): k(k−1)/2 per row.
        case all
        /// The best response against each other one.
        case bestVsRest = "best_vs_rest"
        /// Each response against the next one down.
        case adjacent
        /// The best response against the worst one: one pair per row (the pairwise baseline of
        /// LiPO and RankDPO).
        case bestVsWorst = "best_vs_worst"
    }

    /// Pairs from ranked rows. Responses with equal rank or score make no pair (a tie states no
    /// preference); scores, when present, become score_chosen and score_rejected.
    public func rankedToPairs(mode: RankedPairing) throws(DataError) -> Dataset {
        guard case .ranked(let rs) = rows else { throw DataError("needs ranked rows, got \(kind.rawValue)") }
        var out = [PairRow](), sources = [(row: Int, chosen: Int, rejected: Int)]()
        for (i, r) in rs.enumerated() {
            let order = r.order
            let ranks = r.validRanks, scores = r.validScores
            func tied(_ a: Int, _ b: Int) -> Bool {
                if let ranks { return ranks[a] == ranks[b] }
                if let scores { return scores[a] == scores[b] }
                return false
            }
            var candidates = [(Int, Int)]()
            switch mode {
            case .all:
                for a in 0..<order.count { for b in (a + 1)..<order.count { candidates.append((order[a], order[b])) } }
            case .bestVsRest:
                if let best = order.first { candidates = order.dropFirst().map { (best, $0) } }
            case .adjacent:
                if order.count > 1 { candidates = (0..<(order.count - 1)).map { (order[$0], order[$0 + 1]) } }
            case .bestVsWorst:
                if order.count > 1, let best = order.first, let worst = order.last { candidates = [(best, worst)] }
            }
            for (c, j) in candidates where !tied(c, j) {
                out.append(PairRow(prompt: r.prompt, chosen: r.responses[c], rejected: r.responses[j],
                                   scoreChosen: scores?[c], scoreRejected: scores?[j]))
                sources.append((i, c, j))
            }
        }
        var features = FeatureSet()
        // responses [n, k, d] → chosen/rejected [m, d]; the toy world's responses_id [n, k] →
        // chosen_id/rejected_id [m], so the pairs still name their candidates.
        for (from, chosen, rejected) in [("responses", "chosen", "rejected"), ("responses_id", "chosen_id", "rejected_id")] {
            guard let t = self.features[from], t.rank == 3 || (t.rank == 2 && from == "responses_id"), t.shape[0] == rs.count else { continue }
            let k = t.shape[1], width = t.rank == 3 ? [t.shape[2]] : []
            let flat = try tensorSafe { () throws(TensorError) in try t.reshaped(Shape([t.shape[0] * k] + width)) }
            features[chosen] = try tensorSafe { () throws(TensorError) in try flat.gather(try IndexTensor(sources.map { $0.row * k + $0.chosen })) }
            features[rejected] = try tensorSafe { () throws(TensorError) in try flat.gather(try IndexTensor(sources.map { $0.row * k + $0.rejected })) }
        }
        if let t = self.features["prompt"], t.rank >= 1, t.shape[0] == rs.count {
            features["prompt"] = try tensorSafe { () throws(TensorError) in try t.gather(try IndexTensor(sources.map(\.row))) }
        }
        return Dataset(.pairs(out), provenance: provenance.selecting(sources.map(\.row)), features: features)
    }

    /// Pairs from ratings: responses to the same prompt are compared on `aspect` (nil: the mean
    /// of each row's aspects); a response rated several times (several annotators) counts with
    /// its mean score. A pair is made when the scores differ by more than `tieThreshold`.
    public func ratingsToPairs(aspect: String?, tieThreshold: Double) throws(DataError) -> Dataset {
        guard case .ratings(let rs) = rows else { throw DataError("needs ratings rows, got \(kind.rawValue)") }
        // Prompt → responses in first-seen order, each with its summed score, count and first row.
        var promptIndex = [PrefText: Int](), groups = [[(response: PrefText, sum: Double, n: Int, row: Int)]]()
        var responseIndex = [[PrefText: Int]]()
        for (i, r) in rs.enumerated() {
            let score: Double
            if let aspect {
                guard let s = r.score(aspect) else { continue }
                score = s
            } else {
                guard !r.scores.isEmpty else { continue }
                score = r.scores.reduce(0) { $0 + $1.score } / Double(r.scores.count)
            }
            let g: Int
            if let k = promptIndex[r.prompt] { g = k } else {
                g = groups.count
                promptIndex[r.prompt] = g
                groups.append([])
                responseIndex.append([:])
            }
            if let k = responseIndex[g][r.response] {
                groups[g][k].sum += score
                groups[g][k].n += 1
            } else {
                responseIndex[g][r.response] = groups[g].count
                groups[g].append((r.response, score, 1, i))
            }
        }
        if let aspect, groups.isEmpty, !rs.isEmpty {
            let known = Set(rs.flatMap { $0.scores.map(\.aspect) }).sorted()
            throw DataError("no row has aspect '\(aspect)'", hint: "aspects: \(known.joined(separator: ", "))")
        }
        var out = [PairRow](), sources = [(chosen: Int, rejected: Int)]()
        for members in groups {
            let prompt = rs[members[0].row].prompt
            for a in 0..<members.count {
                for b in (a + 1)..<members.count {
                    let sa = members[a].sum / Double(members[a].n), sb = members[b].sum / Double(members[b].n)
                    guard Swift.abs(sa - sb) > tieThreshold else { continue }
                    let (w, l, sw, sl) = sa > sb ? (members[a], members[b], sa, sb) : (members[b], members[a], sb, sa)
                    out.append(PairRow(prompt: prompt, chosen: w.response, rejected: l.response, scoreChosen: sw, scoreRejected: sl, aspect: aspect))
                    sources.append((w.row, l.row))
                }
            }
        }
        var features = FeatureSet()
        if let t = self.features["response"] {
            features["chosen"] = try tensorSafe { () throws(TensorError) in try t.gather(try IndexTensor(sources.map(\.chosen))) }
            features["rejected"] = try tensorSafe { () throws(TensorError) in try t.gather(try IndexTensor(sources.map(\.rejected))) }
        }
        return Dataset(.pairs(out), provenance: provenance.selecting(sources.map(\.chosen)), features: features)
    }

    /// Unpaired rows from pairs, as TRL's `unpair_preference_dataset`: each pair gives its chosen
    /// completion labelled true and its rejected one labelled false (interleaved: c₀, r₀, c₁, r₁…).
    public func toUnpaired() throws(DataError) -> Dataset {
        guard case .pairs(let ps) = rows else { throw DataError("needs pairs, got \(kind.rawValue)") }
        var out = [UnpairedRow]()
        out.reserveCapacity(ps.count * 2)
        for p in ps {
            out.append(UnpairedRow(prompt: p.prompt, completion: p.chosen, label: true, weight: p.weight, annotator: p.annotator))
            out.append(UnpairedRow(prompt: p.prompt, completion: p.rejected, label: false, weight: p.weight, annotator: p.annotator))
        }
        var features = FeatureSet()
        let n = ps.count
        // chosen/rejected features interleave into one completion feature (row 2i is chosen i,
        // row 2i+1 rejected i); the toy world's candidate ids come along as completion_id, so
        // the unpaired rows still name their candidates. Per-pair features (the prompt's) repeat.
        for (from, to) in [("chosen", "completion"), ("chosen_id", "completion_id")] {
            guard let c = self.features[from], let r = self.features[from.replacingOccurrences(of: "chosen", with: "rejected")],
                  c.shape == r.shape, c.rank >= 1, c.shape[0] == n else { continue }
            let both = try tensorSafe { () throws(TensorError) in try Tensor.concat([c, r], axis: 0) }
            let order = (0..<(2 * n)).map { $0 % 2 == 0 ? $0 / 2 : n + $0 / 2 }
            features[to] = try tensorSafe { () throws(TensorError) in try both.gather(try IndexTensor(order)) }
        }
        if let t = self.features["prompt"], t.rank >= 1, t.shape[0] == n {
            features["prompt"] = try tensorSafe { () throws(TensorError) in try t.gather(try IndexTensor((0..<(2 * n)).map { $0 / 2 })) }
        }
        let rowsOf = ps.indices.flatMap { [$0, $0] }
        return Dataset(.unpaired(out), provenance: provenance.selecting(rowsOf), features: features)
    }
}
