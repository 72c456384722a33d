import PrefCore

/// The convex functions f of Generalized Preference Optimization (Tang et al., 2024).
public enum GPOLink: String, Sendable, CaseIterable, Codable {
    case logistic, hinge, square, exponential, savage
    case truncatedSquare = "truncated_square"

    /// f(t) on the tape, in a form that stays finite for |t| in the hundreds.
    func apply(_ t: Var) throws(TensorError) -> Var {
        switch self {
        case .logistic: try (-t).softplus()                            // log(1 + e^{−t})
        case .hinge: try (1 - t).relu()                                 // max(0, 1 − t)
        case .square: try (t - 1).square()                              // (t − 1)²
        case .exponential: try (-t).exp()                               // e^{−t}
        case .truncatedSquare: try (try (1 - t).relu()).square()        // max(0, 1 − t)²
        case .savage: try (try (-t).logSigmoid() * 2).exp()             // σ(−t)² = (1 + e^{t})^{−2}
        }
    }
}

/// GPO hyperparameters: the link f and β (the paper sweeps β over {0.01 … 1}; 0.1 as DPO).
public struct GPOConfig: Sendable, Codable {
    public var link: GPOLink
    public var beta: Double
    public init(link: GPOLink = .logistic, beta: Double = 0.1) {
        self.link = link
        self.beta = beta
    }
}

/// Generalized Preference Optimization (*Generalized Preference Optimization: A Unified
/// Approach to Offline Alignment*, Tang et al., 2024; spec algorithms.md §6.14):
/// ℓ = f(β·h), h = (pc − rc) − (pr − rr), with f one of
/// logistic log(1 + e^{−t}) (DPO), hinge max(0, 1 − t) (SLiC), square (t − 1)² (IPO-type),
/// exponential e^{−t}, truncated square max(0, 1 − t)², savage (1 + e^{t})^{−2}.
/// L = mean ℓ. Metrics are DPO's: rewards β(p − r), `logps/*` the policy log-probs.
public func gpoLoss(chosen pc: Var, rejected pr: Var, refChosen rc: Var, refRejected rr: Var,
                    config: GPOConfig = GPOConfig()) throws(TensorError) -> LossEvaluation {
    _ = try LossSupport.batchSize("gpo", [("policy_chosen_logps", pc), ("policy_rejected_logps", pr),
                                          ("ref_chosen_logps", rc), ("ref_rejected_logps", rr)])
    let dw = try pc - rc, dl = try pr - rr
    let perExample = try config.link.apply(try (dw - dl) * config.beta)
    let metrics = LossSupport.pairedMetrics(
        chosenRewards: try LossSupport.values(dw).map { config.beta * $0 }, rejectedRewards: try LossSupport.values(dl).map { config.beta * $0 },
        chosenLogps: try LossSupport.values(pc), rejectedLogps: try LossSupport.values(pr))
    return LossEvaluation(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
}

extension PreferenceBatch {
    /// `gpoLoss` on a paired batch with reference log-probs.
    public func gpo(_ config: GPOConfig = GPOConfig()) throws(TensorError) -> LossEvaluation {
        try gpoLoss(chosen: require(policyChosen, "policy chosen log-probs", op: "gpo"),
                    rejected: require(policyRejected, "policy rejected log-probs", op: "gpo"),
                    refChosen: require(referenceChosen, "reference chosen log-probs", op: "gpo"),
                    refRejected: require(referenceRejected, "reference rejected log-probs", op: "gpo"), config: config)
    }
}
