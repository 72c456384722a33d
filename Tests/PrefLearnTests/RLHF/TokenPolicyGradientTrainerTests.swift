import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// RLHF of token policies (always sampled): a simple reward goes up while the estimated KL
/// grows from 0, a seed fixes the run, and the surrogate's gradient matches finite differences.
@Suite("token policy RLHF") struct TokenPolicyGradientTrainerTests {
    static func policy(v: Int = 3, hidden: Int = 8, seed: UInt64 = 2) throws -> TokenPolicy {
        let x = try Tensor([0.4, -1.1, 0.9, 0.3, -0.5, 1.7, 0.2, 0.8], shape: [4, 2], dtype: .f64)
        return try TokenPolicy(vocabulary: v, promptFeatures: x, hidden: hidden, context: 1, seed: seed, origin: "test")
    }

    /// r(y) = the number of 0 tokens in y.
    static func zeros(_ prompts: [Int], _ sequences: [[Int]]) -> [Double] { sequences.map { Double($0.filter { $0 == 0 }.count) } }

    static func trainer(_ a: PolicyGradientAlgorithm, seed: UInt64 = 7, samples: Int = 8) throws -> TokenPolicyGradientTrainer {
        let p = try Self.policy()
        var c = PolicyGradientConfig()
        c.algorithm = a
        c.beta = 0.05
        c.samples = samples
        c.klEstimator = a == .grpo ? .k3 : .k1
        c.epochs = 2
        return try TokenPolicyGradientTrainer(policy: p, reference: p.frozen(), prompts: [0, 1, 2, 3], config: c, maxLength: 8,
                                              optimizer: try Adam(p.parameters, learningRate: 0.05), seed: seed)
    }

    @Test(arguments: PolicyGradientAlgorithm.allCases) func rewardRisesAndKLGrowsFromZero(a: PolicyGradientAlgorithm) throws {
        let t = try Self.trainer(a)
        let rows = try (0..<40).map { _ in try t.step(reward: Self.zeros) }
        func mean(_ r: ArraySlice<[String: Double]>, _ key: String) -> Double { r.map { $0[key]! }.reduce(0, +) / Double(r.count) }
        let early = mean(rows[0..<5], "reward"), late = mean(rows[35..<40], "reward")
        #expect(late > early + 0.5, "\(a): reward \(early) → \(late)")
        #expect(rows[0]["kl"] == 0 && rows[0]["kl_est"] == 0, "\(a): the first step starts at the reference")
        #expect(mean(rows[35..<40], "kl") > 0.05, "\(a): kl \(rows.map { $0["kl"]! })")
        #expect(rows.allSatisfy { $0["entropy"]!.isFinite && $0["grad_norm"]!.isFinite })
        #expect((rows[3]["clip_frac"] != nil) == (a == .ppo || a == .grpo))
    }

    @Test(arguments: [PolicyGradientAlgorithm.rloo, .ppo]) func aSeedFixesTheRun(a: PolicyGradientAlgorithm) throws {
        let one = try Self.trainer(a, seed: 3), two = try Self.trainer(a, seed: 3), other = try Self.trainer(a, seed: 4)
        let h1 = try (0..<4).map { _ in try one.step(reward: Self.zeros) }, h2 = try (0..<4).map { _ in try two.step(reward: Self.zeros) }
        let h3 = try (0..<4).map { _ in try other.step(reward: Self.zeros) }
        #expect(h1 == h2)
        #expect(one.policy.parameters.map(\.value.scalars) == two.policy.parameters.map(\.value.scalars))
        #expect(h1 != h3)
    }

    /// The surrogate with the draws' advantages fixed (drawn = log π at θ₀ as a constant) is a
    /// function of θ through log π_θ(y) only: its tape gradient against central differences.
    @Test(arguments: [(PolicyGradientAlgorithm.reinforce, KLEstimator.k1), (.rloo, .k3), (.ppo, .k2)])
    func surrogateGradientMatchesFiniteDifferences(a: PolicyGradientAlgorithm, estimator: KLEstimator) throws {
        let p = try Self.policy(v: 2, hidden: 3, seed: 9)
        let reference = p.frozen()
        var rng = RandomStream(seed: 1, stream: "test/token-fd")
        for q in p.parameters { q.value = try q.value + rng.normalTensor(q.shape, std: 0.3, dtype: .f64) }
        var c = PolicyGradientConfig()
        c.algorithm = a
        c.beta = 0.3
        c.samples = 3
        c.klEstimator = estimator
        let t = try TokenPolicyGradientTrainer(policy: p, reference: reference, prompts: [0, 2], config: c, maxLength: 5,
                                               optimizer: try SGD(p.parameters, learningRate: 0.1), seed: 5)
        let sequences = try t.draws(step: 0), who = t.drawPrompts
        let batch = try TokenBatch(prompts: who, sequences: sequences, vocabulary: 2)
        let shape = [2, 3]
        let rewards = try Tensor(Self.zeros(who, sequences).enumerated().map { $0.element + 0.1 * Double($0.offset) }, shape: Shape(shape), dtype: .f64)
        let lr = try reference.evaluate { tp throws(TensorError) in try reference.sequenceLogProbs(batch, tape: tp) }
        let drawn = try p.evaluate { tp throws(TensorError) in try p.sequenceLogProbs(batch, tape: tp) }
        func loss(_ tape: Tape) throws -> Var {
            let lp = try p.sequenceLogProbs(batch, tape: tape).reshaped(shape)
            let d = try tape.constant(drawn).reshaped(shape)
            return try SampledPolicyGradient.objective(sampled: lp, reference: try tape.constant(lr).reshaped(shape),
                                                       rewards: tape.constant(rewards), drawn: d, old: a == .ppo ? d : nil, config: c).loss
        }
        let tape = Tape()
        try tape.backward(try loss(tape))
        let h = 1e-6
        for q in p.parameters {
            let analytic = try #require(q.grad).scalars
            for i in stride(from: 0, to: q.value.count, by: Swift.max(1, q.value.count / 4)) {
                let base = q.value
                var up = base.scalars, down = base.scalars
                up[i] += h
                down[i] -= h
                q.value = try Tensor(up, shape: base.shape, dtype: .f64)
                let lu = try loss(Tape()).value().scalars[0]
                q.value = try Tensor(down, shape: base.shape, dtype: .f64)
                let ld = try loss(Tape()).value().scalars[0]
                q.value = base
                let numeric = (lu - ld) / (2 * h)
                #expect(abs(numeric - analytic[i]) <= 1e-6 * Swift.max(abs(analytic[i]), 1e-2), "\(a) \(q.name)[\(i)]: \(numeric) vs \(analytic[i])")
            }
        }
    }

    @Test func badRewardsThrow() throws {
        let t = try Self.trainer(.reinforce)
        let before = t.policy.parameters.map(\.value.scalars)
        #expect(throws: TensorError.self) { _ = try t.step { _, s in [Double](repeating: 1, count: s.count - 1) } }
        #expect(throws: TensorError.self) { _ = try t.step { _, s in [Double](repeating: .nan, count: s.count) } }
        #expect(t.policy.parameters.map(\.value.scalars) == before)
        var c = PolicyGradientConfig()
        c.algorithm = .grpo
        c.samples = 1
        #expect(throws: TensorError.self) {
            _ = try TokenPolicyGradientTrainer(policy: t.policy, reference: t.reference, prompts: [0], config: c, maxLength: 4,
                                               optimizer: t.optimizer, seed: 1)
        }
    }
}
