import PrefCore

/// The result of a DPO-family loss on one batch.
public struct DPOLossOutput: @unchecked Sendable {
    /// The batch loss L = Σ_k w_k · mean_i(ω_i · ℓ_k,i), a scalar on the tape.
    public var loss: Var
    /// The per-example loss Σ_k w_k · ω_i · ℓ_k,i, shape [B]; its mean is `loss`. For aot and
    /// aot_unpaired entry i is the loss of rank i of the sorted batch, not of example i.
    public var perExample: Var
    /// TRL's logged metrics (`rewards/chosen`, …), computed off the tape.
    public var metrics: [String: Double]
}

/// The DPO family of losses (losses.md §1; TRL 1.16.0 `DPOTrainer`), as differentiable functions
/// on PrefCore's tape. Pipeline: log-ratios Δc = pc − rc, Δr = pr − rr (LD-DPO is applied
/// upstream by `ldLogps`), the f-divergence score s, one per-example loss per `loss_type`, the
/// optional WPO weight, then L = Σ_k w_k · mean_i ℓ_k,i.
public enum DPOLoss {
    /// The DPO loss of `batch` under `config`, with the logged metrics.
    public static func compute(_ batch: PreferenceBatch, _ config: DPOConfig = DPOConfig()) throws(TensorError) -> DPOLossOutput {
        try config.validate()
        let pc = try batch.require(batch.policyChosen, "policy chosen log-probs", op: "dpo")
        let pr = try batch.require(batch.policyRejected, "policy rejected log-probs", op: "dpo")
        guard pc.shape.rank == 1, pc.shape == pr.shape, pc.shape.count > 0 else {
            throw TensorError(op: "dpo", "the chosen and rejected log-probs must be non-empty vectors of one length")
        }
        var terms = DPOTerms(batch: batch, config: config, pc: pc, pr: pr)
        try terms.prepare()
        var total: Var? = nil
        for (k, type) in config.lossTypes.enumerated() {
            var l = try terms.perExample(type)
            if config.useWeighting {
                let w = try batch.require(batch.weights, "WPO weights (use_weighting)", op: "dpo")
                l = try l * w.detached()
            }
            let wk = config.lossWeights?[k] ?? 1
            if wk != 1 { l = try l * wk }
            total = try total.map { (t: Var) throws(TensorError) -> Var in try t + l } ?? l
        }
        guard let perExample = total else { throw TensorError(op: "dpo", "loss_type is empty") }
        let loss = try perExample.mean()
        let metrics = try DPOMetrics.compute(batch, beta: config.beta)
        return DPOLossOutput(loss: loss, perExample: perExample, metrics: metrics)
    }
}

/// The quantities the per-type formulas share, built once per batch.
struct DPOTerms {
    let batch: PreferenceBatch
    let config: DPOConfig
    let pc: Var, pr: Var
    var beta: Double { config.beta }
    var eps: Double { config.labelSmoothing }
    /// Log-ratios as the loss sees them (reference dropped under legacy reference_free).
    var dc: Var, dr: Var

    init(batch: PreferenceBatch, config: DPOConfig, pc: Var, pr: Var) {
        self.batch = batch
        self.config = config
        self.pc = pc
        self.pr = pr
        dc = pc
        dr = pr
    }

    mutating func prepare() throws(TensorError) {
        if !config.referenceFree {
            dc = try batch.chosenLogratio
            dr = try batch.rejectedLogratio
        }
    }

    /// s(Δ) of the configured f-divergence.
    func score(_ d: Var) throws(TensorError) -> Var { try FDivergenceScore.apply(config.fDivergence, d) }

    /// z = β·(s(Δc) − s(Δr)).
    func z() throws(TensorError) -> Var { try (try score(dc) - score(dr)) * beta }

    /// u = s(Δc)/max(Lc,1) − s(Δr)/max(Lr,1), the length-normalised margin of ipo and sigmoid_norm.
    func normalisedMargin(_ op: String) throws(TensorError) -> Var {
        let lc = try batch.require(batch.chosenLengths, "chosen lengths", op: op)
        let lr = try batch.require(batch.rejectedLengths, "rejected lengths", op: op)
        let big = Double.greatestFiniteMagnitude
        return try score(dc) / lc.clamp(min: 1, max: big) - score(dr) / lr.clamp(min: 1, max: big)
    }

    /// −(1−ε)logσ(t) − ε·logσ(−t): cDPO and AOT's conservative smoothing.
    func conservative(_ t: Var) throws(TensorError) -> Var {
        let a = try t.logSigmoid() * -(1 - eps)
        if eps == 0 { return a }
        return try a - (try (-t).logSigmoid() * eps)
    }
}
