import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// GPM (spec algorithms.md §4.1): the skew score against its closed form, skew symmetry, tape
/// gradients against finite differences, and the 3-cycle of §4.2 that no scalar reward fits.
@Suite("GPM") struct GpmModelTests {
    static func config(dims: Int = 2, hidden: Int = 0, gate: Bool = false, normalize: Bool = true, tau: Double = 0.1) -> GpmModel.Config {
        var c = GpmModel.Config()
        c.dims = dims; c.hidden = hidden; c.gate = gate; c.normalize = normalize; c.temperature = tau
        return c
    }

    @Test func closedFormWithGate() throws {
        // k = 2, identity head, no normalisation, τ = 0.5, gate W_p = [[1, 0], [0, 2]] on x ∈ R².
        let m = try GpmModel(featureDim: 4, promptDim: 2, config: Self.config(gate: true, normalize: false, tau: 0.5))
        m.head.parameters[0].value = try Tensor([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], shape: [4, 4], dtype: .f64)
        m.gateWeights?.value = try Tensor([1, 0, 0, 2], shape: [2, 2], dtype: .f64)
        let a = [0.3, -1.2, 0.7, 2.0], b = [1.5, 0.4, -0.6, 0.9], x = [0.8, -0.1]
        let s = try m.scores(Tensor(a, shape: [1, 4], dtype: .f64), Tensor(b, shape: [1, 4], dtype: .f64),
                             prompts: Tensor(x, shape: [1, 2], dtype: .f64)).scalars[0]
        // λ = 2·softmax([0.8, −0.2] / √2).
        let z = [0.8 / 2.0.squareRoot(), -0.2 / 2.0.squareRoot()]
        let e = z.map { exp($0) }, lambda = e.map { 2 * $0 / (e[0] + e[1]) }
        let expected = (lambda[0] * (a[0] * b[1] - a[1] * b[0]) + lambda[1] * (a[2] * b[3] - a[3] * b[2])) / 0.5
        #expect(isClose(s, expected), "\(s) vs \(expected)")
    }

    @Test func normalisedEmbeddingsHaveUnitNorm() throws {
        let m = try GpmModel(featureDim: 3, config: Self.config(dims: 3, hidden: 5), seed: 2)
        let v = try m.embeddings(randomTensor([4, 3], seed: 1)).scalars
        for r in 0..<4 {
            let norm = (0..<6).reduce(0) { $0 + v[r * 6 + $1] * v[r * 6 + $1] }
            #expect(isClose(norm, 1, rel: 1e-10))
        }
    }

    @Test(arguments: [false, true]) func skewSymmetry(_ gate: Bool) throws {
        let m = try GpmModel(featureDim: 5, promptDim: 3, config: Self.config(dims: 3, hidden: 4, gate: gate), seed: 4)
        let a = randomTensor([6, 5], seed: 1), b = randomTensor([6, 5], seed: 2), x = randomTensor([6, 3], seed: 3)
        let ab = try m.scores(a, b, prompts: x).scalars, ba = try m.scores(b, a, prompts: x).scalars
        let aa = try m.scores(a, a, prompts: x).scalars
        for i in 0..<6 {
            #expect(isClose(ab[i], -ba[i], rel: 1e-12), "s(a≻b) = \(ab[i]), s(b≻a) = \(ba[i])")
            #expect(Swift.abs(aa[i]) < 1e-12)
        }
        #expect(ab.contains { Swift.abs($0) > 1e-3 })
    }

    @Test(arguments: [(0, false, false), (3, true, true), (2, false, true)])
    func gradients(_ hidden: Int, _ gate: Bool, _ normalize: Bool) throws {
        let m = try GpmModel(featureDim: 3, promptDim: 2, config: Self.config(hidden: hidden, gate: gate, normalize: normalize, tau: 0.7), seed: 5)
        let count = m.parameters.count
        let inputs = m.parameters.map(\.value) + [randomTensor([4, 3], seed: 1), randomTensor([4, 3], seed: 2), randomTensor([4, 2], seed: 3)]
        let r = try checkGradient(inputs) { _, v in
            try m.loss(chosen: v[count], rejected: v[count + 1], prompts: v[count + 2], Array(v[0..<count]))
        }
        #expect(r.maxError < 1e-6, "\(r)")
    }

    /// §4.2: a ≻ b, b ≻ c, c ≻ a with one-hot items. GPM with k = 1 orders every pair of the
    /// cycle correctly with P near 1.
    @Test func fitsThePureThreeCycle() throws {
        let eye = try Tensor([1, 0, 0, 0, 1, 0, 0, 0, 1], shape: [3, 3], dtype: .f64)
        let chosen = eye, rejected = try Tensor([0, 1, 0, 0, 0, 1, 1, 0, 0], shape: [3, 3], dtype: .f64)
        let m = try GpmModel(featureDim: 3, config: Self.config(dims: 1), seed: 1)
        let losses = try m.fit(chosen: chosen, rejected: rejected, options: .init(epochs: 300, learningRate: 0.05))
        #expect(losses.last! < 0.05, "final loss \(losses.last!)")
        let s = try m.scores(chosen, rejected).scalars
        #expect(s.allSatisfy { 1 / (1 + exp(-$0)) > 0.95 }, "\(s)")
    }

    @Test func errors() throws {
        #expect(throws: TensorError.self) { try GpmModel(featureDim: 3, config: Self.config(dims: 0)) }
        #expect(throws: TensorError.self) { try GpmModel(featureDim: 3, config: Self.config(gate: true)) }
        #expect(throws: TensorError.self) { try GpmModel(featureDim: 3, config: Self.config(tau: 0)) }
        let m = try GpmModel(featureDim: 3)
        #expect(throws: TensorError.self) { try m.scores(randomTensor([2, 4], seed: 1), randomTensor([2, 4], seed: 2)) }
        #expect(throws: TensorError.self) { try m.scores(randomTensor([2, 3], seed: 1), randomTensor([3, 3], seed: 2)) }
    }
}
