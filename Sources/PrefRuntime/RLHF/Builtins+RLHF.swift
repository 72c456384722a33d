import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// RLHF (issue 8 items 1 and 2): on-policy optimisation against any reward, overoptimisation curves.
    static var rlhf: [Builtin] { [RLHFBuiltins.rlhf, RLHFBuiltins.overoptimization] }
}

/// The RLHF builtins; the objectives and the loop live in PrefLearn/RLHF, the Gao fits in
/// PrefLearn/Overoptimization.
enum RLHFBuiltins {
    static var rlhf: Builtin {
        Builtin("rlhf", [
            BuiltinParameter("policy", doc: "a candidate or token policy (trained in place; its reference π_ref is the policy as built)"),
            BuiltinParameter("reward", doc: "a reward (reward model, ensemble, reward algebra, w.gold_reward), a [P, K] tensor, or fn(c) of the candidates {ids, psi, q, length} returning [n, K]; token policies: fn(s) of the sampled sequences {prompt [B], tokens [B, T] padded with −1, length [B]} returning B rewards"),
            BuiltinParameter("kl", .number, default: .number(0.05), doc: "β, the KL coefficient, ≥ 0"),
            BuiltinParameter("algo", .string, default: .str("reinforce"), doc: "\"reinforce\", \"rloo\", \"ppo\" or \"grpo\""),
            BuiltinParameter("samples", .int, default: .number(4), doc: "draws per prompt when sampling, ≥ 1 (≥ 2 for rloo and grpo)"),
            BuiltinParameter("steps", .int, default: .number(100), doc: "RL steps, ≥ 1 (PPO: each takes `epochs` updates)"),
            BuiltinParameter("lr", .number, default: .number(0.1), doc: "the learning rate, finite and > 0"),
            BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 for the draws; none: the session seed"),
            BuiltinParameter("exact", .bool, default: .bool(true), doc: "true: exact expectations over each prompt's candidates; false: sampling"),
            BuiltinParameter("kl_estimator", default: Value.none, doc: "sampling: \"k1\", \"k2\" or \"k3\"; none: k3 for grpo, k1 otherwise (TRL's defaults)"),
            BuiltinParameter("clip", .number, default: .number(0.2), doc: "ε, the clip range of PPO's and GRPO's ratios, > 0"),
            BuiltinParameter("epochs", .int, default: .number(4), doc: "PPO: updates per π_old, ≥ 1"),
            BuiltinParameter("entropy", .number, default: .number(0), doc: "c, an entropy bonus c·H(π) (exact H), ≥ 0"),
            BuiltinParameter("optimizer", .string, default: .str("sgd"), doc: "\"sgd\", \"adam\" or \"adamw\""),
            BuiltinParameter("gold", default: Value.none, doc: "the reward reported as gold (same kinds as reward); none: the world's r*, if any"),
            BuiltinParameter("split", .string, default: .str("train"), doc: "the prompts trained on: \"train\" or \"test\""),
            BuiltinParameter("max_length", default: Value.none, doc: "token policies: the longest sampled sequence, 1…4096; none: the world's longest candidate"),
        ], category: "rlhf",
        doc: "On-policy RLHF of a candidate policy against a fixed reward (spec losses.md §7). Exact (candidate policies): "
            + "reinforce and rloo maximise J = E_π[r] − β·KL(π‖π_ref) + c·H(π) exactly (a baseline does not change the exact gradient); "
            + "grpo uses A = (r − E_π r)/(std_π r + 1e-4); ppo keeps π_old for `epochs` updates of Σ π_old min(ρA, clip(ρ, 1±ε)A) with "
            + "R = r − β(log π_old − log π_ref), A = R − E_π_old R. Sampled: G = samples draws per prompt (Philox); reinforce A = R̃ − batch "
            + "mean, rloo the leave-one-out baseline, ppo clipped ratios with the group-mean baseline, grpo (R − mean)/(std + 1e-4) with "
            + "the Bessel std and β·k as a loss term; R̃ = r − β·k with k the chosen KL estimator. Returns a run: history has step, "
            + "reward, gold, kl, entropy (exact, of the policy each step starts from), loss, grad_norm, lr, clip_frac (ppo, grpo), kl_est "
            + "and sample_reward (sampled); r.final the measures after the last step. Ctrl-C stops after the current step; a "
            + "non-finite loss or gradient stops before the update with a located error. Token policies always sample "
            + "(exact is ignored): G sequences per prompt from π_θ, scored by the reward function, with the sampled objectives above over "
            + "whole-sequence log-probabilities (EOS included) and KL control through kl_estimator; their history has reward, gold (when "
            + "given as a function), kl (the k1 estimate mean(log π − log π_ref)), kl_est, entropy (the estimate −mean log π), loss, "
            + "grad_norm, lr and clip_frac (ppo, grpo).",
        example: "let w = toy_world(seed: 1, candidates: 16)\nlet pi = candidate_policy(w)\nlet r = rlhf(pi, w.gold_reward, kl: 0.1, steps: 20)\n"
            + "r.final.gold") { call in
            if let token = TokenPolicyBuiltins.argument(call, 0) { return try TokenRLHFRun(call, policy: token).run() }
            return try RLHFRun(call).run()
        }
    }
}
