import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// The builtin fixes the gallery examples needed: candidate ids survive label flips and
/// conversions, `to_pairs(mode: "best_vs_worst")`, and tensor-sourced candidate policies with a
/// gold reward and lengths.
@Suite("gallery builtins") struct GalleryBuiltinsTests {
    static let world = "let w = toy_world(seed: 1, candidates: 8, prompts: 20, test_prompts: 5)\n"

    /// flip_labels with rate 1 swaps chosen_id and rejected_id with the rows, so the flipped pairs'
    /// log-probs are the originals' swapped (before the fix the ids stayed and fit refused the data).
    @Test func flippedPairsKeepTheirCandidateIds() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world + """
            let d = w.pairs(30, seed: 1)
            let f = flip_labels(d, 1, seed: 2)
            let pi = candidate_policy(w)
            fit(pi, d, dpo(), epochs: 2, lr: 0.05, seed: 1)
            let a = logps(pi, d)
            let b = logps(pi, f)
            """, in: s)
        #expect(try Pref.numbers("to_list(f.features.chosen_id)", in: s) == (try Pref.numbers("to_list(d.features.rejected_id)", in: s)))
        #expect(try Pref.numbers("to_list(f.features.rejected_id)", in: s) == (try Pref.numbers("to_list(d.features.chosen_id)", in: s)))
        let pc = try Pref.numbers("[r.policy_chosen_logps for r in a.rows]", in: s)
        let fr = try Pref.numbers("[r.policy_rejected_logps for r in b.rows]", in: s)
        #expect(pc == fr && pc.count == 30)
        #expect(try Pref.number("let g = flip_labels(d, 0.5, seed: 3)\nfit(candidate_policy(w), g, dpo(), lr: 0.05, seed: 1).steps", in: s) == 1)
    }

    /// to_unpaired carries the candidate ids (completion_id, interleaved chosen/rejected) and the
    /// prompt features, so KTO trains on converted pairs.
    @Test func unpairedFromPairsKeepsIdsAndTrains() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world + "let d = w.pairs(10, seed: 1)\nlet u = to_unpaired(d)\n", in: s)
        let c = try Pref.numbers("to_list(d.features.chosen_id)", in: s), r = try Pref.numbers("to_list(d.features.rejected_id)", in: s)
        #expect(try Pref.numbers("to_list(u.features.completion_id)", in: s) == zip(c, r).flatMap { [$0, $1] })
        #expect(try Pref.numbers("shape(u.features.prompt)", in: s) == [20, 4])
        #expect(try Pref.number("fit(candidate_policy(w), u, kto(), lr: 0.05, seed: 1).steps", in: s) == 1)
    }

    /// Ranked lists → pairs keep the candidate ids; best_vs_worst makes one pair per list: its
    /// best-graded response against its worst.
    @Test func rankedPairsKeepIdsAndBestVsWorstIsOnePairPerList() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world + """
            let lists = w.ranked(12, size: 8, by: "grade", seed: 1)
            let bw = to_pairs(lists, mode: "best_vs_worst")
            let all = to_pairs(lists, mode: "all")
            """, in: s)
        let spread = try Pref.number("len([r for r in lists.rows if max(r.scores) > min(r.scores)])", in: s)
        #expect(try Pref.number("len(bw)", in: s) == spread)
        #expect(try Pref.number("len([r for r in bw.rows if r.score_chosen <= r.score_rejected])", in: s) == 0)
        #expect(try Pref.numbers("[r.score_chosen for r in bw.rows]", in: s)
            == (try Pref.numbers("[max(r.scores) for r in lists.rows if max(r.scores) > min(r.scores)]", in: s)))
        // The ids name the responses: grades quantise the gold, so each chosen id's gold is higher.
        let chosenGold = try Pref.numbers("to_list(w.lookup(all.features.chosen_id).gold)", in: s)
        let rejectedGold = try Pref.numbers("to_list(w.lookup(all.features.rejected_id).gold)", in: s)
        #expect(chosenGold.count == Int(try Pref.number("len(all)", in: s)) && chosenGold.count > 12)
        #expect(zip(chosenGold, rejectedGold).allSatisfy { $0 > $1 })
        #expect(try Pref.number("fit(candidate_policy(w), bw, dpo(), lr: 0.05, seed: 1).steps", in: s) == 1)
    }

    /// A policy over a feature tensor with gold and lengths: expected_gold and evaluate's gold are
    /// E_π[r*], and length-normalised losses (IPO) train.
    @Test func tensorPolicyWithGoldAndLengths() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let f = tensor([[[1, 0], [0, 1], [1, 1]]], dtype: "f64")
            let pi = candidate_policy(f, gold: [[1, 2, 4]], lengths: [[1, 2, 3]])
            let d = candidate_pairs(pi, [2, 1], [0, 0])
            fit(pi, d, dpo(loss_type: "ipo", beta: 0.5), epochs: 20, batch: 2, lr: 0.1, seed: 1)
            let p = to_list(exp(pi.logprobs()))[0]
            let e = evaluate(pi, d)
            """, in: s)
        let p = try Pref.numbers("p", in: s)
        let expected = p[0] * 1 + p[1] * 2 + p[2] * 4
        #expect(abs(try Pref.number("item(pi.expected_gold()[0])", in: s) - expected) < 1e-12)
        #expect(abs(try Pref.number("e.gold", in: s) - expected) < 1e-12)
        #expect(abs(try Pref.number("e.gold_ref", in: s) - 7.0 / 3) < 1e-12)
        #expect(p[2] > p[0])
        #expect(try Pref.numbers("[r.chosen_length for r in logps(pi, d).rows]", in: s) == [3, 2])
    }

    @Test func tensorPolicyArgumentsAreChecked() {
        let f = "let f = tensor([[[1, 0], [0, 1], [1, 1]]], dtype: \"f64\")\n"
        #expect(Pref.failure(f + "candidate_policy(f, gold: [1, 2, 3])")?.message.contains("gold must be [1, 3]") == true)
        #expect(Pref.failure(f + "candidate_policy(f, lengths: [[1, 0, 2]])")?.message.contains("whole numbers in 1…1000000") == true)
        #expect(Pref.failure(f + "candidate_policy(f, lengths: [[1, 1.5, 2]])")?.message.contains("whole numbers") == true)
        #expect(Pref.failure("candidate_policy(toy_world(seed: 1, prompts: 4, test_prompts: 1, candidates: 2), gold: [[1]])")?.message
            .contains("tensor source") == true)
    }

    /// fit(reference:) anchors DPO to the given policy: trained from its own frozen copy, the first
    /// step has h = 0, so the loss is log 2 exactly; against the policy as built (uniform) it is not.
    @Test func fitTakesAReference() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world + """
            let d = w.pairs(64, seed: 1)
            let pi = candidate_policy(w)
            fit(pi, d, dpo(loss_type: "sft"), epochs: 3, lr: 0.1, seed: 1)
            let anchored = fit(pi, d, dpo(), batch: 64, lr: 0.01, seed: 1, reference: reference(pi))
            let other = candidate_policy(w)
            fit(other, d, dpo(loss_type: "sft"), epochs: 3, lr: 0.1, seed: 1)
            let plain = fit(other, d, dpo(), batch: 64, lr: 0.01, seed: 1)
            """, in: s)
        #expect(abs(try Pref.number("anchored.history.rows[0].loss", in: s) - log(2)) < 1e-12)
        #expect(abs(try Pref.number("plain.history.rows[0].loss", in: s) - log(2)) > 1e-3)
        #expect(Pref.failure(Self.world + "let v = toy_world(seed: 2, candidates: 8, prompts: 20, test_prompts: 5)\n"
            + "fit(candidate_policy(w), w.pairs(8), dpo(), reference: candidate_policy(v))")?.message.contains("different world") == true)
    }

    /// bco(udm: true) trains, and differs from plain BCO when the prompts of the two classes differ.
    @Test func bcoWithUDM() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world + """
            let u = w.unpaired(400, seed: 1)
            let shifted = concat_rows([filter(u, fn(r) r.label and num(split(r.prompt, " ")[-1]) < 10),
                                       filter(u, fn(r) not r.label and num(split(r.prompt, " ")[-1]) >= 5)])
            let a = candidate_policy(w)
            let b = candidate_policy(w)
            let ra = fit(a, shifted, bco(), lr: 0.05, seed: 1)
            let rb = fit(b, shifted, bco(udm: true), lr: 0.05, seed: 1)
            """, in: s)
        #expect(try Pref.number("ra.steps", in: s) == (try Pref.number("rb.steps", in: s)))
        #expect(abs(try Pref.number("ra.history.rows[0].loss - rb.history.rows[0].loss", in: s)) > 1e-6)
    }

    /// Joint (DOVE) pairs train a candidate policy with each log-prob normalised over its own
    /// prompt's candidates: the step's logged log-probs are log π(y_w|x_w) and log π(y_l|x_l).
    @Test func jointPairsTrainWithEachPromptsNormalisation() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.world + """
            let one = take(w.joint(5, seed: 1), 1)
            let pi = candidate_policy(w)
            fit(pi, one, dove(), epochs: 1, batch: 1, lr: 0.5, seed: 1)
            let lp = to_list(pi.logprobs())
            let r = fit(pi, one, dove(), epochs: 1, batch: 1, lr: 0.5, seed: 1)
            let c = item(one.features.chosen_id)
            let j = item(one.features.rejected_id)
            """, in: s)
        let c = Int(try Pref.number("c", in: s)), j = Int(try Pref.number("j", in: s))
        #expect(c / 8 != j / 8, "a joint pair answers two prompts")
        let lp = try Pref.numbers("lp", in: s)
        #expect(abs(try Pref.number("r.history.rows[0]['logps/chosen']", in: s) - lp[c]) < 1e-12)
        #expect(abs(try Pref.number("r.history.rows[0]['logps/rejected']", in: s) - lp[j]) < 1e-12)
        #expect(try Pref.number("len(concat_rows([w.pairs(3), w.joint(2)]).features.chosen_id)", in: s) == 5)
    }
}
