import Foundation
import PrefCore

/// How a response's atom "y is good" gets its probability (spec/algorithms.md §8.1–8.2): a logit
/// z, p = σ(z), or the sequence probability itself.
public enum LogicGrounding: String, Sendable, CaseIterable {
    /// z = β(log π − log π_ref): DPO's grounding.
    case logratio
    /// z = β·log π: reference-free (CPO's preference term).
    case logp
    /// z = β·log π / |y|: length-normalised (SimPO, with γ on the winner).
    case avgLogp = "avg_logp"
    /// p = π̄ = exp(log π / |y|), the per-token probability itself: ORPO's odds.
    case prob

    public var formula: String {
        switch self {
        case .logratio: "σ(β(log π − log π_ref))"
        case .logp: "σ(β log π)"
        case .avgLogp: "σ(β log π/|y|)"
        case .prob: "exp(log π/|y|)"
        }
    }
}

/// A loss compiled from logic (Richardson, Srikumar & Sabharwal, ICML 2025; spec §8):
/// ℓ = −log [WMC(P ∧ P_C) / WMC(P_C)] over the atoms `win` and `lose` with the grounding's
/// probabilities (`SemanticLoss`). γ is subtracted from the win atom's logit (SimPO's margin).
///
/// Identities (§8.2): P = win & !lose given win ^ lose is DPO with `logratio`, CPO's preference
/// term with `logp`, SimPO with `avg_logp` and γ, ORPO's odds-ratio term with `prob`; P = win
/// with `prob` and no conditioning is the per-example NLL −log π/|y|.
public struct LogicLossConfig: Sendable {
    public var formula: PreferenceFormula
    public var given: PreferenceFormula
    public var grounding: LogicGrounding
    public var beta: Double
    public var gamma: Double
    /// The worlds (bit 0 win, bit 1 lose) of P ∧ P_C and of P_C.
    public let models: [Int]
    public let givenModels: [Int]

    public init(formula: PreferenceFormula, given: PreferenceFormula = .constant(true), grounding: LogicGrounding = .logratio,
                beta: Double = 0.1, gamma: Double = 0) throws(TensorError) {
        self.formula = formula
        self.given = given
        self.grounding = grounding
        self.beta = beta
        self.gamma = gamma
        givenModels = given.models(atomCount: 2)
        models = PreferenceFormula.and(formula, given).models(atomCount: 2)
        let op = "loss_from_logic"
        guard !givenModels.isEmpty else {
            throw TensorError(op: op, "the conditioning '\(given.text())' has no model", hint: "given must hold in some world, e.g. win ^ lose or win | lose")
        }
        guard !models.isEmpty else {
            throw TensorError(op: op, "'\(formula.text())' is unsatisfiable given '\(given.text())': its loss is infinite",
                              hint: "the formula must hold in some world the conditioning allows")
        }
        guard models.count < givenModels.count else {
            throw TensorError(op: op, "'\(formula.text())' holds in every world '\(given.text())' allows: its loss is 0 and trains nothing",
                              hint: "a useful formula rules some world out, e.g. win & !lose")
        }
        guard beta.isFinite, beta > 0 else { throw TensorError(op: op, "beta must be > 0, got \(beta)") }
        guard gamma.isFinite else { throw TensorError(op: op, "gamma must be finite, got \(gamma)") }
        guard gamma == 0 || grounding != .prob else {
            throw TensorError(op: op, "gamma shifts a logit; the prob grounding has none", hint: "use ground: \"avg_logp\" for SimPO's margin")
        }
    }

    /// The name a loss curve shows: `win & !lose given win ^ lose` (not `|`, which is "or").
    public var text: String {
        if case .constant(true) = given { return formula.text() }
        return "\(formula.text()) given \(given.text())"
    }

    /// The atom's logit for one response, in f64 (the loss's implicit reward): with `prob`,
    /// log odds of π̄ = q − log(1 − e^q), q = log π/|y|.
    public func logit(logp: Double, ref: Double, length: Double?, isWin: Bool) -> Double {
        let l = Swift.max(length ?? 1, 1)
        let shift = isWin ? gamma : 0
        switch grounding {
        case .logratio: return beta * (logp - ref) - shift
        case .logp: return beta * logp - shift
        case .avgLogp: return beta * logp / l - shift
        case .prob:
            let q = Swift.min(logp / l, -Double.leastNormalMagnitude)
            return q - (q > -0.6931471805599453 ? Foundation.log(-expm1(q)) : log1p(-Foundation.exp(q)))
        }
    }
}

extension PreferenceBatch {
    /// The logic loss on a paired batch; metrics are the pair metrics with the atoms' logits as
    /// rewards, plus `logic/p_win` and `logic/p_lose` (mean atom probabilities).
    public func logic(_ c: LogicLossConfig) throws(TensorError) -> LossEvaluation {
        let op = "loss_from_logic"
        let pc = try require(policyChosen, "policy chosen log-probs", op: op), pr = try require(policyRejected, "policy rejected log-probs", op: op)
        _ = try LossSupport.batchSize(op, [("policy_chosen_logps", pc), ("policy_rejected_logps", pr)])
        func lengths(_ v: Var?, _ name: String) throws(TensorError) -> Var {
            let l = try LossSupport.values(require(v, name, op: op))
            return try LossSupport.vector(l.map { Swift.max($0, 1) }, like: pc)
        }
        // (log p, log(1 − p), logit) of an atom.
        func atom(_ p: Var, _ ref: Var?, _ length: Var?, isWin: Bool) throws(TensorError) -> (Var, Var, Var) {
            let z: Var
            switch c.grounding {
            case .logratio: z = try (p - require(ref, "reference log-probs", op: op)) * c.beta
            case .logp: z = try p * c.beta
            case .avgLogp: z = try p / lengths(length, isWin ? "chosen lengths" : "rejected lengths") * c.beta
            case .prob:
                let q = try p / lengths(length, isWin ? "chosen lengths" : "rejected lengths")
                if let bad = try LossSupport.values(q).first(where: { !($0 <= 0) }) {
                    throw TensorError(op: op, "the prob grounding of loss_from_logic needs per-token log-probabilities ≤ 0, got \(bad)",
                                      hint: "log π(y|x) of a real policy is ≤ 0; use ground: \"logratio\" for other scores")
                }
                let lf = try LossSupport.log1mexp(q)
                return (q, lf, try q - lf)
            }
            let shifted = isWin && c.gamma != 0 ? try z - c.gamma : z
            return (try shifted.logSigmoid(), try (-shifted).logSigmoid(), shifted)
        }
        let (tw, fw, zw) = try atom(pc, referenceChosen, chosenLengths, isWin: true)
        let (tl, fl, zl) = try atom(pr, referenceRejected, rejectedLengths, isWin: false)
        let perExample = try SemanticLoss.perExample(logTrue: [tw, tl], logFalse: [fw, fl], models: c.models, given: c.givenModels)
        var metrics = LossSupport.pairedMetrics(chosenRewards: try LossSupport.values(zw), rejectedRewards: try LossSupport.values(zl),
                                                chosenLogps: try LossSupport.values(pc), rejectedLogps: try LossSupport.values(pr))
        metrics["logic/p_win"] = LossSupport.mean(try LossSupport.values(tw).map { Foundation.exp($0) })
        metrics["logic/p_lose"] = LossSupport.mean(try LossSupport.values(tl).map { Foundation.exp($0) })
        return LossEvaluation(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
    }
}
