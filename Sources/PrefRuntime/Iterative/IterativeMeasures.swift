import Foundation
import PrefCore
import PrefLearn

/// What `iterate` records after each round, exactly over the candidate sets of `prompts`:
/// gold = mean_x E_π[r*], win_rate = mean_x P(r*(y) > r*(y′)) + ½P(=) with y ~ π, y′ ~ π_start
/// (the policy as it entered `iterate`), kl = mean_x KL(π‖π_start).
enum IterativeMeasures {
    static func measure(_ p: CandidatePolicy, start: CandidatePolicy, prompts: [Int]) throws -> (gold: Double, winRate: Double, kl: Double)? {
        guard let gold = p.source.gold?.to(.f64).scalars, !prompts.isEmpty else { return nil }
        let k = p.source.candidates
        let lp = try p.evaluate { t throws(TensorError) in try p.logProbs(prompts: prompts, tape: t) }.to(.f64).scalars
        let ls = try start.evaluate { t throws(TensorError) in try start.logProbs(prompts: prompts, tape: t) }.to(.f64).scalars
        var g = 0.0, win = 0.0, kl = 0.0
        for (i, x) in prompts.enumerated() {
            for a in 0..<k {
                let pa = exp(lp[i * k + a])
                g += pa * gold[x * k + a]
                kl += pa * (lp[i * k + a] - ls[i * k + a])
            }
            // Σ_a π(a) [Σ_{b: r*(b) < r*(a)} π_start(b) + ½ Σ_{b: r*(b) = r*(a)} π_start(b)], by sorting
            // the candidates by gold once (K log K, not K²: the K = 256 example measured every round).
            let order = (0..<k).sorted { gold[x * k + $0] < gold[x * k + $1] }
            var below = 0.0, j = 0
            while j < k {
                var end = j, tiedStart = 0.0, tiedPolicy = 0.0
                while end < k, gold[x * k + order[end]] == gold[x * k + order[j]] {
                    tiedStart += exp(ls[i * k + order[end]])
                    tiedPolicy += exp(lp[i * k + order[end]])
                    end += 1
                }
                win += tiedPolicy * (below + 0.5 * tiedStart)
                below += tiedStart
                j = end
            }
        }
        let n = Double(prompts.count)
        return (g / n, win / n, kl / n)
    }
}
