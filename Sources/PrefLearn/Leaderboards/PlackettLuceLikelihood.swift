import Foundation

/// The Plackett–Luce log-likelihood of rankings (Plackett 1975; Luce 1959): a ranking
/// o₁ ≻ o₂ ≻ … ≻ oₘ of some of the items (a partial ranking lists only the items it ranks) has
///
///   log P = Σₛ₌₁^{m−1} [θ_{oₛ} − log Σ_{t≥s} exp θ_{oₜ}],
///
/// each stage a softmax choice of the best remaining item. With pₜ the stage's softmax, the
/// gradient adds 1 at oₛ and −pₜ over the remaining items, and the information adds
/// diag(p) − ppᵀ (Hunter 2004, §4). Rankings carry a weight (a multiplicity, for the bootstrap).
struct PlackettLuceLikelihood: LogLikelihood {
    let rankings: [[Int]]
    let weights: [Double]
    let dimension: Int

    func value(_ beta: [Double]) -> Double {
        var total = 0.0
        for (o, w) in zip(rankings, weights) where w > 0 {
            var lse = -Double.infinity
            for s in stride(from: o.count - 1, through: 0, by: -1) {
                let t = beta[o[s]]
                lse = Swift.max(lse, t) + log1p(exp(-abs(lse - t)))
                if s < o.count - 1 { total += w * (t - lse) }
            }
        }
        return total
    }

    func derivatives(_ beta: [Double]) -> (gradient: [Double], information: [Double]) {
        let n = dimension
        var gradient = [Double](repeating: 0, count: n), information = [Double](repeating: 0, count: n * n)
        var p = [Double]()
        for (o, w) in zip(rankings, weights) where w > 0 {
            for s in 0..<(o.count - 1) {
                let rest = o[s...]
                let top = rest.map { beta[$0] }.max() ?? 0
                p = rest.map { exp(beta[$0] - top) }
                let z = p.reduce(0, +)
                for a in p.indices { p[a] /= z }
                gradient[o[s]] += w
                for (a, i) in rest.enumerated() {
                    gradient[i] -= w * p[a]
                    information[i * n + i] += w * p[a]
                    for (b, j) in rest.enumerated() { information[i * n + j] -= w * p[a] * p[b] }
                }
            }
        }
        return (gradient, information)
    }
}
