import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The Bradley–Terry reward-model loss against losses.md §6 (TRL 1.16.0), in f64.
@Suite("Bradley–Terry reward loss") struct BradleyTerryLossTests {
    static let sw = [1.0, -0.5], sl = [0.2, 0.5], margin = [0.5, 0.0]

    @Test func closedForm() throws {
        // s_w − s_l − m = [0.8 − 0.5, −1 − 0] = [0.3, −1]; (s_w + s_l)² = [1.44, 0].
        // ℓ = softplus(−0.3) + 0.01·1.44 = 0.568755, softplus(1) + 0 = 1.313262.
        let out = try LossTest.run([Self.sw, Self.sl]) { v in
            try bradleyTerryLoss(chosen: v[0], rejected: v[1], margin: Self.margin, centerRewardsCoefficient: 0.01)
        }
        LossTest.expectClose(out.perExample, [0.5687552444685271, 1.3132616875182228], rel: 1e-12, "bt ℓ")
        LossTest.expectClose(out.perExample, [Sheet.softplus(-0.3) + 0.0144, Sheet.softplus(1)], "bt ℓ sheet")
        #expect(isClose(out.loss, (0.5687552444685271 + 1.3132616875182228) / 2, rel: 1e-12))
        // accuracy [1 > 0.2, −0.5 > 0.5] = 0.5; margin mean(0.8, −1) = −0.1 (no data margin);
        // rewards {1, −0.5, 0.2, 0.5}: min −0.5, mean 0.3, max 1.
        #expect(out.metrics["accuracy"] == 0.5)
        #expect(isClose(out.metrics["margin"] ?? .nan, -0.1))
        #expect(out.metrics["min_reward"] == -0.5 && out.metrics["max_reward"] == 1)
        #expect(isClose(out.metrics["mean_reward"] ?? .nan, 0.3))
        // Sheet: ∂L/∂s_w = [−σ(−d) + 2c(s_w + s_l)]/B, ∂L/∂s_l = [+σ(−d) + 2c(s_w + s_l)]/B.
        let d = [0.3, -1.0], sum = [1.2, 0.0]
        LossTest.expectClose(out.gradients[0], (0..<2).map { (-Sheet.sigma(-d[$0]) + 0.02 * sum[$0]) / 2 }, "∂L/∂s_w")
        LossTest.expectClose(out.gradients[1], (0..<2).map { (Sheet.sigma(-d[$0]) + 0.02 * sum[$0]) / 2 }, "∂L/∂s_l")
    }

    @Test func plain() throws {
        // No margin, no centring: ℓ = softplus(−(s_w − s_l)) = softplus(−0.8), softplus(1).
        let out = try LossTest.run([Self.sw, Self.sl]) { v in try bradleyTerryLoss(chosen: v[0], rejected: v[1]) }
        LossTest.expectClose(out.perExample, [Sheet.softplus(-0.8), Sheet.softplus(1)], "plain")
    }

    @Test func gradients() throws {
        try LossTest.expectGradients([Self.sw, Self.sl], "bt") { v in try bradleyTerryLoss(chosen: v[0], rejected: v[1]) }
        try LossTest.expectGradients([Self.sw, Self.sl], "bt margin centred") { v in
            try bradleyTerryLoss(chosen: v[0], rejected: v[1], margin: Self.margin, centerRewardsCoefficient: 0.05)
        }
    }

    @Test func stressAndBatchView() throws {
        // Reward differences of ±60.
        let out = try LossTest.run([[30, -30], [-30, 30]]) { v in
            try bradleyTerryLoss(chosen: v[0], rejected: v[1], centerRewardsCoefficient: 0.01)
        }
        LossTest.expectFinite(out, "bt stress")
        let tape = Tape()
        let sw = tape.variable(try LossTest.vector(Self.sw)), sl = tape.variable(try LossTest.vector(Self.sl))
        let batch = PreferenceBatch(policyChosen: sw, policyRejected: sl, margins: tape.constant(try LossTest.vector(Self.margin)))
        let viaBatch = try batch.bradleyTerry(centerRewardsCoefficient: 0.01)
        #expect(isClose(try viaBatch.loss.value().item(), (0.5687552444685271 + 1.3132616875182228) / 2, rel: 1e-12))
        #expect(throws: TensorError.self) { try bradleyTerryLoss(chosen: sw, rejected: sl, margin: [1]) }
    }
}

/// `BradleyTerryMargin`: where the Llama 2 margin comes from.
@Suite("Bradley–Terry reward loss: margin sources") struct BradleyTerryMarginSourceTests {
    @Test func resolve() throws {
        #expect(try BradleyTerryMargin.data.resolve(nil, count: 3) == nil)
        #expect(try BradleyTerryMargin.data.resolve([1, 2, 3], count: 3) == [1, 2, 3])
        #expect(try BradleyTerryMargin.requireData.resolve([1, 2, 3], count: 3) == [1, 2, 3])
        #expect(throws: TensorError.self) { try BradleyTerryMargin.requireData.resolve(nil, count: 3) }
        #expect(try BradleyTerryMargin.constant(0.5).resolve([1, 2, 3], count: 3) == [0.5, 0.5, 0.5])
        #expect(try BradleyTerryMargin.constant(0).resolve([1, 2, 3], count: 3) == nil)
    }

    /// A constant margin through the batch view: the formula and finite-difference gradients.
    @Test func constantMarginFormulaAndGradients() throws {
        let sw = BradleyTerryLossTests.sw, sl = BradleyTerryLossTests.sl
        let out = try LossTest.run([sw, sl]) { v in
            try PreferenceBatch(policyChosen: v[0], policyRejected: v[1]).bradleyTerry(centerRewardsCoefficient: 0.01, margin: .constant(0.4))
        }
        var expected = [Double]()
        for i in 0..<2 {
            let d: Double = sw[i] - sl[i] - 0.4, sum: Double = sw[i] + sl[i]
            expected.append(Sheet.softplus(-d) + 0.01 * sum * sum)
        }
        LossTest.expectClose(out.perExample, expected, rel: 1e-12, "bt constant margin")
        try LossTest.expectGradients([sw, sl], "bt constant margin") { v in
            try PreferenceBatch(policyChosen: v[0], policyRejected: v[1]).bradleyTerry(centerRewardsCoefficient: 0.05, margin: .constant(-0.7))
        }
    }
}
