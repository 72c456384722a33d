import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// MORE (spec algorithms.md §5.2): min-norm weights against closed forms, the ECE against a hand
/// computation, the combined loss against its formula and finite differences, and training.
@Suite("MORE") struct MoreTests {
    @Test func minNormClosedForms() throws {
        // Orthogonal unit gradients: the midpoint.
        let a = try MoreWeighting.minNorm([[1, 0], [0, 1]])
        #expect(isClose(a[0], 0.5) && isClose(a[1], 0.5), "\(a)")
        // Two tasks: λ₁ = clamp((g₂ − g₁)·g₂ / ‖g₁ − g₂‖², 0, 1). g₁ = (2, 0), g₂ = (0, 1): λ₁ = 1/5.
        let b = try MoreWeighting.minNorm([[2, 0], [0, 1]])
        #expect(isClose(b[0], 0.2, rel: 1e-9) && isClose(b[1], 0.8, rel: 1e-9), "\(b)")
        // A gradient that is a multiple of the other: all weight on the shorter one.
        let c = try MoreWeighting.minNorm([[1, 1], [3, 3]])
        #expect(isClose(c[0], 1) && Swift.abs(c[1]) < 1e-12, "\(c)")
        // Three tasks: e₁, e₂, e₃ in R³ → 1/3 each; the weights stay on the simplex.
        let d = try MoreWeighting.minNorm([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
        #expect(d.allSatisfy { isClose($0, 1.0 / 3, rel: 1e-9) }, "\(d)")
        // Opposite gradients cancel at 1/2.
        let e = try MoreWeighting.minNorm([[1, -2], [-1, 2]])
        #expect(isClose(e[0], 0.5), "\(e)")
        #expect(throws: TensorError.self) { try MoreWeighting.minNorm([]) }
        #expect(throws: TensorError.self) { try MoreWeighting.minNorm([[1, 2], [1]]) }
        #expect(throws: TensorError.self) { try MoreWeighting.minNorm([[.nan]]) }
    }

    @Test func eceByHand() throws {
        // 5 bins: p = 0.1 (bin 0, y = 0), 0.3 (bin 1, y = 1), 0.35 (bin 1, y = 0), 0.9 and 1.0 (bin 4, y = 1, 1).
        // |0.1 − 0| + |0.65 − 1| + |1.9 − 2| = 0.1 + 0.35 + 0.1 = 0.55; / 5 = 0.11.
        let ece = try MoreWeighting.expectedCalibrationError(probabilities: [0.1, 0.3, 0.35, 0.9, 1.0], labels: [false, true, false, true, true])
        #expect(isClose(ece, 0.11), "\(ece)")
        #expect(throws: TensorError.self) { try MoreWeighting.expectedCalibrationError(probabilities: [1.5], labels: [true]) }
        #expect(throws: TensorError.self) { try MoreWeighting.expectedCalibrationError(probabilities: [0.5], labels: [true], bins: 0) }
        // A pair calibration of large logits: confident and right, ECE ≈ 0 and accuracy 1.
        let (small, accuracy) = try MoreWeighting.pairCalibration(logits: [40, 40, 40, 40])
        #expect(small < 1e-12 && accuracy == 1)
    }

    static func tasks() throws -> [MoreTrainer.Task] {
        try [(1, 5), (2, 3)].map { seed, n in
            try MoreTrainer.Task(chosen: RewardInputs(features: randomTensor([n, 3], seed: UInt64(seed))),
                                 rejected: RewardInputs(features: randomTensor([n, 3], seed: UInt64(seed + 10))))
        }
    }

    @Test func combinedLossFormulaAndGradients() throws {
        let model = try RewardModel(.linear, inputDim: 3, seed: 4)
        let tasks = try Self.tasks()
        let lambda = [0.3, 0.7]
        // By hand: T·Σ λ_t S_t / N with S_t = Σ softplus(−(r_w − r_l)), N = 8.
        let w = model.parameters[0].value.scalars
        func r(_ x: Tensor) -> [Double] { (0..<x.shape[0]).map { i in (0..<3).reduce(0) { $0 + x.scalars[i * 3 + $1] * w[$1] } } }
        let sums = tasks.map { t in zip(r(t.chosen.features), r(t.rejected.features)).reduce(0.0) { $0 + log1p(exp(-($1.0 - $1.1))) } }
        let expected = 2 * (0.3 * sums[0] + 0.7 * sums[1]) / 8
        let tape = Tape()
        let value = try MoreTrainer.combined(try MoreTrainer.taskSums(model, tasks, tape: tape, leaves: [tape.constant(model.parameters[0].value)]),
                                             lambda: lambda, pairs: 8).value().item()
        #expect(isClose(value, expected), "\(value) vs \(expected)")
        let check = try checkGradient([model.parameters[0].value]) { _, v in
            try MoreTrainer.combined(MoreTrainer.taskSums(model, tasks, tape: v[0].tape, leaves: v), lambda: lambda, pairs: 8)
        }
        #expect(check.maxError < 1e-6, "\(check)")
    }

    /// Two pools that agree on feature 0 and disagree on feature 1: both weightings learn the
    /// shared direction, the min-norm weights stay on the simplex, uniform is exactly 1/T.
    @Test func trainsOnPools() throws {
        var rng = RandomStream(seed: 5, stream: "more-test")
        func pool(_ sign: Double) throws -> MoreTrainer.Task {
            var c = [Double](), r = [Double]()
            for _ in 0..<200 {
                let a = [rng.normal(), rng.normal()], b = [rng.normal(), rng.normal()]
                let aWins = (a[0] - b[0]) + sign * 0.5 * (a[1] - b[1]) > 0
                c += aWins ? a : b; r += aWins ? b : a
            }
            return try MoreTrainer.Task(chosen: RewardInputs(features: Tensor(c, shape: [200, 2], dtype: .f64)),
                                        rejected: RewardInputs(features: Tensor(r, shape: [200, 2], dtype: .f64)))
        }
        let tasks = [try pool(1), try pool(-1)]
        for weighting in MoreTrainer.Weighting.allCases {
            var options = MoreTrainer.Options()
            options.weighting = weighting
            options.fit = .init(epochs: 150, learningRate: 0.05)
            let model = try RewardModel(.linear, inputDim: 2, seed: 1)
            let reward = try MoreReward(model, tasks: tasks, options: options)
            #expect(reward.history.last! < reward.history.first!)
            #expect(reward.taskWeights.allSatisfy { isClose($0.reduce(0, +), 1, rel: 1e-9) && $0.allSatisfy { $0 >= 0 } })
            if weighting == .uniform { #expect(reward.taskWeights.allSatisfy { $0 == [0.5, 0.5] }) }
            let w = model.parameters[0].value.scalars
            #expect(w[0] > 3 * Swift.abs(w[1]), "\(weighting): \(w)")
        }
    }
}
