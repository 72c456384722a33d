import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// SparsePO's mask network on a token policy (spec §6.12): the network against a scalar
/// re-implementation, the masks read the reference's layers, finite-difference gradients of the
/// loss w.r.t. the mask network's and the policy's parameters, unit masks reproduce the m = 1
/// path exactly, fixed mask tokens, the L1 term, determinism.
@Suite("SparsePO mask network") struct SparseMaskNetworkTests {
    static let seqs = [[2, 0, 1], [1], [0, 0, 2, 1], [2]], prompts = [1, 0, 1, 0]

    static func setup(_ kind: SparseMaskKind, seed: UInt64 = 3) throws -> (TokenPolicy, TokenPolicy, SparseMaskNetwork, TokenBatch) {
        let ref = try TokenPolicyTests.policy(v: 3, hidden: 4, context: 2, seed: 5)
        let p = try TokenPolicyTests.policy(v: 3, hidden: 4, context: 2, seed: 6)
        let net = try SparseMaskNetwork(kind: kind, hidden: 4, seed: seed)
        // Weights large enough that masks differ by token, but every pre-activation clear of ReLU's kink.
        var rng = RandomStream(seed: 21, stream: "test/masks")
        for i in [0, 1] { net.parameters[i].value = rng.normalTensor(net.parameters[i].shape, std: 0.3, dtype: .f64) }
        net.parameters[2].value = Tensor(repeating: 2, shape: net.parameters[2].shape, dtype: .f64)
        net.parameters[3].value = try Tensor([0.7, 0.4, 0.5, 0.9].prefix(net.parameters[3].shape.count).map { $0 }, shape: net.parameters[3].shape, dtype: .f64)
        return (p, ref, net, try TokenBatch(prompts: prompts, sequences: seqs, vocabulary: 3))
    }

    /// LN → linear → ReLU per layer, mixer, ReLU, by scalar loops (reading state of each position).
    static func scalarMask(_ p: TokenPolicy, _ net: SparseMaskNetwork, prompt: Int, read: [Int], output k: Int) -> Double {
        let v = p.parameters.map { $0.value.scalars }, m = net.parameters.map { $0.value.scalars }
        let h = p.hidden, v1 = p.vocabulary + 1, kk = net.kind.outputs
        var a = [Double](repeating: 0, count: h)
        for u in 0..<h {
            a[u] = v[2][u] + (0..<2).reduce(0.0) { $0 + TokenPolicyTests.x[prompt * 2 + $1] * v[0][$1 * h + u] }
            for j in 0..<p.context {
                let token = read.count - 1 - j >= 0 ? read[read.count - 1 - j] : p.vocabulary
                a[u] += v[1][(j * v1 + token) * h + u]
            }
        }
        var mixed = m[4][k]
        for (l, layer) in [a, a.map { Foundation.tanh($0) }].enumerated() {
            let mean = layer.reduce(0, +) / Double(h)
            let variance = layer.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(h)
            let z = (0..<h).reduce(m[2][l * kk + k]) { $0 + (layer[$1] - mean) / (variance + 1e-5).squareRoot() * m[l][$1 * kk + k] }
            mixed += m[3][l * kk + k] * max(z, 0)
        }
        return max(mixed, 0)
    }

    @Test func masksFollowTheFormula() throws {
        let (p, _, net, batch) = try Self.setup(.independent)
        let m = try p.evaluate { t throws(TensorError) in try net.masks(try p.readingLayers(batch, tape: t), leaves: try net.leaves(t)) }.scalars
        var distinct = Set<Double>()
        for (r, s) in Self.seqs.enumerated() {
            for t in 0...s.count {
                // The state that has read y_t (EOS reads the pad row, like positions past the end).
                let read = Array(s[..<min(t + 1, s.count)]) + (t == s.count ? [p.vocabulary] : [])
                for k in 0..<2 {
                    let expected = Self.scalarMask(p, net, prompt: Self.prompts[r], read: read, output: k)
                    let got = m[(r * batch.width + t) * 2 + k]
                    #expect(abs(got - expected) <= 1e-12 * max(1, expected), "row \(r) position \(t) output \(k)")
                    distinct.insert((got * 1e9).rounded())
                }
            }
        }
        #expect(distinct.count > 6, "the masks depend on the tokens")
    }

