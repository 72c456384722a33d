import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// A loss as a pref value (`type(l)` is "loss"): one of the native losses, a user-defined loss
/// (`loss("name", fn)`) or a weighted sum of losses (loss algebra). Members are its hyperparameters.
public final class LossObject: NativeObject, NativeArithmetic, @unchecked Sendable {
    /// What the loss computes.
    public enum Kind {
        case dpo(DPOConfig)
        case kto(KTOConfig)
        case bco(BCOConfig)
        case orpo(beta: Double)
        /// CPO, SimPO or AlphaPO; `name` is the builtin that made it.
        case cpo(CPOConfig, name: String)
        case bradleyTerry(centerRewardsCoefficient: Double?, margin: BradleyTerryMargin)
        /// Eurus's reward-model objective: Bradley–Terry − logσ(r_c) − logσ(−r_r).
        case eurus
        /// GPO (Tang et al.): f(βh) with a convex link.
        case gpo(GPOConfig)
        /// MaPO: chosen NLL + β·margin on the likelihoods s(L).
        case mapo(MaPOConfig)
        /// Plackett–Luce, LiPO-λ or RankDPO on a ranked record.
        case listwise(ListwiseConfig)
        /// DOVE: DPO's logistic loss on pairs whose prompts may differ.
        case dove(beta: Double)
        /// TPO on a tree record (per-step log-ratios of ranked responses).
        case tpo(TPOConfig)
        /// SparsePO on a token record.
        case sparsePO(SparsePOConfig)
        /// `loss_from_logic`: the semantic loss of a preference formula.
        case logic(LogicLossConfig)
        /// `loss(name, fn)`: fn maps the batch view to per-example losses.
        case custom(name: String, function: Value)
        /// Σ_k w_k·L_k.
        case sum([(weight: Double, loss: LossObject)])
        /// `l.on(scope)`: the loss averaged over the examples whose prompt is in scope
        /// (scoped feedback, C3PO; `LossObject+Scoped.swift`).
        case scoped(LossObject, scope: Value)
        /// `kl_to_reference()`: the exact per-prompt KL(π‖π_ref) of each example's prompt.
        case klToReference
    }

    public let kind: Kind

    /// The configuration of the first BCO term that asks for UDM weights, if any.
    var udmConfig: BCOConfig? {
        switch kind {
        case .bco(let c): c.udm ? c : nil
        case .sum(let terms): terms.lazy.compactMap(\.loss.udmConfig).first
        default: nil
        }
    }
    public init(_ kind: Kind) { self.kind = kind }

    /// The builtin's name ("dpo", "kto", …, "sum" for a composite).
    public var name: String {
        switch kind {
        case .dpo: "dpo"
        case .kto(let c): c.lossType == .kto ? "kto" : "kto \(c.lossType.rawValue)"
        case .bco: "bco"
        case .orpo: "orpo"
        case .cpo(_, let name): name
        case .bradleyTerry: "bradley_terry_loss"
        case .eurus: "eurus_rm_loss"
        case .gpo: "gpo"
        case .mapo: "mapo"
        case .listwise(let c): c.type.rawValue
        case .dove: "dove"
        case .tpo: "tpo"
        case .sparsePO: "sparse_po"
        case .logic(let c): "logic(\(c.text))"
        case .custom(let name, _): name
        case .sum: "sum"
        case .scoped(let inner, _): "\(inner.name).on"
        case .klToReference: "kl_to_reference"
        }
    }

    /// β, the scale of the implicit rewards (1 for user-defined and Bradley–Terry losses).
    public var beta: Double {
        switch kind {
        case .dpo(let c): c.beta
        case .kto(let c): c.beta
        case .bco(let c): c.beta
        case .orpo(let b): b
        case .cpo(let c, _): c.beta
        case .gpo(let c): c.beta
        case .mapo(let c): c.beta
        case .listwise(let c): c.beta
        case .dove(let b): b
        case .tpo(let c): c.beta
        case .sparsePO(let c): c.beta
        case .logic(let c): c.beta
        case .bradleyTerry, .eurus, .custom, .klToReference: 1
        case .sum(let terms): terms.first?.loss.beta ?? 1
        case .scoped(let inner, _): inner.beta
        }
    }

