import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// Goal-conditioned candidate policies in the language (reward-augmented relabelling, §6.13):
/// `candidate_policy(w, goal: [0, 4])`, `fit` on `relabel(pairs)` with each row's goal,
/// `pi.at(goal: g)`, and the errors around them.
@Suite("goal-conditioned policies: runtime") struct GoalPolicyRuntimeTests {
    static let setup = """
        let w = toy_world(seed: 2, candidates: 8, prompts: 60, test_prompts: 20)
        let pairs = w.pairs(600, scores: "grade", top: 4, seed: 1)
        let rl = relabel(pairs)
        let test = w.pairs(200, split: "test", seed: 2)

        """

    static func trained(seed: Int = 1) throws -> Session {
        let s = Pref.session()
        _ = try Pref.eval(setup + "let pi = candidate_policy(w, goal: [0, 4])\nlet r = fit(pi, rl, dpo(beta: 0.1), epochs: 3, batch: 32, lr: 0.05, seed: \(seed))\n", in: s)
        return s
    }

    @Test func relabelledTrainingIsDeterministicAndUsesTheGoals() throws {
        let a = try Self.trained(), b = try Self.trained()
        let pa = try Pref.tensor("pi.parameters[1]", in: a).scalars, pb = try Pref.tensor("pi.parameters[1]", in: b).scalars
        #expect(pa == pb)
        #expect(try Pref.numbers("[row.loss for row in r.history.rows]", in: a) == Pref.numbers("[row.loss for row in r.history.rows]", in: b))
        #expect(pa.contains { $0 != 0 }, "the goal weights θ_g learn")
        // The goal steers quality: gold rises with g and g = 4 beats the reference.
        let gold = try [0, 2, 4].map { try Pref.number("evaluate(pi.at(goal: \($0)), test).gold", in: a) }
        #expect(gold[0] < gold[1] && gold[1] < gold[2], "\(gold)")
        #expect(try gold[2] > Pref.number("evaluate(pi.at(goal: 4), test).gold_ref", in: a) + 0.3)
    }

    /// The first step's loss is DPO at the reference, log 2, and the view's methods condition on
    /// its goal (expected_gold equals evaluate's gold over the same prompts' mean).
    @Test func viewsConditionOnTheirGoal() throws {
        let s = try Self.trained()
        #expect(abs(try Pref.number("r.history.rows[0].loss", in: s) - log(2.0)) < 1e-12)
        let lp4 = try Pref.tensor("pi.at(goal: 4).logprobs()", in: s).scalars
        let lp0 = try Pref.tensor("pi.at(goal: 0).logprobs()", in: s).scalars
        #expect(lp4 != lp0)
        #expect(try Pref.number("pi.at(goal: 4).goal", in: s) == 4)
        #expect(try Pref.numbers("pi.goal_range", in: s) == [0, 4])
        // A view's KL to the reference is the same functional as at that goal; it is 0 at start.
        #expect(try Pref.number("mean(candidate_policy(w, goal: [0, 4]).at(goal: 3).kl(reference(pi)))", in: s) >= 0)
        let fresh = Pref.session()
        _ = try Pref.eval(Self.setup + "let p = candidate_policy(w, goal: [0, 4])\nlet q = candidate_policy(w)\n", in: fresh)
        #expect(try Pref.tensor("p.at(goal: 2.5).logprobs()", in: fresh).scalars == Pref.tensor("q.logprobs()", in: fresh).scalars)
        // grad reaches the goal weights through a view.
        let g = try Pref.tensor("grad(fn() mean(pi.at(goal: 4).expected_gold()), wrt: pi.parameters)[1]", in: s).scalars
        #expect(g.contains { $0 != 0 })
    }

    @Test func errorsAreReported() throws {
        func message(_ code: String) -> String { Pref.failure(Self.setup + code)?.message ?? "no error" }
        #expect(message("fit(candidate_policy(w), rl, dpo())").contains("not goal-conditioned"))
        #expect(message("fit(candidate_policy(w, goal: [0, 4]), pairs, dpo())").contains("no goal feature"))
        #expect(message("fit(candidate_policy(w, goal: [0, 3]), rl, dpo())").contains("outside the policy's goal range 0…3"))
        #expect(message("candidate_policy(w, goal: [0, 4]).at(goal: 5)").contains("outside the policy's goal range"))
        #expect(message("candidate_policy(w).at(goal: 1)").contains("not goal-conditioned"))
        #expect(message("evaluate(candidate_policy(w, goal: [0, 4]), test)").contains("pick the goal"))
        #expect(message("candidate_policy(w, goal: [0, 4]).expected_gold()").contains("pick the goal"))
        #expect(message("candidate_policy(w, goal: [4, 0])").contains("low < high"))
        #expect(message("candidate_policy(w, goal: [1, 2, 3])").contains("[low, high]"))
        #expect(message("fit(candidate_policy(w, goal: [0, 4]).at(goal: 4), pairs, dpo())").contains("fixed goal"))
        #expect(message("fit(candidate_policy(w, goal: [0, 4]), w.unpaired(50), kto())").contains("relabelled pairs"))
        #expect(message("w.pairs(10, top: 1)").contains("top must be 2…8"))
        #expect(message("w.pairs(10, top: 9)").contains("top must be 2…8"))
    }

    /// logps reads each row's goal from relabelled data.
    @Test func logpsReadsTheRowsGoals() throws {
        let s = try Self.trained()
        let all = try Pref.numbers("[row.policy_chosen_logps for row in logps(pi, take(rl, 1200)).rows]", in: s)
        let at4 = try Pref.numbers("[row.policy_chosen_logps for row in logps(pi.at(goal: 4), take(rl, 1200)).rows]", in: s)
        let goals = try Pref.tensor("rl.features.goal", in: s).scalars
        #expect(all.count == 1200 && at4.count == 1200)
        for i in 0..<1200 where goals[i] == 4 { #expect(all[i] == at4[i]) }
        #expect(zip(all, at4).enumerated().contains { goals[$0.offset] != 4 && $0.element.0 != $0.element.1 })
    }
}
