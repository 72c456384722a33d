import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The RLHF loop: exact runs climb the objective, seeds fix sampled runs, bad inputs throw.
@Suite("policy-gradient trainer") struct PolicyGradientTrainerTests {
    static func setup(_ c: PolicyGradientConfig, seed: UInt64 = 5, lr: Double = 0.5) throws -> PolicyGradientTrainer {
        let w = try CandidatePolicyTests.world()
        let src = try w.candidateFeatures()
        let p = try CandidatePolicy(.loglinear, source: src)
        let prompts = p.prompts(.train)
        let k = src.candidates
        let gold = try src.gold!.gather(try IndexTensor(prompts), axis: 0)
        // A proxy that is the gold plus a length bonus.
        let lengths = prompts.flatMap { x in (0..<k).map { Double(src.lengths![x * k + $0]) } }
        let proxy = try gold + Tensor(lengths, shape: [prompts.count, k], dtype: .f64) * 0.3
        return try PolicyGradientTrainer(policy: p, reference: p.frozen(), prompts: prompts, rewards: proxy, gold: gold,
                                         config: c, optimizer: try SGD(p.parameters, learningRate: lr), seed: seed)
    }

    @Test(arguments: PolicyGradientAlgorithm.allCases) func exactRunsImproveTheObjective(a: PolicyGradientAlgorithm) throws {
        var c = PolicyGradientConfig()
        c.algorithm = a
        c.beta = 0.1
        let t = try Self.setup(c, lr: 0.05)
        let rows = try (0..<30).map { _ in try t.step() }
        #expect(rows[0]["kl"].map { abs($0) < 1e-12 } == true)
        let j = rows.map { $0["reward"]! - 0.1 * $0["kl"]! }
        #expect(j.last! > j.first! + 0.05, "\(j)")
        #expect(rows.allSatisfy { $0["gold"] != nil && $0["entropy"] != nil })
        #expect((rows[5]["clip_frac"] != nil) == (a == .ppo))
    }

    @Test(arguments: PolicyGradientAlgorithm.allCases) func sampledRunsAreSeeded(a: PolicyGradientAlgorithm) throws {
        var c = PolicyGradientConfig()
        c.algorithm = a
        c.exact = false
        c.samples = 4
        c.klEstimator = .k3
        let one = try Self.setup(c, seed: 3), two = try Self.setup(c, seed: 3), other = try Self.setup(c, seed: 4)
        let h1 = try (0..<5).map { _ in try one.step() }, h2 = try (0..<5).map { _ in try two.step() }
        let h3 = try (0..<5).map { _ in try other.step() }
        #expect(h1 == h2)
        #expect(h1.last?["reward"] != h3.last?["reward"])
        #expect(h1.allSatisfy { $0["kl_est"]?.isFinite == true && $0["sample_reward"]?.isFinite == true })
    }

    @Test func badInputsThrow() throws {
        let c = PolicyGradientConfig()
        let t = try Self.setup(c)
        #expect(throws: TensorError.self) { _ = try t.step(rewards: Tensor(zeros: [2, 2], dtype: .f64)) }
        let nan = Tensor(repeating: .nan, shape: t.rewards.shape, dtype: .f64)
        #expect(throws: TensorError.self) {
            _ = try PolicyGradientTrainer(policy: t.policy, reference: t.policy.frozen(), prompts: t.prompts, rewards: nan,
                                          config: c, optimizer: t.optimizer, seed: 1)
        }
        let before = t.policy.parameters[0].value.scalars
        #expect(throws: TensorError.self) { _ = try t.step(rewards: nan) }
        #expect(t.policy.parameters[0].value.scalars == before)
    }
}
