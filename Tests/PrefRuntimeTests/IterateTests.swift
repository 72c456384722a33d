import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `iterate` (issue 11 item 1): rounds of sample → label → pair → train.
@Suite("iterate: online preference learning") struct IterateTests {
    static let setup = """
        let w = toy_world(seed: 1, candidates: 16, noise: 0)
        let pi = candidate_policy(w)

        """

    static func history(_ call: String, in s: Session) throws -> [[Double]] {
        _ = try Pref.eval("let r = \(call)\n", in: s)
        let run = try Pref.object("r", as: RunObject.self, in: s)
        return run.history.rows.map { row in row.map { v -> Double in if case .number(let x) = v { x } else { .nan } } }
    }

    static let gold = "iterate(pi, labeler: \"gold\", loss: dpo(beta: 0.1), rounds: 3, samples_per_prompt: 4, prompts: 60, epochs: 2, lr: 0.05, batch: 16, seed: 3)"

    @Test func goldLabelsRaiseTheWinRateDeterministically() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup, in: s)
        let h = try Self.history(Self.gold, in: s)
        #expect(h.count == 4)
        // Round 0: the policy as it entered, against itself.
        #expect(abs(h[0][9] - 0.5) < 1e-12 && abs(h[0][10]) < 1e-12)
        for row in h.dropFirst() {
            #expect(row[1] == 60 * 4, "samples: 60 prompts × 4")
            #expect(row[2] + row[3] == 60, "best_worst: one pair or one tie per prompt: \(row)")
            #expect(row[5] == row[2], "no offline data: pairs = labels")
            #expect(row[4] == 0)
        }
        #expect(h[3][9] > 0.6, "gold labels improve the policy: \(h[3])")
        #expect(h[3][8] > h[0][8])
        #expect(h.allSatisfy { $0[6] == 0 }, "no refit")
        #expect(try Pref.number("r.labels", in: s) == h.dropFirst().map { $0[2] }.reduce(0, +))
        let s2 = Pref.session()
        _ = try Pref.eval(Self.setup, in: s2)
        let again = try Self.history(Self.gold, in: s2)
        #expect(h.flatMap { $0 }.map(\.bitPattern) == again.flatMap { $0 }.map(\.bitPattern), "same seed, same run")
    }

    @Test func aFunctionLabelerOfGoldEqualsTheGoldLabeler() throws {
        let s = Pref.session(), s2 = Pref.session()
        _ = try Pref.eval(Self.setup, in: s)
        _ = try Pref.eval(Self.setup, in: s2)
        let a = try Self.history(Self.gold, in: s)
        let b = try Self.history(Self.gold.replacingOccurrences(of: "labeler: \"gold\"", with: "labeler: fn(ids) w.lookup(ids).gold"), in: s2)
        #expect(a.flatMap { $0 }.map(\.bitPattern) == b.flatMap { $0 }.map(\.bitPattern))
        let s3 = Pref.session()
        _ = try Pref.eval(Self.setup, in: s3)
        let c = try Self.history(Self.gold.replacingOccurrences(of: "labeler: \"gold\"", with: "labeler: w.gold_reward"), in: s3)
        #expect(a.flatMap { $0 }.map(\.bitPattern) == c.flatMap { $0 }.map(\.bitPattern))
    }

    @Test func flipsMixingAndTheSelfLabeler() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let offline = w.pairs(50, seed: 2)\n", in: s)
        let h = try Self.history(Self.gold.replacingOccurrences(of: "seed: 3", with: "seed: 3, flip: 0.5, mix_offline: offline"), in: s)
        let flipped = h.dropFirst().map { $0[4] }.reduce(0, +), labels = h.dropFirst().map { $0[2] }.reduce(0, +)
        #expect(flipped > 0.3 * labels && flipped < 0.7 * labels, "about half the labels flipped: \(flipped) of \(labels)")
        for row in h.dropFirst() { #expect(row[5] == row[2] + 50) }
        // A fresh log-linear policy is its reference: its implicit reward is 0 for every sample.
        let e = Pref.failure(Self.setup + "iterate(pi, labeler: \"self\", loss: dpo(), rounds: 1)")
        #expect(e?.message.contains("every sampled pair was a tie") == true, "\(String(describing: e))")
        let s2 = Pref.session()
        _ = try Pref.eval(Self.setup + "fit(pi, w.pairs(200, seed: 1), dpo(), lr: 0.05, epochs: 2)\n", in: s2)
        let selfRun = try Self.history("iterate(pi, labeler: \"self\", loss: dpo(), rounds: 2, prompts: 40, lr: 0.05, seed: 1)", in: s2)
        #expect(selfRun[1][2] > 0)
    }

    /// IterComp: a weak reward-model labeler (20 seed pairs) re-fitted each round on annotator
    /// pairs of the newest samples agrees more with the gold, and the policy it labels for gains.
    @Test func refittingTheRewardModelLabelerBetweenRounds() throws {
        func run(_ refit: String) throws -> (before: Double, after: Double, win: Double, refitted: [Double]) {
            let s = Pref.session()
            _ = try Pref.eval(Self.setup + """
                let held = w.pairs(1000, group: "gold", split: "test", seed: 9)
                let rm = reward_model(features: w, seed: 1)
                let f = fit(rm, w.pairs(20, group: "gold", seed: 5), bradley_terry_loss(), lr: 0.01, epochs: 20)
                let before = evaluate(rm, held).gold_agreement

                """, in: s)
            let h = try Self.history("iterate(pi, labeler: rm, loss: dpo(beta: 0.1), rounds: 3, prompts: 100, lr: 0.05, epochs: 2, seed: 1, refit: \(refit))", in: s)
            return (try Pref.number("before", in: s), try Pref.number("evaluate(rm, held).gold_agreement", in: s), h[3][9], h.map { $0[6] })
        }
        let fixed = try run("none"), refitted = try run("200")
        #expect(fixed.after == fixed.before && fixed.refitted == [0, 0, 0, 0])
        #expect(refitted.refitted == [0, 200, 200, 200])
        #expect(refitted.after > refitted.before + 0.1, "\(refitted)")
        #expect(refitted.win > fixed.win, "\(refitted) vs \(fixed)")
        let e = Pref.failure(Self.setup + "iterate(pi, labeler: \"gold\", loss: dpo(), refit: 10)")
        #expect(e?.message.contains("refit re-trains a reward-model labeler") == true, "\(String(describing: e))")
    }

    /// The per-step KL of round 2's first step is to the round's reference: 0 when it follows the
    /// policy (reference: "last"), positive against the policy as built.
    @Test func referenceLastFollowsTheRounds() throws {
        func firstKLOfRound2(_ reference: String) throws -> Double {
            let s = Pref.session()
            _ = try Pref.eval(Self.setup, in: s)
            _ = try Self.history(Self.gold.replacingOccurrences(of: "seed: 3", with: "seed: 3, reference: \"\(reference)\""), in: s)
            return try Pref.number("let t = r.train\nt.kl[[i for i in 0..<t.count if t.round[i] == 2][0]]", in: s)
        }
        #expect(abs(try firstKLOfRound2("last")) < 1e-12)
        #expect(try firstKLOfRound2("fixed") > 1e-3)
    }

    /// Token policies: sampled sequences, the sequence gold, function labelers on a sample record.
    @Test func tokenPoliciesIterateOnSampledSequences() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 1, view: "token", candidates: 8, prompts: 60, test_prompts: 20)
            let tp = token_policy(w)

            """, in: s)
        let h = try Self.history("iterate(tp, labeler: \"gold\", loss: dpo(beta: 0.1), rounds: 3, samples_per_prompt: 4, epochs: 2, lr: 0.01, seed: 1)", in: s)
        #expect(h.count == 4 && h[0][9] == 0.5, "round 0 compares the start with itself: \(h[0])")
        #expect(h[3][8] > h[0][8] + 0.1 && h[3][9] > 0.6, "gold labels raise the sampled gold and win rate: \(h)")
        for row in h.dropFirst() { #expect(row[1] == 60 * 4 && row[2] + row[3] == 60) }
        #expect(try Pref.number("r.steps", in: s) == 6)
        // A gold computed in pref from the sample record equals the builtin gold labeler.
        _ = try Pref.eval("let tp2 = token_policy(w)\nlet short = iterate(tp2, labeler: fn(x) -x.lengths, loss: dpo(beta: 0.1), rounds: 3, epochs: 2, lr: 0.01, seed: 1)\n", in: s)
        let before = try Pref.number("mean(token_policy(w).sample(4, seed: 5).lengths)", in: s)
        let after = try Pref.number("mean(tp2.sample(4, seed: 5).lengths)", in: s)
        #expect(after < before - 0.5, "a labeler preferring short sequences shortens them: \(before) → \(after)")
        let e = Pref.failure("let w = toy_world(seed: 1, view: \"token\", candidates: 8, prompts: 20)\niterate(token_policy(w), labeler: \"self\", loss: dpo())")
        #expect(e?.message.contains("every sampled pair was a tie") == true, "\(String(describing: e))")
    }

    @Test func sequenceGoldIsTheGoldOfTheMeanEmbedding() throws {
        // A stored candidate's gold uses q with token noise; with the noise at 0 the two agree.
        let s = Pref.session()
        _ = try Pref.eval("let w = toy_world(seed: 1, view: \"token\", candidates: 8, prompts: 20, token_noise: 0)\n", in: s)
        let o = try Pref.object("w", as: ToyWorldObject.self, in: s)
        let w = o.world
        let ids = [0, 5, 17, 40, 101]
        let gold = try w.sequenceGold(ids.map { w.tokens(of: $0) })
        for (i, id) in ids.enumerated() { #expect(abs(gold[i] - w.gold[id]) <= 1e-12 * max(1, abs(w.gold[id])), "candidate \(id)") }
        #expect(throws: TensorError.self) { try w.sequenceGold([[w.config.vocabulary]]) }
    }

    @Test func pairingRules() {
        var rng = RandomStream(seed: 1, stream: "test")
        let ids = [10, 11, 12, 13], scores = [0.5, 2.0, -1.0, 2.0]
        #expect(IterativePairing.bestWorst.pairs(ids, scores, rng: &rng).pairs == [[11, 12]])
        let all = IterativePairing.all.pairs(ids, scores, rng: &rng)
        #expect(all.pairs.count == 5 && all.ties == 1)
        #expect(all.pairs.allSatisfy { scores[ids.firstIndex(of: $0[0])!] > scores[ids.firstIndex(of: $0[1])!] })
        #expect(IterativePairing.bestWorst.pairs([1, 2], [3, 3], rng: &rng).ties == 1)
        for _ in 0..<20 {
            let r = IterativePairing.random.pairs(ids, scores, rng: &rng)
            #expect(r.pairs.count + r.ties == 1)
        }
    }

    @Test func badArgumentsAreLocatedErrors() {
        let cases: [(String, String)] = [
            ("iterate(pi, labeler: \"oracle\", loss: dpo())", "unknown labeler"),
            ("iterate(pi, labeler: 3, loss: dpo())", "labeler"),
            ("iterate(pi, labeler: \"gold\", loss: kto())", "not a paired loss"),
            ("iterate(pi, labeler: \"gold\", loss: dpo(), samples_per_prompt: 1)", "samples_per_prompt"),
            ("iterate(pi, labeler: \"gold\", loss: dpo(), flip: 0.7)", "flip"),
            ("iterate(pi, labeler: fn(ids) [1, 2], loss: dpo())", "returned 2 scores"),
            ("iterate(pi, labeler: fn(ids) \"x\", loss: dpo())", "must return a tensor"),
            ("iterate(pi, labeler: fn(ids) ids / 0 - ids / 0, loss: dpo())", "non-finite"),
            ("iterate(reference(pi), labeler: \"gold\", loss: dpo())", "frozen"),
            ("iterate(pi, labeler: \"gold\", loss: dpo(), reference: \"first\")", "reference"),
            ("iterate(pi, labeler: \"gold\", loss: dpo(), prompts: 100000)", "train prompts"),
            ("iterate(pi, labeler: \"gold\", loss: dpo(), prompts: 0)", "prompts must be"),
        ]
        for (source, message) in cases {
            let e = Pref.failure(Self.setup + source)
            #expect(e?.message.contains(message) == true, "\(source): \(String(describing: e))")
        }
    }
}

/// examples/iterative_dpo.pref's claims: online rounds beat one offline pass at an equal label
/// budget; under 30% flipped self-labels robust DPO loses less win rate than plain DPO.
@Suite("iterative DPO example") struct IterativeExampleTests {
    @Test func onlineBeatsOfflineAndRobustDegradesLess() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("iterative_dpo.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        func last(_ prefix: String) -> Double? {
            out.split(separator: "\n").first { $0.hasPrefix(prefix) }
                .flatMap { $0.split(separator: " ").last.flatMap { Double($0) } }
        }
        let gap = try #require(last("online - offline win rate:"), "\(out)")
        #expect(gap > 0.02, "\(out)")
        let dpoDrop = try #require(last("dpo:"), "\(out)"), robustDrop = try #require(last("robust:"), "\(out)")
        #expect(dpoDrop > 0.05, "noise hurts plain DPO: \(out)")
        #expect(robustDrop < dpoDrop - 0.05, "\(out)")
        for line in out.split(separator: "\n") where line.hasPrefix("seed ") {
            let labels = line.split(separator: "(").dropFirst().compactMap { Double($0.split(separator: " ")[0]) }
            #expect(labels.count == 2 && labels[1] <= labels[0], "online uses at most the offline budget: \(line)")
        }
    }
}
