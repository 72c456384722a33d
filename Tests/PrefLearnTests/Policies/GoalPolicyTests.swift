import Foundation
import Testing
import _PrefTestSupport
import PrefCore
@testable import PrefLearn

/// Goal-conditioned candidate policies π(y | x, g) (reward-augmented relabelling, §6.13):
/// ψ_g = [ψ, φ(g)·ψ], φ(g) = (g − low)/(high − low).
@Suite("goal-conditioned candidate policies") struct GoalPolicyTests {
    static let range = try! GoalRange(low: 0, high: 4)

    static func logProbs(_ p: CandidatePolicy, _ prompts: [Int], _ goals: [Double]?) throws -> [Double] {
        try p.evaluate { t throws(TensorError) in try p.logProbs(prompts: prompts, goals: goals, tape: t) }.scalars
    }

    /// With the goal weights at 0 the goal policy is the plain policy at every goal (same θ, same
    /// MLP seed).
    @Test(arguments: CandidatePolicy.Kind.allCases) func zeroGoalWeightsGiveThePlainPolicy(kind: CandidatePolicy.Kind) throws {
        let src = try CandidatePolicyTests.world().candidateFeatures()
        let plain = try CandidatePolicy(kind, source: src, hidden: 5, seed: 3)
        let goal = try CandidatePolicy(kind, source: src, hidden: 5, seed: 3, goal: Self.range)
        #expect(goal.parameters.count == plain.parameters.count + 1)
        CandidatePolicyTests.randomTheta(plain, seed: 4)
        for (a, b) in zip(goal.parameters, plain.parameters) { a.value = b.value.copy() }
        let prompts = Array(0..<src.prompts)
        let expected = try Self.logProbs(plain, prompts, nil)
        for g in [0.0, 1.5, 4.0] {
            let got = try Self.logProbs(goal, prompts, Array(repeating: g, count: prompts.count))
            #expect(got == expected, "g = \(g)")
        }
    }

    /// Log-linear: s(x, k, g) = θ·ψ + φ(g)·θ_g·ψ exactly, row by row with mixed goals.
    @Test func logLinearScoresFollowTheFormula() throws {
        let w = try CandidatePolicyTests.world()
        let src = try w.candidateFeatures()
        let p = try CandidatePolicy(.loglinear, source: src, goal: Self.range)
        CandidatePolicyTests.randomTheta(p, seed: 7)
        let theta = p.parameters[0].value.scalars, thetaGoal = p.parameters[1].value.scalars
        let prompts = [3, 0, 3, 9], goals = [0.0, 4.0, 2.5, 1.0]
        let s = try p.evaluate { t throws(TensorError) in try p.scores(prompts: prompts, goals: goals, tape: t) }.scalars
        let k = src.candidates
        for (r, (x, g)) in zip(prompts, goals).enumerated() {
            for j in 0..<k {
                let psi = w.psi(x * k + j)
                let phi = g / 4
                let expected = zip(psi, theta).reduce(0) { $0 + $1.0 * $1.1 } + phi * zip(psi, thetaGoal).reduce(0) { $0 + $1.0 * $1.1 }
                #expect(abs(s[r * k + j] - expected) <= 1e-12 * max(1, abs(expected)))
            }
        }
    }

    @Test(arguments: CandidatePolicy.Kind.allCases) func gradientsMatchFiniteDifferences(kind: CandidatePolicy.Kind) throws {
        let p = try CandidatePolicy(kind, source: try CandidatePolicyTests.world().candidateFeatures(), hidden: 3, seed: 4, goal: Self.range)
        CandidatePolicyTests.randomTheta(p, seed: 9)
        let ids = [[1, 3], [12, 10], [33, 34]], goals = [4.0, 0.5, 2.0]
        let weights = try Tensor([0.3, -1.2, 0.7, 0.5, 2.0, -0.4], shape: [3, 2], dtype: .f64)
        func objective() throws -> Double {
            try p.evaluate { t throws(TensorError) in try (try p.logProbs(ids: ids, goals: goals, tape: t) * t.constant(weights)).sum() }.item()
        }
        let tape = Tape()
        try tape.backward(try (try p.logProbs(ids: ids, goals: goals, tape: tape) * tape.constant(weights)).sum())
        for q in p.parameters {
            let grad = try #require(q.grad).scalars
            #expect(grad.contains { $0 != 0 }, "\(q.name) takes a gradient")
            for (i, numeric) in try numericGradient(of: q, objective).enumerated() {
                #expect(abs(numeric - grad[i]) < 1e-7, "\(q.name)[\(i)]")
            }
        }
    }

    @Test func goalsAreRequiredAndChecked() throws {
        let p = try CandidatePolicy(.loglinear, source: try CandidatePolicyTests.world().candidateFeatures(), goal: Self.range)
        #expect(throws: TensorError.self) { _ = try Self.logProbs(p, [0, 1], nil) }
        #expect(throws: TensorError.self) { _ = try Self.logProbs(p, [0, 1], [4, 4.5]) }
        #expect(throws: TensorError.self) { _ = try Self.logProbs(p, [0, 1], [.nan, 1]) }
        #expect(throws: TensorError.self) { _ = try Self.logProbs(p, [0, 1], [1]) }
        #expect(throws: TensorError.self) { _ = try GoalRange(low: 4, high: 4) }
        // A plain policy ignores goals: π(y | x, g) = π(y | x).
        let plain = try CandidatePolicy(.loglinear, source: p.source)
        #expect(try Self.logProbs(plain, [0], [99]) == Self.logProbs(plain, [0], nil))
    }

    /// relabel keeps each row's candidate ids with its responses: the second half swaps them.
    @Test func relabelCarriesCandidateIds() throws {
        let w = try CandidatePolicyTests.world()
        var rng = RandomStream(seed: 1, stream: "test")
        let d = try w.dataset(try w.pairs(6, top: 3, rng: &rng), scores: .grade, rng: &rng)
        let r = try d.relabeled { _ throws(DataError) in "" }
        let c = try #require(d.features["chosen_id"]).scalars, j = try #require(d.features["rejected_id"]).scalars
        #expect(try #require(r.features["chosen_id"]).scalars == c + j)
        #expect(try #require(r.features["rejected_id"]).scalars == j + c)
        #expect(r.features["prompt"]?.shape == [12, 4])
        guard case .pairs(let rows) = d.rows else { throw TensorError(op: "test", "not pairs") }
        #expect(try #require(r.features["goal"]).scalars == rows.map { $0.scoreChosen ?? -1 } + rows.map { $0.scoreRejected ?? -1 })
        // top: 3 draws both candidates among the prompt's 3 best by gold.
        for (a, b) in zip(c, j) {
            let p = Int(a) / 5
            let best = (0..<5).sorted { w.gold[p * 5 + $0] > w.gold[p * 5 + $1] }.prefix(3).map { p * 5 + $0 }
            #expect(best.contains(Int(a)) && best.contains(Int(b)))
        }
    }
}
