import Foundation
import Testing
import _PrefTestSupport
import PrefCore
@testable import PrefLearn

/// Candidate policies (spec §9.1): exact normalisation, agreement with the toy world's own
/// log-probs, KL, gradients by finite differences (f64) and determinism.
@Suite("candidate policies") struct CandidatePolicyTests {
    static func world() throws -> ToyWorld {
        var c = ToyWorld.Config()
        c.seed = 3
        c.prompts = 12
        c.testPrompts = 4
        c.candidates = 5
        return try ToyWorld(c)
    }

    static func randomTheta(_ p: CandidatePolicy, seed: UInt64 = 1) {
        var rng = RandomStream(seed: seed, stream: "test")
        for q in p.parameters { q.value = rng.normalTensor(q.shape, std: 0.3, dtype: .f64) }
    }

    static func logProbs(_ p: CandidatePolicy, _ prompts: [Int]) throws -> [Double] {
        try p.evaluate { t throws(TensorError) in try p.logProbs(prompts: prompts, tape: t) }.scalars
    }

    @Test(arguments: CandidatePolicy.Kind.allCases) func logProbsNormalise(kind: CandidatePolicy.Kind) throws {
        let src = try Self.world().candidateFeatures()
        let p = try CandidatePolicy(kind, source: src, hidden: 7, seed: 2)
        Self.randomTheta(p)
        let lp = try Self.logProbs(p, Array(0..<src.prompts))
        for r in 0..<src.prompts {
            let row = lp[(r * 5)..<((r + 1) * 5)]
            let m = row.max()!
            #expect(abs(m + log(row.reduce(0) { $0 + exp($1 - m) })) < 1e-13)
        }
    }

