import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// MaPO (Hong et al., 2024) in the token transcription of algorithms.md §6.8, in f64.
@Suite("MaPO loss") struct MaPOLossTests {
    // L_w = −pc/lc = [0.5, 2], L_l = −pr/lr = [1.5, 0.25]; c = 0.5 gives x_w = [0.25, 1], x_l = [0.75, 0.125].
    static let pc = [-2.0, -6], pr = [-3.0, -1], lc = [4.0, 3], lr = [2.0, 4]
    static let xw = [0.25, 1.0], xl = [0.75, 0.125]

    static func s(_ x: Double) -> Double { x / expm1(x) }
    /// s′(x) = (eˣ − 1 − x·eˣ)/(eˣ − 1)².
    static func ds(_ x: Double) -> Double { (expm1(x) - x * exp(x)) / (expm1(x) * expm1(x)) }

    func mapo(_ v: [Var], _ config: MaPOConfig = MaPOConfig()) throws -> LossEvaluation {
        try mapoLoss(chosen: v[0], rejected: v[1], chosenLengths: Self.lc, rejectedLengths: Self.lr, config: config)
    }

    @Test func likelihood() throws {
        // s(0.25) = 0.25/(e^{0.25} − 1) = 0.25/0.2840254 = 0.8802029; s(1) = 1/(e − 1) = 0.5819767;
        // s(0) = 1 (limit); s(600) = 600·e^{−600}/(1 − e^{−600}).
        #expect(isClose(Self.s(0.25), 0.8802029160, rel: 1e-9) && isClose(Self.s(1), 1 / (M_E - 1)))
        let xs = [0, 1e-14, 1e-6, 0.25, 0.6931, 1, 3, 40, 600]
        let got = try mapoLikelihood(Tape().constant(try LossTest.vector(xs)), c: 1).value().scalars
        LossTest.expectClose(Array(got.dropFirst()), xs.dropFirst().map(Self.s), "s(x)")
        #expect(isClose(got[0], 1, rel: 1e-12))
        #expect(isClose(got[8], 600 * exp(-600.0), rel: 1e-10))
    }

    @Test(arguments: [50.0, 5]) func closedForm(_ kappa: Double) throws {
        // ℓ_i = L_w,i + β·softplus(−κ(s(x_w,i) − s(x_l,i))), β = 0.1. With κ = 50:
        // z = 50·(0.880203 − 0.671441) = 10.4381 → ℓ₀ = 0.5 + 0.1·2.93e-5; z = 50·(0.581977 − 0.938803) = −17.841 → ℓ₁ = 2 + 1.7841.
        let cfg = MaPOConfig(beta: 0.1, c: 0.5, kappa: kappa)
        let out = try LossTest.run([Self.pc, Self.pr]) { v in try mapo(v, cfg) }
        let z = (0..<2).map { kappa * (Self.s(Self.xw[$0]) - Self.s(Self.xl[$0])) }
        let lw = [0.5, 2.0]
        let expected = (0..<2).map { lw[$0] + 0.1 * Sheet.softplus(-z[$0]) }
        if kappa == 50 { #expect(isClose(z[0], 10.4381, rel: 1e-4) && isClose(z[1], -17.841, rel: 1e-4)) }
        LossTest.expectClose(out.perExample, expected, "mapo ℓ")
        #expect(isClose(out.loss, Sheet.mean(expected)))
        #expect(isClose(out.metrics["sft_loss"] ?? .nan, 1.25))
        #expect(isClose(out.metrics["margin_loss"] ?? .nan, Sheet.mean(z.map { Sheet.softplus(-$0) })))
        // ∂ℓ/∂pc = −1/lc + β·κσ(−z)·s′(x_w)·c/lc;  ∂ℓ/∂pr = −β·κσ(−z)·s′(x_l)·c/lr; the batch loss divides by B = 2.
        let gc = (0..<2).map { i in (-1 / Self.lc[i] + 0.1 * kappa * Sheet.sigma(-z[i]) * Self.ds(Self.xw[i]) * 0.5 / Self.lc[i]) / 2 }
        let gr = (0..<2).map { i in (-0.1 * kappa * Sheet.sigma(-z[i]) * Self.ds(Self.xl[i]) * 0.5 / Self.lr[i]) / 2 }
        LossTest.expectClose(out.gradients[0], gc, "∂L/∂pc")
        LossTest.expectClose(out.gradients[1], gr, "∂L/∂pr")
        // Rewards β·p/len: chosen mean 0.1·(−0.5 − 2)/2, rejected 0.1·(−1.5 − 0.25)/2.
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, -0.125))
        #expect(isClose(out.metrics["rewards/rejected"] ?? .nan, -0.0875))
    }

    @Test func gradients() throws {
        try LossTest.expectGradients([Self.pc, Self.pr], "mapo") { v in try mapo(v) }
        try LossTest.expectGradients([Self.pc, Self.pr], "mapo κ=5") { v in try mapo(v, MaPOConfig(kappa: 5)) }
    }

    @Test func stress() throws {
        // Length-1 completions with log-probs 0, −1e-12 and −600 on both sides.
        let out = try LossTest.run([[0, -1e-12, -600, -600], [-600, -600, -1e-12, 0]]) { v in
            try mapoLoss(chosen: v[0], rejected: v[1], chosenLengths: [1, 1, 1, 1], rejectedLengths: [1, 1, 1, 1])
        }
        LossTest.expectFinite(out, "mapo stress")
        // A perfect chosen (L_w = 0, s = 1) against a hopeless rejected (s ≈ 0): ℓ ≈ β·softplus(−50) ≈ 0.
        #expect(out.perExample[0] < 1e-20)
        #expect(isClose(out.perExample[2], 600 + 0.1 * 50, rel: 1e-10))
    }
}
