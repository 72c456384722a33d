/// What `describe(data)` reports: named statistics of a dataset, in a fixed order per kind.
/// Lengths are in characters of the flattened text (`PrefText.length`).
public enum DatasetSummary {
    /// One line of the summary: a count or fraction (`value` only), or a mean with min and max.
    public struct Statistic: Sendable {
        public var name: String
        public var value: Double
        public var min: Double?
        public var max: Double?
    }

    /// The summary lines of a dataset.
    public static func statistics(_ d: Dataset) -> [Statistic] {
        var out: [Statistic] = [Statistic(name: "rows", value: Double(d.count))]
        let n = d.count
        if d.kind != .comparisons && d.kind != .logps {
            out.append(Statistic(name: "distinct prompts", value: Double(Set((0..<n).map { d.rows.prompt($0) }).count)))
            out += lengths("prompt length", (0..<n).map { d.rows.prompt($0).length })
        }
        switch d.rows {
        case .pairs(let ps):
            out += lengths("chosen length", ps.map(\.chosen.length))
            out += lengths("rejected length", ps.map(\.rejected.length))
            out.append(Statistic(name: "chosen longer (fraction)", value: fraction(ps.map { $0.chosen.length > $0.rejected.length })))
            out.append(Statistic(name: "identical chosen and rejected", value: Double(ps.filter { $0.chosen == $0.rejected }.count)))
            out += summary("score_chosen", ps.compactMap(\.scoreChosen))
            out += summary("score_rejected", ps.compactMap(\.scoreRejected))
            let scored = ps.compactMap { p in p.scoreChosen.flatMap { c in p.scoreRejected.map { (c, $0) } } }
            if !scored.isEmpty {
                out.append(Statistic(name: "scores agree with label (fraction)", value: fraction(scored.map { $0.0 > $0.1 })))
                out.append(Statistic(name: "score ties", value: Double(scored.filter { $0.0 == $0.1 }.count)))
            }
            out += summary("margin", ps.compactMap(\.margin))
        case .unpaired(let us):
            out += lengths("completion length", us.map(\.completion.length))
            out.append(Statistic(name: "label true", value: Double(us.filter(\.label).count)))
            out.append(Statistic(name: "label false", value: Double(us.filter { !$0.label }.count)))
            out.append(Statistic(name: "label true (fraction)", value: fraction(us.map(\.label))))
        case .ranked(let rs):
            out += lengths("responses per row", rs.map(\.responses.count))
            out += lengths("response length", rs.flatMap { $0.responses.map(\.length) })
            out.append(Statistic(name: "rows with tied scores or ranks", value: Double(rs.filter { r in
                if let k = r.validRanks { return Set(k).count < k.count }
                if let s = r.validScores { return Set(s).count < s.count }
                return false
            }.count)))
        case .ratings(let rs):
            out += lengths("response length", rs.map(\.response.length))
            out.append(Statistic(name: "annotators", value: Double(Set(rs.compactMap(\.annotator)).count)))
            var aspects = [String]()
            for r in rs { for s in r.scores where !aspects.contains(s.aspect) { aspects.append(s.aspect) } }
            for a in aspects { out += summary("score \(a)", rs.compactMap { $0.score(a) }) }
        case .comparisons(let cs):
            out.append(Statistic(name: "items", value: Double(Set(cs.flatMap { [$0.winner, $0.loser] }).count)))
            out.append(Statistic(name: "games", value: cs.reduce(0) { $0 + $1.count }))
            out.append(Statistic(name: "ties (fraction of games)", value: cs.isEmpty ? 0 : cs.filter(\.tie).reduce(0) { $0 + $1.count } / Swift.max(cs.reduce(0) { $0 + $1.count }, 1)))
        case .logps(let all):
            let ls = all.filter { $0.unpaired == nil }
            out += summary("policy_chosen_logps", ls.map(\.policyChosen))
            out += summary("policy_rejected_logps", ls.map(\.policyRejected))
            out += summary("ref_chosen_logps", ls.map(\.refChosen))
            out += summary("ref_rejected_logps", ls.map(\.refRejected))
            out.append(Statistic(name: "implicit reward accuracy", value: fraction(ls.map { $0.policyChosen - $0.refChosen > $0.policyRejected - $0.refRejected })))
            out += summary("label", ls.compactMap(\.label))
        }
        return out
    }

    private static func fraction(_ xs: [Bool]) -> Double {
        xs.isEmpty ? 0 : Double(xs.filter { $0 }.count) / Double(xs.count)
    }

    private static func lengths(_ name: String, _ xs: [Int]) -> [Statistic] {
        summary(name, xs.map(Double.init))
    }

    /// Mean, min and max (nothing when there are no values).
    private static func summary(_ name: String, _ xs: [Double]) -> [Statistic] {
        guard let lo = xs.min(), let hi = xs.max() else { return [] }
        return [Statistic(name: name, value: xs.reduce(0, +) / Double(xs.count), min: lo, max: hi)]
    }
}
