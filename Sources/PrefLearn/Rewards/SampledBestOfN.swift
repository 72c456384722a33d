#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// Best-of-n of a token policy by sampling (Stiennon et al. 2020; Gao et al. 2022): for each
/// prompt draw `samples` independent groups of n sequences from π(·|x), keep the group's best
/// sequence under the proxy reward (the first of equals), and average the proxy (and gold)
/// reward of the kept sequences over groups and prompts. A sequence is scored through its token
/// view features q = (1/ℓ) Σ_t e_{y_t} (the toy world's token embeddings, without the world's
/// feature noise; q = 0 for the empty sequence) and its length ℓ.
///
/// The KL is the analytic value log n − (n − 1)/n, exact for continuous rewards and an upper
/// bound on KL(π_n‖π) otherwise (Stiennon et al. 2020, App. G.3; Beirami et al. 2024).
public enum SampledBestOfN {
    public struct Result: Sendable {
        public var n: Int
        /// Mean proxy and gold reward of the kept sequences; gold is nil without a gold reward.
        public var proxy: Double
        public var gold: Double?
        /// Monte-Carlo standard error of `proxy` (the sd of the group bests over √groups).
        public var proxyStandardError: Double
        public var kl: Double { SampledBestOfN.klBound(n) }
    }

    /// log n − (n − 1)/n.
    public static func klBound(_ n: Int) -> Double { log(Double(n)) - Double(n - 1) / Double(n) }

    /// The reward inputs of token sequences: q from the world's token embeddings, ℓ as lengths.
    public static func inputs(_ sequences: [[Int]], world: ToyWorld) throws(TensorError) -> RewardInputs {
        let d = world.config.featureDim, e = world.geometry.tokenEmbeddings
        let vocabulary = e.count / Swift.max(d, 1)
        var q = [Double](repeating: 0, count: sequences.count * d)
        for (r, s) in sequences.enumerated() where !s.isEmpty {
            for t in s {
                guard (0..<vocabulary).contains(t) else {
                    throw TensorError(op: "best_of_n", "token \(t) is outside the world's vocabulary 0..<\(vocabulary)",
                                      hint: "a policy with a larger vocab draws tokens the world cannot score")
                }
                for j in 0..<d { q[r * d + j] += e[t * d + j] }
            }
            let inverse = 1 / Double(s.count)
            for j in 0..<d { q[r * d + j] *= inverse }
        }
        return try RewardInputs(features: try Tensor(q, shape: [sequences.count, d], dtype: .f64), lengths: sequences.map { Double($0.count) })
    }

    /// Best-of-n from rewards of prompt-major draws: `proxy` and `gold` hold, for each of P
    /// prompts, `samples`·n rewards (group g is draws g·n ..< (g + 1)·n).
    public static func evaluate(proxy: [Double], gold: [Double]?, prompts: Int, samples: Int, n: Int) throws(TensorError) -> Result {
        guard n >= 1, samples >= 1, prompts >= 1, proxy.count == prompts * samples * n, gold.map({ $0.count == proxy.count }) ?? true else {
            throw TensorError(op: "best_of_n", "expected \(prompts)·\(samples)·\(n) rewards, got \(proxy.count)")
        }
        if let bad = proxy.firstIndex(where: { !$0.isFinite }) { throw TensorError(op: "best_of_n", "the proxy reward of draw \(bad) is \(proxy[bad])") }
        let groups = prompts * samples
        var bestProxy = [Double](repeating: 0, count: groups), goldSum = 0.0
        for g in 0..<groups {
            var best = g * n
            for i in (g * n)..<((g + 1) * n) where proxy[i] > proxy[best] { best = i }
            bestProxy[g] = proxy[best]
            goldSum += gold?[best] ?? 0
        }
        let mean = bestProxy.reduce(0, +) / Double(groups)
        let variance = groups > 1 ? bestProxy.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(groups - 1) : 0
        return Result(n: n, proxy: mean, gold: gold == nil ? nil : goldSum / Double(groups),
                      proxyStandardError: (variance / Double(groups)).squareRoot())
    }
}
