import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// TPO (Liao, Chu, Wang, 2025) in f64: the spec's normalised form (algorithms.md §6.10,
/// step_reward "mean") and the released code's weighted token sum ("sum").
@Suite("TPO loss") struct TPOLossTests {
    // One prompt, three responses, two steps. r = [[0.2, −0.4], [1, 0], [−0.6, 0.2]], w = [[1, 1], [2, 0], [0.5, 1.5]]:
    // R = [(0.2 − 0.4)/2, (2·1 + 0)/2, (−0.3 + 0.3)/2] = [−0.1, 1, 0]; ψ = [2, 0, 1].
    static let r = [0.2, -0.4, 1, 0, -0.6, 0.2], w = [1.0, 1, 2, 0, 0.5, 1.5], psi = [[2.0, 0, 1]]
    static let reward = [-0.1, 1, 0]
    static let mean = TPOStepReward.mean

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
        let out = try LossTest.run([Self.r]) { v in try tpo(v[0], TPOConfig(beta: 1, weighting: weighting, stepReward: Self.mean)) }
        LossTest.expectClose(out.perExample, [sheet.0], "tpo \(weighting) ℓ")
        // ∂L/∂r_{y,k} = ∂ℓ/∂R_y · w_{y,k}/Σ_k w_{y,k}.
        let norm = [0.5, 0.5, 1, 0, 0.25, 0.75]
        LossTest.expectClose(out.gradients[0], (0..<6).map { sheet.1[$0 / 2] * norm[$0] }, "tpo \(weighting) ∂L/∂r")
        // Accuracies: (0,1) −0.1 > 1 ✗, (0,2) −0.1 > 0 ✗, (2,1) 0 > 1 ✗.
        #expect(out.metrics["rewards/accuracies"] == 0)
    }

    @Test func defaultWeightsAreTheMean() throws {
        // Without weights R is the plain mean: [−0.1, 0.5, −0.2]; β = 0.1 scales the differences.
        let out = try LossTest.run([Self.r]) { v in try tpo(v[0], TPOConfig(stepReward: Self.mean), weights: nil) }
        let sheet = ListwiseLossTests.lipo([-0.01, 0.05, -0.02], [[0, 2, 1], [0, 0, 0], [0, 1, 0]])
        LossTest.expectClose(out.perExample, [sheet.0], "tpo unweighted")
        // Under "sum" R is the plain sum: [−0.2, 1, −0.4].
        let sum = try LossTest.run([Self.r]) { v in try tpo(v[0], TPOConfig(), weights: nil) }
        LossTest.expectClose(sum.perExample, [ListwiseLossTests.lipo([-0.02, 0.1, -0.04], [[0, 2, 1], [0, 0, 0], [0, 1, 0]]).0], "tpo unweighted sum")
    }

    @Test func sumClosedForm() throws {
        // R = Σ_k w_k r_k = [0.2 − 0.4, 2·1 + 0, −0.3 + 0.3] = [−0.2, 2, 0]; gap, β = 1: pairs (0,1) Δ = 2, (0,2) Δ = 1, (2,1) Δ = 1:
        // ℓ = 2·softplus(2.2) + softplus(0.2) + softplus(2) = 7.5352335.
        let sheet = ListwiseLossTests.lipo([-0.2, 2, 0], [[0, 2, 1], [0, 0, 0], [0, 1, 0]])
        #expect(isClose(sheet.0, 2 * Sheet.softplus(2.2) + Sheet.softplus(0.2) + Sheet.softplus(2), rel: 1e-12))
        #expect(isClose(sheet.0, 7.5352335, rel: 1e-7))
        let out = try LossTest.run([Self.r]) { v in try tpo(v[0], TPOConfig(beta: 1)) }
        LossTest.expectClose(out.perExample, [sheet.0], rel: 1e-12, "tpo sum ℓ")
        // ∂L/∂r_{y,k} = ∂ℓ/∂R_y · w_{y,k}, the weights unnormalised.
        LossTest.expectClose(out.gradients[0], (0..<6).map { sheet.1[$0 / 2] * Self.w[$0] }, rel: 1e-12, "tpo sum ∂L/∂r")
        // β scales the sum: β = 0.1 gives the scores βR = [−0.02, 0.2, 0].
        let small = try LossTest.run([Self.r]) { v in try tpo(v[0], TPOConfig(beta: 0.1)) }
        LossTest.expectClose(small.perExample, [ListwiseLossTests.lipo([-0.02, 0.2, 0], [[0, 2, 1], [0, 0, 0], [0, 1, 0]]).0], rel: 1e-12, "tpo sum β")
    }

    /// Siblings sharing steps 1–2 (same tokens and contexts: the same step log-ratios a, b and, from
    /// identical hidden states, weight 2 in every sibling) differ only in step 3. Under "sum" the
    /// shared steps cancel in every R_i − R_j: the loss does not depend on a, b, and the gradient a
    /// policy receives on a shared step (the sum over siblings of ∂L/∂r_{y,k}) is exactly 0. Under
    /// "mean" the normalisers Σ_k w_k differ (6 for the top, 4 + w_3 for the others) and it is not.
    @Test func sharedStepsCancelUnderSum() throws {
        let w = [2.0, 2, 2, 2, 2, 1.4, 2, 2, 1.7], labels = [[2.0, 0, 1]]
        func run(_ a: Double, _ b: Double, _ reward: TPOStepReward) throws -> (perExample: [Double], loss: Double, metrics: [String: Double], gradients: [[Double]]) {
            let r = [a, b, 0.9, a, b, -0.3, a, b, 0.4]
            return try LossTest.run([r]) { v in try tpo(v[0], TPOConfig(beta: 1, stepReward: reward), weights: w, labels: labels) }
        }
        let sum = try run(0.3, -0.8, .sum), moved = try run(-2.5, 1.9, .sum)
        #expect(sum.loss == moved.loss)
        for k in 0..<2 {
            #expect(abs((0..<3).reduce(0.0) { $0 + sum.gradients[0][$1 * 3 + k] }) < 1e-15, "sum, shared step \(k): \(sum.gradients[0])")
        }
        // The same loss with the shared steps removed.
        let divergent = try LossTest.run([[0, 0, 0.9, 0, 0, -0.3, 0, 0, 0.4]]) { v in
            try tpo(v[0], TPOConfig(beta: 1), weights: [0, 0, 2, 0, 0, 1.4, 0, 0, 1.7], labels: labels)
        }
        #expect(isClose(divergent.loss, sum.loss, rel: 1e-12))
        let mean = try run(0.3, -0.8, .mean), meanMoved = try run(-2.5, 1.9, .mean)
        #expect(abs(mean.loss - meanMoved.loss) > 1e-3)
        // Under "mean" the shared prefix gets (1/3 − 2/(4 + w_3)) from the top and the opposite from the others.
        #expect(abs((0..<3).reduce(0.0) { $0 + mean.gradients[0][$1 * 3] }) > 1e-3, "mean: \(mean.gradients[0])")
    }

    @Test func stepWeights() throws {
        // Hidden states [1, 2, 2, 2]; ψ = [0, 1] so the top response is 1 (weights 1 + 1 = 2, or 1 for a zero vector).
        // Response 0: step 0 (1, 0) vs (0, 1) → cos 0 → 1; step 1 (1, 1) vs (2, 2) → cos 1 → 2.
        let h = try Tensor([1, 0, 1, 1, 0, 1, 2, 2], shape: [1, 2, 2, 2], dtype: .f64)
        LossTest.expectClose(try tpoStepWeights(hidden: h, labels: [[0, 1]]), [1, 2, 2, 2], "w")
        let zero = try Tensor([1, 0, 1, 1, 0, 0, 2, 2], shape: [1, 2, 2, 2], dtype: .f64)
        LossTest.expectClose(try tpoStepWeights(hidden: zero, labels: [[0, 1]]), [1, 2, 1, 2], "w with a zero vector")
    }

    @Test(arguments: TPOWeighting.allCases, TPOStepReward.allCases) func gradients(_ weighting: TPOWeighting, _ reward: TPOStepReward) throws {
        try LossTest.expectGradients([Self.r], "tpo \(weighting) \(reward)") { v in
            try tpo(v[0], TPOConfig(beta: 1, weighting: weighting, stepReward: reward))
        }
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
