import PrefCore
import PrefLanguage
import PrefLearn

/// The losses beyond `dpo`: KTO, BCO, ORPO, CPO/SimPO/AlphaPO, Bradley–Terry and `loss(name, fn)`.
/// Defaults are TRL 1.16.0's (spec/losses.md).
extension LossBuiltins {
    static var zoo: [Builtin] { [kto, bco, orpo, cpo, simpo, alphapo, bradleyTerry, custom] }

    static func beta(_ default: Double = 0.1) -> BuiltinParameter {
        BuiltinParameter("beta", .number, default: .number(`default`), doc: "β, the reward scale (TRL default \(Value.number(`default`).displayText))")
    }

    /// The number argument `i`, which must be finite and (with `positive`) > 0, else ≥ 0.
    static func hyper(_ call: BuiltinCall, _ i: Int, positive: Bool = true) throws -> Double {
        let x = call.number(i), name = call.builtin.parameters[i].name
        guard x.isFinite, positive ? x > 0 : x >= 0 else {
            throw call.error("\(name) must be \(positive ? "> 0" : "≥ 0"), got \(Value.number(x).displayText)")
        }
        return x
    }

    static func wrap(_ kind: LossObject.Kind) -> Value { .native(NativeBox(LossObject(kind))) }

    static var kto: Builtin {
        Builtin("kto", [beta(), BuiltinParameter("loss_type", .string, default: .str("kto"), doc: "kto or apo_zero_unpaired"),
                        BuiltinParameter("desirable_weight", .number, default: .number(1), doc: "λ_D"),
                        BuiltinParameter("undesirable_weight", .number, default: .number(1), doc: "λ_U")], category: "losses",
                doc: "KTO (Ethayarajh et al., 2024, TRL KTOTrainer) on unpaired data, Δ = p − r: desirable ℓ = λ_D·(1 − σ(β(Δ − z₀))), "
                    + "undesirable ℓ = λ_U·(1 − σ(β(z₀ − Δ))), z₀ = max(0, mean(p_KL − r_KL)) detached. apo_zero_unpaired "
                    + "(D'Oosterlinck et al., 2024): λ_D·(1 − σ(βΔ)) and λ_U·σ(βΔ). L = mean ℓ.",
                example: "let l = kto(beta: 0.1, loss_type: \"apo_zero_unpaired\")") { call in
            guard let t = KTOLossType(rawValue: call.string(1)) else {
                throw call.error("unknown loss_type '\(call.string(1))'", hint: "kto or apo_zero_unpaired")
            }
            return wrap(.kto(KTOConfig(lossType: t, beta: try hyper(call, 0), desirableWeight: try hyper(call, 2, positive: false),
                                       undesirableWeight: try hyper(call, 3, positive: false))))
        }
    }

    static var bco: Builtin {
        Builtin("bco", [beta(), BuiltinParameter("udm", .bool, default: .bool(false),
                                                 doc: "UDM: weight undesirable examples by the prompt density ratio (fit on a toy world's policy)"),
                        BuiltinParameter("min_density_ratio", .number, default: .number(0.5), doc: "UDM: the lower clip of the weight (TRL default 0.5)"),
                        BuiltinParameter("max_density_ratio", .number, default: .number(10), doc: "UDM: the upper clip of the weight (TRL default 10)")],
                category: "losses",
                doc: "BCO (Jung et al., 2024, TRL BCOTrainer) on unpaired data: desirable ℓ = −log σ(β(p − r) − δ), undesirable "
                    + "ℓ = −w(x)·log σ(−(β(p − r) − δ)), δ the running mean of the rewards. L = mean ℓ. Without UDM w = 1; with it "
                    + "(underlying distribution matching, for thumbs-up and thumbs-down data from different prompt distributions) "
                    + "w(x) = clip(P(+|x)/(1 − P(+|x)), min_density_ratio, max_density_ratio), P(+|x) a class-balanced L2 logistic regression (scikit-learn's, C = 1) "
                    + "separating the prompt features of up to 1024 desirable examples from those of up to 1024 undesirable ones "
                    + "(udm_weights(data) shows them).",
                example: "let l = bco(beta: 0.1, udm: true)") { call in
            var config = try densityRatioBounds(call, min: 2, max: 3)
            config.beta = try hyper(call, 0)
            config.udm = call.bool(1)
            return wrap(.bco(config))
        }
    }

    static var orpo: Builtin {
        Builtin("orpo", [beta()], category: "losses",
                doc: "ORPO (Hong et al., 2024, TRL ORPOTrainer), no reference: with per-token averages a = pc/Lc, b = pr/Lr, "
                    + "ℓ = NLL − β·log σ(log odds(a) − log odds(b)), log odds(q) = q − log(1 − e^q). Needs chosen_length and rejected_length.",
                example: "let l = orpo(beta: 0.1)") { call in
            wrap(.orpo(beta: try hyper(call, 0)))
        }
    }

    static func cpoParams(beta b: Double = 0.1, type: String, cpoAlpha: Double, alpha: Double = 0) -> [BuiltinParameter] {
        [beta(b), BuiltinParameter("loss_type", .string, default: .str(type), doc: "sigmoid, hinge, ipo, simpo or alphapo"),
         BuiltinParameter("label_smoothing", .number, default: .number(0), doc: "ε, conservative label smoothing (sigmoid, simpo)"),
         BuiltinParameter("cpo_alpha", .number, default: .number(cpoAlpha), doc: "weight of the chosen NLL term"),
         BuiltinParameter("simpo_gamma", .number, default: .number(0.5), doc: "γ, SimPO's target margin"),
         BuiltinParameter("alpha", .number, default: .number(alpha), doc: "AlphaPO's reward shape α (0: off)")]
    }

