import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// ORPO against losses.md §4 (TRL 1.16.0), in f64.
@Suite("ORPO loss") struct ORPOLossTests {
    // a_w = pc/Lc = [−0.5, −1], a_l = pr/Lr = [−3, −0.25]: both branches of log(1 − eˣ).
    static let pc = [-2.0, -3], pr = [-9.0, -1], pp = [-10.0, -4]
    static let lc = [4.0, 3], lr = [3.0, 4], lp = [5.0, 2]

    func orpo(_ v: [Var], beta: Double = 0.1) throws -> LossEvaluation {
        try orpoLoss(chosen: v[0], rejected: v[1], chosenLengths: Self.lc, rejectedLengths: Self.lr,
                     promptLogps: v[2], promptLengths: Self.lp, beta: beta)
    }

    @Test func stableLogOneMinusExp() throws {
        // Near 0⁻ log(1 − eˣ) ≈ log(−x); far out ≈ −eˣ. Both to 1e-10 relative.
        let xs = [-1e-10, -1e-5, -0.3, -0.6931, -0.7, -3, -50, -800]
        let tape = Tape()
        let got = try LossSupport.log1mexp(tape.constant(try LossTest.vector(xs))).value().scalars
        LossTest.expectClose(got, xs.map(Sheet.log1mexp), "log1mexp")
        #expect(isClose(got[0], log(1e-10), rel: 1e-9))
        #expect(isClose(got[6], -exp(-50.0), rel: 1e-10))
    }

    @Test func closedForm() throws {
        // log(1 − e^{−0.5}) = −0.932752, log(1 − e^{−3}) = −0.051069, log(1 − e^{−1}) = −0.458675,
        // log(1 − e^{−0.25}) = −1.508692.
        // LO₀ = (−0.5 + 3) − (−0.932752 + 0.051069) = 3.381683; LO₁ = (−1 + 0.25) − (−0.458675 + 1.508692) = −1.800016.
        // NLL over prompt + chosen tokens: −(−10 − 4 − 2 − 3)/(5 + 2 + 4 + 3) = 19/14.
        // ℓ_i = 19/14 − 0.1·logσ(LO_i), logσ(LO) = [−0.033425, −1.952992].
        let out = try LossTest.run([Self.pc, Self.pr, Self.pp]) { v in try orpo(v) }
        let lo = [2.5 - (Sheet.log1mexp(-0.5) - Sheet.log1mexp(-3)), -0.75 - (Sheet.log1mexp(-1) - Sheet.log1mexp(-0.25))]
        #expect(isClose(lo[0], 3.381682948624487, rel: 1e-12) && isClose(lo[1], -1.8000164040589504, rel: 1e-12))
        let nll = 19.0 / 14
        let expected = lo.map { nll - 0.1 * Sheet.logSigma($0) }
        LossTest.expectClose(out.perExample, expected, "orpo ℓ")
        #expect(isClose(out.loss, Sheet.mean(expected)))
        #expect(isClose(out.metrics["nll_loss"] ?? .nan, nll))
        #expect(isClose(out.metrics["log_odds_ratio"] ?? .nan, Sheet.mean(lo.map(Sheet.logSigma))))
        #expect(isClose(out.metrics["log_odds_chosen"] ?? .nan, Sheet.mean(lo)))
        // rewards are β·a: chosen mean 0.1·(−0.75), rejected 0.1·(−1.625); accuracies [−0.05 > −0.3, −0.1 > −0.025] = 0.5.
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, -0.075))
        #expect(isClose(out.metrics["rewards/rejected"] ?? .nan, -0.1625))
        #expect(out.metrics["rewards/accuracies"] == 0.5)
        // Sheet gradients: ∂L/∂a_w = −(β/B)σ(−LO)/(1 − e^{a_w}), ∂L/∂a_l = +(β/B)σ(−LO)/(1 − e^{a_l}),
        // through a = p/L, plus ∂NLL/∂pc = ∂NLL/∂pp = −1/14.
        let aw = [-0.5, -1.0], al = [-3.0, -0.25]
        let gc = (0..<2).map { i in -(0.1 / 2) * Sheet.sigma(-lo[i]) / (1 - exp(aw[i])) / Self.lc[i] - 1.0 / 14 }
        let gr = (0..<2).map { i in (0.1 / 2) * Sheet.sigma(-lo[i]) / (1 - exp(al[i])) / Self.lr[i] }
        LossTest.expectClose(out.gradients[0], gc, "∂L/∂pc")
        LossTest.expectClose(out.gradients[1], gr, "∂L/∂pr")
        LossTest.expectClose(out.gradients[2], [-1.0 / 14, -1.0 / 14], "∂L/∂pp")
    }

    @Test func gradients() throws {
        try LossTest.expectGradients([Self.pc, Self.pr, Self.pp], "orpo") { v in try orpo(v) }
        try LossTest.expectGradients([Self.pc, Self.pr, Self.pp], "orpo β=2") { v in try orpo(v, beta: 2) }
    }

    @Test func stress() throws {
        // Length-1 completions, log-probs at both extremes: −600 (LO ≈ −600) and −1e-12 (P ≈ 1).
        let out = try LossTest.run([[-600, -1e-12], [-1e-12, -600]]) { v in
            try orpoLoss(chosen: v[0], rejected: v[1], chosenLengths: [1, 1], rejectedLengths: [1, 1], beta: 0.1)
        }
        LossTest.expectFinite(out, "orpo stress")
        let batch = try LossTest.run([[-2, -3], [-9, -1]]) { v in
            let t = v[0].tape
            return try PreferenceBatch(policyChosen: v[0], policyRejected: v[1], chosenLengths: t.constant(try LossTest.vector(Self.lc)),
                                       rejectedLengths: t.constant(try LossTest.vector(Self.lr))).orpo()
        }
        // Without the prompt the NLL is the chosen completions' token mean: 5/7.
        #expect(isClose(batch.metrics["nll_loss"] ?? .nan, 5.0 / 7))
    }
}
