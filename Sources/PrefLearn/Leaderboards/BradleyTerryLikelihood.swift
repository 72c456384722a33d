import Foundation

/// The Bradley–Terry log-likelihood of aggregated comparisons (Bradley & Terry 1952), with an
/// optional home advantage δ (Agresti 2002, §10.6): for a group of the pair (i, j) at venue z
/// (+1 i at home, −1 j at home, 0 neutral) with wᵢ and wⱼ wins,
///
///   η = θᵢ − θⱼ + δ·z,  ℓ = Σ wᵢ log σ(η) + wⱼ log σ(−η).
///
/// A tie counted as half a win each adds ½ log σ(η) + ½ log σ(−η). The coordinates are the K
/// log-strengths θ, then δ when `home` is true.
struct BradleyTerryLikelihood: LogLikelihood {
    let counts: PairedCounts
    let home: Bool

    var items: Int { counts.items.count }
    var dimension: Int { items + (home ? 1 : 0) }

    @inline(__always) func eta(_ beta: [Double], _ g: Int) -> Double {
        let d = beta[counts.first[g]] - beta[counts.second[g]]
        return home ? d + beta[items] * counts.venue[g] : d
    }

    func value(_ beta: [Double]) -> Double {
        var total = 0.0
        for g in counts.first.indices {
            let e = eta(beta, g)
            total -= counts.winsFirst[g] * softplus(-e) + counts.winsSecond[g] * softplus(e)
        }
        return total
    }

    func derivatives(_ beta: [Double]) -> (gradient: [Double], information: [Double]) {
        var h = [Double](repeating: 0, count: dimension * dimension)
        let (_, g) = evaluate(beta, information: &h)
        return (g, h)
    }

    /// ℓ, ∇ℓ and the information in one pass, sharing u = e^(−|η|) between log σ(±η) and σ(η).
    /// Groups come in pair order with i < j, so the upper-triangle writes run along the rows.
    func evaluate(_ beta: [Double], information: inout [Double]) -> (value: Double, gradient: [Double]) {
        let n = dimension, k = items
        var gradient = [Double](repeating: 0, count: n)
        if information.count == n * n {
            information.withUnsafeMutableBufferPointer { $0.update(repeating: 0) }
        } else {
            information = [Double](repeating: 0, count: n * n)
        }
        var total = 0.0
        information.withUnsafeMutableBufferPointer { information in
            for g in counts.first.indices {
                let i = counts.first[g], j = counts.second[g], z = counts.venue[g]
                let wi = counts.winsFirst[g], wj = counts.winsSecond[g], m = wi + wj
                guard m > 0 else { continue }
                // log(1 + u) for u ∈ (0, 1] is off by at most an ulp of 1 absolutely (so ℓ by ≤ 1e-16 per
                // comparison) and costs a fraction of log1p, which was most of a Newton iteration.
                let e = eta(beta, g), u = exp(-abs(e)), l = log(1 + u)
                total -= wi * (Swift.max(-e, 0) + l) + wj * (Swift.max(e, 0) + l)
                let p = e >= 0 ? 1 / (1 + u) : u / (1 + u)
                let r = wi - m * p, v = m * p * (1 - p)
                gradient[i] += r; gradient[j] -= r
                information[i * n + i] += v; information[j * n + j] += v
                information[i * n + j] -= v
                if home && z != 0 {
                    gradient[k] += z * r
                    information[k * n + k] += v
                    information[i * n + k] += z * v
                    information[j * n + k] -= z * v
                }
            }
        }
        return (total, gradient)
    }

    /// Each item's empirical log-odds of winning, log((Wᵢ + ½)/(Lᵢ + ½)) over all its comparisons
    /// (ties as counted), and δ = 0: on an arena this is within a fraction of a unit of the
    /// estimate, and Newton needs about 5 iterations from it where it needs 8 from zeros.
    func startingPoint() -> [Double] {
        var wins = [Double](repeating: 0, count: dimension), losses = wins
        for g in counts.first.indices {
            let i = counts.first[g], j = counts.second[g]
            wins[i] += counts.winsFirst[g]; losses[i] += counts.winsSecond[g]
            wins[j] += counts.winsSecond[g]; losses[j] += counts.winsFirst[g]
        }
        var start = (0..<dimension).map { log((wins[$0] + 0.5) / (losses[$0] + 0.5)) }
        if home { start[items] = 0 }
        return start
    }

    /// The saturated model's log-likelihood: each group its own probability wᵢ/(wᵢ + wⱼ).
    var saturated: Double {
        var total = 0.0
        for g in counts.first.indices {
            let a = counts.winsFirst[g], b = counts.winsSecond[g], m = a + b
            if a > 0 { total += a * log(a / m) }
            if b > 0 { total += b * log(b / m) }
        }
        return total
    }
}

/// log(1 + eˣ) without overflow.
@inline(__always) func softplus(_ x: Double) -> Double { Swift.max(x, 0) + log1p(exp(-abs(x))) }
