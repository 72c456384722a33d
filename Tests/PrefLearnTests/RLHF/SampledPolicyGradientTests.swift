import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The sampled RLHF objectives (SampledPolicyGradient) and the KL estimators: closed forms on
/// fixed draws, and RLOO's unbiasedness against the exact gradient.
@Suite("sampled policy gradient") struct SampledPolicyGradientTests {
    typealias E = ExactPolicyGradientTests

    static func sampledGradient(_ s: Tensor, ref: Tensor, r: Tensor, positions: IndexTensor, _ c: PolicyGradientConfig) throws
        -> (gradient: [Double], objective: PolicyObjective) {
        let t = Tape()
        let v = t.variable(s)
        let lp = try v.logSoftmax(axis: -1)
        let lr = t.constant(try ref.logSoftmax(axis: -1)), rv = t.constant(r)
        let m = try PolicyMeasures(logProbs: lp, reference: lr, rewards: rv)
        let o = c.algorithm == .ppo ? t.constant(try s.logSoftmax(axis: -1)) : nil
        let obj = try SampledPolicyGradient.objective(m, logProbs: lp, reference: lr, rewards: rv, positions: positions, old: o, config: c)
        try t.backward(obj.loss)
        return (try v.gradient()?.scalars ?? [], obj)
    }

    @Test(arguments: KLEstimator.allCases) func estimatorsMatchTheirFormulas(e: KLEstimator) throws {
        let xs = [-1.5, -0.2, 0, 0.3, 2.0]
        let v = try Tape().constant(Tensor(xs, shape: [5], dtype: .f64))
        let got = try e.estimate(v).value().scalars
        for (x, g) in zip(xs, got) {
            let want = switch e { case .k1: -x; case .k2: 0.5 * x * x; case .k3: exp(x) - 1 - x }
            #expect(isClose(g, want, rel: 1e-12, abs: 1e-15))
        }
    }

    /// Σ over draws of the k-th position's indicator minus p: ∂lp_y/∂s = e_y − p.
    @Test(arguments: [PolicyGradientAlgorithm.reinforce, .rloo]) func scoreFunctionGradientOnFixedDraws(a: PolicyGradientAlgorithm) throws {
        let (s, ref, r) = try E.inputs()
        let g = 3, n = E.n, k = E.k
        let picks = [0, 2, 2, 4, 1, 3, 1, 1, 0]
        var c = E.config(a, beta: 0.2)
        c.exact = false
        c.klEstimator = .k3
        let (ours, obj) = try Self.sampledGradient(s, ref: ref, r: r, positions: try IndexTensor(picks, shape: [n, g]), c)
        var shaped = [Double](), ps = [[Double]]()
        for x in 0..<n {
            let range = (x * k)..<((x + 1) * k)
            let p = E.softmax(s.scalars[range]), q = E.softmax(ref.scalars[range])
            ps.append(p)
            for i in 0..<g {
                let y = picks[x * g + i], l = log(q[y]) - log(p[y])
                shaped.append(r.scalars[x * k + y] - 0.2 * (exp(l) - 1 - l))
            }
        }
        let batchMean = shaped.reduce(0, +) / Double(n * g)
        var hand = [Double](repeating: 0, count: n * k)
        for x in 0..<n {
            let group = shaped[(x * g)..<((x + 1) * g)]
            for i in 0..<g {
                let own = shaped[x * g + i]
                let adv = a == .rloo ? own - (group.reduce(0, +) - own) / Double(g - 1) : own - batchMean
                for j in 0..<k { hand[x * k + j] -= adv * ((picks[x * g + i] == j ? 1 : 0) - ps[x][j]) / Double(n * g) }
            }
        }
        for (u, w) in zip(ours, hand) { #expect(isClose(u, w, rel: 1e-10, abs: 1e-14)) }
        #expect(isClose(obj.metrics["sample_reward"] ?? .nan, picks.enumerated().reduce(0) { $0 + r.scalars[($1.offset / g) * k + $1.element] } / 9, rel: 1e-12))
    }

    @Test func grpoUsesBesselGroupStd() throws {
        let (s, ref, r) = try E.inputs()
        let g = 4
        let picks = [0, 1, 2, 3, 4, 4, 1, 0, 2, 2, 2, 3]
        var c = E.config(.grpo, beta: 0)
        c.exact = false
        let (ours, obj) = try Self.sampledGradient(s, ref: ref, r: r, positions: try IndexTensor(picks, shape: [E.n, g]), c)
        var hand = [Double](repeating: 0, count: E.n * E.k)
        for x in 0..<E.n {
            let p = E.softmax(s.scalars[(x * E.k)..<((x + 1) * E.k)])
            let rs = (0..<g).map { r.scalars[x * E.k + picks[x * g + $0]] }
            let mean = rs.reduce(0, +) / Double(g)
            let std = (rs.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(g - 1)).squareRoot()
            for i in 0..<g {
                let adv = (rs[i] - mean) / (std + 1e-4)
                for j in 0..<E.k { hand[x * E.k + j] -= adv * ((picks[x * g + i] == j ? 1 : 0) - p[j]) / Double(E.n * g) }
            }
        }
        for (u, w) in zip(ours, hand) { #expect(isClose(u, w, rel: 1e-10, abs: 1e-14)) }
        #expect(obj.metrics["clip_frac"] == 0)
    }

    @Test func rlooIsUnbiasedForTheExactGradient() throws {
        let (s, ref, r) = try E.inputs()
        let g = 40_000
        var rng = RandomStream(seed: 11, stream: "test/draws")
        let positions = try PolicyGradientTrainer.draw(probabilities: try s.softmax(axis: -1), samples: g, rng: &rng)
        var c = E.config(.rloo, beta: 0.3)
        c.exact = false
        c.klEstimator = .k1
        let sampled = try Self.sampledGradient(s, ref: ref, r: r, positions: positions, c).gradient
        let exact = E.handGradient(s, ref: ref, r: r, beta: 0.3, entropy: 0)
        let worst = zip(sampled, exact).map { abs($0 - $1) }.max() ?? .nan
        // Per-entry Monte-Carlo standard error is about 1/(n√(nG)) ≈ 1e-3 here.
        #expect(worst < 6e-3, "max |sampled − exact| = \(worst)")
    }

    @Test func groupAlgorithmsNeedTwoDraws() throws {
        let (s, ref, r) = try E.inputs()
        var c = E.config(.rloo)
        c.exact = false
        #expect(throws: TensorError.self) { _ = try Self.sampledGradient(s, ref: ref, r: r, positions: try IndexTensor([0, 1, 2], shape: [3, 1]), c) }
    }
}
