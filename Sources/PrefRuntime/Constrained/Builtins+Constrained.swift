import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Constrained RLHF (issue 8 items 3 and 4): `constrained`, `proxy_points`.
    static var constrained: [Builtin] { [ConstrainedBuiltins.constrained, ConstrainedBuiltins.proxyPoints] }
}

/// The constrained-RLHF builtins; the algorithms live in PrefLearn/Constrained.
enum ConstrainedBuiltins {
    static var constrained: Builtin {
        Builtin("constrained", [
            BuiltinParameter("policy", doc: "a candidate policy (trained in place; its reference π_ref is the policy as built)"),
            BuiltinParameter("subject_to", doc: "the constraints: a list (named r1, r2, …), a record (named by its keys) or one constraint, e.g. [r1 >= 1.2, r2 == 0.8]"),
            BuiltinParameter("kind", .string, default: .str("mu"), doc: "\"mu\" (the constraints as written), \"xi\" (all equalities), \"all\" (maximise every reward below its threshold) or \"sat\" (target satisfaction)"),
            BuiltinParameter("kl", .number, default: .number(0.2), doc: "β of the KL stream r_0 = −β(log π − log π_ref), ≥ 0"),
            BuiltinParameter("lagrange_lr", .number, default: .number(0.1), doc: "the dual SGD learning rate, > 0"),
            BuiltinParameter("momentum", .number, default: .number(0.1), doc: "the dual SGD momentum, in [0, 1)"),
            BuiltinParameter("squash", .bool, default: .bool(true), doc: "bound the multipliers: σ(λ) for inequalities, tanh(λ) for equalities"),
            BuiltinParameter("steps", .int, default: .number(100), doc: "policy steps, ≥ 1 (NM-PPO: in all)"),
            BuiltinParameter("lr", .number, default: .number(0.3), doc: "the policy's learning rate, > 0"),
            BuiltinParameter("algo", .string, default: .str("reinforce"), doc: "the policy step of rlhf: \"reinforce\" (exact policy gradient) or \"ppo\""),
            BuiltinParameter("optimizer", .string, default: .str("sgd"), doc: "\"sgd\", \"adam\" or \"adamw\""),
            BuiltinParameter("exact", .bool, default: .bool(true), doc: "true: exact expectations; false: `samples` draws per prompt for the gradient and the violations"),
            BuiltinParameter("samples", .int, default: .number(4), doc: "draws per prompt when sampling, ≥ 1"),
            BuiltinParameter("evaluate", default: Value.none, doc: "the evaluation score's reward (any reward, a [P, K] tensor or fn(c)); none: the world's gold r*"),
            BuiltinParameter("thresholds", .string, default: .str("given"), doc: "\"given\" (the constraints' own) or \"nelder_mead\" (NM-PPO: search them)"),
            BuiltinParameter("nm_iters", .int, default: .number(10), doc: "NM-PPO: Nelder–Mead iterations"),
            BuiltinParameter("eval_every", .int, default: .number(5), doc: "NM-PPO: steps between checks of the thresholds"),
            BuiltinParameter("within", .number, default: .number(0.05), doc: "NM-PPO: an evaluation ends when every |v_i − θ_i| ≤ within·|θ_i|"),
            BuiltinParameter("cache_tol", .number, default: .number(5e-3), doc: "NM-PPO: thresholds this close in every coordinate reuse a value"),
            BuiltinParameter("nm_tol", .number, default: .number(0.01), doc: "NM-PPO: stop when the std of the simplex's values is below this"),
            BuiltinParameter("dual_clip", default: Value.none, doc: "clip the dual gradient's norm at this; none: no clipping"),
            BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 (multipliers' init, draws, NM's simplex); none: the session seed"),
            BuiltinParameter("split", .string, default: .str("train"), doc: "the prompts trained on: \"train\" or \"test\""),
        ], category: "constrained",
        doc: "Constrained RLHF of a candidate policy (spec algorithms.md §1.2–1.4, Moskovitz et al. 2024), exact expectations over each "
            + "prompt's candidates. Each step, for the policy it starts from: v_i = E_π[r_i], the KL stream r_0 = −β(log π − log π_ref), "
            + "advantages Â(r) = (r − E_π r)/std standardised under π over the batch, the mixed advantage M = (N − Σλ̃_i)Â(r_0) + "
            + "Σ s_i λ̃_i Â(r_i) (all: (N − Σλ̃)ΣF_i − Σλ̃_i F_i with F_i = Â(r_i + r_0); sat: Â(r_0 − Σ(r_i − θ_i)²)), one policy-gradient "
            + "step of rlhf on E_π[M], then the dual step: c_i = v_i − θ_i (exact, or Monte-Carlo from `samples` draws when exact is false), "
            + "dual loss Σ λ̃_i s_i c_i, SGD with momentum on the raw λ (init N(0, 0.01²)); λ̃ = σ(λ) for inequalities, tanh(λ) for "
            + "equalities (squash), s = −1 for upper bounds. thresholds: \"nelder_mead\" is NM-PPO: Nelder–Mead over θ in one continuing "
            + "run, each evaluation at most steps/10 steps, −eval as its value, the initial simplex drawn between the initial v_i and the "
            + "constraints' thresholds. Returns a run: history has step, eval, kl, entropy, loss, grad_norm and per constraint its v "
            + "(named like the constraint), theta_<name> and lambda_<name> (λ̃), plus search (the index of the θ being evaluated) for "
            + "NM-PPO; run.final {eval, kl, v per constraint}, run.constraints, and for NM-PPO run.thresholds and run.search (as "
            + "nelder_mead returns).",
        example: "let w = toy_world(seed: 1, candidates: 16, rho: 0.5)\nlet [r1, r2] = w.component_rewards\n"
            + "let run = constrained(candidate_policy(w), subject_to: [r1 >= 0.8, r2 >= 0.6], kind: \"mu\", steps: 20)\nrun.final") { call in
            try ConstrainedRun(call).run()
        }
    }
}
