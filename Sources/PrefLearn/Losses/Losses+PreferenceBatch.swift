import PrefCore

/// The KTO, BCO, ORPO, CPO and Bradley–Terry losses read from the shared batch view. Labels,
/// lengths and margins are data, so their values are read off the tape; the log-probs stay on it.
extension PreferenceBatch {
    /// The labels as booleans (≠ 0 is desirable).
    func desirable(op: String) throws(TensorError) -> [Bool] {
        try LossSupport.values(require(labels, "labels", op: op)).map { $0 != 0 }
    }

    /// A constant field's values, or nil when the batch lacks it.
    static func data(_ v: Var?) throws(TensorError) -> [Double]? { try v.map { (x: Var) throws(TensorError) in try LossSupport.values(x) } }

    static func zeros(like v: Var) throws(TensorError) -> Var {
        try LossSupport.vector(Array(repeating: 0, count: v.shape.count), like: v)
    }

    /// The reference log-probs, zeros when reference-free.
    func unpairedReference(_ policy: Var) throws(TensorError) -> Var {
        if let reference { return reference }
        return try Self.zeros(like: policy)
    }
}

extension PreferenceBatch {
    /// `ktoLoss` on an unpaired batch (`policy`, `reference`, `labels`, `policyKL`, `referenceKL`).
    public func kto(_ config: KTOConfig = KTOConfig()) throws(TensorError) -> LossEvaluation {
        let p = try require(policy, "policy log-probs", op: "kto")
        let r = try unpairedReference(p)
        var klRef = referenceKL
        if let pk = policyKL, klRef == nil { klRef = try Self.zeros(like: pk) }
        return try ktoLoss(policy: p, reference: r, desirable: desirable(op: "kto"), policyKL: policyKL, referenceKL: klRef, config: config)
    }

    /// One BCO training step on an unpaired batch (updates `moments` unless `training` is false).
    /// `weights`, when present, are the UDM density-ratio weights (see `bcoDensityRatioWeights`).
    public func bco(_ moments: inout BCORunningMoments, training: Bool = true, config: BCOConfig = BCOConfig()) throws(TensorError) -> LossEvaluation {
        let p = try require(policy, "policy log-probs", op: "bco")
        return try bcoLoss(policy: p, reference: unpairedReference(p), desirable: desirable(op: "bco"), moments: &moments,
                           training: training, weights: Self.data(weights), config: config)
    }

    /// `orpoLoss` on a paired batch (`policyChosen`, `policyRejected`, `chosenLengths`,
    /// `rejectedLengths`); the NLL here is over the chosen completions only — call `orpoLoss`
    /// with the prompt log-probs for TRL's prompt-and-response NLL.
    public func orpo(beta: Double = 0.1) throws(TensorError) -> LossEvaluation {
        let (pc, pr, lc, lr) = try pairedWithLengths("orpo")
        return try orpoLoss(chosen: pc, rejected: pr, chosenLengths: lc, rejectedLengths: lr, beta: beta)
    }

    /// `cpoLoss` (CPO, SimPO, AlphaPO) on a paired batch with lengths.
    public func cpo(_ config: CPOConfig = CPOConfig()) throws(TensorError) -> LossEvaluation {
        let (pc, pr, lc, lr) = try pairedWithLengths("cpo")
        return try cpoLoss(chosen: pc, rejected: pr, chosenLengths: lc, rejectedLengths: lr, config: config)
    }

    /// `bradleyTerryLoss` with `policyChosen` / `policyRejected` holding the reward model's scalar
    /// outputs s_w, s_l and `margins` the optional data margin (read as `margin` says).
    public func bradleyTerry(centerRewardsCoefficient c: Double? = nil, margin: BradleyTerryMargin = .data) throws(TensorError) -> LossEvaluation {
        let sw = try require(policyChosen, "chosen rewards", op: "bradley_terry_loss")
        let sl = try require(policyRejected, "rejected rewards", op: "bradley_terry_loss")
        let m = try margin.resolve(try Self.data(margins), count: sw.shape.count)
        return try bradleyTerryLoss(chosen: sw, rejected: sl, margin: m, centerRewardsCoefficient: c)
    }

    private func pairedWithLengths(_ op: String) throws(TensorError) -> (Var, Var, [Double], [Double]) {
        let pc = try require(policyChosen, "policy chosen log-probs", op: op)
        let pr = try require(policyRejected, "policy rejected log-probs", op: op)
        let lc = try LossSupport.values(require(chosenLengths, "chosen lengths", op: op))
        let lr = try LossSupport.values(require(rejectedLengths, "rejected lengths", op: op))
        return (pc, pr, lc, lr)
    }
}
