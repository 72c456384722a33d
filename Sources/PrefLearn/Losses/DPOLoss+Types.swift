import Foundation
import PrefCore

/// One function per TRL `loss_type` (losses.md §1 "Per loss type"); x = β·Δc, y = β·Δr, z = β·h.
extension DPOTerms {
    func perExample(_ type: DPOLossType) throws(TensorError) -> Var {
        switch type {
        case .sigmoid: try sigmoid()
        case .hinge: try hinge()
        case .ipo: try ipo()
        case .exoPair: try exoPair()
        case .ncaPair: try ncaPair()
        case .robust: try robust()
        case .bcoPair: try bcoPair()
        case .sppoHard: try sppoHard()
        case .aot: try aot(paired: true)
        case .aotUnpaired: try aot(paired: false)
        case .apoZero: try apoZero()
        case .apoDown: try apoDown()
        case .discopop: try discopop()
        case .sft: try sft()
        case .sigmoidNorm: try sigmoidNorm()
        }
    }

    /// DPO (Rafailov et al. 2023): ℓ = −logσ(z) = softplus(−z). label_smoothing is ignored (TRL
    /// 1.16) unless `legacyCDPO` (Mitchell 2023, TRL ≤ 0.28): ℓ = −(1−ε)logσ(z) − ε·logσ(−z).
    func sigmoid() throws(TensorError) -> Var {
        let z = try z()
        return config.legacyCDPO ? try conservative(z) : try (-z).softplus()
    }

    /// SLiC/RSO hinge (Zhao et al. 2023; Liu et al. 2023): ℓ = max(0, 1 − z); gradient 0 at the kink.
    func hinge() throws(TensorError) -> Var { try (1 - z()).relu() }

    /// IPO (Azar et al. 2023, Eq. 17, TRL's length-normalised form): ℓ = (u − 1/(2β))².
    func ipo() throws(TensorError) -> Var { try (normalisedMargin("ipo") - 1 / (2 * beta)).square() }

    /// Pairwise EXO (Ji et al. 2024): q = σ(z),
    /// ℓ = q[logσ(z) − log(1−ε)] + (1−q)[logσ(−z) − log ε], ε = label_smoothing > 0.
    func exoPair() throws(TensorError) -> Var {
        let z = try z()
        let a = try z.sigmoid() * (z.logSigmoid() - Foundation.log1p(-eps))
        let b = try (-z).sigmoid() * ((-z).logSigmoid() - Foundation.log(eps))
        return try a + b
    }

    /// NCA (Chen et al. 2024): ℓ = −logσ(x) − ½logσ(−x) − ½logσ(−y). Raw Δ.
    func ncaPair() throws(TensorError) -> Var {
        let x = try dc * beta, y = try dr * beta
        return try -x.logSigmoid() - (try (-x).logSigmoid() * 0.5) - (try (-y).logSigmoid() * 0.5)
    }

    /// Robust DPO (Chowdhury et al. 2024): ℓ = [−(1−ε)logσ(z) + ε·logσ(−z)]/(1−2ε).
    func robust() throws(TensorError) -> Var {
        let z = try z()
        let a = try z.logSigmoid() * -(1 - eps) + (try (-z).logSigmoid() * eps)
        return try a / (1 - 2 * eps)
    }

    /// Pairwise BCO (Jung et al. 2024), no reward shift in TRL 1.16: ℓ = −logσ(x) − logσ(−y). Raw Δ.
    func bcoPair() throws(TensorError) -> Var {
        try -(try dc * beta).logSigmoid() - (try (dr * -beta).logSigmoid())
    }

    /// SPPO, hard probabilities (Wu et al. 2024): ℓ = (Δc − 1/(2β))² + (Δr + 1/(2β))². Raw Δ.
    func sppoHard() throws(TensorError) -> Var {
        let c = 1 / (2 * beta)
        return try (dc - c).square() + (dr + c).square()
    }

    /// AOT (Melnyk et al. 2024), batch-coupled by an ascending sort along the batch:
    /// paired d_k = sort(pc − pr)_k − sort(rc − rr)_k, unpaired d_k = sort(Δc)_k − sort(Δr)_k;
    /// ℓ_k = −(1−ε)logσ(βd_k) − ε·logσ(−βd_k). Entry k is rank k. Raw Δ.
    func aot(paired: Bool) throws(TensorError) -> Var {
        let u: Var, v: Var
        if paired {
            u = try pc - pr
            v = try (dc - pc) - (dr - pr) // rc − rr as the loss sees it (0 when reference-free)
        } else {
            u = dc
            v = dr
        }
        return try conservative(try (sorted(u) - sorted(v)) * beta)
    }

    /// APO-zero (D'Oosterlinck et al. 2024, Eq. 7): ℓ = σ(−x) + σ(y). Raw Δ.
    func apoZero() throws(TensorError) -> Var { try (dc * -beta).sigmoid() + (dr * beta).sigmoid() }

    /// APO-down (same paper, Eq. 8): ℓ = σ(x) + σ(−z). Raw Δ.
    func apoDown() throws(TensorError) -> Var {
        try (dc * beta).sigmoid() + (try (dr - dc) * beta).sigmoid()
    }

    /// DiscoPOP (Lu et al. 2024): m = σ(z/τ), ℓ = (1−m)·softplus(−z) + m·e^{−z}, the second term
    /// computed as exp(logσ(z/τ) − z) so it stays finite (→ 0) for very negative z (losses.md §0).
    func discopop() throws(TensorError) -> Var {
        let z = try z(), tau = config.discopopTau
        let a = try (z / -tau).sigmoid() * (-z).softplus()
        let b = try ((z / tau).logSigmoid() - z).exp()
        return try a + b
    }

    /// SFT/NLL term: N = −Σ_i pc_i / Σ_i Lc_i over all chosen tokens of the batch; every example
    /// gets ℓ_i = N. No reference.
    func sft() throws(TensorError) -> Var {
        let lc = try batch.require(batch.chosenLengths, "chosen lengths", op: "sft")
        let tokens = try lc.value().scalars.reduce(0, +)
        guard tokens > 0 else { throw TensorError(op: "sft", "the chosen completions have no tokens") }
        return try (try pc.sum() * (-1 / tokens)).expanded(to: pc.shape)
    }

    /// Length-normalised DPO (Tülu 3; no citation in TRL): ℓ = softplus(−β·u).
    func sigmoidNorm() throws(TensorError) -> Var { try (normalisedMargin("sigmoid_norm") * -beta).softplus() }

    /// x sorted ascending along the batch; the gradient of rank k goes to the example holding it.
    func sorted(_ x: Var) throws(TensorError) -> Var {
        let s = try x.value().scalars
        let order = s.indices.sorted { s[$0] < s[$1] || (s[$0] == s[$1] && $0 < $1) }
        return try x.gather(try IndexTensor(order))
    }
}
