import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// TPO (Liao, Chu, Wang, 2025) in the clean form of algorithms.md §6.10, in f64.
@Suite("TPO loss") struct TPOLossTests {
    // One prompt, three responses, two steps. r = [[0.2, −0.4], [1, 0], [−0.6, 0.2]], w = [[1, 1], [2, 0], [0.5, 1.5]]:
    // R = [(0.2 − 0.4)/2, (2·1 + 0)/2, (−0.3 + 0.3)/2] = [−0.1, 1, 0]; ψ = [2, 0, 1].
    static let r = [0.2, -0.4, 1, 0, -0.6, 0.2], w = [1.0, 1, 2, 0, 0.5, 1.5], psi = [[2.0, 0, 1]]
    static let reward = [-0.1, 1, 0]

    func tpo(_ v: Var, _ config: TPOConfig, weights: [Double]? = Self.w, labels: [[Double]] = Self.psi) throws -> LossEvaluation {
        try tpoLoss(stepLogratios: v.reshaped([labels.count, labels[0].count, v.shape.count / (labels.count * labels[0].count)]),
                    stepWeights: weights, labels: labels, config: config)
    }

    @Test(arguments: TPOWeighting.allCases) func closedForm(_ weighting: TPOWeighting) throws {
        // gap, β = 1: pairs (0,1) Δ = 2, (0,2) Δ = 1, (2,1) Δ = 1:
        // ℓ = 2·softplus(1.1) + softplus(0.1) + softplus(1) = 2·1.387335 + 0.744397 + 1.313262 = 4.832328.
        // lambda: ranks by R are [3, 1, 2], G = [3, 0, 1]: Δ₀₁ = 3·|1/ln 4 − 1/ln 2|, Δ₀₂ = 2·|1/ln 4 − 1/ln 3|, Δ₂₁ = |1/ln 3 − 1/ln 2|.
        let delta: [[Double]] = weighting == .gap ? [[0, 2, 1], [0, 0, 0], [0, 1, 0]]
            : [[0, 3 * (1 / log(2.0) - 1 / log(4.0)), 2 * (1 / log(3.0) - 1 / log(4.0))], [0, 0, 0], [0, 1 / log(2.0) - 1 / log(3.0), 0]]
        let sheet = ListwiseLossTests.lipo(Self.reward, delta)
        if weighting == .gap { #expect(isClose(sheet.0, 2 * Sheet.softplus(1.1) + Sheet.softplus(0.1) + Sheet.softplus(1), rel: 1e-12)) }
        if weighting == .gap { #expect(isClose(sheet.0, 4.832328, rel: 1e-6)) }
        let out = try LossTest.run([Self.r]) { v in try tpo(v[0], TPOConfig(beta: 1, weighting: weighting)) }
        LossTest.expectClose(out.perExample, [sheet.0], "tpo \(weighting) ℓ")
        // ∂L/∂r_{y,k} = ∂ℓ/∂R_y · w_{y,k}/Σ_k w_{y,k}.
        let norm = [0.5, 0.5, 1, 0, 0.25, 0.75]
        LossTest.expectClose(out.gradients[0], (0..<6).map { sheet.1[$0 / 2] * norm[$0] }, "tpo \(weighting) ∂L/∂r")
        // Accuracies: (0,1) −0.1 > 1 ✗, (0,2) −0.1 > 0 ✗, (2,1) 0 > 1 ✗.
        #expect(out.metrics["rewards/accuracies"] == 0)
    }

    @Test func defaultWeightsAreTheMean() throws {
        // Without weights R is the plain mean: [−0.1, 0.5, −0.2]; β = 0.1 scales the differences.
        let out = try LossTest.run([Self.r]) { v in try tpo(v[0], TPOConfig(), weights: nil) }
        let sheet = ListwiseLossTests.lipo([-0.01, 0.05, -0.02], [[0, 2, 1], [0, 0, 0], [0, 1, 0]])
        LossTest.expectClose(out.perExample, [sheet.0], "tpo unweighted")
    }

    @Test func stepWeights() throws {
        // Hidden states [1, 2, 2, 2]; ψ = [0, 1] so the top response is 1 (weights 1 + 1 = 2, or 1 for a zero vector).
        // Response 0: step 0 (1, 0) vs (0, 1) → cos 0 → 1; step 1 (1, 1) vs (2, 2) → cos 1 → 2.
        let h = try Tensor([1, 0, 1, 1, 0, 1, 2, 2], shape: [1, 2, 2, 2], dtype: .f64)
        LossTest.expectClose(try tpoStepWeights(hidden: h, labels: [[0, 1]]), [1, 2, 2, 2], "w")
        let zero = try Tensor([1, 0, 1, 1, 0, 0, 2, 2], shape: [1, 2, 2, 2], dtype: .f64)
        LossTest.expectClose(try tpoStepWeights(hidden: zero, labels: [[0, 1]]), [1, 2, 1, 2], "w with a zero vector")
    }

    @Test(arguments: TPOWeighting.allCases) func gradients(_ weighting: TPOWeighting) throws {
        try LossTest.expectGradients([Self.r], "tpo \(weighting)") { v in try tpo(v[0], TPOConfig(beta: 1, weighting: weighting)) }
    }

    @Test func stress() throws {
        // Step log-ratios of ±600 (βR = ±60), a response with every weight 0, and a one-response list.
        let big = try LossTest.run([[600, 600, -600, -600, 5, 5]]) { v in try tpo(v[0], TPOConfig(), weights: [1, 1, 1, 1, 0, 0]) }
        LossTest.expectFinite(big, "tpo ±60")
        let single = try LossTest.run([[-3, 1]]) { v in try tpo(v[0], TPOConfig(), weights: nil, labels: [[1]]) }
        LossTest.expectClose(single.perExample, [0], "tpo K = 1")
        #expect(throws: TensorError.self) { try tpoLoss(stepLogratios: Tape().constant(try Tensor([1], shape: [1], dtype: .f64)), labels: [[1]]) }
    }
}
