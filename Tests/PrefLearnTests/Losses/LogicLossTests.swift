import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The logic compiler of spec/algorithms.md §8 (Richardson et al., ICML 2025): the §8.2 identities
/// against the zoo's closed forms on random batches to 1e-10, the entailment order, and gradients.
@Suite("losses from logic") struct LogicLossTests {
    /// A random paired batch: log-probs in [−30, −1], references nearby, lengths 1…20.
    struct Batch {
        var pc: [Double], pr: [Double], rc: [Double], rr: [Double], lc: [Double], lr: [Double]
        init(seed: UInt64, count: Int = 16, length: Double? = nil) {
            var g = RandomStream(seed: seed)
            func u(_ a: Double, _ b: Double) -> Double { Double.random(in: a...b, using: &g) }
            pc = (0..<count).map { _ in u(-30, -1) }
            pr = (0..<count).map { _ in u(-30, -1) }
            rc = pc.map { $0 + u(-3, 3) }
            rr = pr.map { $0 + u(-3, 3) }
            lc = (0..<count).map { _ in length ?? Double(Int.random(in: 1...20, using: &g)) }
            lr = (0..<count).map { _ in length ?? Double(Int.random(in: 1...20, using: &g)) }
        }
        var inputs: [[Double]] { [pc, pr, rc, rr] }

        func batch(_ v: [Var]) throws -> PreferenceBatch {
            let tape = v[0].tape
            return PreferenceBatch(policyChosen: v[0], policyRejected: v[1], referenceChosen: v[2], referenceRejected: v[3],
                                   chosenLengths: tape.constant(try LossTest.vector(lc)), rejectedLengths: tape.constant(try LossTest.vector(lr)))
        }
    }

    static func config(_ p: String, given: String = "true", _ g: LogicGrounding = .logratio, beta: Double = 0.1, gamma: Double = 0) throws -> LogicLossConfig {
        try LogicLossConfig(formula: PreferenceFormula.parse(p), given: PreferenceFormula.parse(given), grounding: g, beta: beta, gamma: gamma)
    }

    static func logic(_ b: Batch, _ c: LogicLossConfig) throws -> (perExample: [Double], loss: Double, metrics: [String: Double], gradients: [[Double]]) {
        try LossTest.run(b.inputs) { v in try b.batch(v).logic(c) }
    }

    static let dpoFormula = ("win & !lose", "win ^ lose")

    // MARK: the formula language

    @Test func parsesWithPrecedenceAndPrintsCanonically() throws {
        let f = try PreferenceFormula.parse("not win and lose or win xor lose -> lose <-> true")
        #expect(f == .iff(.implies(.or(.and(.not(.atom(0)), .atom(1)), .xor(.atom(0), .atom(1))), .atom(1)), .constant(true)))
        #expect(f.text() == "!win & lose | win ^ lose -> lose <-> true")
        #expect(try PreferenceFormula.parse(f.text()) == f)
        // → is right-associative; ∧ ∨ ¬ ⊕ ↔ are accepted.
        #expect(try PreferenceFormula.parse("win -> lose -> win") == .implies(.atom(0), .implies(.atom(1), .atom(0))))
        #expect(try PreferenceFormula.parse("(win -> lose) -> win").text() == "(win -> lose) -> win")
        #expect(try PreferenceFormula.parse("¬win ∧ (lose ∨ win) ⊕ lose → win ↔ lose").text() == "!win & (lose | win) ^ lose -> win <-> lose")
        #expect(try PreferenceFormula.parse("!(win & lose)").text() == "!(win & lose)")
    }

    @Test func syntaxErrorsPointAtTheirColumn() {
        func offset(_ s: String) -> (Int, String)? {
            do { _ = try PreferenceFormula.parse(s); return nil } catch { return (error.offset, error.message) }
        }
        #expect(offset("win & & lose")?.0 == 6)
        #expect(offset("win & wn")?.0 == 6 && offset("win & wn")?.1 == "unknown atom 'wn'")
        #expect(offset("(win | lose")?.0 == 0)
        #expect(offset("win lose")?.0 == 4)
        #expect(offset("win &")?.0 == 5)
        #expect(offset("win $ lose")?.0 == 4)
        #expect(offset("")?.0 == 0)
    }

