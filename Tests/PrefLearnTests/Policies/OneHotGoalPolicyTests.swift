import Foundation
import Testing
import _PrefTestSupport
import PrefCore
@testable import PrefLearn

/// One-hot goal codes (reward-augmented relabelling, §6.13, with the goal as a token):
/// ψ_g = [ψ, e_g ⊗ ψ], so s = θ·ψ + θ_g·ψ with one θ_g per whole-number goal; and pairs oriented
/// by a judge's scores.
@Suite("one-hot goal policies") struct OneHotGoalPolicyTests {
    static let range = try! GoalRange(low: 0, high: 4, encoding: .onehot)

    @Test func codesAreOneHot() throws {
        #expect(Self.range.width == 5)
        #expect(try Self.range.code(3) == [0, 0, 0, 1, 0])
        #expect(try GoalRange(low: -1, high: 1, encoding: .onehot).code(-1) == [1, 0, 0])
        #expect(try GoalRange(low: 0, high: 4).code(3) == [0.75])
        #expect(throws: TensorError.self) { _ = try Self.range.code(2.5) }
        #expect(throws: TensorError.self) { _ = try Self.range.code(5) }
        #expect(throws: TensorError.self) { _ = try GoalRange(low: 0, high: 4.5, encoding: .onehot) }
        #expect(throws: TensorError.self) { _ = try GoalRange(low: 0, high: 64, encoding: .onehot) }
        #expect(Self.range != (try GoalRange(low: 0, high: 4)), "the encoding is part of the range")
    }

    /// s(x, k, g) = θ·ψ + θ_g·ψ exactly, row by row with mixed goals, for contiguous and gathered
    /// prompts alike.
    @Test func logLinearScoresFollowTheFormula() throws {
        let w = try CandidatePolicyTests.world()
        let src = try w.candidateFeatures()
        let p = try CandidatePolicy(.loglinear, source: src, goal: Self.range)
        #expect(p.parameters[1].shape == [src.dim, 5])
        CandidatePolicyTests.randomTheta(p, seed: 7)
        let theta = p.parameters[0].value.scalars, thetaGoal = p.parameters[1].value.scalars
        let k = src.candidates
        for (prompts, goals) in [([3, 0, 3, 9], [0.0, 4.0, 2.0, 1.0]), ([4, 5, 6], [3.0, 3.0, 0.0])] {
            let s = try p.evaluate { t throws(TensorError) in try p.scores(prompts: prompts, goals: goals, tape: t) }.scalars
            for (r, (x, g)) in zip(prompts, goals).enumerated() {
                for j in 0..<k {
                    let psi = w.psi(x * k + j)
                    var expected = zip(psi, theta).reduce(0) { $0 + $1.0 * $1.1 }
                    for (i, v) in psi.enumerated() { expected += v * thetaGoal[i * 5 + Int(g)] }
                    #expect(abs(s[r * k + j] - expected) <= 1e-12 * max(1, abs(expected)), "row \(r) candidate \(j)")
                }
            }
        }
    }

    /// MLP: W₁ψ + W_gψ + b₁ inside the tanh, W_g the g-th block of H columns.
    @Test func mlpScoresFollowTheFormula() throws {
        let w = try CandidatePolicyTests.world()
        let src = try w.candidateFeatures()
        let h = 3
        let p = try CandidatePolicy(.mlp, source: src, hidden: h, seed: 2, goal: Self.range)
        #expect(p.parameters[3].shape == [src.dim, 5 * h])
        CandidatePolicyTests.randomTheta(p, seed: 8)
        let w1 = p.parameters[0].value.scalars, b1 = p.parameters[1].value.scalars
        let w2 = p.parameters[2].value.scalars, wg = p.parameters[3].value.scalars
        let prompts = [2, 7], goals = [1.0, 4.0], k = src.candidates, d = src.dim
        let s = try p.evaluate { t throws(TensorError) in try p.scores(prompts: prompts, goals: goals, tape: t) }.scalars
        for (r, (x, g)) in zip(prompts, goals).enumerated() {
            for j in 0..<k {
                let psi = w.psi(x * k + j)
                var expected = 0.0
                for u in 0..<h {
                    var pre = b1[u]
                    for i in 0..<d { pre += psi[i] * (w1[i * h + u] + wg[i * 5 * h + Int(g) * h + u]) }
                    expected += w2[u] * tanh(pre)
                }
                #expect(abs(s[r * k + j] - expected) <= 1e-12 * max(1, abs(expected)))
            }
        }
    }

