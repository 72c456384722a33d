import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A candidate policy trained on ranked lists of its world (`w.ranked(n, size:)`: m candidate
/// ids of one prompt with ranks or scores) with a listwise loss (`plackett_luce`, `lipo`,
/// `rank_dpo`, a composite of them, or a user-defined loss on the ranked batch view). The graded
/// labels ψ are the scores, or m − rank for ranks (higher is better), as in `inspect`.
final class CandidateRankedTask: CandidateTaskBase, TrainingTask {
    /// Each list's candidate ids and graded labels.
    let lists: [[Int]]
    let labels: [[Double]]

    init(policy o: PolicyObject, loss: LossObject, lists: [[Int]], labels: [[Double]], interpreter: Interpreter) throws {
        self.lists = lists
        self.labels = labels
        try super.init(policy: o, loss: loss, interpreter: interpreter)
    }

    var count: Int { lists.count }
    var columns: [String] {
        ["step", "epoch", "loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
         "logps/chosen", "logps/rejected", "ndcg", "kl", "grad_norm", "lr"]
    }

    /// The policy's [B, m] log-probs of the lists `rows`, the reference's as a constant, the
    /// labels, and the [B, K] log-probs of the lists' prompts.
    func batch(_ rows: [Int], on tape: Tape) throws -> (Var, Var, [[Double]], Var) {
        let k = policy.source.candidates, b = rows.count, m = lists[rows[0]].count
        let chosen = rows.map { lists[$0] }
        let lp = try policy.logProbs(prompts: chosen.map { $0[0] / k }, tape: tape)
        let p = try lp.takeAlong(try IndexTensor(chosen.flatMap { $0.map { $0 % k } }, shape: [b, m]), axis: 1)
        let r = tape.constant(try Tensor(chosen.flatMap { $0.map { referenceLogProbs[$0] } }, shape: [b, m], dtype: policy.dtype))
        return (p, r, rows.map { labels[$0] }, lp)
    }

    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep {
        let (p, r, l, lp) = try batch(rows, on: tape)
        let out = try loss.evaluateRanked(policy: p, reference: r, labels: l, interpreter: interpreter)
        var m = out.metrics
        if case .sum(let terms) = loss.kind, let first = terms.first {
            // A composite prefixes its terms' metrics; the columns show the first term's.
            let prefix = "0/\(first.loss.name)/"
            for (key, v) in out.metrics where key.hasPrefix(prefix) { m[String(key.dropFirst(prefix.count))] = v }
        }
        m["loss"] = try out.loss.value().to(.f64).scalars[0]
        let k = policy.source.candidates, lpv = try lp.value().to(.f64).scalars
        let kl = rows.enumerated().reduce(0.0) { acc, item in
            acc + TrainingColumns.klTerm(lpv, row: item.offset, k: k, reference: referenceLogProbs, base: (lists[item.element][0] / k) * k)
        }
        m["kl"] = kl / Double(rows.count)
        return TaskStep(loss: out.loss, metrics: m)
    }

    func value(of term: LossObject, rows: [Int]) throws -> Double {
        let (p, r, l, _) = try batch(rows, on: Tape())
        return try term.evaluateRanked(policy: p, reference: r, labels: l, interpreter: interpreter).loss.value().to(.f64).scalars[0]
    }
}
