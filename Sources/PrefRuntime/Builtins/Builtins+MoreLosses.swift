import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// The losses of the literature beyond TRL (issue 6): GPO, MaPO, DOVE, listwise, TPO, SparsePO.
    /// Defaults are the papers' (spec algorithms.md §6.15).
    static var moreLosses: [Builtin] { LossBuiltins.more }
}

extension LossBuiltins {
    static var more: [Builtin] { [gpo, mapo] }

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
}
