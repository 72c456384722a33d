import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// DOVE (Bansal et al., 2024) against algorithms.md §6.11, in f64.
@Suite("DOVE loss") struct DOVELossTests {
    // Δw = pc − rc = [1, −2], Δl = pr − rr = [−1, 1]; prompt terms Δx_w = [0.5, 0], Δx_l = [0, −1].
    static let pc = [-1.0, -5], rc = [-2.0, -3], pr = [-4.0, -1], rr = [-3.0, -2]
    static let xw = [-3.0, -2], rxw = [-3.5, -2], xl = [-4.0, -6], rxl = [-4.0, -5]

    @Test func closedForm() throws {
        // β = 0.1: conditional z = 0.1·[2, −3] → ℓ = [softplus(−0.2), softplus(0.3)] = [0.598139, 0.854355].
        // Joint: Δw + Δx_w = [1.5, −2], Δl + Δx_l = [−1, 0] → z = 0.1·[2.5, −2] → ℓ = [softplus(−0.25), softplus(0.2)].
        #expect(isClose(Sheet.softplus(-0.2), 0.598138869381, rel: 1e-10))
        let out = try LossTest.run([Self.pc, Self.pr, Self.rc, Self.rr]) { v in try doveLoss(chosen: v[0], rejected: v[1], refChosen: v[2], refRejected: v[3]) }
        LossTest.expectClose(out.perExample, [Sheet.softplus(-0.2), Sheet.softplus(0.3)], "dove ℓ")
        // ∂L/∂pc_i = −(β/B)σ(−z_i).
        LossTest.expectClose(out.gradients[0], [-0.05 * Sheet.sigma(-0.2), -0.05 * Sheet.sigma(0.3)], "∂L/∂pc")
        LossTest.expectClose(out.gradients[1], [0.05 * Sheet.sigma(-0.2), 0.05 * Sheet.sigma(0.3)], "∂L/∂pr")
        let joint = try LossTest.run([Self.pc, Self.pr, Self.rc, Self.rr, Self.xw, Self.xl, Self.rxw, Self.rxl]) { v in
            try doveLoss(chosen: v[0], rejected: v[1], refChosen: v[2], refRejected: v[3],
                         prompts: DOVEPromptLogps(chosen: v[4], rejected: v[5], refChosen: v[6], refRejected: v[7]))
        }
        LossTest.expectClose(joint.perExample, [Sheet.softplus(-0.25), Sheet.softplus(0.2)], "joint ℓ")
        LossTest.expectClose(joint.gradients[4], [-0.05 * Sheet.sigma(-0.25), -0.05 * Sheet.sigma(0.2)], "∂L/∂x_w")
        #expect(isClose(joint.metrics["rewards/chosen"] ?? .nan, 0.1 * (1.5 - 2) / 2))
    }

    @Test func gradients() throws {
        try LossTest.expectGradients([Self.pc, Self.pr, Self.rc, Self.rr, Self.xw, Self.xl, Self.rxw, Self.rxl], "dove joint") { v in
            try doveLoss(chosen: v[0], rejected: v[1], refChosen: v[2], refRejected: v[3],
                         prompts: DOVEPromptLogps(chosen: v[4], rejected: v[5], refChosen: v[6], refRejected: v[7]), beta: 1)
        }
    }

    @Test func stress() throws {
        // βh = ±60 with log-probs near 0 and −600.
        let out = try LossTest.run([[-1e-12, -600], [-600, -1e-12], [-300, -300], [-300, -300]]) { v in
            try doveLoss(chosen: v[0], rejected: v[1], refChosen: v[2], refRejected: v[3])
        }
        LossTest.expectFinite(out, "dove stress")
        #expect(isClose(out.perExample[1], 60, rel: 1e-12))
    }
}
