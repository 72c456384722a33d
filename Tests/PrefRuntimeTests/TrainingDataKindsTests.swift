import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `fit` on a candidate policy with unpaired labels (KTO, BCO) and ranked lists (the listwise
/// losses), and user-defined losses on their batch views (issue 6 items 3 and 6).
@Suite("training: unpaired and ranked data") struct TrainingDataKindsTests {
    static let setup = """
        let w = toy_world(seed: 1, candidates: 8)
        let unpaired = w.unpaired(1200)
        let lists = w.ranked(600, size: 4)
        let test = w.pairs(400, split: "test")

        """

    /// Runs `fit` on a fresh policy; returns the session (with `r` and `pi`).
    static func train(_ fit: String) throws -> Session {
        let s = Pref.session()
        _ = try Pref.eval(setup + "let pi = candidate_policy(w)\nlet r = \(fit)\n", in: s)
        return s
    }

    static func history(_ s: Session) throws -> [Double] {
        let run = try Pref.object("r", as: RunObject.self, in: s)
        return run.history.rows.flatMap { row in row.map { v -> Double in if case .number(let x) = v { x } else { .nan } } }
    }

    @Test(arguments: ["kto()", "bco()", "kto(loss_type: \"apo_zero_unpaired\")"])
    func unpairedLossesRaiseTheGoldWinRate(_ loss: String) throws {
        let s = try Self.train("fit(pi, unpaired, \(loss), epochs: 3, lr: 0.05, seed: 1)")
        #expect(abs(try Pref.number("r.history.rows[0].loss", in: s) - 0.5) < 1e-12 || loss == "bco()",
                "at the reference every KTO term is λ·σ(0) = 0.5")
        #expect(try Pref.number("evaluate(pi, test).win_rate", in: s) > 0.6)
        #expect(try Pref.number("r.history.rows[-1]['rewards/margins']", in: s) > 0)
        #expect(try Pref.number("r.history.rows[-1].kl", in: s) > 0)
    }

    @Test func bcoAtTheReferenceIsLogTwoAndItsShiftIsLogged() throws {
        let s = try Self.train("fit(pi, unpaired, bco(), epochs: 2, lr: 0.05, seed: 1)")
        #expect(abs(try Pref.number("r.history.rows[0].loss", in: s) - log(2.0)) < 1e-12, "−log σ(0 − δ) with δ = 0")
        #expect(try Pref.number("r.history.rows[0].delta", in: s) == 0)
        #expect(try Pref.number("r.history.rows[-1].delta", in: s) != 0, "δ follows the rewards")
    }

    /// KTO's z₀ for a candidate policy is the batch's exact mean KL (clamped at 0, detached):
    /// the `kl` metric of each step is that mean, which is > 0 once the policy moves.
    @Test func ktoReferencePointIsTheExactKL() throws {
        let s = try Self.train("fit(pi, unpaired, kto(), epochs: 1, batch: 1200, lr: 0.5, seed: 1)")
        #expect(try Pref.number("r.history.rows[0].kl", in: s) == 0)
        let after = try Self.train("fit(pi, unpaired, kto(), epochs: 2, batch: 1200, lr: 0.5, seed: 1)")
        let kl = try Pref.number("r.history.rows[1].kl", in: after)
        #expect(kl > 0)
    }

    /// A user-defined loss on the unpaired view equals the native loss of the same formula:
    /// apo_zero_unpaired is 1 − σ(βΔ) for desirable and σ(βΔ) for undesirable examples.
    @Test func userDefinedUnpairedLossMatchesTheNativeOne() throws {
        let args = "epochs: 2, batch: 50, lr: 0.05, seed: 3"
        let native = try Self.train("fit(pi, unpaired, kto(loss_type: \"apo_zero_unpaired\"), \(args))")
        let mine = try Self.train("fit(pi, unpaired, loss(\"az\", fn(b) 1 - sigmoid(0.1 * b.logratio * (2 * b.label - 1))), \(args))")
        let a = try Pref.tensor("pi.parameters[0]", in: native).scalars, b = try Pref.tensor("pi.parameters[0]", in: mine).scalars
        #expect(a.count == b.count && a.contains { $0 != 0 })
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-12 * max(1, abs(x)), "\(x) vs \(y)") }
    }

    @Test(arguments: ["plackett_luce()", "lipo()", "rank_dpo()"])
    func listwiseLossesRaiseTheGoldWinRate(_ loss: String) throws {
        let s = try Self.train("fit(pi, lists, \(loss), epochs: 3, lr: 0.05, seed: 1)")
        #expect(try Pref.number("evaluate(pi, test).win_rate", in: s) > 0.6)
        let h = try Pref.eval("r.history.columns", in: s).reprText
        #expect(h.contains("ndcg") && h.contains("rewards/accuracies"))
        let first = try Pref.number("r.history.rows[0].ndcg", in: s), last = try Pref.number("r.history.rows[-1].ndcg", in: s)
        #expect(last > first - 1e-9)
    }

    /// A Plackett–Luce term at the reference: every score is 0, so the loss of a list of m is
    /// log m! = Σ_i log(m − i).
    @Test func plackettLuceAtTheReferenceIsLogFactorial() throws {
        let s = try Self.train("fit(pi, lists, plackett_luce(), epochs: 1, lr: 0.05, seed: 1)")
        #expect(abs(try Pref.number("r.history.rows[0].loss", in: s) - log(24.0)) < 1e-12)
    }

    @Test func userDefinedListwiseLossSeesTheRankedView() throws {
        let s = try Self.train("fit(pi, lists, loss(\"scored\", fn(b) -sum(b.scores * b.logratio, axis: 1) / 10), epochs: 1, lr: 0.05, seed: 1)")
        #expect(try Pref.number("r.history.rows[0].loss", in: s) == 0)
        #expect(try Pref.number("r.history.rows[-1].loss", in: s) < 0)
        #expect(try Pref.number("evaluate(pi, test).win_rate", in: s) > 0.55)
    }

    /// BCO's running moments are part of the checkpoint: a resumed run continues bit-identically.
    @Test func bcoResumesBitIdentically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-bco-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = "batch: 64, lr: 0.05, seed: 5"
        let whole = try Self.train("fit(pi, unpaired, bco(), epochs: 2, \(args))")
        _ = try Self.train("fit(pi, unpaired, bco(), epochs: 1, \(args), checkpoint: \"\(dir)/ck\")")
        let resumed = try Self.train("fit(pi, unpaired, bco(), epochs: 2, \(args), resume: \"\(dir)/ck\")")
        #expect(try Self.history(resumed).map(\.bitPattern) == Self.history(whole).map(\.bitPattern))
        #expect(try Pref.tensor("pi.parameters[0]", in: resumed).scalars.map(\.bitPattern)
                == Pref.tensor("pi.parameters[0]", in: whole).scalars.map(\.bitPattern))
    }

    @Test func mismatchedLossesAndDataAreRefused() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let pi = candidate_policy(w)\nlet pairs = w.pairs(20)\n", in: s)
        for (call, words) in [("fit(pi, unpaired, dpo())", "paired loss"), ("fit(pi, pairs, kto())", "needs unpaired"),
                              ("fit(pi, lists, dpo())", "not a listwise"), ("fit(pi, pairs, plackett_luce())", "needs ranked"),
                              ("fit(pi, pairs, sparse_po())", "per-token"), ("fit(pi, w.ratings(10), dpo())", "to_pairs")] {
            do {
                _ = try Pref.eval(call, in: s)
                Issue.record("expected \(call) to fail")
            } catch {
                #expect("\(error)".contains(words), "\(call): \(error)")
            }
        }
    }
}

