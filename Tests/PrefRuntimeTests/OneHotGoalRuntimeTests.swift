import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `candidate_policy(w, goal: [0, 4], goal_encoding: "onehot")` and judge-labelled pairs
/// (`w.pairs(n, scores: "judge_grade", by: "score")`) in the language, and their errors.
@Suite("one-hot goals and judge-labelled pairs: runtime") struct OneHotGoalRuntimeTests {
    static let setup = """
        let w = toy_world(seed: 2, candidates: 8, prompts: 60, test_prompts: 20)
        let pairs = w.pairs(600, scores: "judge_grade", by: "score", top: 4, seed: 1)
        let rl = relabel(pairs)
        let test = w.pairs(200, split: "test", seed: 2)

        """

    static func trained() throws -> Session {
        let s = Pref.session()
        _ = try Pref.eval(setup + """
            let pi = candidate_policy(w, goal: [0, 4], goal_encoding: "onehot")
            let r = fit(pi, rl, dpo(beta: 0.1), epochs: 3, batch: 32, lr: 0.05, seed: 1)

            """, in: s)
        return s
    }

    @Test func trainingIsDeterministicAndSteersByGoal() throws {
        let a = try Self.trained(), b = try Self.trained()
        let pa = try Pref.tensor("pi.parameters[1]", in: a), pb = try Pref.tensor("pi.parameters[1]", in: b)
        #expect(pa.shape == [try Pref.tensor("w.psi()", in: a).shape[2], 5])
        #expect(pa.scalars == pb.scalars)
        #expect(pa.scalars.contains { $0 != 0 })
        // The ends of the goal range: g = 4 the best policy on gold, g = 0 the worst, both away
        // from the reference.
        let gold = try (0...4).map { try Pref.number("evaluate(pi.at(goal: \($0)), test).gold", in: a) }
        let reference = try Pref.number("evaluate(pi.at(goal: 4), test).gold_ref", in: a)
        #expect(gold[4] == gold.max() && gold[0] == gold.min(), "\(gold)")
        #expect(gold[4] > reference + 0.3 && gold[0] < reference - 0.3, "\(gold) vs \(reference)")
        #expect(try Pref.eval("str(pi)", in: a).reprText.contains("0…4 one-hot"))
    }

    /// by: "score" orients each pair by its two scores and names the judge.
    @Test func pairsByScoreFollowTheScores() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup, in: s)
        let c = try Pref.numbers("[r.score_chosen for r in pairs.rows]", in: s)
        let j = try Pref.numbers("[r.score_rejected for r in pairs.rows]", in: s)
        #expect(c.count == 600 && zip(c, j).allSatisfy { $0 >= $1 })
        #expect(c.allSatisfy { $0 == $0.rounded() && (0...4).contains($0) })
        #expect(zip(c, j).contains { $0 == $1 } && zip(c, j).contains { $0 > $1 })
        #expect(try Pref.eval("pairs.rows[0].annotator", in: s).reprText.contains("judge"))
        // The same call gives the same rows.
        #expect(try Pref.tensor("w.pairs(600, scores: \"judge_grade\", by: \"score\", top: 4, seed: 1).features.chosen_id", in: s).scalars
            == Pref.tensor("pairs.features.chosen_id", in: s).scalars)
    }

    @Test func errorsAreReported() throws {
        func message(_ code: String) -> String { Pref.failure(Self.setup + code)?.message ?? "no error" }
        #expect(message("candidate_policy(w, goal_encoding: \"onehot\")").contains("needs a goal range"))
        #expect(message("candidate_policy(w, goal: [0, 4.5], goal_encoding: \"onehot\")").contains("two whole numbers"))
        #expect(message("candidate_policy(w, goal: [0, 100], goal_encoding: \"onehot\")").contains("two whole numbers"))
        #expect(message("candidate_policy(w, goal: [0, 4], goal_encoding: \"binary\")").contains("unknown goal_encoding"))
        #expect(message("candidate_policy(w, goal: [0, 4], goal_encoding: \"onehot\").at(goal: 2.5)").contains("not a whole number"))
        let judged = "let jr = relabel(w.pairs(50, scores: \"judge\", seed: 3))\n"
        #expect(message(judged + "fit(candidate_policy(w, goal: [-20, 20], goal_encoding: \"onehot\"), jr, dpo())").contains("not a whole number"))
        #expect(message("w.pairs(10, by: \"score\")").contains("scores is \"none\""))
        #expect(message("w.pairs(10, scores: \"grade\", by: \"judge\")").contains("unknown by"))
    }
}