    @Test func modelsAndEntailment() throws {
        // Worlds: bit 0 win, bit 1 lose. win & !lose holds only in world 1; lose -> win in 0, 1, 3.
        #expect(try PreferenceFormula.parse("win & !lose").models(atomCount: 2) == [1])
        #expect(try PreferenceFormula.parse("lose -> win").models(atomCount: 2) == [0, 1, 3])
        #expect(try PreferenceFormula.parse("win ^ lose").models(atomCount: 2) == [1, 2])
        #expect(try PreferenceFormula.parse("win & !lose").entails(try PreferenceFormula.parse("lose -> win"), atomCount: 2))
        #expect(!(try PreferenceFormula.parse("win")).entails(try PreferenceFormula.parse("!lose"), atomCount: 2))
    }

    @Test func degenerateFormulasAreRejected() throws {
        #expect(throws: TensorError.self) { try Self.config("win & !win") }
        #expect(throws: TensorError.self) { try Self.config("win | !win") }
        #expect(throws: TensorError.self) { try Self.config("win ^ lose", given: "win ^ lose") }
        #expect(throws: TensorError.self) { try Self.config("win", given: "false") }
        #expect(throws: TensorError.self) { try Self.config("win", .prob, gamma: 0.5) }
        #expect(throws: TensorError.self) { try Self.config("win", beta: 0) }
    }

    // MARK: §8.2 identities

    @Test(arguments: [1, 2, 3] as [UInt64]) func dpoIsWinAndNotLoseGivenExactlyOne(seed: UInt64) throws {
        let b = Batch(seed: seed)
        for beta in [0.1, 1, 3.5] {
            let out = try Self.logic(b, try Self.config(Self.dpoFormula.0, given: Self.dpoFormula.1, beta: beta))
            let closed = (0..<b.pc.count).map { i in -Sheet.logSigma(beta * ((b.pc[i] - b.rc[i]) - (b.pr[i] - b.rr[i]))) }
            LossTest.expectClose(out.perExample, closed, "dpo β=\(beta)")
            // and the zoo's DPO, value and gradients.
            let dpo = try LossTest.run(b.inputs) { v in
                let o = try DPOLoss.compute(try b.batch(v), DPOConfig(beta: beta))
                return LossEvaluation(perExample: o.perExample, loss: o.loss, metrics: o.metrics)
            }
            LossTest.expectClose(out.perExample, dpo.perExample, "dpo zoo β=\(beta)")
            #expect(isClose(out.loss, dpo.loss, rel: 1e-10))
            for k in 0..<4 { LossTest.expectClose(out.gradients[k], dpo.gradients[k], rel: 1e-8, "∂dpo/∂input \(k)") }
            // M_l → M_w under the same conditioning is the same set of worlds, so the same loss.
            let implication = try Self.logic(b, try Self.config("lose -> win", given: "win ^ lose", beta: beta))
            LossTest.expectClose(implication.perExample, closed, "implication given xor")
        }
    }

    @Test(arguments: [4, 5] as [UInt64]) func cpoPreferenceTermIsLogpGrounding(seed: UInt64) throws {
        let b = Batch(seed: seed)
        let out = try Self.logic(b, try Self.config(Self.dpoFormula.0, given: Self.dpoFormula.1, .logp, beta: 0.2))
        let cpo = try LossTest.run(b.inputs) { v in
            try cpoLoss(chosen: v[0], rejected: v[1], chosenLengths: b.lc, rejectedLengths: b.lr, config: CPOConfig(beta: 0.2, cpoAlpha: 0))
        }
        LossTest.expectClose(out.perExample, cpo.perExample, "cpo preference term")
        LossTest.expectClose(out.perExample, (0..<b.pc.count).map { -Sheet.logSigma(0.2 * (b.pc[$0] - b.pr[$0])) }, "closed form")
    }

