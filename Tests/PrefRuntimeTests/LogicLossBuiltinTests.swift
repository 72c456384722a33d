import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `loss_from_logic` and `logic_entails` as pref values: identities through `inspect`, loss
/// algebra, `fit`, `loss_curve`, members, and located errors.
@Suite("builtins: losses from logic") struct LogicLossBuiltinTests {
    static func columns(_ t: String, _ s: Session) throws -> [[Double]] {
        try ["loss", "grad_chosen", "grad_rejected", "reward_chosen", "reward_rejected"].map { try Pref.tensor("\(t).\($0)", in: s).scalars }
    }

    static func expectClose(_ a: [[Double]], _ b: [[Double]], rel: Double = 1e-10, _ label: String) {
        for (x, y) in zip(a.joined(), b.joined()) { #expect(abs(x - y) <= rel * max(1, abs(y)), "\(label): \(a) vs \(b)") }
    }

    @Test func inspectMatchesDPOAndSimPO() throws {
        let (s, path) = try BuiltinsLossZooTests.session()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Pref.eval("""
            let a = inspect(loss_from_logic("win & !lose", given: "win ^ lose", beta: 0.3), d)
            let b = inspect(dpo(beta: 0.3), d)
            let c = inspect(loss_from_logic("win ∧ ¬lose", given: "win ⊕ lose", ground: "avg_logp", beta: 2, gamma: 0.5), d)
            let e = inspect(simpo(beta: 2, simpo_gamma: 0.5), d)

            """, in: s)
        // Loss, gradients and implicit rewards (β·log-ratio for DPO) agree.
        Self.expectClose(try Self.columns("a", s), try Self.columns("b", s), "dpo")
        // SimPO's rewards are β·avg logp; the logic loss's are the atom logits, γ off the winner.
        let c = try Self.columns("c", s), e = try Self.columns("e", s)
        Self.expectClose(Array(c[0..<3]), Array(e[0..<3]), "simpo")
        Self.expectClose([c[3].map { $0 + 0.5 }, c[4]], [e[3], e[4]], "simpo rewards")
        #expect(try Pref.number("a.metrics['logic/p_win']", in: s) > 0)
    }

    @Test func membersDisplayAndEntailment() throws {
        #expect(try Pref.eval("str(loss_from_logic(\"lose -> win\"))").displayText == "<loss logic \"lose -> win\", logratio, beta 0.1>")
        #expect(try Pref.eval("str(loss_from_logic(\"win and not lose\", given: \"win xor lose\", ground: \"logp\", beta: 2))").displayText
            == "<loss logic \"win & !lose\" given \"win ^ lose\", logp, beta 2>")
        #expect(try Pref.repr("loss_from_logic(\"lose implies win\").name") == "\"logic(lose -> win)\"")
        #expect(try Pref.repr("loss_from_logic(\"win\", given: \"win | lose\").worlds")
            == "[{win: true, lose: false}, {win: true, lose: true}]")
        #expect(try Pref.number("len(loss_from_logic(\"win\", given: \"win | lose\").given_worlds)") == 3)
        #expect(try Pref.bool("logic_entails(\"win & !lose\", \"lose -> win\")"))
        #expect(try !Pref.bool("logic_entails(\"win\", \"!lose\")"))
        #expect(try Pref.bool("logic_entails(\"win\", \"!lose\", given: \"win ^ lose\")"))
        #expect(try Pref.eval("str(2 * loss_from_logic(\"win\", ground: \"prob\") + dpo())").displayText == "<loss 2·logic(win) + 1·dpo>")
    }

    /// ORPO = NLL + β·(the odds-ratio formula) through loss algebra, when every length is equal.
    @Test func orpoThroughLossAlgebra() throws {
        let rows = [(-4.0, -6.0), (-10.0, -9.0), (-3.0, -7.5)].map { pc, pr in
            "{\"policy_chosen_logps\": \(pc), \"policy_rejected_logps\": \(pr), \"ref_chosen_logps\": -5, \"ref_rejected_logps\": -5, "
                + "\"chosen_length\": 4, \"rejected_length\": 4}\n"
        }.joined()
        let (s, path) = try BuiltinsLossZooTests.load(rows)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try Pref.eval("""
            let mine = inspect(loss_from_logic("win", ground: "prob") + 0.1 * loss_from_logic("win & !lose", given: "win ^ lose", ground: "prob"), d)
            let theirs = inspect(orpo(beta: 0.1), d)

            """, in: s)
        let mine = try Pref.number("mine.batch_loss", in: s), theirs = try Pref.number("theirs.batch_loss", in: s)
        #expect(abs(mine - theirs) <= 1e-12 * abs(theirs), "\(mine) vs \(theirs)")
        Self.expectClose([try Pref.tensor("mine.grad_chosen", in: s).scalars], [try Pref.tensor("theirs.grad_chosen", in: s).scalars], "∂/∂pc")
    }

    /// fit with the DPO formula follows fit with dpo() step for step; loss_curve draws logic losses.
    @Test func trainsAndDraws() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 2, candidates: 4)
            let train = w.pairs(256)
            let a = fit(candidate_policy(w), train, dpo(beta: 0.1), epochs: 1, batch: 32, lr: 0.05, seed: 3)
            let b = fit(candidate_policy(w), train, loss_from_logic("win & !lose", given: "win ^ lose"), epochs: 1, batch: 32, lr: 0.05, seed: 3)
            let c = loss_curve([dpo(beta: 1), loss_from_logic("win & !lose", given: "win ^ lose", beta: 1)], margins: [-2, 0, 3])

            """, in: s)
        let la = try Pref.numbers("[h.loss for h in a.history]", in: s), lb = try Pref.numbers("[h.loss for h in b.history]", in: s)
        #expect(la.count == 8 && lb.count == 8)
        Self.expectClose([lb], [la], rel: 1e-9, "per-step losses")
        #expect(la.last ?? 1 < la.first ?? 0)
        let curve = try LossCurvesTests.column(try LossCurvesTests.table("c", in: s), "logic(win & !lose given win ^ lose)")
        Self.expectClose([curve], [[2, 0, -3].map { log1p(exp($0)) }], "loss curve")
    }

    @Test func errorsAreLocatedAndExplain() throws {
        let syntax = try #require(Pref.failure("loss_from_logic(\"win & & lose\")"))
        #expect(syntax.message == "loss_from_logic(): formula \"win & & lose\", column 7: unexpected '&' where an atom was expected")
        #expect(syntax.range != nil)
        let atom = try #require(Pref.failure("loss_from_logic(\"win\", given: \"wins | lose\")"))
        #expect(atom.message == "loss_from_logic(): given \"wins | lose\", column 1: unknown atom 'wins'")
        let unsat = try #require(Pref.failure("loss_from_logic(\"win & lose\", given: \"win ^ lose\")"))
        #expect(unsat.message == "loss_from_logic(): 'win & lose' is unsatisfiable given 'win ^ lose': its loss is infinite")
        let trivial = try #require(Pref.failure("loss_from_logic(\"win | lose\", given: \"win ^ lose\")"))
        #expect(trivial.message.contains("its loss is 0 and trains nothing"))
        let ground = try #require(Pref.failure("loss_from_logic(\"win\", ground: \"odds\")"))
        #expect(ground.message == "loss_from_logic(): unknown ground 'odds'" && ground.hint == "one of logratio, logp, avg_logp, prob")
        #expect(Pref.failure("loss_from_logic(\"win\", ground: \"prob\", gamma: 1)")?.message.contains("gamma shifts a logit") == true)
        #expect(Pref.failure("loss_from_logic(\"win\", beta: -1)")?.message == "loss_from_logic(): beta must be > 0, got -1")
        #expect(Pref.failure("logic_entails(\"win\", \"(lose\")")?.message == "logic_entails(): q \"(lose\", column 1: '(' is not closed")
    }
}

extension LogicLossBuiltinTests {
    /// Positive log-probabilities have no probability under the prob grounding: a located error.
    @Test func probGroundingRejectsPositiveLogProbs() throws {
        let (s, path) = try BuiltinsLossZooTests.load(
            "{\"policy_chosen_logps\": 0.5, \"policy_rejected_logps\": -2, \"ref_chosen_logps\": 0, \"ref_rejected_logps\": 0, "
                + "\"chosen_length\": 1, \"rejected_length\": 1}\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try Pref.eval("inspect(loss_from_logic(\"win\", ground: \"prob\"), d)", in: s)
            Issue.record("no error")
        } catch let e as RuntimeError {
            #expect(e.message == "inspect(): the prob grounding of loss_from_logic needs per-token log-probabilities ≤ 0, got 0.5", "\(e.message)")
            #expect(e.range != nil)
        }
    }
}
