import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A token policy trained on pairs of its world's token sequences. A step is whole-batch tape
/// work: the batch's chosen and rejected sequences are one padded `TokenBatch` of 2B rows, so
/// the policy runs one gather, two matmuls and a log-softmax over all 2B·(T+1) positions. Paired
/// losses read the sequence log-probs log π(y|x) (EOS included) and the lengths ℓ; sparse_po
/// reads the per-token log-probs with m^u = 1 and the exact per-position KL
/// δ_t = Σ_v π_ref(v|ctx_t)(log π_θ(v|ctx_t) − log π_ref(v|ctx_t)) over the V + 1 outputs.
/// The reference's sequence log-probs of every pair are computed once.
final class TokenPairsTask: TokenTaskBase, TrainingTask {
    let pairs: TokenPairs
    /// log π_ref of each pair's chosen and rejected sequence.
    private(set) var referenceChosen: [Double] = [], referenceRejected: [Double] = []

    init(policy o: TokenPolicyObject, loss: LossObject, pairs: TokenPairs, interpreter: Interpreter) throws {
        self.pairs = pairs
        super.init(policy: o, loss: loss, interpreter: interpreter)
        try restored()
    }

    var count: Int { pairs.count }
    /// The paired columns without the exact KL, which a token policy cannot enumerate.
    var columns: [String] { TrainingColumns.paired.filter { $0 != "kl" } }

    func restored() throws {
        referenceChosen = []
        referenceRejected = []
        let ref = reference, chunk = 1024
        for start in stride(from: 0, to: pairs.count, by: chunk) {
            let part = pairs.rows(Array(start..<min(start + chunk, pairs.count)))
            let batch = try part.batch(vocabulary: ref.vocabulary)
            let lp = try ref.evaluate { t throws(TensorError) in try ref.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
            referenceChosen += lp[0..<part.count]
            referenceRejected += lp[part.count...]
        }
    }

    /// The loss of `rows` on `tape`, with the policy's sequence log-probs ([2B]: chosen, rejected).
    func evaluate(_ term: LossObject, _ rows: [Int], on tape: Tape) throws -> (LossResult, Var) {
        let part = pairs.rows(rows), b = rows.count
        let batch = try part.batch(vocabulary: policy.vocabulary)
        if term.recordForm == "tokens" { return try tokenLoss(term, batch, b: b, tape: tape) }
        let seq = try policy.sequenceLogProbs(batch, tape: tape)
        func constant(_ x: [Double]) throws -> Var { tape.constant(try Tensor(x, shape: [b], dtype: policy.dtype)) }
        let view = PreferenceBatch(policyChosen: try seq.slice(axis: 0, start: 0, end: b), policyRejected: try seq.slice(axis: 0, start: b, end: 2 * b),
                                   referenceChosen: try constant(rows.map { referenceChosen[$0] }),
                                   referenceRejected: try constant(rows.map { referenceRejected[$0] }),
                                   chosenLengths: try constant(part.chosen.map { Double($0.count) }),
                                   rejectedLengths: try constant(part.rejected.map { Double($0.count) }))
        return (try term.evaluate(view, interpreter: interpreter), seq)
    }

    /// sparse_po on the per-token log-probs of the batch (chosen rows 0..<b, rejected b..<2b).
    func tokenLoss(_ term: LossObject, _ batch: TokenBatch, b: Int, tape: Tape) throws -> (LossResult, Var) {
        let all = try policy.positionLogProbs(batch, tape: tape)                                   // [2B·W, V+1]
        let refAll = tape.constant(try reference.evaluate { t throws(TensorError) in try reference.positionLogProbs(batch, tape: t) })
        let w = batch.width, mask = tape.constant(try batch.mask(policy.dtype))
        let zero = tape.constant(0, dtype: policy.dtype)
        func perToken(_ v: Var) throws -> Var { try Var.select(mask, try v.reshaped([2 * b, w]), zero) }
        let lp = try perToken(try all.takeAlong(batch.targets, axis: 1))
        let lr = try perToken(try refAll.takeAlong(batch.targets, axis: 1))
        let delta = try perToken(try (refAll.exp() * (all - refAll)).sum(axis: 1))
        let ones = tape.constant(Tensor(repeating: 1, shape: [b, w], dtype: policy.dtype))
        func side(_ first: Bool) throws -> SparsePOTokens {
            let (s, e) = first ? (0, b) : (b, 2 * b)
            return SparsePOTokens(logps: try lp.slice(axis: 0, start: s, end: e), refLogps: try lr.slice(axis: 0, start: s, end: e),
                                  padding: Array(batch.maskValues[(s * w)..<(e * w)]), rewardMask: ones,
                                  kl: try delta.slice(axis: 0, start: s, end: e))
        }
        return (try term.evaluateTokens(try side(true), try side(false)), try lp.sum(axis: 1))
    }

    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep {
        let (out, seq) = try evaluate(loss, rows, on: tape)
        let value = try out.loss.value().to(.f64).scalars[0]
        return TaskStep(loss: out.loss, metrics: metrics(rows, seq: try seq.value().to(.f64).scalars, value: value))
    }

    func value(of term: LossObject, rows: [Int]) throws -> Double {
        try evaluate(term, rows, on: Tape()).0.loss.value().to(.f64).scalars[0]
    }

    /// The loss and TRL's reward metrics (the loss's own implicit rewards).
    func metrics(_ rows: [Int], seq: [Double], value: Double) -> [String: Double] {
        let b = rows.count
        let logRows = rows.enumerated().map { r, i in
            LogpsRow(policyChosen: seq[r], policyRejected: seq[b + r], refChosen: referenceChosen[i], refRejected: referenceRejected[i],
                     chosenLength: Double(pairs.chosen[i].count), rejectedLength: Double(pairs.rejected[i].count))
        }
        return TrainingColumns.rewardMetrics(logRows, loss: loss, value: value)
    }
}
