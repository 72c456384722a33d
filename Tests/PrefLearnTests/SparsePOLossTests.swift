import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// SparsePO (Christopoulou et al., 2024) against algorithms.md §6.12, in f64.
@Suite("SparsePO loss") struct SparsePOLossTests {
    // B = 2, T = 3; the last chosen token of example 1 is padding (its values must not count).
    static let lw = [-1.0, -2, -0.5, -3, -1, 0], rw = [-1.5, -1, -1, -2, -2, 0], padW = [1.0, 1, 1, 1, 1, 0]
    static let mw = [1.0, 0.5, 0, 0.2, 1, 7], kw = [-0.1, -0.2, -0.3, -0.05, 0, -9]
    static let ll = [-2.0, -2, -2, -1, -1, -1], rl = [-1.0, -1, -1, -1, -2, -3], padL = [1.0, 1, 1, 1, 1, 1]
    static let ml = [1.0, 1, 1, 0, 0.5, 1], kl = [-0.4, 0, 0, -0.1, -0.1, -0.1]

    /// Inputs: lw, rw, mw, kw, ll, rl, ml, kl (+ independent KL masks dw, dl).
    static var inputs: [[Double]] { [lw, rw, mw, kw, ll, rl, ml, kl] }

    func loss(_ v: [Var], _ config: SparsePOConfig, independent: Bool = false, withKL: Bool = true) throws -> LossEvaluation {
        let m = try v.map { try $0.reshaped([2, 3]) }
        let w = SparsePOTokens(logps: m[0], refLogps: m[1], padding: Self.padW, rewardMask: m[2], klMask: independent ? m[8] : nil, kl: withKL ? m[3] : nil)
        let l = SparsePOTokens(logps: m[4], refLogps: m[5], padding: Self.padL, rewardMask: m[6], klMask: independent ? m[9] : nil, kl: withKL ? m[7] : nil)
        return try sparsePOLoss(chosen: w, rejected: l, config: config)
    }

    @Test func closedFormCommonMask() throws {
        // u_w = [1·0.5 + 0.5·(−1) + 0, 0.2·(−1) + 1·1] = [0, 0.8]; u_l = [−3, 0·0 + 0.5·1 + 1·2] = [−3, 2.5].
        // d_w = [−0.1 − 0.1, −0.01] = [−0.2, −0.01]; d_l = [−0.4, −0.05 − 0.1] = [−0.4, −0.15].
        // z = (u_w − u_l) − (d_w − d_l) = [3 − 0.2, −1.7 − 0.14] = [2.8, −1.84].
        // ‖m‖₁: chosen [1.5, 1.2], rejected [3, 1.5]; common mask, λ_u = λ_d = 0.01 → penalty 0.02·[4.5, 2.7].
        let cfg = SparsePOConfig(beta: 1, lambdaU: 0.01, lambdaD: 0.01)
        let out = try LossTest.run(Self.inputs) { v in try loss(v, cfg) }
        let z = [2.8, -1.84]
        LossTest.expectClose(out.perExample, [Sheet.softplus(-2.8) + 0.09, Sheet.softplus(1.84) + 0.054], "sparse_po ℓ")
        // ∂L/∂lw_t = −(β/B)σ(−z)·pad·m_t; ∂L/∂m_w,t = (−βσ(−z)·pad·(lw − rw − δ)_t + 0.02·pad)/B (masks > 0; 0 has sign 0).
        let sig = z.map { Sheet.sigma(-$0) }
        LossTest.expectClose(out.gradients[0], (0..<6).map { -sig[$0 / 3] * Self.padW[$0] * Self.mw[$0] / 2 }, "∂L/∂lw")
        LossTest.expectClose(out.gradients[4], (0..<6).map { sig[$0 / 3] * Self.padL[$0] * Self.ml[$0] / 2 }, "∂L/∂ll")
        let gmw = (0..<6).map { i in
            (-sig[i / 3] * Self.padW[i] * (Self.lw[i] - Self.rw[i] - Self.kw[i]) + 0.02 * Self.padW[i] * (Self.mw[i] > 0 ? 1 : 0)) / 2
        }
        LossTest.expectClose(out.gradients[2], gmw, "∂L/∂m_w")
        // Rewards β·u: chosen mean 0.4, rejected −0.25; KL metrics mean d.
        #expect(isClose(out.metrics["rewards/chosen"] ?? .nan, 0.4))
        #expect(isClose(out.metrics["rewards/rejected"] ?? .nan, -0.25))
        #expect(isClose(out.metrics["kl/chosen"] ?? .nan, -0.105))
        #expect(isClose(out.metrics["kl/rejected"] ?? .nan, -0.275))
        // logps: Σ real tokens: chosen [−3.5, −4], rejected [−6, −3].
        #expect(isClose(out.metrics["logps/chosen"] ?? .nan, -3.75))
        #expect(isClose(out.metrics["logps/rejected"] ?? .nan, -4.5))
    }

