import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The Eurus reward-model objective (Yuan et al., 2024): −logσ(r_c − r_r − m) − logσ(r_c) − logσ(−r_r), in f64.
@Suite("Eurus reward loss") struct EurusRewardLossTests {
    static let rc = [1.0, -0.5], rr = [0.2, 0.5], margin = [0.5, 0.0]

    @Test func closedForm() throws {
        // d = r_c − r_r − m = [0.3, −1]: ℓ₁ = softplus(−0.3) + softplus(−1) + softplus(0.2),
        // ℓ₂ = softplus(1) + softplus(0.5) + softplus(0.5) (values from Python's math.log1p).
        let out = try LossTest.run([Self.rc, Self.rr]) { v in try eurusRewardModelLoss(chosen: v[0], rejected: v[1], margin: Self.margin) }
        LossTest.expectClose(out.perExample, [1.6657558013683418, 3.2614156558784364], rel: 1e-10, "eurus ℓ")
        LossTest.expectClose(out.perExample, [Sheet.softplus(-0.3) + Sheet.softplus(-1) + Sheet.softplus(0.2),
                                              Sheet.softplus(1) + 2 * Sheet.softplus(0.5)], "eurus ℓ sheet")
        #expect(isClose(out.loss, (1.6657558013683418 + 3.2614156558784364) / 2, rel: 1e-10))
        #expect(out.metrics["accuracy"] == 0.5)
        // ∂L/∂r_c = [−σ(−d) − σ(−r_c)]/B, ∂L/∂r_r = [σ(−d) + σ(r_r)]/B.
        let d = [0.3, -1.0]
        LossTest.expectClose(out.gradients[0], (0..<2).map { (-Sheet.sigma(-d[$0]) - Sheet.sigma(-Self.rc[$0])) / 2 }, "∂L/∂r_c")
        LossTest.expectClose(out.gradients[1], (0..<2).map { (Sheet.sigma(-d[$0]) + Sheet.sigma(Self.rr[$0])) / 2 }, "∂L/∂r_r")
    }

    @Test func isBradleyTerryPlusDirectTerm() throws {
        let bt = try LossTest.run([Self.rc, Self.rr]) { v in try bradleyTerryLoss(chosen: v[0], rejected: v[1]) }
        let eurus = try LossTest.run([Self.rc, Self.rr]) { v in try eurusRewardModelLoss(chosen: v[0], rejected: v[1]) }
        let direct = (0..<2).map { -Sheet.logSigma(Self.rc[$0]) - Sheet.logSigma(-Self.rr[$0]) }
        LossTest.expectClose(eurus.perExample, zip(bt.perExample, direct).map { $0 + $1 }, "BT + direct")
    }

    @Test func gradients() throws {
        try LossTest.expectGradients([Self.rc, Self.rr], "eurus") { v in try eurusRewardModelLoss(chosen: v[0], rejected: v[1]) }
        try LossTest.expectGradients([[0.3, -2, 4], [1.5, 0.1, -3]], "eurus margin") { v in
            try eurusRewardModelLoss(chosen: v[0], rejected: v[1], margin: [0.2, -0.4, 1])
        }
    }

    @Test func stressAndBatchView() throws {
        let out = try LossTest.run([[40, -40], [-40, 40]]) { v in try eurusRewardModelLoss(chosen: v[0], rejected: v[1]) }
        LossTest.expectFinite(out, "eurus stress")
        let tape = Tape()
        let rc = tape.variable(try LossTest.vector(Self.rc)), rr = tape.variable(try LossTest.vector(Self.rr))
        let batch = PreferenceBatch(policyChosen: rc, policyRejected: rr, margins: tape.constant(try LossTest.vector(Self.margin)))
        #expect(isClose(try batch.eurusRewardModel().loss.value().item(), (1.6657558013683418 + 3.2614156558784364) / 2, rel: 1e-10))
        #expect(throws: TensorError.self) { try eurusRewardModelLoss(chosen: rc, rejected: rr, margin: [1]) }
    }
}
