import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// s(Δ) and s′(Δ) of the sheet's f-divergence table (losses.md §1 step 2).
func fScore(_ f: FDivergence, _ d: Double) -> (Double, Double) {
    switch f {
    case .reverseKL: (d, 1)
    case .forwardKL: (1 - exp(-d), exp(-d))
    case .jsDivergence: (log(2) + lsig(d), sig(-d))
    case .alphaDivergence(let a): ((exp((a - 1) * d) - 1) / (a - 1), exp((a - 1) * d))
    }
}

@Suite("DPO modifiers: label smoothing, f-divergences, WPO, LD-DPO, legacy options, metrics (f64)")
struct DPOModifierTests {
    static let divergences: [FDivergence] = [.forwardKL, .jsDivergence, .alphaDivergence(alpha: 0.5), .alphaDivergence(alpha: 0.3)]
    static let accepting: [DPOLossType] = [.sigmoid, .sigmoidNorm, .hinge, .ipo, .exoPair, .robust, .discopop]

    @Test("f-divergence: h = s(Δc) − s(Δr), gradients times s′", arguments: divergences, accepting)
    func fDivergence(_ f: FDivergence, _ type: DPOLossType) throws {
        let eps = (type == .exoPair || type == .robust) ? 0.1 : 0
        let cfg = DPOConfig(lossTypes: [type], labelSmoothing: eps, fDivergence: f)
        let c = DPOCase.standard
        let run = try runDPO(c, cfg)
        let formula = try #require(sheet[type])
        for i in c.pc.indices {
            let (sc, dsc) = fScore(f, c.pc[i] - c.rc[i]), (sr, dsr) = fScore(f, c.pr[i] - c.rr[i])
            // Every accepting formula reads the log-ratios only through s(Δc) and s(Δr).
            let (l, gc, gr) = formula(sc, sr, c.lc![i], c.lr![i], 0.1, eps)
            #expect(close(run.perExample[i], l), "\(type) \(f) ℓ[\(i)]")
            #expect(close(run.grads[0][i], gc * dsc / 3) && close(run.grads[1][i], gr * dsr / 3), "\(type) \(f) grads[\(i)]")
        }
        #expect(try gradientsMatchFiniteDifferences(c, cfg) == [])
    }

    @Test func fDivergenceHandNumbers() throws {
        // Δc = 1, Δr = −1.5. forward KL: h = (1 − e^{−1}) − (1 − e^{1.5}) = e^{1.5} − e^{−1}.
        let c = DPOCase(pc: [-10], pr: [-14], rc: [-11], rr: [-12.5])
        let fwd = try runDPO(c, DPOConfig(fDivergence: .forwardKL)).loss
        #expect(close(fwd, log(1 + exp(-0.1 * (exp(1.5) - exp(-1))))))
        // α = 0.5: s(Δ) = (e^{−Δ/2} − 1)/(−0.5) = 2(1 − e^{−Δ/2}); h = 2(e^{0.75} − e^{−0.5}).
        let alpha = try runDPO(c, DPOConfig(fDivergence: .alphaDivergence(alpha: 0.5))).loss
        #expect(close(alpha, log(1 + exp(-0.2 * (exp(0.75) - exp(-0.5))))))
        // JS: h = logσ(1) − logσ(−1.5) = −log(1 + e^{−1}) + log(1 + e^{1.5}).
        let js = try runDPO(c, DPOConfig(fDivergence: .jsDivergence)).loss
        #expect(close(js, log(1 + exp(-0.1 * (log(1 + exp(1.5)) - log(1 + exp(-1)))))))
        #expect(FDivergence(name: "alpha_divergence", alpha: 0.3) == .alphaDivergence(alpha: 0.3))
    }

    @Test func labelSmoothingPerType() throws {
        let c = DPOCase.standard
        // sigmoid ignores ε in TRL 1.16.
        let plain = try runDPO(c, DPOConfig()), smoothed = try runDPO(c, DPOConfig(labelSmoothing: 0.3))
        #expect(plain.loss == smoothed.loss && plain.grads == smoothed.grads)
        // Legacy cDPO: −(1−ε)logσ(z) − ε·logσ(−z); g_c = β[−(1−ε)σ(−z) + εσ(z)].
        let cfg = DPOConfig(labelSmoothing: 0.3, legacyCDPO: true)
        let cdpo = try runDPO(c, cfg)
        for i in c.pc.indices {
            let z = 0.1 * ((c.pc[i] - c.rc[i]) - (c.pr[i] - c.rr[i]))
            #expect(close(cdpo.perExample[i], -0.7 * lsig(z) - 0.3 * lsig(-z)))
            let gc = 0.1 * (-0.7 * sig(-z) + 0.3 * sig(z))
            #expect(close(cdpo.grads[0][i], gc / 3) && close(cdpo.grads[1][i], -gc / 3))
        }
        #expect(try gradientsMatchFiniteDifferences(c, cfg) == [])
        // The ε each type needs.
        #expect(throws: TensorError.self) { try runDPO(c, DPOConfig(lossTypes: [.exoPair])) }
        #expect(throws: TensorError.self) { try runDPO(c, DPOConfig(lossTypes: [.robust], labelSmoothing: 0.5)) }
        // Robust at ε = 0 is plain DPO.
        let robust0 = try runDPO(c, DPOConfig(lossTypes: [.robust]))
        #expect(close(robust0.loss, plain.loss))
    }

