import PrefLanguage

extension BuiltinLibrary {
    /// Scoped feedback (issue 11 item 5): `kl_to_reference`; the scope itself is `l.on(scope)`.
    static var scopedFeedback: [Builtin] { [klToReference] }

    static var klToReference: Builtin {
        Builtin("kl_to_reference", [], category: "losses",
                doc: "A loss keeping the policy at its reference: per example, the exact KL(π(·|x) ‖ π_ref(·|x)) = Σ_k π(k|x)(log π(k|x) − log π_ref(k|x)) "
                    + "over the candidates of the example's prompt (the chosen/rejected labels are not read). With l.on(scope) it is C3PO's "
                    + "out-of-scope term (Stephan et al. 2024, RLVF): dpo().on(in_scope) + λ * kl_to_reference().on(out_of_scope). C3PO fits the "
                    + "reference's own completions by SFT, a sampled cross-entropy to π_ref; a candidate policy sums over its candidates exactly. "
                    + "Trains candidate policies (fit, iterate).",
                example: "let w = toy_world(seed: 1, candidates: 8)\nlet pi = candidate_policy(w)\nfit(pi, w.pairs(128), dpo() + 0.5 * kl_to_reference(), lr: 0.05).steps") { _ in
            .native(NativeBox(LossObject(.klToReference)))
        }
    }
}