    /// Whether the loss reads unpaired examples (KTO, BCO).
    public var isUnpaired: Bool {
        switch kind {
        case .kto, .bco: true
        case .sum(let terms): terms.contains { $0.loss.isUnpaired }
        case .scoped(let inner, _): inner.isUnpaired
        default: false
        }
    }

    /// The implicit rewards of a pair as the loss's metrics define them: β(p − r) (DPO; β = 1 for a
    /// user-defined loss), β·p/L (ORPO), β·ρ(q) (CPO family), the scores themselves (Bradley–Terry).
    /// A composite uses its first term's.
    func rewards(_ r: LogpsRow) -> (chosen: Double, rejected: Double) {
        let lc = max(r.chosenLength ?? 1, 1), lr = max(r.rejectedLength ?? 1, 1)
        switch kind {
        case .dpo(let c) where c.referenceFree: return (c.beta * r.policyChosen, c.beta * r.policyRejected)
        case .orpo(let b): return (b * r.policyChosen / lc, b * r.policyRejected / lr)
        case .mapo(let c): return (c.beta * r.policyChosen / lc, c.beta * r.policyRejected / lr)
        case .cpo(let c, _):
            let perToken = c.effectiveLossType == .ipo || c.effectiveLossType == .simpo
            func rho(_ q: Double) -> Double { c.alpha == 0 ? q : (1 - exp(-c.alpha * q)) / c.alpha }
            return (c.beta * rho(perToken ? r.policyChosen / lc : r.policyChosen), c.beta * rho(perToken ? r.policyRejected / lr : r.policyRejected))
        case .bradleyTerry, .eurus: return (r.policyChosen, r.policyRejected)
        case .logic(let c):
            return (c.logit(logp: r.policyChosen, ref: r.refChosen, length: r.chosenLength, isWin: true),
                    c.logit(logp: r.policyRejected, ref: r.refRejected, length: r.rejectedLength, isWin: false))
        case .sum(let terms): return terms.first?.loss.rewards(r) ?? (0, 0)
        case .scoped(let inner, _): return inner.rewards(r)
        default: return (beta * (r.policyChosen - r.refChosen), beta * (r.policyRejected - r.refRejected))
        }
    }

    public var typeName: String { "loss" }
    public var displayText: String {
        switch kind {
        case .dpo(let c):
            "<loss dpo \(c.lossTypes.map(\.rawValue).joined(separator: "+")), beta \(Value.number(c.beta).displayText)>"
        case .gpo(let c): "<loss gpo \(c.link.rawValue), beta \(Value.number(c.beta).displayText)>"
        case .sum(let terms):
            "<loss " + terms.map { "\(Value.number($0.weight).displayText)·\($0.loss.name)" }.joined(separator: " + ") + ">"
        case .logic(let c):
            "<loss logic \(Value.quote(c.formula.text()))" + (c.given == .constant(true) ? "" : " given \(Value.quote(c.given.text()))")
                + ", \(c.grounding.rawValue), beta \(Value.number(c.beta).displayText)>"
        case .bradleyTerry, .eurus, .custom, .klToReference: "<loss \(name)>"
        case .scoped(let inner, _): "<loss \(inner.displayText.dropFirst(6).dropLast()) on a scope>"
        default: "<loss \(name), beta \(Value.number(beta).displayText)>"
        }
    }

