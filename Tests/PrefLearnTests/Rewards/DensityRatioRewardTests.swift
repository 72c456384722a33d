import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The density-ratio reward r = β(log π_a − log π_b) against the toy world's exact log-linear
/// log-probabilities.
@Suite("density-ratio reward") struct DensityRatioRewardTests {
    @Test func matchesTheWorldsLogProbabilities() throws {
        var c = ToyWorld.Config()
        c.seed = 2; c.candidates = 6; c.prompts = 20; c.testPrompts = 5
        let w = try ToyWorld(c)
        let a = try CandidatePolicy(.loglinear, source: w.candidateFeatures())
        let theta = (0..<w.psiDim).map { Double($0 % 5) * 0.1 - 0.2 }
        a.parameters[0].value = try Tensor(theta, shape: a.parameters[0].shape, dtype: .f64)
        let b = try CandidatePolicy(.loglinear, source: w.candidateFeatures())
        let r = try DensityRatioReward(a, b, beta: 0.5)
        let ids = [0, 7, 13, 119]
        let got = try r.rewards(RewardInputs(features: w.featureTensor(ids, dtype: .f64), ids: ids, world: w)).scalars
        let exact = try w.logProbabilities(.logLinear(theta), split: .train)
        for (k, i) in ids.enumerated() {
            let expected = 0.5 * (exact[i] + log(6.0))   // π_b is uniform: log π_b = −log K
            #expect(isClose(got[k], expected, rel: 1e-10), "id \(i): \(got[k]) vs \(expected)")
        }
        // Frozen at construction: later training of π_a does not move the reward.
        a.parameters[0].value = Tensor(zeros: a.parameters[0].shape, dtype: .f64)
        #expect(try r.rewards(RewardInputs(features: w.featureTensor(ids, dtype: .f64), ids: ids, world: w)).scalars == got)
        #expect(throws: TensorError.self) { try r.rewards(RewardInputs(features: w.featureTensor(ids, dtype: .f64))) }
        #expect(throws: TensorError.self) { try DensityRatioReward(a, b, beta: 0) }
        var other = c
        other.seed = 3
        let elsewhere = try CandidatePolicy(.loglinear, source: ToyWorld(other).candidateFeatures())
        #expect(throws: TensorError.self) { try DensityRatioReward(a, elsewhere) }
    }
}
