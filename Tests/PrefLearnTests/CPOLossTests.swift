import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// CPO / SimPO / AlphaPO against losses.md §5 (TRL 1.16.0), in f64.
@Suite("CPO, SimPO, AlphaPO losses") struct CPOLossTests {
    // Sums x = pc − pr = [2, −1]; averages a_w = [−2, −2], a_l = [−2, −3], x = [0, 1].
    static let pc = [-4.0, -10], pr = [-6.0, -9]
    static let lc = [2.0, 5], lr = [3.0, 3]
    // NLL = −Σpc/ΣLc = 14/7 = 2.
    static let nll = 2.0

    func cpo(_ v: [Var], _ config: CPOConfig) throws -> LossEvaluation {
        try cpoLoss(chosen: v[0], rejected: v[1], chosenLengths: Self.lc, rejectedLengths: Self.lr, config: config)
    }

    func run(_ config: CPOConfig) throws -> (perExample: [Double], loss: Double, metrics: [String: Double], gradients: [[Double]]) {
        try LossTest.run([Self.pc, Self.pr]) { v in try cpo(v, config) }
    }

    @Test func sigmoid() throws {
        // βx = [0.2, −0.1]: ℓ = softplus(−0.2) + 2, softplus(0.1) + 2 = [2.598139, 2.744397].
        let out = try run(CPOConfig())
        LossTest.expectClose(out.perExample, [Sheet.softplus(-0.2) + Self.nll, Sheet.softplus(0.1) + Self.nll], "cpo sigmoid")
        #expect(isClose(out.perExample[0], 0.5981388693815918 + 2, rel: 1e-12))
        #expect(isClose(out.metrics["nll_loss"] ?? .nan, 2))
        // rewards β·pc = [−0.4, −1], β·pr = [−0.6, −0.9]; accuracies [true, false].
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, -0.7))
        #expect(isClose(out.metrics["rewards/margins"] ?? .nan, 0.05))
        #expect(out.metrics["rewards/accuracies"] == 0.5)
        // Sheet: c = β[−(1−ε)σ(−βx) + εσ(βx)], ∂/∂pc = c/B − 1/ΣLc (NLL), ∂/∂pr = −c/B.
        let c = [-0.1 * Sheet.sigma(-0.2), -0.1 * Sheet.sigma(0.1)]
        LossTest.expectClose(out.gradients[0], c.map { $0 / 2 - 1.0 / 7 }, "∂L/∂pc")
        LossTest.expectClose(out.gradients[1], c.map { -$0 / 2 }, "∂L/∂pr")
    }

    @Test func smoothedSigmoidHingeIpo() throws {
        // ε = 0.2: ℓ = 0.8·softplus(−βx) + 0.2·softplus(βx), no NLL (cpo_alpha 0).
        let smoothed = try run(CPOConfig(labelSmoothing: 0.2, cpoAlpha: 0))
        LossTest.expectClose(smoothed.perExample, [0.8 * Sheet.softplus(-0.2) + 0.2 * Sheet.softplus(0.2),
                                                  0.8 * Sheet.softplus(0.1) + 0.2 * Sheet.softplus(-0.1)], "smoothed")
        // hinge on sums: max(0, 1 − βx) = [0.8, 1.1], plus NLL 2.
        LossTest.expectClose(try run(CPOConfig(lossType: .hinge)).perExample, [2.8, 3.1], "hinge")
        // ipo on averages: (x − 1/(2β))² = (0 − 5)², (1 − 5)² = [25, 16], plus NLL 2.
        LossTest.expectClose(try run(CPOConfig(lossType: .ipo)).perExample, [27, 18], "ipo")
    }

    @Test func simpo() throws {
        // Averages x = [0, 1], β = 0.1, γ = 0.5, ε = 0.1: z = βx − γ = [−0.5, −0.4];
        // ℓ = 0.9·softplus(−z) + 0.1·softplus(z) = [0.924077, 0.873015], plus NLL 2.
        let out = try run(CPOConfig(lossType: .simpo, labelSmoothing: 0.1))
        LossTest.expectClose(out.perExample, [0.9240769841801066 + 2, 0.8730152523999526 + 2], rel: 1e-12, "simpo")
        // Logged logps are the averages: mean a_w = −2, mean a_l = −2.5.
        #expect(out.metrics["logps/chosen"] == -2 && out.metrics["logps/rejected"] == -2.5)
    }

    @Test func alphapo() throws {
        // The alias: simpo with cpo_alpha = 0, and α stays at its default 0.
        let alias = CPOConfig(lossType: .alphapo)
        #expect(alias.cpoAlpha == 0 && alias.alpha == 0 && alias.effectiveLossType == .simpo)
        LossTest.expectClose(try run(alias).perExample, [Sheet.softplus(0.5), Sheet.softplus(0.4)], "alphapo alias")
        // α = 0.5 on averages: ρ(q) = (1 − e^{−0.5q})/0.5; ρ(−2) = 2(1 − e) = −3.436564,
        // ρ(−3) = 2(1 − e^{1.5}) = −6.963378. x = [0, ρ(−2) − ρ(−3) = 3.526814];
        // z = 0.1x − 0.5; ℓ = softplus(−z).
        let config = CPOConfig(lossType: .alphapo, alpha: 0.5)
        let out = try run(config)
        let rho2 = 2 * (1 - M_E), rho3 = 2 * (1 - exp(1.5))
        #expect(isClose(rho2, -3.43656365691809, rel: 1e-12) && isClose(rho3, -6.963378140676129, rel: 1e-12))
        LossTest.expectClose(out.perExample, [Sheet.softplus(0.5), Sheet.softplus(-(0.1 * (rho2 - rho3) - 0.5))], "alphapo")
        // Rewards are β·ρ: chosen mean 0.1·ρ(−2).
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, 0.1 * rho2))
        // Chain factor ∂ρ/∂q = e^{−αq}: ∂L/∂pr₁ = −c·e^{1.5}/(B·Lr₁) with c = −βσ(−z₁).
        let z1 = 0.1 * (rho2 - rho3) - 0.5
        #expect(isClose(out.gradients[1][1], 0.1 * Sheet.sigma(-z1) * exp(1.5) / 2 / 3))
    }

    @Test func gradients() throws {
        let configs: [CPOConfig] = [
            CPOConfig(), CPOConfig(beta: 0.7, labelSmoothing: 0.15), CPOConfig(lossType: .hinge), CPOConfig(lossType: .ipo, beta: 0.3),
            CPOConfig(lossType: .simpo, beta: 2, labelSmoothing: 0.1, simpoGamma: 1.2),
            CPOConfig(lossType: .alphapo, beta: 2.5, alpha: 0.3), CPOConfig(lossType: .sigmoid, alpha: -0.05),
        ]
        for config in configs {
            try LossTest.expectGradients([Self.pc, Self.pr], "\(config)") { v in try cpo(v, config) }
        }
    }

    @Test func stress() throws {
        // Length-1 completions with βx = ±60 (β = 0.1, x = ±600), every type.
        for type in CPOLossType.allCases {
            let out = try LossTest.run([[-1, -601], [-601, -1]]) { v in
                try cpoLoss(chosen: v[0], rejected: v[1], chosenLengths: [1, 1], rejectedLengths: [1, 1], config: CPOConfig(lossType: type))
            }
            LossTest.expectFinite(out, "cpo stress \(type)")
        }
    }
}
