import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// `overoptimization`: gold and proxy reward against d = √KL under best-of-n or RL, with the
/// Gao et al. forms fitted (spec algorithms.md §2).
extension RLHFBuiltins {
    static var overoptimization: Builtin {
        Builtin("overoptimization", [
            BuiltinParameter("world", doc: "a toy world"),
            BuiltinParameter("proxy", doc: "the optimised reward: a reward, a list of rewards, or a record of named rewards (one curve each)"),
            BuiltinParameter("gold", default: Value.none, doc: "the reward reported as gold; none: the world's r*"),
            BuiltinParameter("method", .string, default: .str("bon"), doc: "\"bon\" (exact best-of-n) or \"rl\" (an rlhf trajectory)"),
            BuiltinParameter("n", default: Value.none, doc: "bon: a list of n; none: 1, 2, 4, … up to K"),
            BuiltinParameter("policy", default: Value.none, doc: "the base policy (copied, never trained); none: the uniform candidate policy"),
            BuiltinParameter("steps", .int, default: .number(100), doc: "rl: steps, ≥ 1"),
            BuiltinParameter("lr", .number, default: .number(0.1), doc: "rl: the learning rate, > 0"),
            BuiltinParameter("kl", .number, default: .number(0), doc: "rl: β, the KL coefficient, ≥ 0"),
            BuiltinParameter("algo", .string, default: .str("reinforce"), doc: "rl: \"reinforce\", \"rloo\", \"ppo\" or \"grpo\" (exact)"),
            BuiltinParameter("optimizer", .string, default: .str("sgd"), doc: "rl: \"sgd\", \"adam\" or \"adamw\""),
            BuiltinParameter("split", .string, default: .str("train"), doc: "the prompts: \"train\" or \"test\""),
        ], category: "rlhf",
        doc: "Overoptimisation curves (Gao, Schulman & Hilton 2022): optimise the proxy by exact best-of-n (with-replacement order "
            + "statistics over the K candidates, exact KL; kl_analytic = log n − (n−1)/n) or by exact RL from the base policy, and report "
            + "mean E[proxy] and E[gold] relative to the base policy against d = √KL. Fits R_bon(d) = d(α − βd) and R_RL(d) = d(α − β log d) "
            + "to gold by least squares without intercept (the RL form uses d ≥ 0.05) and reports α, β, R² and the peak d*. Returns a "
            + "table (label, n or step, kl, d, proxy, gold, gold_bon_fit, gold_rl_fit; plot(t, x: \"d\", y: [\"gold\", \"proxy\"], by: \"label\")) "
            + "whose member fits is a table (label, form, alpha, beta, r2, peak_d, gold_max, d_at_max).",
        example: "let w = toy_world(seed: 1, candidates: 64)\nlet t = overoptimization(w, proxy: w.gold_reward + 0.3 * length, n: [1, 4, 16, 64])\n"
            + "t.fits") { call in
            try OveroptimizationRun(call).run()
        }
    }
}
