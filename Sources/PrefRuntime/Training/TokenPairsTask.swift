import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A token policy trained on pairs of its world's token sequences. A step is whole-batch tape
/// work: the batch's chosen and rejected sequences are one padded `TokenBatch` of 2B rows, so
/// the policy runs one gather, two matmuls and a log-softmax over all 2B·(T+1) positions. Paired
/// losses read the sequence log-probs log π(y|x) (EOS included) and the lengths ℓ; sparse_po
/// reads the per-token log-probs with m^u = 1 (or the masks of `SparseMasks`) and the exact per-position KL
/// δ_t = Σ_v π_ref(v|ctx_t)(log π_θ(v|ctx_t) − log π_ref(v|ctx_t)) over the V + 1 outputs.
/// The reference's sequence log-probs of every pair are computed once.
final class TokenPairsTask: TokenTaskBase, TrainingTask {
    let pairs: TokenPairs
    /// log π_ref of each pair's chosen and rejected sequence.
    private(set) var referenceChosen: [Double] = [], referenceRejected: [Double] = []

    /// SparsePO's mask network (the policy object's), trained with the policy; nil: m = 1.
    let maskNetwork: SparseMaskNetwork?
    /// sparse_po(mask_tokens:): a fixed 0/1 mask on these token ids instead of a network.
    let fixedMaskTokens: [Int]?

    init(policy o: TokenPolicyObject, loss: LossObject, pairs: TokenPairs, interpreter: Interpreter) throws {
        self.pairs = pairs
        maskNetwork = try SparseMasks.network(for: o, loss: loss)
        fixedMaskTokens = try SparseMasks.fixedTokens(of: loss, vocabulary: o.policy.vocabulary)
        super.init(policy: o, loss: loss, interpreter: interpreter)
        try restored()
    }

    /// The policy's parameters, then the mask network's.
    override var parameters: [PrefCore.Parameter] { policy.parameters + (maskNetwork?.parameters ?? []) }

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

    /// sparse_po on the per-token log-probs of the batch (chosen rows 0..<b, rejected b..<2b),
    /// with the mask network's m_t when the run has one.
    func tokenLoss(_ term: LossObject, _ batch: TokenBatch, b: Int, tape: Tape) throws -> (LossResult, Var) {
        let sides = try policy.sparsePOSides(batch, half: b, reference: reference, masks: maskNetwork, tape: tape, fixedTokens: fixedMaskTokens)
        return (try term.evaluateTokens(sides.chosen, sides.rejected), try sides.tokenLogps.sum(axis: 1))
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
