import Foundation
import Testing
import PrefCore
@testable import PrefLearn

@Suite("DPO losses in the stress regime (f64)")
struct DPOStressTests {
    /// Pairs with z = βh = +60 and −60 (β = 0.1, h = ±600), length-1 completions.
    static let extreme = DPOCase(pc: [-1, -601], pr: [-601, -1], rc: [0, 0], rr: [0, 0], lc: [1, 1], lr: [1, 1])

    @Test("no NaN or Inf at |βh| = 60", arguments: DPOLossType.allCases)
    func finite(_ type: DPOLossType) throws {
        let eps = (type == .exoPair || type == .robust || type == .aot) ? 0.1 : 0
        let run = try runDPO(Self.extreme, DPOConfig(lossTypes: [type], labelSmoothing: eps))
        #expect(run.loss.isFinite && run.perExample.allSatisfy(\.isFinite))
        let allFinite = run.grads.joined().allSatisfy { $0.isFinite }
        #expect(allFinite, "\(type) \(run.grads)")
    }

    @Test func asymptotics() throws {
        let c = Self.extreme
        // sigmoid: ℓ(60) = log1p(e^{−60}) ≈ e^{−60}, ℓ(−60) = 60 + log1p(e^{−60}); g_c → −β/B at −60.
        let s = try runDPO(c, DPOConfig())
        #expect(close(s.perExample[0], log1p(exp(-60.0))) && close(s.perExample[1], 60 + log1p(exp(-60.0))))
        #expect(close(s.grads[0][1], -0.1 * sig(60) / 2))
        // hinge: 0 and 61, gradient 0 past the margin.
        let h = try runDPO(c, DPOConfig(lossTypes: [.hinge]))
        #expect(h.perExample == [0, 61] && h.grads[0] == [0, -0.05])
        // robust, ε = 0.1: ℓ(−60) = [0.9·(60 + log1p(e^{−60})) − 0.1·log1p(e^{−60})]/0.8.
        let r = try runDPO(c, DPOConfig(lossTypes: [.robust], labelSmoothing: 0.1))
        let t = log1p(exp(-60.0))
        #expect(close(r.perExample[1], (0.9 * (60 + t) - 0.1 * t) / 0.8))
        // ipo and sigmoid_norm at length 1: u = h exactly.
        let ipo = try runDPO(c, DPOConfig(lossTypes: [.ipo]))
        #expect(close(ipo.perExample[0], (600 - 5) * (600 - 5)) && close(ipo.perExample[1], (-600 - 5) * (-600 - 5)))
        let norm = try runDPO(c, DPOConfig(lossTypes: [.sigmoidNorm]))
        #expect(close(norm.perExample[1], 60 + t))
        // Length 0 counts as 1 (max(L, 1)).
        var zero = c
        zero.lc = [0, 0]
        zero.lr = [0, 0]
        let zeroRun = try runDPO(zero, DPOConfig(lossTypes: [.sigmoidNorm]))
        #expect(zeroRun.perExample == norm.perExample)
    }

    @Test func discopopIsStableFarPastFloat64Overflow() throws {
        // β = 1, h = −800: z = −800 < −709.8, where σ(z/τ)·e^{−z} is 0·∞ in the naive form.
        // The exponential term is exp(logσ(−16000) + 800) = 0, so ℓ = softplus(800) = 800.
        let c = DPOCase(pc: [-800], pr: [0], rc: [0], rr: [0])
        let run = try runDPO(c, DPOConfig(beta: 1, lossTypes: [.discopop]))
        #expect(close(run.loss, 800))
        #expect(close(run.grads[0][0], -1) && close(run.grads[1][0], 1))
        // And at +800 the loss tends to 0 (m = 1, e^{−800} = 0 in f64).
        let pos = try runDPO(DPOCase(pc: [800], pr: [0], rc: [0], rr: [0]), DPOConfig(beta: 1, lossTypes: [.discopop]))
        #expect(pos.loss.isFinite && pos.loss >= 0 && pos.loss < 1e-300)
    }

    @Test func exoAtItsMinimum() throws {
        // The minimum sits at z = logit(1 − ε); there the loss is KL(q ‖ q) = 0 and the gradient 0.
        let e = 0.001, z = log((1 - e) / e)
        let c = DPOCase(pc: [z / 0.1], pr: [0], rc: [0], rr: [0])
        let run = try runDPO(c, DPOConfig(lossTypes: [.exoPair], labelSmoothing: e))
        #expect(abs(run.loss) < 1e-12 && abs(run.grads[0][0]) < 1e-12)
    }

    @Test func nanInputsDoNotTrap() throws {
        // A NaN log-prob gives a NaN loss (it is the data's fault), never a crash, even through aot's sort.
        let c = DPOCase(pc: [.nan, -1, -2], pr: [-1, .nan, -3], rc: [0, 0, 0], rr: [0, 0, 0], lc: [1, 1, 1], lr: [1, 1, 1])
        for type in DPOLossType.allCases {
            let eps = (type == .exoPair || type == .robust) ? 0.1 : 0
            #expect(try runDPO(c, DPOConfig(lossTypes: [type], labelSmoothing: eps)).loss.isNaN, "\(type)")
        }
    }
}
