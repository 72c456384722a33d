import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// GPO (Tang et al., 2024) against algorithms.md §6.14, in f64.
@Suite("GPO loss") struct GPOLossTests {
    // Δw = pc − rc = [1, −2, 0], Δl = pr − rr = [−1, 1, −0.5], h = [2, −3, 0.5]; β = 1 gives t = h.
    static let pc = [-1.0, -5, -2], rc = [-2.0, -3, -2], pr = [-4.0, -1, -1.5], rr = [-3.0, -2, -1]
    static let t = [2.0, -3, 0.5]

    func gpo(_ v: [Var], _ link: GPOLink, beta: Double = 1) throws -> LossEvaluation {
        try gpoLoss(chosen: v[0], rejected: v[1], refChosen: v[2], refRejected: v[3], config: GPOConfig(link: link, beta: beta))
    }

    /// (f(t), f′(t)) by hand for each link.
    static func sheet(_ link: GPOLink, _ t: Double) -> (Double, Double) {
        switch link {
        case .logistic: (log1p(exp(-t)), -Sheet.sigma(-t))                      // log(1+e^{−t}), −σ(−t)
        case .hinge: (Swift.max(0, 1 - t), t < 1 ? -1 : 0)
        case .square: ((t - 1) * (t - 1), 2 * (t - 1))
        case .exponential: (exp(-t), -exp(-t))
        case .truncatedSquare: (pow(Swift.max(0, 1 - t), 2), -2 * Swift.max(0, 1 - t))
        case .savage: (pow(1 + exp(t), -2), -2 * exp(t) * pow(1 + exp(t), -3))
        }
    }

    @Test(arguments: GPOLink.allCases) func closedForm(_ link: GPOLink) throws {
        // Hand values at t = [2, −3, 0.5]: logistic [0.126928, 3.048587, 0.474077]; hinge [0, 4, 0.5];
        // square [1, 16, 0.25]; exponential [0.135335, 20.085537, 0.606531]; truncated [0, 16, 0.25];
        // savage [(1+e²)^{−2}, (1+e^{−3})^{−2}, (1+e^{0.5})^{−2}] = [0.014278, 0.907331, 0.142232].
        let hand: [GPOLink: [Double]] = [.hinge: [0, 4, 0.5], .square: [1, 16, 0.25], .truncatedSquare: [0, 16, 0.25]]
        let out = try LossTest.run([Self.pc, Self.pr, Self.rc, Self.rr]) { v in try gpo(v, link) }
        let expected = Self.t.map { Self.sheet(link, $0).0 }
        if let h = hand[link] { LossTest.expectClose(expected, h, "\(link) by hand") }
        LossTest.expectClose(out.perExample, expected, "\(link) ℓ")
        #expect(isClose(out.loss, Sheet.mean(expected)))
        // ∂L/∂pc_i = (β/B)·f′(t_i), ∂L/∂pr_i = −(β/B)·f′(t_i); the references get the opposite signs.
        let g = Self.t.map { Self.sheet(link, $0).1 / 3 }
        LossTest.expectClose(out.gradients[0], g, "\(link) ∂L/∂pc")
        LossTest.expectClose(out.gradients[1], g.map { -$0 }, "\(link) ∂L/∂pr")
        LossTest.expectClose(out.gradients[2], g.map { -$0 }, "\(link) ∂L/∂rc")
        // Rewards β·Δ: chosen mean −1/3, rejected −1/6; accuracies [1 > −1, −2 > 1, 0 > −0.5] = 2/3.
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, -1.0 / 3))
        #expect(isClose(out.metrics["rewards/rejected"] ?? .nan, -1.0 / 6))
        #expect(isClose(out.metrics["rewards/accuracies"] ?? .nan, 2.0 / 3))
    }

    @Test func logisticIsDPO() throws {
        let batch = try LossTest.run([Self.pc, Self.pr, Self.rc, Self.rr]) { v in try gpo(v, .logistic, beta: 0.1) }
        let expected = Self.t.map { Sheet.softplus(-0.1 * $0) }
        LossTest.expectClose(batch.perExample, expected, "logistic = −log σ(βh)")
    }

    @Test(arguments: GPOLink.allCases) func gradients(_ link: GPOLink) throws {
        try LossTest.expectGradients([Self.pc, Self.pr, Self.rc, Self.rr], "\(link)") { v in try gpo(v, link) }
        try LossTest.expectGradients([Self.pc, Self.pr, Self.rc, Self.rr], "\(link) β=0.1") { v in try gpo(v, link, beta: 0.1) }
    }

    @Test(arguments: GPOLink.allCases) func stress(_ link: GPOLink) throws {
        // βh = +60 and −60 (β = 1), with length-1-style log-probs near 0 and −600:
        // h₀ = (−1e-12 + 30) − (−600 + 570) = 60, h₁ = (−600 + 570) − (−1e-12 + 30) = −60.
        let out = try LossTest.run([[-1e-12, -600], [-600, -1e-12], [-30, -570], [-570, -30]]) { v in try gpo(v, link, beta: 1) }
        LossTest.expectFinite(out, "\(link) stress")
        #expect(isClose(out.perExample[0], Self.sheet(link, 60).0, rel: 1e-9, abs: 1e-300))
        #expect(isClose(out.perExample[1], Self.sheet(link, -60).0, rel: 1e-9))
    }
}
