import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// GPO / SPPO self-play (spec §4.3): the exact update against a hand computation, skew symmetry
/// (E_π ŝ = 0), the 3-cycle's cycling last iterate and converging time-average, the KL-anchored
/// fixed point, reward RLHF's collapse with a Bradley–Terry score, and the argument checks.
@Suite("self-play") struct SelfPlayTests {
    /// The rock–paper–scissors cycle a ≻ b ≻ c ≻ a with unit scores.
    static let cycle: [Double] = [0, 1, -1, -1, 0, 1, 1, -1, 0]

    static func options(eta: Double = 0.5, steps: Int, kl: Double = 0, samples: Int? = nil) -> SelfPlay.Options {
        var o = SelfPlay.Options()
        o.eta = eta
        o.steps = steps
        o.kl = kl
        o.samples = samples
        return o
    }

    @Test func oneStepMatchesTheMultiplicativeUpdate() throws {
        let pi0 = [0.6, 0.3, 0.1]
        let run = try SelfPlay.run(initial: pi0, preference: Self.cycle, options: Self.options(eta: 0.5, steps: 1))
        // s(y ≻ π0) = Sπ0 = (0.3 − 0.1, −0.6 + 0.1, 0.6 − 0.3) = (0.2, −0.5, 0.3).
        let s = [0.2, -0.5, 0.3]
        let unnormalised = zip(pi0, s).map { $0 * exp(0.5 * $1) }
        let z = unnormalised.reduce(0, +)
        for i in 0..<3 { #expect(abs(run.policies[1][i] - unnormalised[i] / z) < 1e-14) }
        for i in 0..<3 { #expect(abs(run.averages[1][i] - (pi0[i] + unnormalised[i] / z) / 2) < 1e-14) }
        #expect(abs(run.gaps[0] - 0.3) < 1e-14)
    }

    /// πᵀSπ = 0 for any π when S is skew-symmetric, so the exact scores are centred.
    @Test func skewSymmetryCentresTheScores() throws {
        var rng = RandomStream(seed: 3, stream: "test/selfplay")
        let k = 5
        var s = [Double](repeating: 0, count: k * k)
        for i in 0..<k { for j in (i + 1)..<k { let v = rng.normal(); s[i * k + j] = v; s[j * k + i] = -v } }
        let pi0 = (0..<k).map { _ in rng.uniform() + 0.1 }
        let run = try SelfPlay.run(initial: pi0, preference: s, options: Self.options(steps: 30))
        #expect(run.meanScores.allSatisfy { abs($0) < 1e-13 }, "\(run.meanScores)")
        #expect(run.gaps.allSatisfy { $0 >= -1e-13 })
        // Sampled scores are centred only in expectation: the mean over many seeds is near 0.
        var total = 0.0
        for seed in 0..<400 {
            var o = Self.options(steps: 1, samples: 4)
            o.seed = UInt64(seed)
            total += try SelfPlay.run(initial: pi0, preference: s, options: o).meanScores[0]
        }
        #expect(abs(total / 400) < 0.03, "\(total / 400)")
    }

    /// On the 3-cycle the last iterate keeps cycling away from uniform while the time-average
    /// approaches the von Neumann winner (1/3, 1/3, 1/3).
    @Test func lastIterateCyclesAverageConverges() throws {
        let run = try SelfPlay.run(initial: [0.6, 0.3, 0.1], preference: Self.cycle, options: Self.options(eta: 0.5, steps: 2000))
        let last = try #require(run.policies.last), average = try #require(run.averages.last)
        #expect(average.allSatisfy { abs($0 - 1.0 / 3) < 0.02 }, "\(average)")
        #expect(run.averageGaps.last ?? 1 < 0.02)
        #expect(last.contains { abs($0 - 1.0 / 3) > 0.2 }, "\(last)")
        // The leader rotates: each of the three responses is the most likely one at some step.
        let leaders = Set(run.policies.suffix(500).map { p in (0..<3).max { p[$0] < p[$1] } ?? 0 })
        #expect(leaders == [0, 1, 2])
    }

    /// With a KL anchor the last iterate converges to the regularised equilibrium
    /// π ∝ π_ref exp(Sπ/β); for the symmetric cycle and a uniform reference that is uniform.
    @Test func klAnchoredFixedPoint() throws {
        let reference = [0.5, 0.3, 0.2]
        let beta = 0.5
        let run = try SelfPlay.run(initial: [1.0 / 3, 1.0 / 3, 1.0 / 3], preference: Self.cycle, reference: reference,
                                   options: Self.options(eta: 0.5, steps: 3000, kl: beta))
        let pi = try #require(run.policies.last)
        let s = (0..<3).map { i in (0..<3).reduce(0) { $0 + Self.cycle[i * 3 + $1] * pi[$1] } }
        let target = (0..<3).map { reference[$0] * exp(s[$0] / beta) }
        let z = target.reduce(0, +)
        for i in 0..<3 { #expect(abs(pi[i] - target[i] / z) < 1e-10, "\(pi) vs \(target.map { $0 / z })") }
        let uniform = try SelfPlay.run(initial: [0.6, 0.3, 0.1], preference: Self.cycle, reference: [1.0 / 3, 1.0 / 3, 1.0 / 3],
                                       options: Self.options(eta: 0.5, steps: 3000, kl: beta))
        #expect(uniform.policies.last?.allSatisfy { abs($0 - 1.0 / 3) < 1e-9 } == true)
    }

    /// A Bradley–Terry score s = r_i − r_j turns the update into reward RLHF's: the policy
    /// collapses onto the highest reward, π_t ∝ π_0 exp(ηt·r).
    @Test func bradleyTerryScoreCollapses() throws {
        let r = [0.1, 0.0, -0.05]
        let s = (0..<3).flatMap { i in (0..<3).map { j in r[i] - r[j] } }
        let run = try SelfPlay.run(initial: [0.2, 0.5, 0.3], preference: s, options: Self.options(eta: 0.5, steps: 400))
        let closed = [0.2, 0.5, 0.3].enumerated().map { $0.element * exp(0.5 * 400 * r[$0.offset]) }
        let z = closed.reduce(0, +)
        for i in 0..<3 { #expect(abs((run.policies.last?[i] ?? 0) - closed[i] / z) < 1e-12) }
        #expect((run.policies.last?[0] ?? 0) > 0.99)
    }

    @Test func refusesBadArguments() {
        #expect(throws: TensorError.self) { try SelfPlay.run(initial: [0.5, 0.5], preference: [0, 1, 1, 0], options: Self.options(steps: 1)) }
        #expect(throws: TensorError.self) { try SelfPlay.run(initial: [0.5, 0.5], preference: [0, 1, -1], options: Self.options(steps: 1)) }
        #expect(throws: TensorError.self) { try SelfPlay.run(initial: [0.5, -0.5], preference: [0, 1, -1, 0], options: Self.options(steps: 1)) }
        #expect(throws: TensorError.self) { try SelfPlay.run(initial: [1], preference: [0], options: Self.options(steps: 1)) }
        #expect(throws: TensorError.self) { try SelfPlay.run(initial: [0.5, 0.5], preference: [0, 1, -1, 0], options: Self.options(eta: 0, steps: 1)) }
        #expect(throws: TensorError.self) { try SelfPlay.run(initial: [0.5, 0.5], preference: [0, 1, -1, 0], options: Self.options(eta: 1, steps: 1, kl: 2)) }
        #expect(throws: TensorError.self) { try SelfPlay.run(initial: [0.5, 0.5], preference: [0, .nan, -1, 0], options: Self.options(steps: 1)) }
        #expect(throws: TensorError.self) {
            try SelfPlay.run(initial: [0.5, 0.5], preference: [0, 1, -1, 0], reference: [1, 0], options: Self.options(steps: 1, kl: 0.1))
        }
    }
}
