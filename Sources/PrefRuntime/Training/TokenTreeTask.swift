import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A token policy trained with TPO (spec algorithms.md §6.10) on ranked lists of its world
/// (`w.ranked(n, size:)`): each response's tokens are cut into steps of the world's
/// `step_tokens` (position t is in step ⌊t / step_tokens⌋), and the step log-ratio is the sum
///     r_k(y) = Σ_{t in step k, t < ℓ} [log π_θ(y_t | x, y_<t) − log π_ref(y_t | x, y_<t)]
/// (tpo(step_reward: "sum"), the released code's weighted token sum) or that sum divided by n_k,
/// the step's tokens (step_reward: "mean", the spec's form); EOS belongs to no step, and a step
/// with no tokens gets weight 0 (missing).
/// Every other step's weight is TPO's adaptive w_k(y) = 1 + cos(h̄_k(y), h̄_k(y_top)), h̄_k the mean
/// of the policy's hidden states over the step's positions in the same forward pass and y_top the
/// list's best response, held constant in the gradient (the released code writes them into a label
/// tensor, which carries no gradient); with `tpo(step_weights: "uniform")` it is 1. One step scores
/// the B·m sequences of the batch's lists as one padded batch, so the sums over steps are a
/// reshape to [B·m, S, step_tokens] and one sum.
final class TokenTreeTask: TokenTaskBase, TrainingTask {
    /// Each list's candidate ids and graded labels ψ.
    let lists: [[Int]]
    let labels: [[Double]]

    init(policy o: TokenPolicyObject, loss: LossObject, lists: [[Int]], labels: [[Double]], interpreter: Interpreter) {
        self.lists = lists
        self.labels = labels
        super.init(policy: o, loss: loss, interpreter: interpreter)
    }

    var count: Int { lists.count }
    var columns: [String] {
        ["step", "epoch", "loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins", "ndcg", "step_weights/last", "step_weights/shared", "grad_norm", "lr"]
    }

    /// The [B, m, S] step log-ratios of the lists `rows` on `tape` (summed or mean, as the loss's
    /// step_reward says) and the step weights.
    func steps(_ rows: [Int], on tape: Tape) throws -> (Var, [Double]) {
        let k = world.config.candidates, st = world.config.stepTokens, m = lists[rows[0]].count
        let ids = rows.flatMap { lists[$0] }, n = ids.count
        let sequences = ids.map(world.tokens(of:))
        let s = max(((sequences.map(\.count).max() ?? 0) + st - 1) / st, 1), span = s * st
        let batch = try TokenBatch(prompts: ids.map { $0 / k }, sequences: sequences, vocabulary: policy.vocabulary, width: span + 1)
        let (lp, hidden) = try policy.tokenLogProbsAndHidden(batch, tape: tape)
        let lr = tape.constant(try reference.evaluate { t throws(TensorError) in try reference.tokenLogProbs(batch, tape: t) })
        var mask = [Double](repeating: 0, count: n * span), inverse = [Double](repeating: 0, count: n * s), weights = inverse
        for (r, seq) in sequences.enumerated() {
            for t in 0..<seq.count { mask[r * span + t] = 1 }
            for j in 0..<s {
                let tokens = min(max(seq.count - j * st, 0), st)
                if tokens > 0 { inverse[r * s + j] = 1 / Double(tokens); weights[r * s + j] = 1 }
            }
        }
        let dtype = policy.dtype
        let ratio = try (lp - lr).slice(axis: 1, start: 0, end: span)
        let tokensOnly = try Var.select(tape.constant(try Tensor(mask, shape: [n, span], dtype: dtype)), ratio, tape.constant(0, dtype: dtype))
        let sums = try tokensOnly.reshaped([n, s, st]).sum(axis: 2)
        let perStep = loss.tpoStepRewards.contains(.mean) ? try sums * tape.constant(try Tensor(inverse, shape: [n, s], dtype: dtype)) : sums
        let r = try perStep.reshaped([rows.count, m, s])
        guard loss.usesAdaptiveStepWeights else { return (r, weights) }
        let means = try tpoStepHidden(hidden: try hidden.value(), width: batch.width, lengths: sequences.map(\.count), stepTokens: st, steps: s)
        let adaptive = try tpoStepWeights(hidden: try means.reshaped([rows.count, m, s, policy.hidden]), labels: rows.map { labels[$0] })
        return (r, zip(weights, adaptive).map { $0 * $1 })
    }

    func evaluate(_ term: LossObject, _ rows: [Int], on tape: Tape) throws -> LossResult {
        try evaluateWithWeights(term, rows, on: tape).0
    }

    func evaluateWithWeights(_ term: LossObject, _ rows: [Int], on tape: Tape) throws -> (LossResult, (last: Double, shared: Double)) {
        let (r, weights) = try steps(rows, on: tape)
        let scores = rows.map { self.labels[$0] }
        let s = r.shape.dims[2]
        return (try term.evaluateTree(r, weights: weights, labels: scores),
                (Self.lastStepWeight(weights, labels: scores, steps: s), Self.earlierStepWeight(weights, labels: scores, steps: s)))
    }

    /// The mean weight of the last present step of every response but its list's top (in a tree,
    /// the divergent step of the non-top leaves): how much TPO's weights discount it.
    static func lastStepWeight(_ w: [Double], labels: [[Double]], steps s: Int) -> Double {
        nonTopStepWeight(w, labels: labels, steps: s) { present in present.last.map { [$0] } ?? [] }
    }

    /// The mean weight of the present steps before the last of every response but its list's top
    /// (in a tree, the shared steps: 2 when identical to the top's, 1 + cos when paraphrased).
    static func earlierStepWeight(_ w: [Double], labels: [[Double]], steps s: Int) -> Double {
        nonTopStepWeight(w, labels: labels, steps: s) { present in Array(present.dropLast()) }
    }

    /// The mean of w over the steps `pick` chooses among each non-top response's present steps.
    static func nonTopStepWeight(_ w: [Double], labels: [[Double]], steps s: Int, pick: ([Int]) -> [Int]) -> Double {
        var total = 0.0, count = 0
        for (n, l) in labels.enumerated() {
            let top = l.indices.max { l[$0] != l[$1] ? l[$0] < l[$1] : $0 > $1 } ?? 0
            for y in l.indices where y != top {
                let o = (n * l.count + y) * s
                for k in pick((0..<s).filter { w[o + $0] > 0 }) { total += w[o + k]; count += 1 }
            }
        }
        return count > 0 ? total / Double(count) : .nan
    }

    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep {
        let (out, weights) = try evaluateWithWeights(loss, rows, on: tape)
        var m = out.metrics
        m["loss"] = try out.loss.value().to(.f64).scalars[0]
        m["step_weights/last"] = weights.last
        m["step_weights/shared"] = weights.shared
        return TaskStep(loss: out.loss, metrics: m)
    }

    func value(of term: LossObject, rows: [Int]) throws -> Double {
        try evaluate(term, rows, on: Tape()).loss.value().to(.f64).scalars[0]
    }
}
