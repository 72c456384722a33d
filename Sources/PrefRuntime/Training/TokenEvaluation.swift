import Foundation
import PrefCore
import PrefLearn

/// `evaluate(tp, data)`: exact metrics of a token policy on pairs of its world against a
/// reference (the policy as built), from the sequence log-probs log π(y|x) (EOS included).
/// With h = (pc − rc) − (pr − rr) per pair: accuracy = mean[h > 0], log_loss = mean −log σ(βh),
/// margin = mean βh; logps/chosen, logps/rejected and their changes from the reference (the
/// 3D-properties likelihoods of spec §7). No KL, gold or win rate: those need the sequence space
/// enumerated.
enum TokenEvaluation {
    static func metrics(_ policy: TokenPolicy, reference: TokenPolicy, pairs: TokenPairs, beta: Double) throws -> [(String, Double)] {
        let batch = try pairs.batch(vocabulary: policy.vocabulary)
        let lp = try policy.evaluate { t throws(TensorError) in try policy.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
        let lr = try reference.evaluate { t throws(TensorError) in try reference.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
        let b = pairs.count, n = Double(b)
        var acc = 0.0, logLoss = 0.0, margin = 0.0, pc = 0.0, pr = 0.0, rc = 0.0, rr = 0.0
        for r in 0..<b {
            let z = beta * ((lp[r] - lr[r]) - (lp[b + r] - lr[b + r]))
            acc += z > 0 ? 1 : 0
            logLoss += max(-z, 0) + log1p(exp(-abs(z)))
            margin += z
            pc += lp[r]; pr += lp[b + r]; rc += lr[r]; rr += lr[b + r]
        }
        return [
            ("accuracy", acc / n), ("log_loss", logLoss / n), ("margin", margin / n),
            ("logps/chosen", pc / n), ("logps/rejected", pr / n),
            ("logps/chosen_change", (pc - rc) / n), ("logps/rejected_change", (pr - rr) / n), ("pairs", n),
        ]
    }
}
