import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The exact RLHF objectives (ExactPolicyGradient): measures against closed forms, gradients
/// against the closed-form policy gradient and finite differences, PPO's clip fraction.
@Suite("exact policy gradient") struct ExactPolicyGradientTests {
    static let n = 3, k = 5

    /// Fixed logits, reference logits and rewards, [n, K] each.
    static func inputs(seed: UInt64 = 4) throws -> (s: Tensor, ref: Tensor, r: Tensor) {
        var rng = RandomStream(seed: seed, stream: "test/pg")
        return (rng.normalTensor([n, k], dtype: .f64), rng.normalTensor([n, k], std: 0.5, dtype: .f64),
                rng.normalTensor([n, k], dtype: .f64))
    }

    static func config(_ a: PolicyGradientAlgorithm, beta: Double = 0.3, entropy: Double = 0) -> PolicyGradientConfig {
        var c = PolicyGradientConfig()
        c.algorithm = a
        c.beta = beta
        c.entropy = entropy
        return c
    }

    /// The loss of logits `s` on a tape, with `old` logits for PPO.
    static func loss(_ t: Tape, _ s: Var, ref: Tensor, r: Tensor, old: Tensor?, _ c: PolicyGradientConfig) throws -> PolicyObjective {
        let lp = try s.logSoftmax(axis: -1)
        let lr = t.constant(try ref.logSoftmax(axis: -1)), rv = t.constant(r)
        let m = try PolicyMeasures(logProbs: lp, reference: lr, rewards: rv)
        let o = try old.map { t.constant(try $0.logSoftmax(axis: -1)) }
        return try ExactPolicyGradient.objective(m, logProbs: lp, reference: lr, rewards: rv, old: o, config: c)
    }

    static func gradient(_ s: Tensor, ref: Tensor, r: Tensor, old: Tensor?, _ c: PolicyGradientConfig) throws -> [Double] {
        let t = Tape()
        let v = t.variable(s)
        try t.backward(try loss(t, v, ref: ref, r: r, old: old, c).loss)
        return try v.gradient()?.scalars ?? []
    }

    static func softmax(_ row: ArraySlice<Double>) -> [Double] {
        let m = row.max() ?? 0
        let e = row.map { exp($0 - m) }
        let z = e.reduce(0, +)
        return e.map { $0 / z }
    }

    /// ∂(−J)/∂s for J = mean_x [E_π r − β KL + c H] by hand: with g_k = r_k − β(lp_k − lr_k) − c·lp_k,
    /// ∂J/∂s_k = p_k (g_k − Σ_j p_j g_j) / n (the KL's and H's own "+1" terms cancel in the softmax).
    static func handGradient(_ s: Tensor, ref: Tensor, r: Tensor, beta: Double, entropy: Double, scale: [Double]? = nil) -> [Double] {
        let sv = s.scalars, rv = r.scalars, fv = ref.scalars
        var out = [Double]()
        for x in 0..<n {
            let range = (x * k)..<((x + 1) * k)
            let p = softmax(sv[range]), q = softmax(fv[range])
            let g = (0..<k).map { j in rv[x * k + j] - beta * (log(p[j]) - log(q[j])) - entropy * log(p[j]) }
            let mean = zip(p, g).reduce(0) { $0 + $1.0 * $1.1 }
            out += (0..<k).map { j in -p[j] * (g[j] - mean) / Double(n) * (scale?[x] ?? 1) }
        }
        return out
    }

    @Test func measuresMatchClosedForms() throws {
        let (s, ref, r) = try Self.inputs()
        let t = Tape()
        let m = try PolicyMeasures(logProbs: t.constant(try s.logSoftmax(axis: -1)), reference: t.constant(try ref.logSoftmax(axis: -1)),
                                   rewards: t.constant(r))
        let (rw, kl, h) = (try m.reward.value().scalars, try m.kl.value().scalars, try m.entropy.value().scalars)
        for x in 0..<Self.n {
            let range = (x * Self.k)..<((x + 1) * Self.k)
            let p = Self.softmax(s.scalars[range]), q = Self.softmax(ref.scalars[range])
            let row = Array(r.scalars[range])
            #expect(isClose(rw[x], zip(p, row).reduce(0) { $0 + $1.0 * $1.1 }, rel: 1e-12))
            #expect(isClose(kl[x], zip(p, q).reduce(0) { $0 + $1.0 * log($1.0 / $1.1) }, rel: 1e-10))
            #expect(isClose(h[x], -p.reduce(0) { $0 + $1 * log($1) }, rel: 1e-12))
        }
    }