    static func loss(_ kind: SparseMaskKind, _ v: [Var], tape: Tape, p: TokenPolicy, ref: TokenPolicy, net: SparseMaskNetwork?, batch: TokenBatch,
                     config: SparsePOConfig = SparsePOConfig(beta: 0.7, lambdaU: 0.01, lambdaD: 0.02)) throws -> LossEvaluation {
        let n = p.parameters.count
        let sides = try p.sparsePOSides(batch, half: 2, reference: ref, masks: net, tape: tape,
                                        leaves: Array(v.prefix(n)), maskLeaves: v.count > n ? Array(v.suffix(from: n)) : nil)
        return try sparsePOLoss(chosen: sides.chosen, rejected: sides.rejected, config: config)
    }

    @Test(arguments: [SparseMaskKind.common, .independent])
    func gradientsReachTheMaskNetworkAndThePolicy(_ kind: SparseMaskKind) throws {
        let (p, ref, net, batch) = try Self.setup(kind)
        let inputs = (p.parameters + net.parameters).map { $0.value }
        let perExample = try checkGradient(inputs) { t, v in
            try Self.loss(kind, v, tape: t, p: p, ref: ref, net: net, batch: batch).perExample
        }
        #expect(perExample.maxError < 1e-6, "\(kind): \(perExample)")
        // Every mask parameter gets a gradient (the network is on the loss's path).
        let tape = Tape(), vars = inputs.map { tape.variable($0) }
        try tape.backward(try Self.loss(kind, vars, tape: tape, p: p, ref: ref, net: net, batch: batch).loss)
        for v in vars.suffix(net.parameters.count) { #expect(try v.gradient()?.scalars.contains { $0 != 0 } == true) }
    }

    @Test func theMasksReadTheReferencesLayersNotThePolicys() throws {
        // The released code feeds its mask network the reference model's hidden states (no_grad):
        // the masks of a batch are the network on the reference's layers, whatever the policy's weights.
        let (p, ref, net, batch) = try Self.setup(.common)
        let tape = Tape()
        let sides = try p.sparsePOSides(batch, half: 2, reference: ref, masks: net, tape: tape)
        let got = try sides.chosen.rewardMask.value().scalars + sides.rejected.rewardMask.value().scalars
        let expected = try ref.evaluate { t throws(TensorError) in try net.masks(try ref.readingLayers(batch, tape: t), leaves: try net.leaves(t)) }.scalars
        let padding = sides.chosen.padding + sides.rejected.padding
        for i in got.indices where padding[i] != 0 { #expect(abs(got[i] - expected[i]) <= 1e-12 * max(1, expected[i]), "position \(i)") }
        let own = try p.evaluate { t throws(TensorError) in try net.masks(try p.readingLayers(batch, tape: t), leaves: try net.leaves(t)) }.scalars
        #expect(zip(own, expected).contains { abs($0 - $1) > 1e-3 }, "policy and reference differ, so the test can tell them apart")
    }

    @Test func fixedMaskTokensWeighOnlyThoseTokens() throws {
        // mask_tokens S: m^u = m^d = 1 on the real positions whose token is in S, 0 elsewhere, so
        // u = Σ_{t: y_t ∈ S} Δ_t(y_w) − Σ_{t: y_t ∈ S} Δ_t(y_l) and d likewise with δ_t.
        let (p, ref, _, batch) = try Self.setup(.common)
        let cfg = SparsePOConfig(beta: 0.7, lambdaU: 0.01, lambdaD: 0.02)
        let tape = Tape()
        let fixed = try p.sparsePOSides(batch, half: 2, reference: ref, masks: nil, tape: tape, fixedTokens: [0, 3])
        let plain = try p.sparsePOSides(batch, half: 2, reference: ref, masks: nil, tape: tape)
        let out = try sparsePOLoss(chosen: fixed.chosen, rejected: fixed.rejected, config: cfg).perExample.value().scalars
        let w = batch.width
        func values(_ v: Var) throws -> [Double] { try v.value().scalars }
        let lp = try values(plain.chosen.logps) + values(plain.rejected.logps)
        let lr = try values(plain.chosen.refLogps) + values(plain.rejected.refLogps)
        let kl = try values(try #require(plain.chosen.kl)) + values(try #require(plain.rejected.kl))
        for pair in 0..<2 {
            var z = 0.0, mass = 0.0
            for (r, sign) in [(pair, 1.0), (pair + 2, -1.0)] {
                let s = Self.seqs[r]
                for t in 0...s.count where t == s.count ? true : [0].contains(s[t]) {   // token 0, or EOS (id 3)
                    let i = r * w + t
                    z += sign * ((lp[i] - lr[i]) - kl[i])
                    mass += 1
                }
            }
            let expected = log1p(exp(-0.7 * z)) + (0.01 + 0.02) * mass
            #expect(abs(out[pair] - expected) <= 1e-10 * max(1, expected), "pair \(pair): \(out[pair]) vs \(expected)")
        }
        // Gradients: the fixed mask is a constant; the policy's gradient matches finite differences.
        let check = try checkGradient(p.parameters.map { $0.value }) { t, v in
            let sides = try p.sparsePOSides(batch, half: 2, reference: ref, masks: nil, tape: t, leaves: v, fixedTokens: [0, 3])
            return try sparsePOLoss(chosen: sides.chosen, rejected: sides.rejected, config: cfg).perExample
        }
        #expect(check.maxError < 1e-6, "\(check)")
    }

    @Test func unitMasksAreTheMEqualsOnePath() throws {
        for kind in [SparseMaskKind.common, .independent] {
            let (p, ref, net, batch) = try Self.setup(kind)
            net.setUnitMasks()
            let t1 = Tape(), t2 = Tape()
            let with = try Self.loss(kind, p.parameters.map { t1.variable($0.value) } + net.parameters.map { t1.variable($0.value) },
                                     tape: t1, p: p, ref: ref, net: net, batch: batch)
            let without = try Self.loss(kind, p.parameters.map { t2.variable($0.value) }, tape: t2, p: p, ref: ref, net: nil, batch: batch)
            let a = try with.perExample.value().scalars, b = try without.perExample.value().scalars
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-12 * max(1, abs(y)), "\(kind): \(a) vs \(b)") }
            #expect(with.metrics["mask/mean"] == 1)
        }
    }

    @Test func theL1TermIsLambdaTimesTheMaskMass() throws {
        // With β → 0 the softplus is log 2 exactly, so ℓ − log 2 is the L1 term:
        // common: (λ_u + λ_d)·Σ_real m; independent: λ_u·Σ m^u + λ_d·Σ m^d (per pair, both sides).
        for kind in [SparseMaskKind.common, .independent] {
            let (p, ref, net, batch) = try Self.setup(kind)
            let tape = Tape()
            let cfg = SparsePOConfig(beta: 0, lambdaU: 0.01, lambdaD: 0.02)
            let out = try Self.loss(kind, p.parameters.map { tape.variable($0.value) } + net.parameters.map { tape.variable($0.value) },
                                    tape: tape, p: p, ref: ref, net: net, batch: batch, config: cfg)
            // The masks read the reference's layers.
            let m = try ref.evaluate { t throws(TensorError) in try net.masks(try ref.readingLayers(batch, tape: t), leaves: try net.leaves(t)) }.scalars
            let k = kind.outputs, w = batch.width
            let expected = (0..<2).map { pair in
                [pair, pair + 2].reduce(0.0) { acc, r in
                    acc + (0...Self.seqs[r].count).reduce(0.0) { s, t in
                        let u = m[(r * w + t) * k], d = m[(r * w + t) * k + k - 1]
                        return s + 0.01 * u + 0.02 * d
                    }
                }
            }
            let got = try out.perExample.value().scalars.map { $0 - log(2.0) }
            for (x, y) in zip(got, expected) { #expect(abs(x - y) <= 1e-12, "\(kind): \(got) vs \(expected)") }
        }
    }

    @Test func theNetworkIsDeterministicForASeed() throws {
        let a = try SparseMaskNetwork(kind: .independent, hidden: 8, seed: 4), b = try SparseMaskNetwork(kind: .independent, hidden: 8, seed: 4)
        let c = try SparseMaskNetwork(kind: .independent, hidden: 8, seed: 5)
        #expect(a.parameters.map { $0.value.scalars } == b.parameters.map { $0.value.scalars })
        #expect(a.parameters[0].value.scalars != c.parameters[0].value.scalars)
        // Initial masks are ≈ 1 (W ~ N(0, 0.01/H), b = 1, α = ½ each): training starts at m = 1 plus noise.
        let (p, _, _, batch) = try Self.setup(.common)
        let fresh = try SparseMaskNetwork(kind: .common, hidden: 4, seed: 4)
        let m = try p.evaluate { t throws(TensorError) in try fresh.masks(try p.readingLayers(batch, tape: t), leaves: try fresh.leaves(t)) }.scalars
        #expect(m.allSatisfy { abs($0 - 1) < 0.5 } && m.contains { $0 != 1 }, "\(m)")
    }
}