    static func makeCPO(_ call: BuiltinCall) throws -> Value {
        guard let t = CPOLossType(rawValue: call.string(1)) else {
            throw call.error("unknown loss_type '\(call.string(1))'", hint: CPOLossType.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let eps = try hyper(call, 2, positive: false)
        guard eps <= 0.5 else { throw call.error("label_smoothing must be in [0, 0.5], got \(Value.number(eps).displayText)") }
        let alpha = call.number(5)
        guard alpha.isFinite else { throw call.error("alpha must be finite") }
        let c = CPOConfig(lossType: t, beta: try hyper(call, 0), labelSmoothing: eps, cpoAlpha: try hyper(call, 3, positive: false),
                          simpoGamma: try hyper(call, 4, positive: false), alpha: alpha)
        return wrap(.cpo(c, name: call.builtin.name))
    }

    static let cpoFormula = "with q = pc, pr (sigmoid, hinge) or pc/Lc, pr/Lr (ipo, simpo), mapped to (1 − e^{−αq})/α when α ≠ 0, x = q_w − q_l: "
        + "sigmoid ℓ = −(1−ε)log σ(βx) − ε log σ(−βx); hinge max(0, 1 − βx); ipo (x − 1/(2β))²; simpo −(1−ε)log σ(βx − γ) − ε log σ(γ − βx); "
        + "plus cpo_alpha·NLL of the chosen completions. No reference."

    static var cpo: Builtin {
        Builtin("cpo", cpoParams(type: "sigmoid", cpoAlpha: 1), category: "losses",
                doc: "CPO (Xu et al., 2024, TRL CPOTrainer): " + cpoFormula, example: "let l = cpo(beta: 0.1)") { call in try makeCPO(call) }
    }

    static var simpo: Builtin {
        Builtin("simpo", cpoParams(type: "simpo", cpoAlpha: 0), category: "losses",
                doc: "SimPO (Meng et al., 2024) as TRL's CPOTrainer with loss_type simpo and cpo_alpha 0: ℓ = −(1−ε)log σ(βx − γ) − ε log σ(γ − βx), "
                    + "x = pc/Lc − pr/Lr. The paper uses β ≈ 2–2.5.", example: "let l = simpo(beta: 2, simpo_gamma: 0.5)") { call in try makeCPO(call) }
    }

    static var alphapo: Builtin {
        Builtin("alphapo", cpoParams(type: "alphapo", cpoAlpha: 0), category: "losses",
                doc: "AlphaPO (Gupta et al., 2025) as TRL's CPOTrainer alias: SimPO with the reward shape ρ(q) = (1 − e^{−αq})/α on the "
                    + "per-token averages; α = 0 (TRL's default) is SimPO. " + cpoFormula,
                example: "let l = alphapo(beta: 2, alpha: 0.25)") { call in try makeCPO(call) }
    }

    static var bradleyTerry: Builtin {
        Builtin("bradley_terry_loss", [
            BuiltinParameter("margin", default: Value.none, doc: "m: none: the data's margin column when it has one, else 0; a number: that m for every pair (the column is not read); \"data\": the data's margin column, which must be there"),
            BuiltinParameter("center", default: Value.none, doc: "c of the centring term c·(s_w + s_l)², ≥ 0 (Eisenstein et al. 2023, Eq. 2; 0.01 is usual); none: off"),
            BuiltinParameter("center_rewards_coefficient", default: Value.none, doc: "TRL's name for center"),
        ], category: "losses",
                doc: "The Bradley–Terry reward-model loss (TRL RewardTrainer; Ouyang et al., 2022): ℓ = −log σ(s_w − s_l − m) + c·(s_w + s_l)², "
                    + "with the scores s read from policy_chosen_logps / policy_rejected_logps (or a reward model's rewards in fit), the margin m "
                    + "of Llama 2 (Touvron et al., 2023) and the centring c.",
                example: "let l = bradley_terry_loss(margin: 0.5, center: 0.01)") { call in
            var c: Double?
            for i in [1, 2] {
                switch call[i] {
                case .none: continue
                case .number(let x) where x.isFinite && x >= 0:
                    if let c, c != x { throw call.error("center and center_rewards_coefficient are the same coefficient; give one") }
                    c = x
                default: throw call.error("\(i == 1 ? "center" : "center_rewards_coefficient") must be none or a finite number ≥ 0")
                }
            }
            let margin: BradleyTerryMargin
            switch call[0] {
            case .none: margin = .data
            case .number(let m) where m.isFinite: margin = .constant(m)
            case .string(let s) where s.value == "data": margin = .requireData
            default: throw call.error("margin must be none, a finite number or \"data\"", hint: "\"data\" reads the pairs' margin column")
            }
            return wrap(.bradleyTerry(centerRewardsCoefficient: c, margin: margin))
        }
    }

    static var custom: Builtin {
        Builtin("loss", [BuiltinParameter("name", .string, doc: "the loss's name"),
                         BuiltinParameter("f", .function, doc: "fn(b) returning the per-example losses")], category: "losses",
                doc: "A loss of one's own: f(b) gets the batch view b with fields chosen_logps, rejected_logps, ref_chosen_logps, "
                    + "ref_rejected_logps, chosen_logratio, rejected_logratio, chosen_length, rejected_length, label, weight, margin "
                    + "(tensors over the batch on the tape; none when the data lacks them) and returns one loss per example; "
                    + "the batch loss is their mean and gradients come from the tape.",
                example: "let my_dpo = loss(\"my_dpo\", fn(b) -log_sigmoid(0.1 * (b.chosen_logratio - b.rejected_logratio)))") { call in
            wrap(.custom(name: call.string(0), function: call[1]))
        }
    }
}
