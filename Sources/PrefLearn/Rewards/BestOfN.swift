#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// Exact best-of-n over each prompt's candidate set (spec §2, §3; Gao et al. 2022, Coste et
/// al. 2024). Draw n candidates i.i.d. from π(·|x) and keep the one with the highest proxy
/// reward. Sort the K candidates by proxy reward ascending, ties broken by candidate index (a
/// later index counts as better), and let F(k) = Σ_{j ≤ k} π(j) in that order. Then
///
///     P(best = k) = F(k)ⁿ − F(k−1)ⁿ
///
/// is the best-of-n policy π_n, and E[gold], E[proxy] and KL(π_n‖π) = Σ_k π_n(k) log(π_n(k)/π(k))
/// are exact sums over K. For uniform π the KL is ≤ log n − (n − 1)/n (the analytic bound).
public enum BestOfN {
    /// Per-prompt results, each [P] f64 values.
    public struct Result: Sendable {
        public var gold: [Double]
        public var proxy: [Double]
        public var kl: [Double]
        public var mean: (gold: Double, proxy: Double, kl: Double) {
            func avg(_ v: [Double]) -> Double { v.isEmpty ? .nan : v.reduce(0, +) / Double(v.count) }
            return (avg(gold), avg(proxy), avg(kl))
        }
    }

    /// π_n of one prompt: `probabilities` π (K, summing to 1), `proxy` rewards (K).
    public static func distribution(probabilities pi: [Double], proxy: [Double], n: Int) -> [Double] {
        let k = pi.count
        let order = (0..<k).sorted { proxy[$0] != proxy[$1] ? proxy[$0] < proxy[$1] : $0 < $1 }
        var out = [Double](repeating: 0, count: k)
        var below = 0.0, previous = 0.0
        for j in order {
            below += pi[j]
            let f = Swift.min(below, 1)
            let power = pow(f, Double(n))
            out[j] = Swift.max(power - previous, 0)
            previous = power
        }
        return out
    }

    /// Best-of-n for P prompts: π, proxy and gold are [P, K] (row-major flat arrays).
    public static func evaluate(probabilities pi: [Double], proxy: [Double], gold: [Double], prompts: Int, n: Int) throws(TensorError) -> Result {
        guard n >= 1 else { throw TensorError(op: "best_of_n", "n must be ≥ 1, not \(n)") }
        guard prompts > 0, pi.count % prompts == 0, proxy.count == pi.count, gold.count == pi.count else {
            throw TensorError(op: "best_of_n", "π, proxy and gold must all be [P, K]")
        }
        guard proxy.allSatisfy(\.isFinite) else { throw TensorError(op: "best_of_n", "the proxy rewards are not all finite") }
        let k = pi.count / prompts
        var result = Result(gold: [], proxy: [], kl: [])
        for p in 0..<prompts {
            let range = (p * k)..<((p + 1) * k)
            let probs = Array(pi[range]), r = Array(proxy[range]), g = Array(gold[range])
            let best = distribution(probabilities: probs, proxy: r, n: n)
            var eg = 0.0, er = 0.0, kl = 0.0
            for j in 0..<k where best[j] > 0 {
                eg += best[j] * g[j]
                er += best[j] * r[j]
                kl += best[j] * (log(best[j]) - log(probs[j]))
            }
            result.gold.append(eg)
            result.proxy.append(er)
            result.kl.append(Swift.max(kl, 0))
        }
        return result
    }
}
