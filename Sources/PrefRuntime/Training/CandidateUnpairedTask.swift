import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A candidate policy trained on unpaired labels of its world (`w.unpaired(n)`: a completion id
/// and desirable / undesirable) with KTO, BCO, a composite of them or a user-defined loss on
/// the unpaired batch view.
///
/// KTO's reference point: TRL estimates z₀ = max(0, mean KL) from mismatched pairs (x_i, y_{i+1})
/// because a language model cannot sum over all responses. A candidate policy can: each
/// example's `policyKL` is KL(π(·|x_i) ‖ π_ref(·|x_i)) exactly (detached, `referenceKL` 0), so z₀
/// is the batch mean of the exact KLs, clamped at 0 — the quantity the estimate stands for.
/// BCO's running reward moments persist across steps and in checkpoints.
final class CandidateUnpairedTask: CandidateTaskBase, TrainingTask {
    /// Completion ids and labels, one per example.
    let ids: [Int]
    let desirable: [Bool]
    /// BCO's running reward moments, one per BCO term of the loss.
    var moments = [BCORunningMoments]()
    /// UDM's density-ratio weight of each example (bco(udm: true)); nil without UDM.
    let udm: [Double]?

    /// Whether the loss reads each example's prompt KL on the tape (kl_to_reference).
    let needsPromptKL: Bool

    init(policy o: PolicyObject, loss: LossObject, ids: [Int], desirable: [Bool], interpreter: Interpreter) throws {
        needsPromptKL = loss.needsPromptKL
        self.ids = ids
        self.desirable = desirable
        if let config = loss.udmConfig {
            guard let world = o.world else {
                throw RuntimeError("bco(udm: true) needs each example's prompt features, which a policy over a feature tensor lacks",
                                   hint: "train a policy built on a toy world: candidate_policy(w)")
            }
            let k = world.config.candidates, dim = world.config.promptDim
            let features = ids.flatMap { id in world.promptFeatures[(id / k) * dim ..< (id / k + 1) * dim] }
            do {
                udm = try udmWeights(promptFeatures: features, dim: dim, desirable: desirable, config: config)
            } catch {
                throw RuntimeError("bco(udm: true): \(error.message)", hint: "UDM compares the prompts of desirable and undesirable examples")
            }
        } else {
            udm = nil
        }
        try super.init(policy: o, loss: loss, interpreter: interpreter)
    }

    var count: Int { ids.count }
    var columns: [String] {
        ["step", "epoch", "loss", "rewards/chosen", "rewards/rejected", "rewards/margins", "logps/chosen", "logps/rejected"]
            + (moments.isEmpty ? [] : ["delta"]) + ["kl", "grad_norm", "lr"]
    }

    /// BCO's moments as numbers ("k/mean", "k/variance", "k/count"), for checkpoints.
    var state: [String: Double] {
        get {
            var s = [String: Double]()
            for (k, m) in moments.enumerated() {
                s["\(k)/mean"] = m.mean
                s["\(k)/variance"] = m.variance
                s["\(k)/count"] = m.count
            }
            return s
        }
        set {
            moments = (0..<newValue.count / 3).map { k in
                var m = BCORunningMoments()
                m.mean = newValue["\(k)/mean"] ?? m.mean
                m.variance = newValue["\(k)/variance"] ?? m.variance
                m.count = newValue["\(k)/count"] ?? m.count
                return m
            }
        }
    }

    /// The unpaired batch of `rows` on `tape`, the policy's [B, K] log-probs and each example's
    /// exact KL.
    func batch(_ rows: [Int], on tape: Tape) throws -> (PreferenceBatch, Var, [Double]) {
        let k = policy.source.candidates, b = rows.count
        let chosen = rows.map { ids[$0] }
        let lp = try policy.logProbs(prompts: chosen.map { $0 / k }, tape: tape)
        let p = try lp.takeAlong(try IndexTensor(chosen.map { $0 % k }, shape: [b, 1]), axis: 1).reshaped([b])
        let lpv = try lp.value().to(.f64).scalars
        let kl = chosen.enumerated().map { r, id in
            TrainingColumns.klTerm(lpv, row: r, k: k, reference: referenceLogProbs, base: (id / k) * k)
        }
        func constant(_ x: [Double]) throws -> Var { tape.constant(try Tensor(x, shape: [b], dtype: policy.dtype)) }
        var batch = PreferenceBatch(policy: p, reference: try constant(chosen.map { referenceLogProbs[$0] }),
                                    labels: try constant(rows.map { desirable[$0] ? 1 : 0 }), policyKL: try constant(kl),
                                    lengths: try policy.source.lengths.map { l in try constant(chosen.map { Double(l[$0]) }) },
                                    weights: try udm.map { w in try constant(rows.map { w[$0] }) })
        batch.prompts = chosen.map { $0 / k }
        if needsPromptKL {
            // kl_to_reference: the same KL on the tape, Σ_k π_k (log π_k − log π_ref,k).
            let ref = tape.constant(try Tensor(chosen.flatMap { referenceLogProbs[($0 / k) * k..<($0 / k + 1) * k] }, shape: [b, k], dtype: policy.dtype))
            batch.promptKL = try (lp.exp() * (lp - ref)).sum(axis: 1)
        }
        return (batch, p, kl)
    }

    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep {
        let (batch, p, kl) = try batch(rows, on: tape)
        let out = try loss.evaluateUnpaired(batch, moments: &moments, interpreter: interpreter)
        var m = [String: Double]()
        m["loss"] = try out.loss.value().to(.f64).scalars[0]
        let pv = try p.value().to(.f64).scalars, beta = loss.beta
        let rewards = rows.enumerated().map { r, i in beta * (pv[r] - referenceLogProbs[ids[i]]) }
        func mean(_ xs: [Double], _ good: Bool) -> Double? {
            let picked = zip(xs, rows).filter { desirable[$0.1] == good }.map(\.0)
            return picked.isEmpty ? nil : picked.reduce(0, +) / Double(picked.count)
        }
        m["rewards/chosen"] = mean(rewards, true)
        m["rewards/rejected"] = mean(rewards, false)
        if let c = m["rewards/chosen"], let r = m["rewards/rejected"] { m["rewards/margins"] = c - r }
        m["logps/chosen"] = mean(pv, true)
        m["logps/rejected"] = mean(pv, false)
        if let delta = moments.first?.delta { m["delta"] = delta }
        m["kl"] = kl.reduce(0, +) / Double(rows.count)
        return TaskStep(loss: out.loss, metrics: m)
    }

    func value(of term: LossObject, rows: [Int]) throws -> Double {
        var scratch = moments
        let out = try term.evaluateUnpaired(try batch(rows, on: Tape()).0, moments: &scratch, interpreter: interpreter)
        return try out.loss.value().to(.f64).scalars[0]
    }
}
