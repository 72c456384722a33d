import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    static var utilityRewards: [Builtin] { [UtilityRewardBuiltins.utilityReward] }
}

/// `utility_reward(world, group:)`: an annotator's (or each task's) utility as a reward, e.g. the
/// gold of an experiment whose labels come from `w.pairs(n, group: "cluster")`.
enum UtilityRewardBuiltins {
    static var utilityReward: Builtin {
        Builtin("utility_reward", [
            BuiltinParameter("world", doc: "the toy world"),
            BuiltinParameter("group", default: .str("cluster"), doc: "a group 0…G−1, \"cluster\" (group c(x) mod G, per prompt) or \"gold\" (r*)"),
        ], category: "rewards",
        doc: "An annotator group's utility u_g(y) = (w* + Δ_g)·q − λ_ann‖q‖² + b_len·ℓ − c_ℓ(ℓ − ℓ*)² (spec §9.3) as a reward, looked up "
            + "exactly by candidate id; \"cluster\" routes each prompt to group c(x) mod G (the task-specific gold of DMoERM's toy, spec §5.3), "
            + "\"gold\" is r*. It scores what the labels of w.pairs(n, group: …) are drawn from, so it can serve as best_of_n's or rlhf's gold.",
        example: "let w = toy_world(seed: 1)\nlet u = utility_reward(w, group: \"cluster\")\nbest_of_n(w, w.gold_reward, n: [1, 16], gold: u)") { call in
            guard case .native(let n) = call[0], let w = n.object as? ToyWorldObject else {
                throw call.typeError(0, expected: "a toy world", hint: "toy_world(seed: 1)")
            }
            let labeller = try ToyWorldMethods.labeller(call, 1, w.world)
            if labeller == .randomGroup { throw call.error("group must be a group number, \"cluster\" or \"gold\", not none") }
            return RewardObject.value(try UtilityReward(w.world, labeller: labeller), world: w.world)
        }
    }
}
