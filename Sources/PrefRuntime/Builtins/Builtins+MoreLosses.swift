import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// The losses of the literature beyond TRL (issue 6): GPO, MaPO, DOVE, listwise, TPO, SparsePO.
    /// Defaults are the papers' (spec algorithms.md §6.15).
    static var moreLosses: [Builtin] { LossBuiltins.more }
}

extension LossBuiltins {
    static var more: [Builtin] { [gpo, mapo, plackettLuce, lipo, rankDPO, dove, tpo, sparsePO] }

    static var gpo: Builtin {
        Builtin("gpo", [beta(), BuiltinParameter("link", .string, default: .str("logistic"),
                                                 doc: "the convex f: " + GPOLink.allCases.map(\.rawValue).joined(separator: ", "))],
                category: "losses",
                doc: "GPO, Generalized Preference Optimization (Tang et al., 2024): ℓ = f(βh), h = (pc − rc) − (pr − rr), with f "
                    + "logistic log(1 + e^{−t}) (= DPO), hinge max(0, 1 − t) (SLiC), square (t − 1)² (IPO-type), exponential e^{−t}, "
                    + "truncated_square max(0, 1 − t)², savage (1 + e^t)^{−2}. L = mean ℓ. The paper sweeps β over 0.01…1.",
                example: "let l = gpo(beta: 0.1, link: \"savage\")") { call in
            guard let link = GPOLink(rawValue: call.string(1)) else {
                throw call.error("unknown link '\(call.string(1))'", hint: GPOLink.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return wrap(.gpo(GPOConfig(link: link, beta: try hyper(call, 0))))
        }
    }

    static var mapo: Builtin {
        Builtin("mapo", [beta(), BuiltinParameter("c", .number, default: .number(0.5), doc: "c (snr_value) of s(L) = cL/(e^{cL} − 1)"),
                         BuiltinParameter("kappa", .number, default: .number(50), doc: "κ, the margin scale (T in the paper)")],
                category: "losses",
                doc: "MaPO (Hong et al., 2024), no reference, in the token form of the spec: with the per-token NLLs L = −p/len "
                    + "(lengths ≥ 1) and the likelihood s(L) = cL/(e^{cL} − 1), ℓ = L_w − β·log σ(κ(s(L_w) − s(L_l))). "
                    + "Needs chosen_length and rejected_length. Rewards are β·p/len.",
                example: "let l = mapo(beta: 0.1, kappa: 50)") { call in
            wrap(.mapo(MaPOConfig(beta: try hyper(call, 0), c: try hyper(call, 1), kappa: try hyper(call, 2))))
        }
    }

    static var dove: Builtin {
        Builtin("dove", [beta()], category: "losses",
                doc: "DOVE / Joint Preference Optimization (Bansal et al., 2024): preferences over instruction–response pairs "
                    + "(x_w, y_w) ≻ (x_l, y_l) whose prompts may differ: ℓ = −log σ(β[p_w − r_w] − β[p_l − r_l]), each log-prob "
                    + "conditioned on its own prompt. On a logps dataset it reads the paired fields (its value is DPO's; the data differs).",
                example: "let l = dove(beta: 0.1)") { call in
            wrap(.dove(beta: try hyper(call, 0)))
        }
    }

    static var tpo: Builtin {
        Builtin("tpo", [beta(), BuiltinParameter("weighting", .string, default: .str("gap"), doc: "pair weights: gap (ψ_i − ψ_j) or lambda (LiPO-λ)"),
                        BuiltinParameter("step_weights", .string, default: .str("adaptive"),
                                         doc: "in fit: adaptive (w_k = 1 + cos of the policy's mean hidden states, held constant) or uniform (w_k = 1, the list loss without step weights)"),
                        BuiltinParameter("step_reward", .string, default: .str("sum"),
                                         doc: "sum (R = Σ_k w_k·r_k, r_k the step's summed token log-ratio: the released code's weighted token sum) "
                                            + "or mean (R = Σ_k w_k·r_k / Σ_k w_k, r_k the step's mean token log-ratio: the spec's normalised form)")],
                category: "losses",
                doc: "TPO, Tree Preference Optimization (Liao, Chu, Wang, ICLR 2025): with step rewards r_k(y) (the log-ratio of step k's tokens) "
                    + "and adaptive weights w_k(y) = 1 + cos(h̄_k(y), h̄_k(y_top)), R(y) = Σ_k w_k r_k with r_k the step's summed token log-ratio "
                    + "(step_reward: \"sum\", the released code: shared steps cancel between siblings as in DPO) or Σ_k w_k r_k / Σ_k w_k with "
                    + "r_k the step's mean (\"mean\", the spec's clean form), and ℓ = −Σ_{ψ_i > ψ_j} Δ_ij·log σ(β(R_i − R_j)). "
                    + "Data: inspect(l, {step_logratios: [P, K, S] (summed or mean, as step_reward says), step_weights: [P, K, S] or "
                    + "step_hidden: [P, K, S, H], scores: [P, K]}); weights default to 1. "
                    + "fit(token_policy, ranked lists, tpo()) computes the adaptive weights from the policy's hidden layer (h̄_k: the mean over step k's "
                    + "positions, y_top: the list's best) as constants, as the released code does; step_weights: \"uniform\" turns them off.",
                example: "let l = tpo(beta: 0.1, weighting: \"lambda\", step_reward: \"mean\")") { call in
            guard let w = TPOWeighting(rawValue: call.string(1)) else {
                throw call.error("unknown weighting '\(call.string(1))'", hint: "gap or lambda")
            }
            let steps = TPOStepWeighting(rawValue: try call.choice(2, TPOStepWeighting.allCases.map(\.rawValue))) ?? .adaptive
            let reward = TPOStepReward(rawValue: try call.choice(3, TPOStepReward.allCases.map(\.rawValue))) ?? .sum
            return wrap(.tpo(TPOConfig(beta: try hyper(call, 0), weighting: w, stepWeights: steps, stepReward: reward)))
        }
    }

    static var sparsePO: Builtin {
        Builtin("sparse_po", [beta(), BuiltinParameter("lambda_u", .number, default: .number(0.001), doc: "λ_u, L1 weight of the reward masks"),
                              BuiltinParameter("lambda_d", .number, default: .number(0.001), doc: "λ_d, L1 weight of the KL masks"),
                              BuiltinParameter("mask", .string, default: .str("none"),
                                               doc: "what fit learns for a token policy: \"none\" (m = 1), \"common\" (one mask network for m^u = m^d, "
                                                   + "the paper's sparse-common) or \"independent\" (m^u and m^d, sparse-indp)"),
                              BuiltinParameter("mask_tokens", default: Value.none,
                                               doc: "a list of token ids (V for EOS): fit uses the fixed mask m^u = m^d = 1 on them and 0 on "
                                                   + "every other token (an oracle for the paper's mechanism; with mask: \"none\" only)")],
                category: "losses",
                doc: "SparsePO (Christopoulou et al., 2024), token-level masks: u = Σ_t m^u_t(y_w)Δ_t(y_w) − Σ_t m^u_t(y_l)Δ_t(y_l) with "
                    + "Δ_t = log π_θ − log π_ref per token, d = Σ_t m^d_t(y_w)δ_t(y_w) − Σ_t m^d_t(y_l)δ_t(y_l) with δ_t = −KL_t(π_ref‖π_θ), "
                    + "ℓ = −log σ(β(u − d)) + λ_u(‖m^u_w‖₁ + ‖m^u_l‖₁) + λ_d(‖m^d_w‖₁ + ‖m^d_l‖₁). With mask: \"common\" or \"independent\", "
                    + "fit(tp, pairs, l) trains a mask network m_t = ReLU(Σ_l α_l·ReLU(LN(layer_l,t)·W_l + b_l) + c) on the token policy's "
                    + "embedding and hidden layers, as the reference policy computes them (the masks' inputs are constants), jointly "
                    + "with the policy (read the masks with tp.masks(data)). " + LossObject.tokenHint + ".",
                example: "let l = sparse_po(beta: 0.1, lambda_u: 0.001, mask: \"common\")") { call in
            let mask = SparseMaskKind(rawValue: try call.choice(3, SparseMaskKind.allCases.map(\.rawValue))) ?? .none
            var tokens: [Int]?
            switch call[4] {
            case .none: tokens = nil
            case .list(let l):
                tokens = try l.items.enumerated().map { try call.whole($1, "mask_tokens entry \($0)") }
                if let bad = tokens?.first(where: { $0 < 0 }) { throw call.error("mask_tokens entries must be token ids ≥ 0, got \(bad)") }
                guard mask == .none else {
                    throw call.error("mask_tokens fixes the masks, mask: \"\(mask.rawValue)\" learns them", hint: "drop one of the two arguments")
                }
            default: throw call.typeError(4, expected: "a list of token ids or none")
            }
            return wrap(.sparsePO(SparsePOConfig(beta: try hyper(call, 0), lambdaU: try hyper(call, 1, positive: false),
                                                 lambdaD: try hyper(call, 2, positive: false), mask: mask, maskTokens: tokens)))
        }
    }

    static let rankedData = "Data: inspect(l, {policy_logps: [P, K], ref_logps: [P, K], scores: [P, K]}) with graded labels ψ (higher is "
        + "better; without scores the columns are best to worst). s = β·scale·(p − r); L = mean over prompts."

    static func listwise(_ type: ListwiseLossType, beta b: Double, doc: String, example: String, scale: Bool = false) -> Builtin {
        let params = [beta(b)] + (scale ? [BuiltinParameter("scale", .number, default: .number(1), doc: "T·ω(t) of the Diffusion-DPO score (1 for token policies)")] : [])
        return Builtin(type.rawValue, params, category: "losses", doc: doc + " " + rankedData, example: example) { call in
            wrap(.listwise(ListwiseConfig(type: type, beta: try hyper(call, 0), scale: scale ? try hyper(call, 1) : 1)))
        }
    }

    static var plackettLuce: Builtin {
        listwise(.plackettLuce, beta: 0.1,
                 doc: "Plackett–Luce DPO (Rafailov et al., 2023, appendix; = ListMLE) over a ranked list τ: ℓ = −Σ_k [s_τ(k) − log Σ_{j≥k} exp s_τ(j)].",
                 example: "let l = plackett_luce(beta: 0.1)")
    }

    static var lipo: Builtin {
        listwise(.lipo, beta: 0.05,
                 doc: "LiPO-λ (Liu et al., 2024): ℓ = −Σ_{ψ_i > ψ_j} Δ_ij·log σ(s_i − s_j), Δ_ij = |G_i − G_j|·|1/D(π(i)) − 1/D(π(j))|, "
                    + "G = 2^ψ − 1, D(r) = log(1 + r), π the rank by the current s (Δ constant).",
                 example: "let l = lipo(beta: 0.05)")
    }

    static var rankDPO: Builtin {
        listwise(.rankDPO, beta: 0.1,
                 doc: "RankDPO (Karthik et al., 2024): the LiPO-λ DCG-weighted pairwise loss on the Diffusion-DPO score s = β·T·(p − r), "
                    + "T = scale; p, r hold log-probs or the negated weighted denoising errors −ω(t)‖ε − ε_θ‖².",
                 example: "let l = rank_dpo(beta: 0.1, scale: 1)", scale: true)
    }
}