    @Test func logLinearEqualsTheWorldsLogProbs() throws {
        let w = try Self.world()
        let p = try CandidatePolicy(.loglinear, source: try w.candidateFeatures())
        Self.randomTheta(p)
        let theta = p.parameters[0].value.scalars
        for split in ToyWorld.Split.allCases {
            let ours = try Self.logProbs(p, p.prompts(split))
            let theirs = try w.logProbabilities(.logLinear(theta), split: split)
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) <= 1e-13 * max(1, abs(b))) }
        }
        // A fresh log-linear policy is uniform.
        let fresh = try CandidatePolicy(.loglinear, source: try w.candidateFeatures())
        #expect(try Self.logProbs(fresh, [0, 1]).allSatisfy { abs($0 + log(5)) < 1e-15 })
    }

    @Test func idsPickTheRightCandidates() throws {
        let p = try CandidatePolicy(.mlp, source: try Self.world().candidateFeatures(), hidden: 4, seed: 1)
        let all = try Self.logProbs(p, Array(0..<16))
        let picked = try p.evaluate { t throws(TensorError) in try p.logProbs(ids: [[7, 9], [0, 3], [79, 75]], tape: t) }.scalars
        #expect(picked == [all[7], all[9], all[0], all[3], all[79], all[75]])
        #expect(throws: TensorError.self) { _ = try p.evaluate { t throws(TensorError) in try p.logProbs(ids: [[4, 5]], tape: t) } }
        #expect(throws: TensorError.self) { _ = try p.evaluate { t throws(TensorError) in try p.logProbs(ids: [[80, 81]], tape: t) } }
    }

    @Test func klToItselfIsZeroAndToUniformHasItsClosedForm() throws {
        let src = try Self.world().candidateFeatures()
        let p = try CandidatePolicy(.loglinear, source: src)
        Self.randomTheta(p)
        let prompts = Array(0..<src.prompts)
        let selfKL = try p.evaluate { t throws(TensorError) in try p.kl(to: p.frozen(), prompts: prompts, tape: t) }.scalars
        #expect(selfKL.allSatisfy { abs($0) < 1e-14 })
        // KL(π‖uniform) = Σ π log π + log K.
        let uniform = try CandidatePolicy(.loglinear, source: src).frozen()
        let kl = try p.evaluate { t throws(TensorError) in try p.kl(to: uniform, prompts: prompts, tape: t) }.scalars
        let lp = try Self.logProbs(p, prompts)
        for r in prompts {
            let row = lp[(r * 5)..<((r + 1) * 5)]
            let expected = row.reduce(0) { $0 + exp($1) * $1 } + log(5)
            #expect(abs(kl[r] - expected) < 1e-13)
            #expect(kl[r] >= 0)
        }
        // Expected gold is the π-weighted mean of the gold row.
        let eg = try p.evaluate { t throws(TensorError) in try p.expectedGold(prompts: [2], tape: t) }.scalars[0]
        let gold = src.gold!.scalars
        #expect(abs(eg - (0..<5).reduce(0) { $0 + exp(lp[10 + $1]) * gold[10 + $1] }) < 1e-13)
    }

    @Test(arguments: CandidatePolicy.Kind.allCases) func gradientsMatchFiniteDifferences(kind: CandidatePolicy.Kind) throws {
        let p = try CandidatePolicy(kind, source: try Self.world().candidateFeatures(), hidden: 3, seed: 4)
        Self.randomTheta(p, seed: 9)
        let ids = [[1, 3], [12, 10], [33, 34]]
        let weights = try Tensor([0.3, -1.2, 0.7, 0.5, 2.0, -0.4], shape: [3, 2], dtype: .f64)
        func objective() throws -> Double {
            try p.evaluate { t throws(TensorError) in
                try (try p.logProbs(ids: ids, tape: t) * t.constant(weights)).sum()
            }.item()
        }
        let tape = Tape()
        let f = try (try p.logProbs(ids: ids, tape: tape) * tape.constant(weights)).sum()
        try tape.backward(f)
        for q in p.parameters {
            let grad = try #require(q.grad).scalars
            for (i, numeric) in try numericGradient(of: q, objective).enumerated() {
                #expect(abs(numeric - grad[i]) < 1e-7, "\(q.name)[\(i)]")
            }
        }
        // The frozen copy takes no gradient: its log-probs are constants.
        let ref = p.frozen()
        let t2 = Tape()
        let constant = try ref.logProbs(ids: ids, tape: t2).sum()
        #expect(throws: TensorError.self) { try t2.backward(constant) }
        #expect(ref.parameters.allSatisfy { $0.grad == nil })
    }

    @Test func deterministic() throws {
        let src = try Self.world().candidateFeatures()
        let a = try CandidatePolicy(.mlp, source: src, hidden: 5, seed: 11)
        let b = try CandidatePolicy(.mlp, source: src, hidden: 5, seed: 11)
        let c = try CandidatePolicy(.mlp, source: src, hidden: 5, seed: 12)
        #expect(try Self.logProbs(a, [0, 5]) == Self.logProbs(b, [0, 5]))
        #expect(try Self.logProbs(a, [0, 5]) != Self.logProbs(c, [0, 5]))
        let s1 = try a.sample(50, prompts: [0, 3], seed: 5), s2 = try b.sample(50, prompts: [0, 3], seed: 5)
        #expect(s1 == s2)
        #expect(s1[0].allSatisfy { (0..<5).contains($0) } && s1[1].allSatisfy { (15..<20).contains($0) })
        #expect(try a.sample(50, prompts: [0, 3], seed: 6) != s1)
    }

    @Test func f32AgreesAndBoundLeavesTakeTheGradient() throws {
        let w = try Self.world()
        let p64 = try CandidatePolicy(.mlp, source: try w.candidateFeatures(), hidden: 4, seed: 3)
        let p32 = try CandidatePolicy(.mlp, source: try w.candidateFeatures(dtype: .f32), hidden: 4, seed: 3)
        for (a, b) in zip(try Self.logProbs(p64, [0, 1]), try Self.logProbs(p32, [0, 1])) { #expect(abs(a - b) < 1e-5) }
        // Bound leaves (pref's grad variables) receive the gradient; the parameters do not.
        let tape = Tape()
        let leaves = p64.parameters.map { tape.variable($0.value) }
        try tape.backward(try p64.expectedGold(prompts: [0, 2], tape: tape, leaves: leaves).sum())
        #expect(try leaves.allSatisfy { try $0.gradient() != nil })
        #expect(p64.parameters.allSatisfy { $0.grad == nil })
        #expect(throws: TensorError.self) { _ = try p64.logProbs(prompts: [0], tape: tape, leaves: [leaves[0]]) }
        #expect(throws: TensorError.self) { _ = try p64.logProbs(prompts: [16], tape: tape) }
    }
}