    @Test func independentMasksAndNoKL() throws {
        // m^d_w = 0.5 everywhere, m^d_l = 2 everywhere: d_w = 0.5·[−0.6, −0.05], d_l = 2·[−0.4, −0.3];
        // z = [3 − (−0.3 + 0.8), −1.7 − (−0.025 + 0.6)] = [2.5, −2.275]; penalty 0.01·[4.5, 2.7] + 0.01·[1.5 + 6, 1 + 6].
        let dw = [Double](repeating: 0.5, count: 6), dl = [Double](repeating: 2, count: 6)
        let cfg = SparsePOConfig(beta: 1, lambdaU: 0.01, lambdaD: 0.01)
        let out = try LossTest.run(Self.inputs + [dw, dl]) { v in try loss(v, cfg, independent: true) }
        LossTest.expectClose(out.perExample, [Sheet.softplus(-2.5) + 0.045 + 0.075, Sheet.softplus(2.275) + 0.027 + 0.07], "independent ℓ")
        // Without δ: z = u_w − u_l = [3, −1.7] and only the λ_u penalty.
        let plain = try LossTest.run(Self.inputs) { v in try loss(v, cfg, withKL: false) }
        LossTest.expectClose(plain.perExample, [Sheet.softplus(-3) + 0.045, Sheet.softplus(1.7) + 0.027], "no-KL ℓ")
    }

    @Test func gradients() throws {
        // Masks kept away from 0 so |m| is smooth there.
        var inputs = Self.inputs
        inputs[2] = [1.0, 0.5, 0.3, 0.2, 1, 7]
        try LossTest.expectGradients(inputs, "sparse_po") { v in try loss(v, SparsePOConfig(beta: 1, lambdaU: 0.01, lambdaD: 0.02)) }
        try LossTest.expectGradients(inputs + [[0.5, 0.6, 0.7, 0.8, 0.9, 1], [2, 2, 1, 1, 3, 3]], "sparse_po indp") { v in
            try loss(v, SparsePOConfig(), independent: true)
        }
    }

    @Test func stress() throws {
        // Length-1 completions with log-ratios of ±600 (βu = ±60).
        let t = Tape()
        func v(_ x: [Double]) throws -> Var { t.variable(try Tensor(x, shape: [2, 1], dtype: .f64)) }
        let w = SparsePOTokens(logps: try v([-1e-12, -600]), refLogps: try v([-600, -1e-12]), padding: [1, 1], rewardMask: try v([1, 1]))
        let l = SparsePOTokens(logps: try v([-600, -1e-12]), refLogps: try v([-1e-12, -600]), padding: [1, 1], rewardMask: try v([1, 1]))
        let out = try sparsePOLoss(chosen: w, rejected: l)
        try t.backward(out.loss)
        let values = try out.perExample.value().scalars + (try w.logps.gradient()?.scalars ?? [])
        let finite = values.allSatisfy(\.isFinite)
        #expect(finite)
        let second = try out.perExample.value().scalars[1]
        // u = −600 − 600, β = 0.1: softplus(120) + λ_u·(1 + 1) (no δ, so no λ_d term).
        #expect(isClose(second, 120 + 0.002, rel: 1e-10))
        let short = SparsePOTokens(logps: try v([1, 2]), refLogps: try v([1, 2]), padding: [1], rewardMask: try v([1, 1]))
        #expect(throws: TensorError.self) { try sparsePOLoss(chosen: w, rejected: short) }
    }
}
