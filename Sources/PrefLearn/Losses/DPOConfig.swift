import PrefCore

/// TRL's `DPOTrainer` `loss_type` values (losses.md §1, TRL 1.16.0).
public enum DPOLossType: String, CaseIterable, Sendable, Codable {
    case sigmoid, hinge, ipo
    case exoPair = "exo_pair", ncaPair = "nca_pair", robust, bcoPair = "bco_pair", sppoHard = "sppo_hard"
    case aot, aotUnpaired = "aot_unpaired", apoZero = "apo_zero", apoDown = "apo_down", discopop
    case sft, sigmoidNorm = "sigmoid_norm"

    /// Parses a TRL name; `nll` is accepted for `sft` and the pre-1.16 `aot_pair` for `aot_unpaired`
    /// (losses.md §9.2: the old name ran the unpaired variant).
    public init?(name: String) {
        switch name {
        case "nll": self = .sft
        case "aot_pair": self = .aotUnpaired
        default: self.init(rawValue: name)
        }
    }

    /// Whether TRL accepts a non-default `f_divergence_type` with this loss type (losses.md §1, step 2).
    public var acceptsFDivergence: Bool {
        switch self {
        case .sigmoid, .sigmoidNorm, .hinge, .ipo, .exoPair, .robust, .discopop, .sft: true
        default: false
        }
    }
}

/// `f_divergence_type` (Wang et al. 2023, *Beyond Reverse KL*): the score s(Δ) each log-ratio
/// is mapped through before the margin h = s(Δc) − s(Δr).
public enum FDivergence: Equatable, Sendable, Codable {
    /// s(Δ) = Δ (the default).
    case reverseKL
    /// s(Δ) = 1 − e^{−Δ}.
    case forwardKL
    /// s(Δ) = ln 2 + logσ(Δ).
    case jsDivergence
    /// s(Δ) = (e^{(α−1)Δ} − 1)/(α−1), TRL 1.16's convention (coefficient default 0.5).
    case alphaDivergence(alpha: Double)

    /// Parses TRL's name; `alpha` is `f_alpha_divergence_coef`.
    public init?(name: String, alpha: Double = 0.5) {
        switch name {
        case "reverse_kl": self = .reverseKL
        case "forward_kl": self = .forwardKL
        case "js_divergence": self = .jsDivergence
        case "alpha_divergence": self = .alphaDivergence(alpha: alpha)
        default: return nil
        }
    }
}

/// The DPO hyperparameters, with TRL 1.16's `DPOConfig` defaults (losses.md §1).
public struct DPOConfig: Sendable, Codable {
    /// β, the KL coefficient. Default 0.1.
    public var beta = 0.1
    /// The loss types summed (`loss_type`, default `["sigmoid"]`).
    public var lossTypes: [DPOLossType] = [.sigmoid]
    /// `loss_weights`: one per loss type; nil means 1 each.
    public var lossWeights: [Double]? = nil
    /// ε: robust's flip probability, exo_pair's ε, aot's conservative mix; ignored elsewhere
    /// (on sigmoid only with `legacyCDPO`). Default 0.
    public var labelSmoothing = 0.0
    /// DiscoPOP's τ. Default 0.05.
    public var discopopTau = 0.05
    /// The f-divergence. Default reverse KL.
    public var fDivergence = FDivergence.reverseKL
    /// WPO (`use_weighting`): multiply each ℓ_i by the batch's detached `weights`. Default false.
    public var useWeighting = false
    /// Legacy (TRL ≤ 0.28) cDPO: label smoothing on `sigmoid`, ℓ = −(1−ε)logσ(z) − ε·logσ(−z).
    public var legacyCDPO = false
    /// Legacy (TRL ≤ 0.28) `reference_free`: the loss uses h = pc − pr; the logged rewards still
    /// subtract the reference.
    public var referenceFree = false

    public init(beta: Double = 0.1, lossTypes: [DPOLossType] = [.sigmoid], lossWeights: [Double]? = nil,
                labelSmoothing: Double = 0, discopopTau: Double = 0.05, fDivergence: FDivergence = .reverseKL,
                useWeighting: Bool = false, legacyCDPO: Bool = false, referenceFree: Bool = false) {
        self.beta = beta
        self.lossTypes = lossTypes
        self.lossWeights = lossWeights
        self.labelSmoothing = labelSmoothing
        self.discopopTau = discopopTau
        self.fDivergence = fDivergence
        self.useWeighting = useWeighting
        self.legacyCDPO = legacyCDPO
        self.referenceFree = referenceFree
    }

    /// Checks the combinations TRL refuses, as errors rather than traps.
    public func validate() throws(TensorError) {
        func fail(_ m: String) -> TensorError { TensorError(op: "dpo", m) }
        guard beta.isFinite && beta > 0 else { throw fail("beta must be a positive number, got \(beta)") }
        guard !lossTypes.isEmpty else { throw fail("loss_type is empty") }
        if let w = lossWeights, w.count != lossTypes.count {
            throw fail("loss_weights has \(w.count) entries for \(lossTypes.count) loss types")
        }
        guard labelSmoothing.isFinite && labelSmoothing >= 0 && labelSmoothing <= 1 else {
            throw fail("label_smoothing must be in [0, 1], got \(labelSmoothing)")
        }
        if lossTypes.contains(.robust) && labelSmoothing >= 0.5 {
            throw fail("robust needs label_smoothing < 0.5 (the flip probability), got \(labelSmoothing)")
        }
        if lossTypes.contains(.exoPair) && !(labelSmoothing > 0 && labelSmoothing < 1) {
            throw fail("exo_pair needs 0 < label_smoothing < 1 (the paper suggests 1e-3), got \(labelSmoothing)")
        }
        if lossTypes.contains(.discopop) && !(discopopTau > 0 && discopopTau.isFinite) {
            throw fail("discopop_tau must be positive, got \(discopopTau)")
        }
        if fDivergence != .reverseKL, let t = lossTypes.first(where: { !$0.acceptsFDivergence }) {
            throw fail("loss type \(t.rawValue) does not accept a non-default f-divergence")
        }
        if case .alphaDivergence(let a) = fDivergence, !(a.isFinite && a != 1) {
            throw fail("alpha_divergence needs a finite coefficient other than 1, got \(a)")
        }
        if useWeighting && (lossTypes.contains(.aot) || lossTypes.contains(.aotUnpaired)) {
            throw fail("aot and aot_unpaired cannot be combined with WPO weighting")
        }
    }
}