    /// With the goal weights at 0 the policy is the plain one at every goal.
    @Test(arguments: CandidatePolicy.Kind.allCases) func zeroGoalWeightsGiveThePlainPolicy(kind: CandidatePolicy.Kind) throws {
        let src = try CandidatePolicyTests.world().candidateFeatures()
        let plain = try CandidatePolicy(kind, source: src, hidden: 4, seed: 3)
        let goal = try CandidatePolicy(kind, source: src, hidden: 4, seed: 3, goal: Self.range)
        CandidatePolicyTests.randomTheta(plain, seed: 4)
        for (a, b) in zip(goal.parameters, plain.parameters) { a.value = b.value.copy() }
        let prompts = Array(0..<src.prompts)
        let expected = try GoalPolicyTests.logProbs(plain, prompts, nil)
        for g in [0.0, 2.0, 4.0] {
            #expect(try GoalPolicyTests.logProbs(goal, prompts, Array(repeating: g, count: prompts.count)) == expected, "g = \(g)")
        }
    }

    @Test(arguments: CandidatePolicy.Kind.allCases) func gradientsMatchFiniteDifferences(kind: CandidatePolicy.Kind) throws {
        let p = try CandidatePolicy(kind, source: try CandidatePolicyTests.world().candidateFeatures(), hidden: 3, seed: 4, goal: Self.range)
        CandidatePolicyTests.randomTheta(p, seed: 9)
        let ids = [[1, 3], [12, 10], [33, 34], [41, 44]], goals = [4.0, 0.0, 2.0, 4.0]
        let weights = try Tensor([0.3, -1.2, 0.7, 0.5, 2.0, -0.4, -0.9, 1.1], shape: [4, 2], dtype: .f64)
        func objective() throws -> Double {
            try p.evaluate { t throws(TensorError) in try (try p.logProbs(ids: ids, goals: goals, tape: t) * t.constant(weights)).sum() }.item()
        }
        let tape = Tape()
        try tape.backward(try (try p.logProbs(ids: ids, goals: goals, tape: tape) * tape.constant(weights)).sum())
        let goalGrad = try #require(p.parameters.last?.grad).scalars
        let width = kind == .mlp ? 5 * 3 : 5, block = kind == .mlp ? 3 : 1
        // Goals 1 and 3 appear in no row: their blocks take no gradient; 0, 2 and 4 do.
        for g in 0..<5 {
            let column = (0..<goalGrad.count).filter { ($0 % width) / block == g }.map { goalGrad[$0] }
            #expect(column.contains { $0 != 0 } == [0, 2, 4].contains(g), "goal \(g)")
        }
        for q in p.parameters {
            let grad = try #require(q.grad).scalars
            for (i, numeric) in try numericGradient(of: q, objective).enumerated() {
                #expect(abs(numeric - grad[i]) < 1e-7, "\(q.name)[\(i)]")
            }
        }
    }

    /// orientedByScore: chosen is the higher-scored response, ties go either way by a coin, and
    /// the result is deterministic for a seed.
    @Test func pairsOrientedByScore() throws {
        let w = try CandidatePolicyTests.world()
        func draw() throws -> Dataset {
            var rng = RandomStream(seed: 5, stream: "test")
            let d = try w.dataset(try w.pairs(400, rng: &rng), scores: .judgeGrade, rng: &rng)
            return try w.orientedByScore(d, rng: &rng)
        }
        let d = try draw()
        guard case .pairs(let rows) = d.rows else { throw TensorError(op: "test", "not pairs") }
        let c = try #require(d.features["chosen_id"]).scalars, j = try #require(d.features["rejected_id"]).scalars
        var ties = 0, tiesKept = 0
        for (r, row) in rows.enumerated() {
            let (sc, sr) = (try #require(row.scoreChosen), try #require(row.scoreRejected))
            #expect(sc >= sr && row.annotator == "judge")
            #expect(sc == sc.rounded() && (0...4).contains(sc))
            if sc == sr { ties += 1; if c[r] < j[r] { tiesKept += 1 } }
        }
        #expect(ties > 40, "a noisy judge on five grades ties often: \(ties)")
        #expect(tiesKept > ties / 4 && tiesKept < 3 * ties / 4, "ties go either way: \(tiesKept) of \(ties)")
        let again = try draw()
        #expect(try #require(again.features["chosen_id"]).scalars == c)
        // The judge is noisy: some chosen responses have lower gold than their rejected ones.
        #expect(zip(c, j).contains { w.gold[Int($0)] < w.gold[Int($1)] })
        #expect(throws: DataError.self) {
            var rng = RandomStream(seed: 1, stream: "test")
            _ = try w.orientedByScore(try w.dataset(try w.pairs(5, rng: &rng), rng: &rng), rng: &rng)
        }
    }
}