    public func member(_ name: String) -> Value? {
        switch (name, kind) {
        case ("name", _): .str(self.name)
        case ("on", _): .builtin(BuiltinBox(scopeMethod))
        case ("loss", .scoped(let inner, _)): .native(NativeBox(inner))
        case ("scope", .scoped(_, let scope)): scope
        case ("beta", .dpo), ("beta", .kto), ("beta", .bco), ("beta", .orpo), ("beta", .cpo), ("beta", .gpo), ("beta", .mapo), ("beta", .listwise), ("beta", .dove), ("beta", .tpo), ("beta", .sparsePO):
            .number(beta)
        case ("beta", .logic(let c)): .number(c.beta)
        case ("formula", .logic(let c)): .str(c.formula.text())
        case ("given", .logic(let c)): .str(c.given.text())
        case ("ground", .logic(let c)): .str(c.grounding.rawValue)
        case ("gamma", .logic(let c)): .number(c.gamma)
        case ("worlds", .logic(let c)): LossObject.worlds(c.models)
        case ("given_worlds", .logic(let c)): LossObject.worlds(c.givenModels)
        case ("link", .gpo(let c)): .str(c.link.rawValue)
        case ("scale", .listwise(let c)): .number(c.scale)
        case ("weighting", .tpo(let c)): .str(c.weighting.rawValue)
        case ("step_weights", .tpo(let c)): .str(c.stepWeights.rawValue)
        case ("step_reward", .tpo(let c)): .str(c.stepReward.rawValue)
        case ("lambda_u", .sparsePO(let c)): .number(c.lambdaU)
        case ("lambda_d", .sparsePO(let c)): .number(c.lambdaD)
        case ("mask", .sparsePO(let c)): .str(c.mask.rawValue)
        case ("c", .mapo(let c)): .number(c.c)
        case ("kappa", .mapo(let c)): .number(c.kappa)
        case ("loss_type", .dpo(let c)): .list(ListBox(c.lossTypes.map { Value.str($0.rawValue) }))
        case ("loss_type", .kto(let c)): .str(c.lossType.rawValue)
        case ("loss_type", .cpo(let c, _)): .str(c.lossType.rawValue)
        case ("label_smoothing", .dpo(let c)): .number(c.labelSmoothing)
        case ("label_smoothing", .cpo(let c, _)): .number(c.labelSmoothing)
        case ("center", .bradleyTerry(let c, _)): c.map { .number($0) } ?? Value.none
        case ("margin", .bradleyTerry(_, let m)):
            switch m {
            case .data: Value.none
            case .requireData: .str("data")
            case .constant(let x): .number(x)
            }
        case ("terms", .sum(let terms)):
            .list(ListBox(terms.map { Value.record(RecordBox([("weight", .number($0.weight)), ("loss", .native(NativeBox($0.loss)))])) }))
        default: nil
        }
    }

    public var memberNames: [String] { kindMemberNames + ["on"] }

    private var kindMemberNames: [String] {
        switch kind {
        case .dpo: ["name", "beta", "loss_type", "label_smoothing"]
        case .kto: ["name", "beta", "loss_type"]
        case .cpo: ["name", "beta", "loss_type", "label_smoothing"]
        case .bco, .orpo, .dove: ["name", "beta"]
        case .gpo: ["name", "beta", "link"]
        case .mapo: ["name", "beta", "c", "kappa"]
        case .listwise: ["name", "beta", "scale"]
        case .tpo: ["name", "beta", "weighting", "step_weights", "step_reward"]
        case .sparsePO: ["name", "beta", "lambda_u", "lambda_d", "mask"]
        case .sum: ["name", "terms"]
        case .logic: ["name", "formula", "given", "ground", "beta", "gamma", "worlds", "given_worlds"]
        case .bradleyTerry: ["name", "center", "margin"]
        case .eurus, .custom, .klToReference: ["name"]
        case .scoped: ["name", "loss", "scope"]
        }
    }

    /// Loss algebra: `a + b`, `w * a`, `a * w`, `a / w`.
    public func binary(_ op: BinaryOperator, _ other: Value, selfOnLeft: Bool) throws -> Value? {
        switch (op, other) {
        case (.add, .native(let box)):
            guard let b = box.object as? LossObject else { return nil }
            let (l, r) = selfOnLeft ? (self, b) : (b, self)
            return .native(NativeBox(LossObject(.sum(l.terms + r.terms))))
        case (.multiply, .number(let w)):
            return try scaled(w)
        case (.divide, .number(let w)) where selfOnLeft:
            guard w != 0 else { throw RuntimeError("cannot divide a loss by 0") }
            return try scaled(1 / w)
        default: return nil
        }
    }

    private func scaled(_ w: Double) throws -> Value {
        guard w.isFinite else { throw RuntimeError("a loss weight must be finite, got \(Value.number(w).displayText)") }
        return .native(NativeBox(LossObject(.sum(terms.map { ($0.weight * w, $0.loss) }))))
    }

    /// Worlds as records {win, lose} of booleans.
    static func worlds(_ models: [Int]) -> Value {
        .list(ListBox(models.map { w in Value.record(RecordBox([("win", .bool(w & 1 != 0)), ("lose", .bool(w & 2 != 0))])) }))
    }

    /// The weighted terms of a composite; a single loss is one term of weight 1.
    var terms: [(weight: Double, loss: LossObject)] {
        if case .sum(let t) = kind { return t }
        return [(1, self)]
    }
}
