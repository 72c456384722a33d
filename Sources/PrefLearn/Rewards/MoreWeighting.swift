#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// The task weighting of MORE (Zeng et al. 2023, "Diversified preferences in reward modelling";
/// code `dunzeng/MORE`, `trainer.py`; spec algorithms.md §5.2): the min-norm point of the
/// per-dataset gradients (MGDA, Sener & Koltun 2018), found by Frank–Wolfe,
///
///     λ = argmin_{λ ∈ Δ^T} ‖Σ_t λ_t g_t‖²,
///
/// and the calibration metric the paper proposes for reward models, the expected calibration
/// error over uniform probability bins.
public enum MoreWeighting {
    /// λ ∈ Δ^T minimising ‖Σ_t λ_t g_t‖² for gradients `g` (T rows of equal length), by
    /// Frank–Wolfe on the Gram matrix M = G Gᵀ from λ = 1/T: each step moves towards the vertex
    /// t* = argmin_t (Mλ)_t with the exact line search γ = (λᵀMλ − (Mλ)_t*)/(λᵀMλ − 2(Mλ)_t* + M_t*t*)
    /// clamped to [0, 1]; it stops when γ·‖λ − e_t*‖ < 10⁻¹⁰ or after 250 steps (the code's limit).
    public static func minNorm(_ g: [[Double]]) throws(TensorError) -> [Double] {
        let t = g.count
        guard t >= 1, let d = g.first?.count, g.allSatisfy({ $0.count == d }) else {
            throw TensorError(op: "more", "min-norm weights need at least one gradient, all of one length")
        }
        guard g.allSatisfy({ $0.allSatisfy(\.isFinite) }) else { throw TensorError(op: "more", "a task gradient is not finite") }
        var m = [[Double]](repeating: [Double](repeating: 0, count: t), count: t)
        for i in 0..<t { for j in i..<t {
            var s = 0.0
            for k in 0..<d { s += g[i][k] * g[j][k] }
            m[i][j] = s; m[j][i] = s
        } }
        var lambda = [Double](repeating: 1 / Double(t), count: t)
        for _ in 0..<250 {
            let ml = (0..<t).map { i in (0..<t).reduce(0) { $0 + m[i][$1] * lambda[$1] } }
            let a = zip(lambda, ml).reduce(0) { $0 + $1.0 * $1.1 }
            guard let best = ml.indices.min(by: { ml[$0] < ml[$1] }) else { break }
            let b = ml[best], c = m[best][best]
            let denominator = a - 2 * b + c
            guard denominator > 1e-300 else { break }
            let gamma = Swift.min(Swift.max((a - b) / denominator, 0), 1)
            var moved = 0.0
            for i in 0..<t {
                let target = i == best ? 1.0 : 0.0
                let next = (1 - gamma) * lambda[i] + gamma * target
                moved += Swift.abs(next - lambda[i])
                lambda[i] = next
            }
            if moved < 1e-10 { break }
        }
        return lambda
    }

    /// ECE = Σ_b |Σ_{i∈b} p_i − Σ_{i∈b} y_i| / n = Σ_b (n_b/n)|conf_b − acc_b| over `bins` uniform
    /// bins of [0, 1] (p = 1 falls in the last), as MORE's `utils.py` computes it (default 5 bins).
    public static func expectedCalibrationError(probabilities p: [Double], labels y: [Bool], bins: Int = 5) throws(TensorError) -> Double {
        guard p.count == y.count, !p.isEmpty else { throw TensorError(op: "ece", "\(p.count) probabilities for \(y.count) labels") }
        guard (1...1000).contains(bins) else { throw TensorError(op: "ece", "bins must be 1…1000, got \(bins)") }
        guard p.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1 }) else { throw TensorError(op: "ece", "probabilities must be in [0, 1]") }
        var confidence = [Double](repeating: 0, count: bins), hits = [Double](repeating: 0, count: bins)
        for (pi, yi) in zip(p, y) {
            let b = Swift.min(Int(pi * Double(bins)), bins - 1)
            confidence[b] += pi
            hits[b] += yi ? 1 : 0
        }
        return zip(confidence, hits).reduce(0) { $0 + Swift.abs($1.0 - $1.1) } / Double(p.count)
    }

    /// MORE's evaluation of a reward on pairs: each pair is shown in a random order (Philox
    /// stream "more/ece" of `seed`), p = σ(r_a − r_b) and y = 1 when a is the chosen one; returns
    /// the ECE over `bins` bins and the accuracy (the fraction with r_chosen > r_rejected).
    public static func pairCalibration(logits: [Double], bins: Int = 5, seed: UInt64 = 0) throws(TensorError) -> (ece: Double, accuracy: Double) {
        var rng = RandomStream(seed: seed, stream: "more/ece")
        var p = [Double](), y = [Bool]()
        p.reserveCapacity(logits.count)
        for z in logits {
            let chosenFirst = rng.uniform() < 0.5
            let shown = chosenFirst ? z : -z
            p.append(shown >= 0 ? 1 / (1 + exp(-shown)) : exp(shown) / (1 + exp(shown)))
            y.append(chosenFirst)
        }
        let ece = try expectedCalibrationError(probabilities: p, labels: y, bins: bins)
        return (ece, logits.isEmpty ? 0 : Double(logits.filter { $0 > 0 }.count) / Double(logits.count))
    }
}
