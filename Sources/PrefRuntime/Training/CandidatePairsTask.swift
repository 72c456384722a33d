import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A candidate policy trained on pairs of its world ([chosen, rejected] candidate ids) with a
/// paired loss. A step is whole-batch tape work: the log-linear scores in one fused gather–matvec
/// over the batch prompts' ψ blocks (the MLP's from gathered ψ and two matmuls), a log-softmax
/// over each prompt's K candidates, then the loss on the batch view. The reference log-probs of
/// every candidate are computed once.
final class CandidatePairsTask: CandidateTaskBase, TrainingTask {
    /// The chosen and rejected candidate id of each example (flat, so a batch reads no nested
    /// arrays: their retains were a visible part of a step).
    let chosen: [Int], rejected: [Int]

    /// The goal of each example for a goal-conditioned policy (relabelled pairs), else nil.
    let goals: [Double]?

    /// Whether the loss reads each example's prompt KL (kl_to_reference).
    let needsPromptKL: Bool

    init(policy o: PolicyObject, loss: LossObject, ids: [[Int]], goals: [Double]? = nil, interpreter: Interpreter) throws {
        chosen = ids.map { $0[0] }
        rejected = ids.map { $0[1] }
        self.goals = goals
        needsPromptKL = loss.needsPromptKL
        try super.init(policy: o, loss: loss, interpreter: interpreter)
    }

    var count: Int { chosen.count }
    var columns: [String] { TrainingColumns.paired }

    /// The batch view of `rows` on `tape` and the policy's log-probs of the batch's chosen
    /// prompts, and of its rejected prompts when some pair is joint (DOVE: the rejected
    /// candidate answers another prompt, so its log-prob is normalised over that prompt's set).
    func batch(_ rows: [Int], on tape: Tape) throws -> (PreferenceBatch, Var, Var?) {
        let k = policy.source.candidates, b = rows.count
        let c = rows.map { chosen[$0] }, r = rows.map { rejected[$0] }
        let g = goals.map { all in rows.map { all[$0] } }
        let lp = try policy.logProbs(prompts: c.map { $0 / k }, goals: g, tape: tape)
        let joint = zip(c, r).contains { $0 / k != $1 / k }
        let lpRejected = joint ? try policy.logProbs(prompts: r.map { $0 / k }, goals: g, tape: tape) : nil
        let pc = try lp.takeAlong(try IndexTensor(c.map { $0 % k }, shape: [b, 1]), axis: 1).reshaped([b])
        let pr = try (lpRejected ?? lp).takeAlong(try IndexTensor(r.map { $0 % k }, shape: [b, 1]), axis: 1).reshaped([b])
        func constant(_ x: [Double]) throws -> Var { tape.constant(try Tensor(x, shape: [b], dtype: policy.dtype)) }
        var lengths: (Var, Var)?
        if let l = policy.source.lengths {
            lengths = (try constant(c.map { Double(l[$0]) }), try constant(r.map { Double(l[$0]) }))
        }
        var batch = PreferenceBatch(policyChosen: pc, policyRejected: pr,
                                    referenceChosen: try constant(c.map { referenceLogProbs[$0] }),
                                    referenceRejected: try constant(r.map { referenceLogProbs[$0] }),
                                    chosenLengths: lengths?.0, rejectedLengths: lengths?.1)
        batch.prompts = c.map { $0 / k }
        if needsPromptKL {
            // KL(π‖π_ref)(x_i) = Σ_k π_k (log π_k − log π_ref,k), whole-batch on the tape.
            let ref = tape.constant(try Tensor(c.flatMap { referenceLogProbs[($0 / k) * k..<($0 / k + 1) * k] }, shape: [b, k], dtype: policy.dtype))
            batch.promptKL = try (lp.exp() * (lp - ref)).sum(axis: 1)
        }
        return (batch, lp, lpRejected)
    }

    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep {
        let (batch, lp, lpRejected) = try batch(rows, on: tape)
        let out = try loss.evaluate(batch, interpreter: interpreter)
        let value = try out.loss.value().scalars[0]
        return TaskStep(loss: out.loss, metrics: metrics(rows, lp: try lp.value(), rejectedLp: try lpRejected?.value(), value: value))
    }

    func value(of term: LossObject, rows: [Int]) throws -> Double {
        let tape = Tape()
        return try term.evaluate(try batch(rows, on: tape).0, interpreter: interpreter).loss.value().scalars[0]
    }

    /// The loss, TRL's reward metrics (the loss's own implicit rewards) and the exact KL (over
    /// the chosen prompts), from the batch's [B, K] log-probs `lp` (and `rejectedLp` of the
    /// rejected prompts for joint pairs). π = exp(lp) comes from the tensor kernel (vectorised in
    /// f32; libm's exp in f64, as before, so f64 histories stay bit-identical).
    func metrics(_ rows: [Int], lp: Tensor, rejectedLp: Tensor? = nil, value: Double) -> [String: Double] {
        let k = policy.source.candidates, lengths = policy.source.lengths
        let lpv = lp.scalars, probs = lp.exp().scalars, lpr = rejectedLp?.scalars ?? lpv
        var kl = 0.0
        var logRows = [LogpsRow]()
        logRows.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            let c = chosen[row], j = rejected[row], base = (c / k) * k
            var term = 0.0
            for m in 0..<k { term += probs[i * k + m] * (lpv[i * k + m] - referenceLogProbs[base + m]) }
            kl += term
            logRows.append(LogpsRow(policyChosen: lpv[i * k + c % k], policyRejected: lpr[i * k + j % k],
                                    refChosen: referenceLogProbs[c], refRejected: referenceLogProbs[j],
                                    chosenLength: lengths.map { Double($0[c]) }, rejectedLength: lengths.map { Double($0[j]) }))
        }
        var out = TrainingColumns.rewardMetrics(logRows, loss: loss, value: value)
        out["kl"] = kl / Double(rows.count)
        return out
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
        let ref = reference, all = Array(0..<ref.source.prompts)
        // A goal-conditioned reference must not depend on the goal (its goal weights are 0, as
        // in the policy as built): then one table serves every row's goal.
        var goals: [Double]?
        if let range = ref.goal {
            guard ref.parameters.last?.value.scalars.allSatisfy({ $0 == 0 }) ?? true else {
                throw RuntimeError("the reference is goal-conditioned with trained goal weights: its log-probs would depend on each row's goal",
                                   hint: "use the policy as built (the default) or a plain reference")
            }
            goals = Array(repeating: range.low, count: all.count)
        }
        referenceLogProbs = try ref.evaluate { t throws(TensorError) in
            try ref.logProbs(prompts: all, goals: goals, tape: t)
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

    /// The loss and TRL's reward metrics of a batch: the loss's own implicit rewards of chosen
    /// and rejected, their accuracy and margin, and the mean policy log-probs.
    static func rewardMetrics(_ logRows: [LogpsRow], loss: LossObject, value: Double) -> [String: Double] {
        let rewards = logRows.map(loss.rewards)
        let n = Double(logRows.count)
        return [
            "loss": value,
            "rewards/chosen": rewards.reduce(0) { $0 + $1.chosen } / n,
            "rewards/rejected": rewards.reduce(0) { $0 + $1.rejected } / n,
            "rewards/accuracies": Double(rewards.filter { $0.chosen > $0.rejected }.count) / n,
            "rewards/margins": rewards.reduce(0) { $0 + $1.chosen - $1.rejected } / n,
            "logps/chosen": logRows.reduce(0) { $0 + $1.policyChosen } / n,
            "logps/rejected": logRows.reduce(0) { $0 + $1.policyRejected } / n,
        ]
    }
}