/// The 3D-properties masses of `evaluate` (spec §7).
@Suite("training: evaluate's probability masses") struct EvaluationMassTests {
    @Test func massesSumToOneAndStartAtTheUniformShares() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 2, candidates: 8)
            let data = w.pairs(300)
            let pi = candidate_policy(w)
            let e0 = evaluate(pi, data)
            let r = fit(pi, data, dpo(), epochs: 4, lr: 0.1, seed: 1)
            let e1 = evaluate(pi, data)

            """, in: s)
        for e in ["e0", "e1"] {
            let total = try Pref.number("\(e)['mass/chosen'] + \(e)['mass/rejected'] + \(e)['mass/unseen']", in: s)
            #expect(abs(total - 1) < 1e-12)
        }
        // At the uniform reference each candidate has mass 1/8: the unseen mass is (8 − seen)/8.
        let unseen = try Pref.number("e0['mass/unseen']", in: s), logUnseen = try Pref.number("e0['logps/unseen']", in: s)
        #expect(unseen > 0 && unseen < 1)
        #expect(try Pref.number("e1['mass/rejected']", in: s) < Pref.number("e0['mass/rejected']", in: s), "DPO pushes rejected mass down")
        #expect(logUnseen <= log(unseen) + 1e-12, "the mean of logs is at most the log of the mean (Jensen)")
    }
}
