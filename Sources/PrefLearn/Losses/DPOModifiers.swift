import Foundation
import PrefCore

/// The f-divergence scores s(Δ) (Wang et al. 2023; losses.md §1 step 2, TRL 1.16's conventions).
enum FDivergenceScore {
    static func apply(_ f: FDivergence, _ d: Var) throws(TensorError) -> Var {
        switch f {
        case .reverseKL:
            return d
        case .forwardKL:
            // s = 1 − e^{−Δ}, s′ = e^{−Δ}.
            return try 1 - (-d).exp()
        case .jsDivergence:
            // s = ln 2 + logσ(Δ), s′ = σ(−Δ).
            return try d.logSigmoid() + Foundation.log(2.0)
        case .alphaDivergence(let alpha):
            // s = (e^{(α−1)Δ} − 1)/(α−1); TRL clamps the exponent at 80 for float32/16/bf16 only.
            var e = try d * (alpha - 1)
            if d.dtype == .f32 { e = try e.clamp(min: -Double.greatestFiniteMagnitude, max: 80) }
            return try (try e.exp() - 1) / (alpha - 1)
        }
    }
}

/// The DPO modifiers that act on sequence log-probs before the loss.
public enum DPOModifiers {
    /// LD-DPO (Liu et al. 2024, `ld_alpha = a`): with ℓ_p = min(L, L′) the shorter length of the
    /// pair, p_eff = Σ_{t ≤ ℓ_p} logp_t + a·Σ_{t > ℓ_p} logp_t. `tokenLogps` is [B, T] (padding
    /// past each length is ignored); apply it to policy and reference, chosen and rejected alike.
    public static func ldLogps(tokenLogps: Var, lengths: [Int], otherLengths: [Int], alpha: Double) throws(TensorError) -> Var {
        let s = tokenLogps.shape
        guard s.rank == 2, lengths.count == s[0], otherLengths.count == s[0] else {
            throw TensorError(op: "ld_alpha", "token log-probs must be [B, T] with B lengths on each side")
        }
        let b = s[0], t = s[1]
        var w = [Double](repeating: 0, count: b * t)
        for i in 0..<b {
            let own = Swift.max(0, Swift.min(lengths[i], t)), shared = Swift.max(0, Swift.min(own, otherLengths[i]))
            for j in 0..<own { w[i * t + j] = j < shared ? 1 : alpha }
        }
        let weights = tokenLogps.tape.constant(try Tensor(w, shape: s, dtype: tokenLogps.dtype))
        return try (tokenLogps * weights).sum(axis: 1)
    }

    /// The WPO pair weight (Zhou et al. 2024, Eq. 2; TRL 1.16, no clamp), detached:
    /// w = e^{a_c}·e^{a_r} with a = (p − S)/L, S = Σ_t log Σ_v p_v(t)² over completion tokens.
    public static func wpoWeights(policyChosen: Var, chosenLogSumSquares: Var, chosenLengths: Var,
                                  policyRejected: Var, rejectedLogSumSquares: Var, rejectedLengths: Var) throws(TensorError) -> Var {
        let big = Double.greatestFiniteMagnitude
        let ac = try (policyChosen - chosenLogSumSquares) / chosenLengths.clamp(min: 1, max: big)
        let ar = try (policyRejected - rejectedLogSumSquares) / rejectedLengths.clamp(min: 1, max: big)
        return try (ac + ar).exp().detached()
    }
}

/// TRL's logged DPO metrics (losses.md §1 "Logged metrics"): rewards use the raw (or LD-weighted)
/// log-ratios with the reference, never f-transformed, even under legacy reference_free.
public enum DPOMetrics {
    public static func compute(_ batch: PreferenceBatch, beta: Double) throws(TensorError) -> [String: Double] {
        let pc = try batch.require(batch.policyChosen, "policyChosen").value().scalars
        let pr = try batch.require(batch.policyRejected, "policyRejected").value().scalars
        let rc = try batch.referenceChosen?.value().scalars ?? [Double](repeating: 0, count: pc.count)
        let rr = try batch.referenceRejected?.value().scalars ?? [Double](repeating: 0, count: pr.count)
        let n = Double(pc.count)
        var chosen = 0.0, rejected = 0.0, correct = 0.0, margin = 0.0
        for i in pc.indices {
            let x = beta * (pc[i] - rc[i]), y = beta * (pr[i] - rr[i])
            chosen += x
            rejected += y
            margin += x - y
            if x > y { correct += 1 }
        }
        return [
            "rewards/chosen": chosen / n, "rewards/rejected": rejected / n,
            "rewards/accuracies": correct / n, "rewards/margins": margin / n,
            "logps/chosen": pc.reduce(0, +) / n, "logps/rejected": pr.reduce(0, +) / n,
        ]
    }
}
