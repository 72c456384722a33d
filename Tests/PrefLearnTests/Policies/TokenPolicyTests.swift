import Foundation
import Testing
import _PrefTestSupport
import PrefCore
@testable import PrefLearn

/// The token policy (spec §9.1): the network against a scalar re-implementation, exact
/// normalisation over all sequences with EOS, finite-difference gradients of sequence and
/// per-token log-probs (f64), sampling frequencies, determinism and f32.
@Suite("token policies") struct TokenPolicyTests {
    static let x = [0.4, -1.1, 0.9, 0.3, -0.5, 1.7]

    static func policy(v: Int = 3, hidden: Int = 4, context: Int = 2, dtype: DType = .f64, seed: UInt64 = 5) throws -> TokenPolicy {
        let p = try TokenPolicy(vocabulary: v, promptFeatures: try Tensor(x, shape: [3, 2], dtype: .f64), hidden: hidden,
                                context: context, seed: seed, origin: "test", dtype: dtype)
        // Non-zero biases, so every parameter matters.
        var rng = RandomStream(seed: 11, stream: "test/bias")
        for i in [2, 4] { p.parameters[i].value = rng.normalTensor(p.parameters[i].shape, std: 0.5, dtype: dtype) }
        return p
    }

    static func tokenLogProbs(_ p: TokenPolicy, _ prompts: [Int], _ seqs: [[Int]]) throws -> [Double] {
        let b = try TokenBatch(prompts: prompts, sequences: seqs, vocabulary: p.vocabulary)
        return try p.evaluate { t throws(TensorError) in try p.tokenLogProbs(b, tape: t) }.to(.f64).scalars
    }

    static func sequenceLogProbs(_ p: TokenPolicy, _ prompts: [Int], _ seqs: [[Int]]) throws -> [Double] {
        let b = try TokenBatch(prompts: prompts, sequences: seqs, vocabulary: p.vocabulary)
        return try p.evaluate { t throws(TensorError) in try p.sequenceLogProbs(b, tape: t) }.to(.f64).scalars
    }

    /// log p(k | x, context) by scalar loops straight from the formula.
    static func scalarLogProb(_ p: TokenPolicy, prompt: Int, previous: [Int], next k: Int) -> Double {
        let v = p.parameters.map { $0.value.to(.f64).scalars }
        let h = p.hidden, dx = 2, v1 = p.vocabulary + 1
        var hidden = [Double](repeating: 0, count: h)
        for u in 0..<h {
            var a = v[2][u]
            for i in 0..<dx { a += x[prompt * dx + i] * v[0][i * h + u] }
            for j in 1...p.context {
                let token = previous.count - j >= 0 ? previous[previous.count - j] : p.vocabulary
                a += v[1][((j - 1) * v1 + token) * h + u]
            }
            hidden[u] = Foundation.tanh(a)
        }
        let logits = (0..<v1).map { o in v[4][o] + (0..<h).reduce(0.0) { $0 + hidden[$1] * v[3][$1 * v1 + o] } }
        let m = logits.max() ?? 0
        return logits[k] - m - log(logits.reduce(0) { $0 + exp($1 - m) })
    }

