import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// The fused exact step of a log-linear policy (`FusedPolicyGradient`) against the tape's
/// `ExactPolicyGradient` on random problems: same measures, loss and gradient to 1e-12 in f64,
/// and its gradient against central finite differences of its own loss.
@Suite("fused exact policy gradient") struct FusedPolicyGradientTests {
    struct Problem {
        let policy: CandidatePolicy
        let reference: CandidatePolicy
        let prompts: [Int]
        let rewards: Tensor
        let gold: Tensor
    }

    /// Random ψ [P, K, D], θ and a non-uniform reference, random rewards and gold over `prompts`.
    static func problem(p: Int = 9, k: Int, d: Int, prompts: [Int]? = nil, dtype: DType = .f64, seed: UInt64) throws -> Problem {
        var rng = RandomStream(seed: seed, stream: "test/fused")
        let psi = rng.normalTensor([p, k, d], dtype: dtype)
        let source = try CandidateFeatures(psi: psi, origin: "fused-test-\(seed)")
        let policy = try CandidatePolicy(.loglinear, source: source)
        let referenceTheta = rng.normalTensor([d, 1], std: 0.7, dtype: dtype)
        policy.parameters[0].value = referenceTheta
        let reference = policy.frozen()
        policy.parameters[0].value = rng.normalTensor([d, 1], std: 0.5, dtype: dtype)
        let chosen = prompts ?? Array(0..<p)
        return Problem(policy: policy, reference: reference, prompts: chosen,
                       rewards: rng.normalTensor([chosen.count, k], dtype: dtype), gold: rng.normalTensor([chosen.count, k], dtype: dtype))
    }

    static func trainer(_ problem: Problem, _ config: PolicyGradientConfig, fused: Bool) throws -> PolicyGradientTrainer {
        var c = config
        c.fused = fused
        // Each trainer steps its own copy of θ (SGD with learning rate 1: θ ← θ − ∇).
        let policy = try CandidatePolicy(.loglinear, source: problem.policy.source)
        policy.parameters[0].value = problem.policy.parameters[0].value.copy()
        return try PolicyGradientTrainer(policy: policy, reference: problem.reference, prompts: problem.prompts,
                                         rewards: problem.rewards, gold: problem.gold, config: c,
                                         optimizer: try SGD(policy.parameters, learningRate: 1), seed: 1)
    }

    static func close(_ a: Double, _ b: Double, _ tolerance: Double) -> Bool {
        abs(a - b) <= tolerance * Swift.max(abs(a), abs(b), 1e-3)
    }

    static let cases: [(PolicyGradientAlgorithm, Int, Int, [Int]?)] = [
        (.reinforce, 13, 6, nil), (.rloo, 64, 3, nil), (.grpo, 13, 11, nil), (.reinforce, 40, 6, [5, 0, 3, 8]),
        (.grpo, 17, 6, [2, 7]), (.reinforce, 1, 6, nil),
    ]

    @Test(arguments: 0..<cases.count) func fusedStepEqualsTheTapeStep(index: Int) throws {
        let (algorithm, k, d, prompts) = Self.cases[index]
        let problem = try Self.problem(k: k, d: d, prompts: prompts, seed: UInt64(10 + index))
        var config = PolicyGradientConfig()
        config.algorithm = algorithm
        config.beta = 0.3
        config.entropy = 0.07
        let fused = try Self.trainer(problem, config, fused: true), tape = try Self.trainer(problem, config, fused: false)
        #expect(fused.isFused && !tape.isFused)
        for step in 0..<3 {
            // The last step mixes in another reward matrix (as constrained RLHF does).
            let override = step == 2 ? try problem.rewards * 0.5 + problem.gold : nil
            let a = try fused.step(rewards: override), b = try tape.step(rewards: override)
            #expect(Set(a.keys) == Set(b.keys), "\(a.keys) vs \(b.keys)")
            for (key, value) in b {
                #expect(a[key].map { Self.close($0, value, 1e-12) } == true, "\(algorithm) step \(step) \(key): \(a[key] ?? .nan) vs \(value)")
            }
            let ta = fused.policy.parameters[0].value.scalars, tb = tape.policy.parameters[0].value.scalars
            let scale = zip(ta, tb).map { abs($0 - $1) }.max() ?? 0
            #expect(scale <= 1e-12 * Swift.max(ta.map(abs).max() ?? 1, 1), "θ after step \(step): \(ta) vs \(tb)")
        }
    }

    /// Central differences of the kernel's own loss −mean J (reinforce: A = r does not depend on θ).
    @Test func gradientMatchesFiniteDifferences() throws {
        let problem = try Self.problem(k: 23, d: 5, seed: 3)
        var config = PolicyGradientConfig()
        config.beta = 0.2
        config.entropy = 0.1
        let reference = try problem.reference.evaluate { t throws(TensorError) in try problem.reference.logProbs(prompts: problem.prompts, tape: t) }
        guard let fused = try FusedPolicyGradient(policy: problem.policy, prompts: problem.prompts, reference: reference,
                                                  gold: problem.gold, config: config) else {
            Issue.record("the fused step should apply to an exact reinforce step of a log-linear policy")
            return
        }
        let theta = problem.policy.parameters[0].value.scalars
        func loss(_ t: [Double]) throws -> Double {
            try fused.step(theta: try Tensor(t, shape: [t.count, 1], dtype: .f64), rewards: problem.rewards).loss
        }
        _ = try loss(theta)
        let analytic = fused.gradient
        let h = 1e-5
        for j in theta.indices {
            var up = theta, down = theta
            up[j] += h
            down[j] -= h
            let numeric = (try loss(up) - loss(down)) / (2 * h)
            #expect(abs(numeric - analytic[j]) <= 1e-7 * Swift.max(abs(analytic[j]), 1), "∂/∂θ\(j): \(numeric) vs \(analytic[j])")
        }
    }

    @Test(arguments: [PolicyGradientAlgorithm.reinforce, .grpo]) func float32AgreesWithTheTape(algorithm: PolicyGradientAlgorithm) throws {
        let problem = try Self.problem(k: 100, d: 6, dtype: .f32, seed: 21)
        var config = PolicyGradientConfig()
        config.algorithm = algorithm
        config.beta = 0.1
        let a = try Self.trainer(problem, config, fused: true).step(), b = try Self.trainer(problem, config, fused: false).step()
        for (key, value) in b {
            #expect(a[key].map { abs($0 - value) <= 2e-4 * Swift.max(abs(value), 1) } == true, "\(key): \(a[key] ?? .nan) vs \(value)")
        }
    }

    @Test func appliesOnlyWhereItIsExact() throws {
        let problem = try Self.problem(k: 5, d: 3, seed: 4)
        let reference = try problem.reference.evaluate { t throws(TensorError) in try problem.reference.logProbs(prompts: problem.prompts, tape: t) }
        var config = PolicyGradientConfig()
        for (algorithm, exact, applies) in [(PolicyGradientAlgorithm.ppo, true, false), (.reinforce, false, false), (.rloo, true, true)] {
            config.algorithm = algorithm
            config.exact = exact
            let fused = try FusedPolicyGradient(policy: problem.policy, prompts: problem.prompts, reference: reference, gold: nil, config: config)
            #expect((fused != nil) == applies, "\(algorithm) exact \(exact)")
        }
        let mlp = try CandidatePolicy(.mlp, source: problem.policy.source, hidden: 4)
        config.algorithm = .reinforce
        config.exact = true
        #expect(try FusedPolicyGradient(policy: mlp, prompts: problem.prompts, reference: reference, gold: nil, config: config) == nil)
    }
}