    @Test(arguments: [6, 7] as [UInt64]) func simpoIsAvgLogpGroundingWithGamma(seed: UInt64) throws {
        let b = Batch(seed: seed)
        let out = try Self.logic(b, try Self.config(Self.dpoFormula.0, given: Self.dpoFormula.1, .avgLogp, beta: 2, gamma: 0.5))
        let simpo = try LossTest.run(b.inputs) { v in
            try cpoLoss(chosen: v[0], rejected: v[1], chosenLengths: b.lc, rejectedLengths: b.lr,
                        config: CPOConfig(lossType: .simpo, beta: 2, cpoAlpha: 0, simpoGamma: 0.5))
        }
        LossTest.expectClose(out.perExample, simpo.perExample, "simpo")
        for k in 0..<2 { LossTest.expectClose(out.gradients[k], simpo.gradients[k], rel: 1e-8, "∂simpo/∂input \(k)") }
    }

    @Test(arguments: [8, 9] as [UInt64]) func orpoOddsRatioTermIsProbGrounding(seed: UInt64) throws {
        let b = Batch(seed: seed)
        let or = try Self.logic(b, try Self.config(Self.dpoFormula.0, given: Self.dpoFormula.1, .prob))
        let orpo = try LossTest.run(b.inputs) { v in
            try orpoLoss(chosen: v[0], rejected: v[1], chosenLengths: b.lc, rejectedLengths: b.lr, beta: 0.1)
        }
        // ORPO's ℓ_i = NLL − β·logσ(LO_i): the logic loss is the log-odds term −logσ(LO_i).
        let nll = try #require(orpo.metrics["nll_loss"])
        LossTest.expectClose(or.perExample.map { nll + 0.1 * $0 }, orpo.perExample, "orpo")
        // Closed form from the sheet: LO = (a_w − a_l) − (log(1 − e^{a_w}) − log(1 − e^{a_l})).
        let closed = (0..<b.pc.count).map { i -> Double in
            let aw = b.pc[i] / b.lc[i], al = b.pr[i] / b.lr[i]
            return -Sheet.logSigma((aw - al) - (Sheet.log1mexp(aw) - Sheet.log1mexp(al)))
        }
        LossTest.expectClose(or.perExample, closed, "log odds ratio")
    }

    /// With one length for all responses ORPO's batch NLL is the mean of per-example NLLs, so ORPO is exactly the
    /// loss algebra "win" (prob, the NLL) + β·(the odds-ratio formula), value and gradients.
    @Test func fullOrpoIsNllPlusBetaTimesOddsRatio() throws {
        let b = Batch(seed: 10, length: 8)
        let nllConfig = try Self.config("win", .prob), orConfig = try Self.config(Self.dpoFormula.0, given: Self.dpoFormula.1, .prob)
        let sum = try LossTest.run(b.inputs) { v in
            let batch = try b.batch(v)
            let nll = try batch.logic(nllConfig), or = try batch.logic(orConfig)
            let pe = try nll.perExample + or.perExample * 0.1
            return LossEvaluation(perExample: pe, loss: try pe.mean(), metrics: [:])
        }
        let orpo = try LossTest.run(b.inputs) { v in
            try orpoLoss(chosen: v[0], rejected: v[1], chosenLengths: b.lc, rejectedLengths: b.lr, beta: 0.1)
        }
        // ORPO's per-example value carries the batch NLL; the batch losses agree.
        #expect(isClose(sum.loss, orpo.loss, rel: 1e-10), "orpo = nll + β·or: \(sum.loss) vs \(orpo.loss)")
        for k in 0..<2 { LossTest.expectClose(sum.gradients[k], orpo.gradients[k], rel: 1e-8, "∂orpo/∂input \(k)") }
    }

