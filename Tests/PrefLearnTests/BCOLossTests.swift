import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// BCO against losses.md §3 (TRL 1.13.0), in f64; δ itself carries TRL's float32 rounding.
@Suite("BCO loss") struct BCOLossTests {
    static let p = [-5.0, -8, -6], r = [-6.0, -7, -6.5]
    static let labels = [true, false, true]

    @Test func closedFormAndRunningShiftAcrossTwoSteps() throws {
        var moments = BCORunningMoments()
        // Step 1: rewards β(p − r) = 0.1·[1, −1, 0.5] = [0.1, −0.1, 0.05], mean m₁ = 0.05/3.
        // tot = 1e-24 + 3, mean ← 0 + (m₁ − 0)·3/tot = m₁ (to float32 rounding).
        let first = try LossTest.run([Self.p, Self.r]) { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: Self.labels, moments: &moments)
        }
        let m1 = 0.05 / 3
        #expect(isClose(moments.delta, m1, rel: 1e-7))
        #expect(moments.delta == Double(Float(m1)))
        let d1 = moments.delta
        // desirable ℓ = −logσ(r − δ), undesirable ℓ = −logσ(−(r − δ)).
        let expected1 = [-Sheet.logSigma(0.1 - d1), -Sheet.logSigma(-(-0.1 - d1)), -Sheet.logSigma(0.05 - d1)]
        LossTest.expectClose(first.perExample, expected1, "step 1")
        #expect(isClose(first.loss, Sheet.mean(expected1)))
        #expect(first.metrics["delta"] == d1)
        #expect(first.metrics["count/chosen"] == 2 && first.metrics["count/rejected"] == 1)
        #expect(isClose(first.metrics["rewards/chosen_sum"] ?? .nan, 0.15))
        #expect(isClose(first.metrics["logps/rejected_sum"] ?? .nan, -8))
        // Sheet gradients (δ constant), /B: desirable −βσ(−(r−δ)), undesirable +βσ(r−δ).
        let g = [-0.1 * Sheet.sigma(-(0.1 - d1)), 0.1 * Sheet.sigma(-0.1 - d1), -0.1 * Sheet.sigma(-(0.05 - d1))].map { $0 / 3 }
        LossTest.expectClose(first.gradients[0], g, "∂L/∂p")

        // Step 2: rewards 0.1·[3, −2] = [0.3, −0.2], mean 0.05. δ is the mean of all five rewards:
        // (0.1 − 0.1 + 0.05 + 0.3 − 0.2)/5 = 0.03; variance: deviations [0.07, −0.13, 0.02, 0.27, −0.23],
        // squares sum to 0.148, /5 = 0.0296.
        let p2 = [-3.0, -9], r2 = [-6.0, -7], labels2 = [true, false]
        let second = try LossTest.run([p2, r2]) { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: labels2, moments: &moments)
        }
        #expect(isClose(moments.delta, 0.03, rel: 1e-6))
        #expect(isClose(moments.variance, 0.0296, rel: 1e-6))
        let d2 = moments.delta
        LossTest.expectClose(second.perExample, [-Sheet.logSigma(0.3 - d2), -Sheet.logSigma(-(-0.2 - d2))], "step 2")

        // An evaluation step leaves δ unchanged.
        let before = moments
        _ = try LossTest.run([p2, r2]) { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: labels2, moments: &moments, training: false)
        }
        #expect(moments == before)
    }

    @Test func densityRatioWeights() throws {
        // w = clip(p/(1 − p + 1e-8), 0.5, 10) for undesirable examples only.
        let w = bcoDensityRatioWeights(desirableProbability: [0.5, 0.8, 0.95, 0.1], desirable: [true, false, false, false])
        LossTest.expectClose(w, [1, 0.8 / (0.2 + 1e-8), 10, 0.5], "udm")
        // The undesirable loss is multiplied by w: ℓ = −w·logσ(−(r − δ)), δ = 0.02.
        let out = try LossTest.run([Self.p, Self.r]) { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: Self.labels, delta: 0.02, weights: [1, 4, 1])
        }
        LossTest.expectClose(out.perExample, [-Sheet.logSigma(0.08), -4 * Sheet.logSigma(0.12), -Sheet.logSigma(0.03)], "weighted")
    }

    @Test func gradients() throws {
        try LossTest.expectGradients([Self.p, Self.r], "bco") { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: Self.labels, delta: 0.013)
        }
        try LossTest.expectGradients([Self.p, Self.r], "bco udm") { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: Self.labels, delta: -0.2, weights: [1, 3.5, 1], config: BCOConfig(beta: 0.8))
        }
    }

    @Test func stress() throws {
        // |β(p − r) − δ| ≈ 60 both ways.
        let out = try LossTest.run([[-10, -700, -10], [-610, -100, -610]]) { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: [true, false, false], delta: 0)
        }
        LossTest.expectFinite(out, "bco stress")
        var moments = BCORunningMoments()
        let stepped = try LossTest.run([[-10, -700, -10], [-610, -100, -610]]) { v in
            try bcoLoss(policy: v[0], reference: v[1], desirable: [true, false, true], moments: &moments)
        }
        LossTest.expectFinite(stepped, "bco stress with δ")
    }

    @Test func batchView() throws {
        let tape = Tape()
        let policy = tape.variable(try LossTest.vector(Self.p)), reference = tape.constant(try LossTest.vector(Self.r))
        let batch = PreferenceBatch(policy: policy, reference: reference, labels: tape.constant(try LossTest.vector([1, 0, 1])))
        var a = BCORunningMoments(), b = BCORunningMoments()
        let viaBatch = try batch.bco(&a)
        let direct = try bcoLoss(policy: policy, reference: reference, desirable: Self.labels, moments: &b)
        #expect(try viaBatch.loss.value().item() == direct.loss.value().item())
        #expect(a == b)
    }
}
