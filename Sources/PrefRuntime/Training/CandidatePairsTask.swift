import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A candidate policy trained on pairs of its world ([chosen, rejected] candidate ids) with a
/// paired loss. A step is whole-batch tape work: one gather of the batch prompts' ψ, a matmul
/// (two for the MLP) and a log-softmax over each prompt's K candidates, then the loss on the
/// batch view. The reference log-probs of every candidate are computed once.
final class CandidatePairsTask: CandidateTaskBase, TrainingTask {
    /// [chosen, rejected] candidate ids per example.
    let ids: [[Int]]

    init(policy o: PolicyObject, loss: LossObject, ids: [[Int]], interpreter: Interpreter) throws {
        self.ids = ids
        try super.init(policy: o, loss: loss, interpreter: interpreter)
    }

    var count: Int { ids.count }
    var columns: [String] { TrainingColumns.paired }

    /// The batch view of `rows` on `tape` and the policy's log-probs of the batch prompts.
    func batch(_ rows: [Int], on tape: Tape) throws -> (PreferenceBatch, Var) {
        let k = policy.source.candidates, b = rows.count
        let pairs = rows.map { ids[$0] }
        let lp = try policy.logProbs(prompts: pairs.map { $0[0] / k }, tape: tape)
        let pc = try lp.takeAlong(try IndexTensor(pairs.map { $0[0] % k }, shape: [b, 1]), axis: 1).reshaped([b])
        let pr = try lp.takeAlong(try IndexTensor(pairs.map { $0[1] % k }, shape: [b, 1]), axis: 1).reshaped([b])
        func constant(_ x: [Double]) throws -> Var { tape.constant(try Tensor(x, shape: [b], dtype: policy.dtype)) }
        var lengths: (Var, Var)?
        if let l = policy.source.lengths {
            lengths = (try constant(pairs.map { Double(l[$0[0]]) }), try constant(pairs.map { Double(l[$0[1]]) }))
        }
        let batch = PreferenceBatch(policyChosen: pc, policyRejected: pr,
                                    referenceChosen: try constant(pairs.map { referenceLogProbs[$0[0]] }),
                                    referenceRejected: try constant(pairs.map { referenceLogProbs[$0[1]] }),
                                    chosenLengths: lengths?.0, rejectedLengths: lengths?.1)
        return (batch, lp)
    }

    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep {
        let (batch, lp) = try batch(rows, on: tape)
        let out = try loss.evaluate(batch, interpreter: interpreter)
        let value = try out.loss.value().to(.f64).scalars[0]
        return TaskStep(loss: out.loss, metrics: try metrics(rows.map { ids[$0] }, lpv: lp.value().to(.f64).scalars, value: value))
    }

    func value(of term: LossObject, rows: [Int]) throws -> Double {
        let tape = Tape()
        return try term.evaluate(try batch(rows, on: tape).0, interpreter: interpreter).loss.value().to(.f64).scalars[0]
    }

    /// The loss, TRL's reward metrics (the loss's own implicit rewards) and the exact KL.
    func metrics(_ pairs: [[Int]], lpv: [Double], value: Double) -> [String: Double] {
        let k = policy.source.candidates, b = pairs.count
        var kl = 0.0
        var logRows = [LogpsRow]()
        logRows.reserveCapacity(b)
        let lengths = policy.source.lengths
        for (r, row) in pairs.enumerated() {
            kl += TrainingColumns.klTerm(lpv, row: r, k: k, reference: referenceLogProbs, base: (row[0] / k) * k)
            logRows.append(LogpsRow(policyChosen: lpv[r * k + row[0] % k], policyRejected: lpv[r * k + row[1] % k],
                                    refChosen: referenceLogProbs[row[0]], refRejected: referenceLogProbs[row[1]],
                                    chosenLength: lengths.map { Double($0[row[0]]) }, rejectedLength: lengths.map { Double($0[row[1]]) }))
        }
        let rewards = logRows.map(loss.rewards)
        let n = Double(b)
        return [
            "loss": value,
            "rewards/chosen": rewards.reduce(0) { $0 + $1.chosen } / n,
            "rewards/rejected": rewards.reduce(0) { $0 + $1.rejected } / n,
            "rewards/accuracies": Double(rewards.filter { $0.chosen > $0.rejected }.count) / n,
            "rewards/margins": rewards.reduce(0) { $0 + $1.chosen - $1.rejected } / n,
            "logps/chosen": logRows.reduce(0) { $0 + $1.policyChosen } / n,
            "logps/rejected": logRows.reduce(0) { $0 + $1.policyRejected } / n,
            "kl": kl / n,
        ]
    }
}

/// What the candidate-policy tasks share: the policy, its frozen reference (a copy of the policy
/// as built; a resumed run restores the checkpoint's) and the reference log-probs of every
/// candidate, computed once.
class CandidateTaskBase {
    let policy: CandidatePolicy
    let loss: LossObject
    let interpreter: Interpreter
    let reference: CandidatePolicy
    /// log π_ref(k|x) of every candidate, [P·K].
    private(set) var referenceLogProbs: [Double] = []

    init(policy o: PolicyObject, loss: LossObject, interpreter: Interpreter) throws {
        policy = o.policy
        self.loss = loss
        self.interpreter = interpreter
        reference = o.initial.frozen()
        try restored()
    }

    var parameters: [PrefCore.Parameter] { policy.parameters }
    var frozenParameters: [PrefCore.Parameter] { reference.parameters }

    func restored() throws {
        let ref = reference
        referenceLogProbs = try ref.evaluate { t throws(TensorError) in
            try ref.logProbs(prompts: Array(0..<ref.source.prompts), tape: t)
        }.to(.f64).scalars
    }
}

/// The history columns of each kind of training data, and shared metric pieces.
enum TrainingColumns {
    static let paired = ["step", "epoch", "loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                         "logps/chosen", "logps/rejected", "kl", "grad_norm", "lr"]

    /// KL(π‖π_ref) of one prompt: Σ_j π_j (log π_j − log π_ref,j), with row `row` of the batch's
    /// [B, K] log-probs `lp` and the prompt's reference log-probs at `reference[base ..< base + K]`.
    static func klTerm(_ lp: [Double], row: Int, k: Int, reference: [Double], base: Int) -> Double {
        var kl = 0.0
        for j in 0..<k {
            let a = lp[row * k + j]
            kl += exp(a) * (a - reference[base + j])
        }
        return kl
    }
}