    @Test func wpoWeights() throws {
        let tape = Tape()
        func v(_ x: [Double]) -> Var { tape.variable(Tensor(x, dtype: .f64)) }
        // a_c = (−4 − (−6))/2 = 1, a_r = (−9 − (−6))/3 = −1: w = e^{0} = 1; second pair a_c = 0.5, a_r = 0: w = e^{0.5}.
        let w = try DPOModifiers.wpoWeights(policyChosen: v([-4, -5]), chosenLogSumSquares: v([-6, -6]), chosenLengths: v([2, 2]),
                                            policyRejected: v([-9, -6]), rejectedLogSumSquares: v([-6, -6]), rejectedLengths: v([3, 0]))
        let ws = try w.value().scalars
        #expect(close(ws[0], 1) && close(ws[1], exp(0.5)))
        #expect(!w.requiresGrad)
        // The weight multiplies ℓ_i and its gradient.
        var c = DPOCase.standard
        c.weights = [2, 0.5, 1]
        let plain = try runDPO(DPOCase.standard, DPOConfig(lossTypes: [.hinge]))
        let weighted = try runDPO(c, DPOConfig(lossTypes: [.hinge], useWeighting: true))
        for i in 0..<3 {
            #expect(close(weighted.perExample[i], plain.perExample[i] * c.weights![i]))
            #expect(close(weighted.grads[0][i], plain.grads[0][i] * c.weights![i]))
        }
        #expect(throws: TensorError.self) { try runDPO(c, DPOConfig(lossTypes: [.aot], useWeighting: true)) }
        #expect(throws: TensorError.self) { try runDPO(DPOCase.standard, DPOConfig(useWeighting: true)) }
    }

    @Test func ldDPO() throws {
        let tape = Tape()
        let tokens = tape.variable(try Tensor([-1, -2, -3, -4, -0.5, -1.5, 9, 9], shape: [2, 4], dtype: .f64))
        // Row 0: L = 4, other 2: −1 − 2 + 0.5·(−3 − 4) = −6.5. Row 1: L = 2, other 3: −0.5 − 1.5 = −2 (padding ignored).
        let p = try DPOModifiers.ldLogps(tokenLogps: tokens, lengths: [4, 2], otherLengths: [2, 3], alpha: 0.5)
        let ps = try p.value().scalars
        #expect(close(ps[0], -6.5) && close(ps[1], -2))
        try tape.backward(try p.sum())
        #expect(try tokens.gradient()?.scalars == [1, 1, 0.5, 0.5, 1, 1, 0, 0])
    }

    @Test func legacyReferenceFreeAndMultiLoss() throws {
        let c = DPOCase.standard
        // reference_free: h = pc − pr = [4, −1.5, 0.25]; the rewards still subtract the reference.
        let rf = try runDPO(c, DPOConfig(referenceFree: true))
        let h = [4.0, -1.5, 0.25]
        #expect(close(rf.loss, h.map { sp(-0.1 * $0) }.reduce(0, +) / 3))
        #expect(close(rf.metrics["rewards/chosen"]!, 0.1 * 0.5 / 3))
        // MPO: 0.8·sigmoid + 0.2·bco_pair + 1·sft.
        let mpo = try runDPO(c, DPOConfig(lossTypes: [.sigmoid, .bcoPair, .sft], lossWeights: [0.8, 0.2, 1]))
        let parts = try [DPOLossType.sigmoid, .bcoPair, .sft].map { try runDPO(c, DPOConfig(lossTypes: [$0])).loss }
        #expect(close(mpo.loss, 0.8 * parts[0] + 0.2 * parts[1] + parts[2]))
        #expect(throws: TensorError.self) { try runDPO(c, DPOConfig(lossTypes: [.sigmoid, .sft], lossWeights: [1])) }
    }

    @Test func loggedMetrics() throws {
        // Δc = [1, 0.5, −1], Δr = [−1.5, 1, 0.75]; only pair 0 has Δc > Δr.
        let m = try runDPO(DPOCase.standard, DPOConfig(fDivergence: .forwardKL)).metrics
        #expect(close(m["rewards/chosen"]!, 0.1 * 0.5 / 3))
        #expect(close(m["rewards/rejected"]!, 0.1 * 0.25 / 3))
        #expect(close(m["rewards/margins"]!, 0.1 * 0.25 / 3))
        #expect(close(m["rewards/accuracies"]!, 1.0 / 3))
        #expect(close(m["logps/chosen"]!, -37.5 / 3) && close(m["logps/rejected"]!, -40.25 / 3))
        // Ties count as wrong (strict >).
        let tie = try runDPO(DPOCase(pc: [-1], pr: [-2], rc: [-1], rr: [-2]), DPOConfig()).metrics
        #expect(tie["rewards/accuracies"] == 0)
    }

    @Test func invalidConfigurationsAreErrors() throws {
        let c = DPOCase.standard
        #expect(throws: TensorError.self) { try runDPO(c, DPOConfig(beta: 0)) }
        #expect(throws: TensorError.self) { try runDPO(c, DPOConfig(lossTypes: [.ncaPair], fDivergence: .jsDivergence)) }
        #expect(throws: TensorError.self) { try runDPO(c, DPOConfig(fDivergence: .alphaDivergence(alpha: 1))) }
        var noLengths = c
        noLengths.lc = nil
        #expect(throws: TensorError.self) { try runDPO(noLengths, DPOConfig(lossTypes: [.ipo])) }
    }
}