    /// The rows of §8.2 without a zoo counterpart, against their closed forms in a = p(win), b = p(lose).
    @Test func newLossesMatchTheirClosedForms() throws {
        let b = Batch(seed: 11)
        let n = b.pc.count, beta = 0.5
        let a = (0..<n).map { Sheet.sigma(beta * (b.pc[$0] - b.rc[$0])) }, q = (0..<n).map { Sheet.sigma(beta * (b.pr[$0] - b.rr[$0])) }
        let implication = try Self.logic(b, try Self.config("lose -> win", beta: beta))
        let implicationClosed: [Double] = (0..<n).map { i in -log(1 - q[i] * (1 - a[i])) }
        LossTest.expectClose(implication.perExample, implicationClosed, "implication, unconditioned")
        let atLeastOne = try Self.logic(b, try Self.config("win", given: "win | lose", beta: beta))
        let atLeastOneClosed: [Double] = (0..<n).map { i in
            let none: Double = (1 - a[i]) * (1 - q[i])
            return -log(a[i] / (1 - none))
        }
        LossTest.expectClose(atLeastOne.perExample, atLeastOneClosed, "at least one good")
        // SFT and unlikelihood on the per-token probability π̄ = exp(log π/|y|).
        let sft = try Self.logic(b, try Self.config("win", .prob))
        LossTest.expectClose(sft.perExample, (0..<n).map { -b.pc[$0] / b.lc[$0] }, "sft")
        let unlikelihood = try Self.logic(b, try Self.config("!lose", .prob))
        LossTest.expectClose(unlikelihood.perExample, (0..<n).map { -Sheet.log1mexp(b.pr[$0] / b.lr[$0]) }, "unlikelihood")
        // Metrics: the rewards are the atom logits, p_win the mean σ of the win logit.
        #expect(isClose(implication.metrics["logic/p_win"] ?? .nan, Sheet.mean(a), rel: 1e-12))
        #expect(isClose(implication.metrics["rewards/chosen"] ?? .nan, Sheet.mean((0..<n).map { beta * (b.pc[$0] - b.rc[$0]) }), rel: 1e-12))
    }

    /// p ⊨ q under the same conditioning ⇒ ℓ(p) ≥ ℓ(q) on every example: all 14 non-trivial
    /// formulas over two atoms (as truth tables), unconditioned and given "win | lose".
    @Test func entailmentOrdersTheLosses() throws {
        let b = Batch(seed: 12, count: 32)
        let worlds = ["!win & !lose", "win & !lose", "!win & lose", "win & lose"]
        for given in ["true", "win | lose"] {
            let c = try PreferenceFormula.parse(given)
            var losses = [(PreferenceFormula, [Double])]()
            for table in 1..<15 {
                let text = (0..<4).filter { table & (1 << $0) != 0 }.map { "(\(worlds[$0]))" }.joined(separator: " | ")
                let f = try PreferenceFormula.parse(text)
                guard let config = try? LogicLossConfig(formula: f, given: c, beta: 0.7) else { continue }
                losses.append((f, try Self.logic(b, config).perExample))
            }
            #expect(losses.count == (given == "true" ? 14 : 12))
            var pairs = 0
            for (p, lp) in losses {
                for (q, lq) in losses where PreferenceFormula.and(p, c).entails(q, atomCount: 2) {
                    pairs += 1
                    for i in lp.indices { #expect(lp[i] >= lq[i] - 1e-12, "\(p.text()) ⊨ \(q.text()) but \(lp[i]) < \(lq[i])") }
                }
            }
            #expect(pairs > losses.count)
        }
    }

    @Test(arguments: ["win & !lose|win ^ lose|logratio", "lose -> win|true|logratio", "win|win | lose|logp", "!lose|true|prob",
                      "win & !lose|win ^ lose|prob", "win <-> !lose|true|avg_logp"])
    func gradientsMatchFiniteDifferences(_ spec: String) throws {
        let parts = spec.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        // "win | lose" contains the separator: rejoin the middle.
        let formula = parts[0], ground = parts[parts.count - 1], given = parts[1..<(parts.count - 1)].joined(separator: "|")
        let c = try Self.config(formula, given: given, try #require(LogicGrounding(rawValue: ground)), beta: 0.3, gamma: ground == "avg_logp" ? 0.2 : 0)
        let b = Batch(seed: 13, count: 4)
        try LossTest.expectGradients(b.inputs, spec) { v in try b.batch(v).logic(c) }
    }
}