    @Test func tokenLogProbsFollowTheFormula() throws {
        let p = try Self.policy(context: 2)
        let seqs = [[2, 0, 1], [], [1, 1]], prompts = [1, 0, 2]
        let lp = try Self.tokenLogProbs(p, prompts, seqs)
        #expect(lp.count == 3 * 4)
        for (r, s) in seqs.enumerated() {
            for t in 0..<4 {
                let expected = t < s.count ? Self.scalarLogProb(p, prompt: prompts[r], previous: Array(s[..<t]), next: s[t])
                    : t == s.count ? Self.scalarLogProb(p, prompt: prompts[r], previous: s, next: 3) : 0
                #expect(abs(lp[r * 4 + t] - expected) <= 1e-12 * max(1, abs(expected)), "row \(r) position \(t)")
            }
        }
        let seq = try Self.sequenceLogProbs(p, prompts, seqs)
        for r in 0..<3 { #expect(abs(seq[r] - lp[(r * 4)..<(r * 4 + 4)].reduce(0, +)) < 1e-13) }
    }

    /// All sequences over 0..<v of length exactly n.
    static func sequences(_ v: Int, _ n: Int) -> [[Int]] {
        n == 0 ? [[]] : sequences(v, n - 1).flatMap { s in (0..<v).map { s + [$0] } }
    }

    @Test(arguments: [1, 2]) func sequencesNormaliseExactly(context: Int) throws {
        // Σ_{|y| ≤ L} π(y|x) + P(the first L + 1 tokens are not EOS) = 1, the second term being
        // the prefix probabilities of the sequences of length L + 1 (their token log-probs
        // without the EOS position).
        let p = try Self.policy(v: 3, hidden: 5, context: context)
        let limit = 4
        for prompt in 0..<3 {
            var total = 0.0
            for n in 0...limit {
                let seqs = Self.sequences(3, n)
                total += try Self.sequenceLogProbs(p, [Int](repeating: prompt, count: seqs.count), seqs).reduce(0) { $0 + exp($1) }
            }
            let longer = Self.sequences(3, limit + 1), w = limit + 2
            let lp = try Self.tokenLogProbs(p, [Int](repeating: prompt, count: longer.count), longer)
            total += longer.indices.reduce(0) { acc, r in acc + exp(lp[(r * w)..<(r * w + limit + 1)].reduce(0, +)) }
            #expect(abs(total - 1) < 1e-12, "prompt \(prompt): \(total)")
        }
    }

    @Test(arguments: [1, 3]) func gradientsMatchFiniteDifferences(context: Int) throws {
        let p = try Self.policy(v: 3, hidden: 3, context: context)
        let prompts = [2, 0, 1], seqs = [[0, 2, 2, 1], [1], []]
        let batch = try TokenBatch(prompts: prompts, sequences: seqs, vocabulary: 3)
        var rng = RandomStream(seed: 2, stream: "test/weights")
        let tokenWeights = rng.normalTensor([3, 5], dtype: .f64), seqWeights = try Tensor([0.7, -1.3, 2.1], shape: [3], dtype: .f64)
        // f = Σ a_bt log p(y_t|…) + Σ c_b log π(y_b|x_b): both outputs in one objective.
        func objective(_ t: Tape) throws(TensorError) -> Var {
            try (try p.tokenLogProbs(batch, tape: t) * t.constant(tokenWeights)).sum()
                + (try p.sequenceLogProbs(batch, tape: t) * t.constant(seqWeights)).sum()
        }
        let tape = Tape()
        try tape.backward(try objective(tape))
        for q in p.parameters {
            let grad = try #require(q.grad).scalars
            for (i, numeric) in try numericGradient(of: q, { try p.evaluate(objective).item() }).enumerated() {
                #expect(abs(numeric - grad[i]) < 1e-7, "\(q.name)[\(i)]")
            }
            q.zeroGrad()
        }
        // The frozen copy takes no gradient: its log-probs are constants.
        let ref = p.frozen()
        let t2 = Tape()
        #expect(throws: TensorError.self) { try t2.backward(try ref.sequenceLogProbs(batch, tape: t2).sum()) }
    }

    @Test func samplingFrequenciesMatchTheModel() throws {
        let p = try Self.policy(v: 2, hidden: 4, context: 1)
        let n = 20_000, limit = 3
        let draws = try p.sample(prompts: [Int](repeating: 1, count: n), maxLength: limit, seed: 7)
        // Categories: every sequence shorter than the limit (ended by EOS), and "reached the limit".
        let short = (0..<limit).flatMap { Self.sequences(2, $0) }
        let probs = try Self.sequenceLogProbs(p, [Int](repeating: 1, count: short.count), short).map(exp)
        let expected = probs + [1 - probs.reduce(0, +)]
        var counts = [Double](repeating: 0, count: expected.count)
        for d in draws {
            #expect(d.count <= limit && d.allSatisfy { (0..<2).contains($0) })
            counts[d.count == limit ? short.count : short.firstIndex(of: d) ?? 0] += 1
        }
        let chi2 = zip(counts, expected).reduce(0.0) { acc, ce in acc + pow(ce.0 - Double(n) * ce.1, 2) / (Double(n) * ce.1) }
        // 7 degrees of freedom: P(χ² > 24.3) = 0.001.
        #expect(chi2 < 24.3, "χ² = \(chi2), counts \(counts), expected \(expected.map { $0 * Double(n) })")
        // Every category expects enough draws for the χ² approximation.
        #expect(expected.allSatisfy { $0 * Double(n) > 20 })
    }

    @Test func samplingIsDeterministicForASeed() throws {
        let p = try Self.policy(v: 5, hidden: 6, context: 2)
        let prompts = [0, 1, 2, 0, 1, 2, 2, 2]
        let a = try p.sample(prompts: prompts, maxLength: 12, seed: 3)
        #expect(a == (try p.sample(prompts: prompts, maxLength: 12, seed: 3)))
        #expect(a != (try p.sample(prompts: prompts, maxLength: 12, seed: 4)))
        #expect(try p.sample(prompts: prompts, maxLength: 0, seed: 3).allSatisfy(\.isEmpty))
        #expect(throws: TensorError.self) { _ = try p.sample(prompts: [3], maxLength: 4, seed: 0) }
        // The initial weights are a function of the seed.
        let q = try Self.policy(v: 5, hidden: 6, context: 2), r = try Self.policy(v: 5, hidden: 6, context: 2, seed: 6)
        #expect(p.parameters[0].value.scalars == q.parameters[0].value.scalars)
        #expect(p.parameters[0].value.scalars != r.parameters[0].value.scalars)
    }

    @Test func f32AgreesWithF64() throws {
        let p = try Self.policy(v: 4, hidden: 8, context: 2), q = try Self.policy(v: 4, hidden: 8, context: 2, dtype: .f32)
        for (a, b) in zip(p.parameters, q.parameters) { b.value = a.value.to(.f32) }
        let seqs = [[3, 1, 0], [2], [0, 0, 0, 0, 1]], prompts = [0, 2, 1]
        let lp = try Self.sequenceLogProbs(p, prompts, seqs), lq = try Self.sequenceLogProbs(q, prompts, seqs)
        #expect(q.dtype == .f32)
        for (a, b) in zip(lp, lq) { #expect(abs(a - b) < 1e-4 * max(1, abs(a))) }
    }

    @Test func badInputsAreErrors() throws {
        let p = try Self.policy()
        #expect(throws: TensorError.self) { _ = try TokenBatch(prompts: [0], sequences: [[3]], vocabulary: 3) }
        #expect(throws: TensorError.self) { _ = try TokenBatch(prompts: [0, 1], sequences: [[1]], vocabulary: 3) }
        let b = try TokenBatch(prompts: [5], sequences: [[1]], vocabulary: 3)
        #expect(throws: TensorError.self) { _ = try p.evaluate { t throws(TensorError) in try p.sequenceLogProbs(b, tape: t) } }
        let other = try TokenBatch(prompts: [0], sequences: [[1]], vocabulary: 4)
        #expect(throws: TensorError.self) { _ = try p.evaluate { t throws(TensorError) in try p.sequenceLogProbs(other, tape: t) } }
        let x = try Tensor([1, 2], shape: [1, 2], dtype: .f64)
        #expect(throws: TensorError.self) { _ = try TokenPolicy(vocabulary: 0, promptFeatures: x, hidden: 2, context: 1, seed: 0, origin: "t") }
        #expect(throws: TensorError.self) { _ = try TokenPolicy(vocabulary: 3, promptFeatures: x, hidden: 0, context: 1, seed: 0, origin: "t") }
        #expect(throws: TensorError.self) { _ = try TokenPolicy(vocabulary: 3, promptFeatures: x, hidden: 2, context: 0, seed: 0, origin: "t") }
        #expect(throws: TensorError.self) { _ = try TokenPolicy(vocabulary: 4096, promptFeatures: x, hidden: 4096, context: 16, seed: 0, origin: "t") }
    }
}
