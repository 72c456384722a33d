import Foundation
import PrefCore

/// Transforms of labels: label noise and reward-augmented relabelling.
extension Dataset {
    /// Flips each row's preference independently with probability `rate` (label noise ε):
    /// pairs swap chosen and rejected (with their scores and features), unpaired rows negate
    /// the label, comparisons swap winner and loser (ties stay ties), logps rows swap the chosen
    /// and rejected log-probs and lengths. Returns the new data and the flipped row indices.
    public func flippingLabels(rate: Double, _ rng: inout RandomStream) throws(DataError) -> (Dataset, [Int]) {
        guard rate >= 0, rate <= 1 else { throw DataError("flip rate must be in [0, 1], got \(rate)") }
        let flips = (0..<count).map { _ in rng.uniform() < rate }
        var out = self
        switch rows {
        case .pairs:
            // Every paired feature swaps, toy-world ids (chosen_id/rejected_id) included.
            out = try orientingPairs(swap: flips)
        case .unpaired(var us):
            for i in us.indices where flips[i] { us[i].label.toggle() }
            out.rows = .unpaired(us)
        case .comparisons(var cs):
            for i in cs.indices where flips[i] && !cs[i].tie { (cs[i].winner, cs[i].loser) = (cs[i].loser, cs[i].winner) }
            out.rows = .comparisons(cs)
        case .logps(var ls):
            for i in ls.indices where flips[i] {
                let l = ls[i]
                ls[i].policyChosen = l.policyRejected
                ls[i].policyRejected = l.policyChosen
                ls[i].refChosen = l.refRejected
                ls[i].refRejected = l.refChosen
                ls[i].chosenLength = l.rejectedLength
                ls[i].rejectedLength = l.chosenLength
            }
            out.rows = .logps(ls)
        case .ranked, .ratings:
            throw DataError("works on pairs, unpaired, comparisons and logps rows, not \(kind.rawValue)",
                            hint: "convert first with to_pairs")
        }
        return (out, flips.indices.filter { flips[$0] })
    }

    /// Reward-augmented relabelling (Zhang et al. 2024; algorithms.md §6.13): each scored pair
    /// (x, y_w, y_l, r_w, r_l) becomes two pairs, (x ⊕ g(r_w), y_w ≻ y_l) and (x ⊕ g(r_l), y_l ≻ y_w),
    /// where g(r) is `goal(r)`. Plain prompts get the text appended; a
    /// conversation gets it as a final system message. The rows' target scores are also a
    /// "goal" feature [2n, 1], for models over features (a goal-conditioned candidate policy
    /// reads it). The first n rows are the originals; features follow the rows (twins swap in
    /// the second half, so toy-world candidate ids stay with their responses).
    public func relabeled(goal: (Double) throws(DataError) -> String) throws(DataError) -> Dataset {
        guard case .pairs(let ps) = rows else { throw DataError("needs pairs, got \(kind.rawValue)") }
        var first = [PairRow](), second = [PairRow](), goals = [Double](), goals2 = [Double]()
        for (i, p) in ps.enumerated() {
            guard let rw = p.scoreChosen, let rl = p.scoreRejected else {
                throw DataError("needs score_chosen and score_rejected; row \(i)\(provenance.location(ofRow: i).map { " (\($0))" } ?? "") lacks them",
                                hint: "load scored pairs, or set scores with map")
            }
            var a = p, b = p
            a.prompt = Dataset.appendingGoal(p.prompt, try goal(rw))
            b.prompt = Dataset.appendingGoal(p.prompt, try goal(rl))
            (b.chosen, b.rejected, b.scoreChosen, b.scoreRejected) = (p.rejected, p.chosen, rl, rw)
            first.append(a)
            second.append(b)
            goals.append(rw)
            goals2.append(rl)
        }
        let n = ps.count
        // Every feature follows its rows: a chosen/rejected twin (q, candidate ids, …) keeps its
        // order in the first half and swaps in the second; any other per-row feature repeats.
        var features = FeatureSet()
        for name in self.features.names where name != "goal" {
            guard let a = self.features[name], a.rank >= 1, a.shape[0] == n else { continue }
            if name.contains("rejected"), let b = self.features[name.replacingOccurrences(of: "rejected", with: "chosen")], b.shape == a.shape {
                continue
            }
            let twin = name.contains("chosen") ? self.features[name.replacingOccurrences(of: "chosen", with: "rejected")] : nil
            if let b = twin, b.shape == a.shape {
                features[name] = try tensorSafe { () throws(TensorError) in try Tensor.concat([a, b], axis: 0) }
                features[name.replacingOccurrences(of: "chosen", with: "rejected")] = try tensorSafe { () throws(TensorError) in try Tensor.concat([b, a], axis: 0) }
            } else {
                features[name] = try tensorSafe { () throws(TensorError) in try Tensor.concat([a, a], axis: 0) }
            }
        }
        features["goal"] = try tensorSafe { () throws(TensorError) in try Tensor(goals + goals2, shape: [2 * n, 1], dtype: .f64) }
        return Dataset(.pairs(first + second), provenance: provenance.selecting(Array(0..<n) + Array(0..<n)), features: features)
    }

    /// `template` with "{score}" replaced by the score (whole numbers without a fraction).
    public static func goalText(_ template: String, _ score: Double) -> String {
        let s = score == score.rounded() && Swift.abs(score) < 1e15 ? String(Int64(score)) : String(score)
        return template.replacingOccurrences(of: "{score}", with: s)
    }

    static func appendingGoal(_ prompt: PrefText, _ text: String) -> PrefText {
        switch prompt {
        case .plain(let p): return .plain(p + text)
        case .chat(let m): return .chat(m + [ChatMessage(role: "system", content: text.trimmingCharacters(in: .whitespacesAndNewlines))])
        }
    }
}
