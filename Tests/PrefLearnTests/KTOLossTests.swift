import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// KTO against losses.md §2 (TRL 1.16.0), in f64.
@Suite("KTO loss") struct KTOLossTests {
    // p, r and the mismatched-pair log-probs of a 4-example batch, labels D U D U.
    static let p = [-5.0, -8, -6, -7], r = [-6.0, -7, -6.5, -6]
    static let pKL = [-6.0, -9, -7, -8], rKL = [-6.5, -8, -7.5, -8.2]
    static let labels = [true, false, true, false]

    func kto(_ v: [Var], kl: [[Double]] = [pKL, rKL], _ config: KTOConfig = KTOConfig()) throws -> LossEvaluation {
        let t = v[0].tape
        return try ktoLoss(policy: v[0], reference: v[1], desirable: Self.labels,
                           policyKL: t.constant(try LossTest.vector(kl[0])), referenceKL: t.constant(try LossTest.vector(kl[1])), config: config)
    }

    @Test func closedForm() throws {
        // Δ = p − r = [1, −1, 0.5, −1]; KL log-ratios [0.5, −1, 0.5, 0.2], mean 0.2/4 = 0.05 = z₀.
        // t = β(Δ − z₀) = 0.1·[0.95, −1.05, 0.45, −1.05] = [0.095, −0.105, 0.045, −0.105].
        // desirable ℓ = 1 − σ(t) = σ(−t); undesirable ℓ = 1 − σ(β(z₀ − Δ)) = σ(t).
        // ℓ = [σ(−0.095), σ(−0.105), σ(−0.045), σ(−0.105)] ≈ [0.476268, 0.473774, 0.488752, 0.473774].
        let out = try LossTest.run([Self.p, Self.r]) { v in try kto(v) }
        let expected = [Sheet.sigma(-0.095), Sheet.sigma(-0.105), Sheet.sigma(-0.045), Sheet.sigma(-0.105)]
        LossTest.expectClose(out.perExample, expected, "kto ℓ")
        #expect(isClose(out.perExample[0], 0.4762678458734389, rel: 1e-12))
        #expect(isClose(out.loss, Sheet.mean(expected)))
        // Metrics: kl = z₀; rewards over desirable βΔ = [0.1, 0.05], undesirable [−0.1, −0.1].
        #expect(isClose(out.metrics["kl"] ?? .nan, 0.05))
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, 0.075))
        #expect(isClose(out.metrics["rewards/rejected"] ?? .nan, -0.1))
        #expect(isClose(out.metrics["rewards/margins"] ?? .nan, 0.175))
        #expect(isClose(out.metrics["logps/chosen"] ?? .nan, -5.5))
        // Sheet gradients, /B for the batch loss: desirable −λ_D β σ(t)σ(−t), undesirable +λ_U β σ(t)σ(−t).
        let ts = [0.095, -0.105, 0.045, -0.105], sign = [-1.0, 1, -1, 1]
        let g = zip(ts, sign).map { t, s in s * 0.1 * Sheet.sigma(t) * Sheet.sigma(-t) / 4 }
        LossTest.expectClose(out.gradients[0], g, "∂L/∂p")
        LossTest.expectClose(out.gradients[1], g.map { -$0 }, "∂L/∂r")
    }

    @Test func weightsAndApoZeroUnpaired() throws {
        // apo_zero_unpaired, λ_D = 2, λ_U = 0.5, β = 0.1, z₀ unused: βΔ = [0.1, −0.1, 0.05, −0.1].
        // desirable 2·(1 − σ(βΔ)) = 2σ(−βΔ); undesirable 0.5·σ(βΔ).
        let config = KTOConfig(lossType: .apoZeroUnpaired, desirableWeight: 2, undesirableWeight: 0.5)
        let out = try LossTest.run([Self.p, Self.r]) { v in
            try ktoLoss(policy: v[0], reference: v[1], desirable: Self.labels, config: config)
        }
        let expected = [2 * Sheet.sigma(-0.1), 0.5 * Sheet.sigma(-0.1), 2 * Sheet.sigma(-0.05), 0.5 * Sheet.sigma(-0.1)]
        LossTest.expectClose(out.perExample, expected, "apo_zero_unpaired")
        #expect(out.metrics["kl"] == 0)
        try LossTest.expectGradients([Self.p, Self.r], "apo_zero_unpaired") { v in
            try ktoLoss(policy: v[0], reference: v[1], desirable: Self.labels, config: config)
        }
    }

    @Test func gradients() throws {
        try LossTest.expectGradients([Self.p, Self.r], "kto") { v in try kto(v) }
        try LossTest.expectGradients([Self.p, Self.r], "kto weighted") { v in
            try kto(v, KTOConfig(beta: 0.7, desirableWeight: 1.3, undesirableWeight: 0.6))
        }
    }

    /// z₀ is detached: the mismatched-pair log-probs get no gradient.
    @Test func referencePointIsDetached() throws {
        let tape = Tape()
        let v = try [Self.p, Self.r, Self.pKL, Self.rKL].map { tape.variable(try LossTest.vector($0)) }
        let out = try ktoLoss(policy: v[0], reference: v[1], desirable: Self.labels, policyKL: v[2], referenceKL: v[3])
        try tape.backward(out.loss)
        #expect(try v[2].gradient() == nil && v[3].gradient() == nil)
    }

    /// Two steps: each batch's z₀ is its own (no state carries over), and a negative KL
    /// estimate clamps to 0.
    @Test func referencePointAcrossTwoSteps() throws {
        let first = try LossTest.run([Self.p, Self.r]) { v in try kto(v) }
        // Step 2: KL log-ratios [−1, −2, 0.5, 0.1], mean −0.6 → z₀ = max(0, −0.6) = 0.
        let kl2 = [[-7.0, -9, -7, -8], [-6.0, -7, -7.5, -8.1]]
        let second = try LossTest.run([Self.p, Self.r]) { v in try kto(v, kl: kl2) }
        #expect(first.metrics["kl"].map { isClose($0, 0.05) } == true)
        #expect(second.metrics["kl"] == 0)
        // With z₀ = 0: t = βΔ = [0.1, −0.1, 0.05, −0.1].
        LossTest.expectClose(second.perExample, [Sheet.sigma(-0.1), Sheet.sigma(-0.1), Sheet.sigma(-0.05), Sheet.sigma(-0.1)], "step 2")
    }

    @Test func stress() throws {
        // |βΔ| = 60 (β = 0.1, Δ = ±600) for both labels and both loss types.
        let p = [-10.0, -700, -10, -700], r = [-610.0, -100, -610, -100]
        for type in KTOLossType.allCases {
            let out = try LossTest.run([p, r]) { v in try kto(v, KTOConfig(lossType: type)) }
            LossTest.expectFinite(out, "kto stress \(type)")
        }
    }

    @Test func batchView() throws {
        let tape = Tape()
        let c = { (xs: [Double]) throws -> Var in tape.constant(try LossTest.vector(xs)) }
        let batch = PreferenceBatch(policy: try c(Self.p), reference: try c(Self.r), labels: try c([1, 0, 1, 0]),
                                    policyKL: try c(Self.pKL), referenceKL: try c(Self.rKL))
        let out = try batch.kto()
        // The closed form of `closedForm`: mean of σ(−0.095), σ(−0.105), σ(−0.045), σ(−0.105).
        let expected = Sheet.mean([Sheet.sigma(-0.095), Sheet.sigma(-0.105), Sheet.sigma(-0.045), Sheet.sigma(-0.105)])
        #expect(isClose(try out.loss.value().item(), expected))
    }

    @Test func errors() throws {
        let tape = Tape()
        let p = tape.variable(try LossTest.vector([-1, -2]))
        #expect(throws: TensorError.self) { try ktoLoss(policy: p, reference: p, desirable: [true, false]) }
        #expect(throws: TensorError.self) { try ktoLoss(policy: p, reference: p, desirable: [true], config: KTOConfig(lossType: .apoZeroUnpaired)) }
    }
}