    @Test(arguments: [PolicyGradientAlgorithm.reinforce, .rloo]) func reinforceIsTheExactGradientOfJ(a: PolicyGradientAlgorithm) throws {
        let (s, ref, r) = try Self.inputs()
        let ours = try Self.gradient(s, ref: ref, r: r, old: nil, Self.config(a, beta: 0.3, entropy: 0.2))
        let hand = Self.handGradient(s, ref: ref, r: r, beta: 0.3, entropy: 0.2)
        for (x, y) in zip(ours, hand) { #expect(isClose(x, y, rel: 1e-10, abs: 1e-14)) }
        let fd = try checkGradient([s]) { t, v in try Self.loss(t, v[0], ref: ref, r: r, old: nil, Self.config(a, beta: 0.3, entropy: 0.2)).loss }
        #expect(fd.maxError < 1e-6, "\(fd)")
    }

    @Test func grpoScalesTheRewardGradientByTheStd() throws {
        let (s, ref, r) = try Self.inputs()
        let ours = try Self.gradient(s, ref: ref, r: r, old: nil, Self.config(.grpo, beta: 0))
        let scale = (0..<Self.n).map { x -> Double in
            let range = (x * Self.k)..<((x + 1) * Self.k)
            let p = Self.softmax(s.scalars[range]), row = Array(r.scalars[range])
            let mean = zip(p, row).reduce(0) { $0 + $1.0 * $1.1 }
            return 1 / (zip(p, row).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) }.squareRoot() + 1e-4)
        }
        let hand = Self.handGradient(s, ref: ref, r: r, beta: 0, entropy: 0, scale: scale)
        for (x, y) in zip(ours, hand) { #expect(isClose(x, y, rel: 1e-10, abs: 1e-14)) }
    }

    @Test func ppoAtItsOldPolicyHasTheGradientOfJ() throws {
        let (s, ref, r) = try Self.inputs()
        let ours = try Self.gradient(s, ref: ref, r: r, old: s, Self.config(.ppo, beta: 0.3))
        let hand = Self.handGradient(s, ref: ref, r: r, beta: 0.3, entropy: 0)
        for (x, y) in zip(ours, hand) { #expect(isClose(x, y, rel: 1e-10, abs: 1e-14)) }
    }

    @Test func ppoSurrogateAndClipFraction() throws {
        let (s, ref, r) = try Self.inputs()
        var rng = RandomStream(seed: 9, stream: "test/old")
        // Away from π_old: finite differences of the clipped surrogate (A depends on π_old only).
        let near = try s + rng.normalTensor([Self.n, Self.k], std: 0.05, dtype: .f64)
        let c = Self.config(.ppo, beta: 0.3)
        let fd = try checkGradient([near]) { t, v in try Self.loss(t, v[0], ref: ref, r: r, old: s, c).loss }
        #expect(fd.maxError < 1e-6, "\(fd)")
        // Far from it, the clip fraction is the π_old-mass of |ρ − 1| > ε.
        let far = try s + rng.normalTensor([Self.n, Self.k], std: 0.5, dtype: .f64)
        let tape = Tape()
        let frac = try Self.loss(tape, tape.constant(far), ref: ref, r: r, old: s, c).metrics["clip_frac"] ?? .nan
        var expected = 0.0
        for x in 0..<Self.n {
            let range = (x * Self.k)..<((x + 1) * Self.k)
            let p = Self.softmax(far.scalars[range]), po = Self.softmax(s.scalars[range])
            expected += (0..<Self.k).reduce(0) { $0 + (abs(p[$1] / po[$1] - 1) > 0.2 ? po[$1] : 0) } / Double(Self.n)
        }
        #expect(expected > 0.1 && isClose(frac, expected, rel: 1e-12))
    }
}
