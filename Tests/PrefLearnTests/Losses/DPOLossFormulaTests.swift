import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// The sheet's per-example formula for one pair: (ℓ, g_c = ∂ℓ/∂pc, g_r = ∂ℓ/∂pr), losses.md §1.
typealias SheetFormula = @Sendable (_ dc: Double, _ dr: Double, _ lc: Double, _ lr: Double, _ b: Double, _ e: Double) -> (Double, Double, Double)

let sheet: [DPOLossType: SheetFormula] = [
    .sigmoid: { dc, dr, _, _, b, _ in
        let z = b * (dc - dr)
        return (sp(-z), -b * sig(-z), b * sig(-z))
    },
    .hinge: { dc, dr, _, _, b, _ in
        let z = b * (dc - dr)
        return (max(0, 1 - z), z < 1 ? -b : 0, z < 1 ? b : 0)
    },
    .ipo: { dc, dr, lc, lr, b, _ in
        let u = dc / max(lc, 1) - dr / max(lr, 1), r = u - 1 / (2 * b)
        return (r * r, 2 * r / lc, -2 * r / lr)
    },
    .exoPair: { dc, dr, _, _, b, e in
        let z = b * (dc - dr), q = sig(z)
        let l = q * (lsig(z) - log(1 - e)) + (1 - q) * (lsig(-z) - log(e))
        let dz = sig(z) * sig(-z) * (z - log((1 - e) / e))
        return (l, b * dz, -b * dz)
    },
    .ncaPair: { dc, dr, _, _, b, _ in
        let x = b * dc, y = b * dr
        return (-lsig(x) - 0.5 * lsig(-x) - 0.5 * lsig(-y), b * (-sig(-x) + 0.5 * sig(x)), 0.5 * b * sig(y))
    },
    .robust: { dc, dr, _, _, b, e in
        let z = b * (dc - dr)
        let dz = -((1 - e) * sig(-z) + e * sig(z)) / (1 - 2 * e)
        return ((-(1 - e) * lsig(z) + e * lsig(-z)) / (1 - 2 * e), b * dz, -b * dz)
    },
    .bcoPair: { dc, dr, _, _, b, _ in
        let x = b * dc, y = b * dr
        return (-lsig(x) - lsig(-y), -b * sig(-x), b * sig(y))
    },
    .sppoHard: { dc, dr, _, _, b, _ in
        let c = 1 / (2 * b)
        return ((dc - c) * (dc - c) + (dr + c) * (dr + c), 2 * (dc - c), 2 * (dr + c))
    },
    .apoZero: { dc, dr, _, _, b, _ in
        let x = b * dc, y = b * dr
        return ((1 - sig(x)) + sig(y), -b * sig(x) * sig(-x), b * sig(y) * sig(-y))
    },
    .apoDown: { dc, dr, _, _, b, _ in
        let x = b * dc, z = b * (dc - dr)
        return (sig(x) + sig(-z), b * (sig(x) * sig(-x) - sig(z) * sig(-z)), b * sig(z) * sig(-z))
    },
    .discopop: { dc, dr, _, _, b, _ in
        let z = b * (dc - dr), tau = 0.05, m = sig(z / tau)
        let l = (1 - m) * sp(-z) + m * exp(-z)
        let dz = -(1 - m) * sig(-z) - m * exp(-z) + (m * (1 - m) / tau) * (exp(-z) - sp(-z))
        return (l, b * dz, -b * dz)
    },
    .sigmoidNorm: { dc, dr, lc, lr, b, _ in
        let u = dc / max(lc, 1) - dr / max(lr, 1)
        return (sp(-b * u), -b * sig(-b * u) / lc, b * sig(-b * u) / lr)
    },
]

@Suite("DPO loss types against the formula sheet (f64)")
struct DPOLossFormulaTests {
    static let pointwise: [DPOLossType] = [.sigmoid, .hinge, .ipo, .exoPair, .ncaPair, .robust, .bcoPair, .sppoHard,
                                           .apoZero, .apoDown, .discopop, .sigmoidNorm]

    @Test("values, sheet gradients and finite differences", arguments: pointwise, [0.1, 0.5])
    func matchesSheet(_ type: DPOLossType, _ beta: Double) throws {
        let eps = (type == .exoPair || type == .robust) ? 0.1 : 0
        let config = DPOConfig(beta: beta, lossTypes: [type], labelSmoothing: eps)
        let c = DPOCase.standard
        let run = try runDPO(c, config)
        let f = try #require(sheet[type])
        let n = Double(c.pc.count)
        var mean = 0.0
        for i in c.pc.indices {
            let (l, gc, gr) = f(c.pc[i] - c.rc[i], c.pr[i] - c.rr[i], c.lc![i], c.lr![i], beta, eps)
            mean += l / n
            #expect(close(run.perExample[i], l), "\(type) ℓ[\(i)] \(run.perExample[i]) vs \(l)")
            #expect(close(run.grads[0][i], gc / n), "\(type) g_c[\(i)]")
            #expect(close(run.grads[1][i], gr / n), "\(type) g_r[\(i)]")
            // The reference gradients are the negatives of the policy ones.
            #expect(close(run.grads[2][i], -gc / n) && close(run.grads[3][i], -gr / n), "\(type) reference gradients")
        }
        #expect(close(run.loss, mean))
        #expect(try gradientsMatchFiniteDifferences(c, config) == [])
    }

    @Test func handWorkedNumbers() throws {
        // One pair, Δc = 1, Δr = −1.5, h = 2.5, β = 0.1, z = 0.25; Lc = 2, Lr = 5.
        let c = DPOCase(pc: [-10], pr: [-14], rc: [-11], rr: [-12.5], lc: [2], lr: [5])
        func loss(_ t: DPOLossType) throws -> Double { try runDPO(c, DPOConfig(lossTypes: [t])).loss }
        #expect(close(try loss(.sigmoid), log(1 + exp(-0.25))))
        #expect(close(try loss(.hinge), 0.75))
        // u = 1/2 − (−1.5)/5 = 0.8; (0.8 − 1/0.2)² = (−4.2)² = 17.64.
        #expect(close(try loss(.ipo), 17.64))
        // (1 − 5)² + (−1.5 + 5)² = 16 + 12.25.
        #expect(close(try loss(.sppoHard), 28.25))
        // softplus(−0.1·0.8) = log(1 + e^{−0.08}).
        #expect(close(try loss(.sigmoidNorm), log(1 + exp(-0.08))))
        // −logσ(0.1) − logσ(0.15) = log(1 + e^{−0.1}) + log(1 + e^{−0.15}).
        #expect(close(try loss(.bcoPair), log(1 + exp(-0.1)) + log(1 + exp(-0.15))))
        // σ(−0.1) + σ(−0.15) = 1/(1 + e^{0.1}) + 1/(1 + e^{0.15}).
        #expect(close(try loss(.apoZero), 1 / (1 + exp(0.1)) + 1 / (1 + exp(0.15))))
        // σ(0.1) + σ(−0.25).
        #expect(close(try loss(.apoDown), 1 / (1 + exp(-0.1)) + 1 / (1 + exp(0.25))))
        // log(1+e^{−0.1}) + ½log(1+e^{0.1}) + ½log(1+e^{−0.15}).
        #expect(close(try loss(.ncaPair), log(1 + exp(-0.1)) + 0.5 * log(1 + exp(0.1)) + 0.5 * log(1 + exp(-0.15))))
        // z/τ = 5: m = 1/(1+e^{−5}); (1−m)·log(1+e^{−0.25}) + m·e^{−0.25}.
        let m = 1 / (1 + exp(-5.0))
        #expect(close(try loss(.discopop), (1 - m) * log(1 + exp(-0.25)) + m * exp(-0.25)))
        // Robust, ε = 0.2: [0.8·log(1+e^{−0.25}) − 0.2·log(1+e^{0.25})]/0.6.
        let robust = try runDPO(c, DPOConfig(lossTypes: [.robust], labelSmoothing: 0.2)).loss
        #expect(close(robust, (0.8 * log(1 + exp(-0.25)) - 0.2 * log(1 + exp(0.25))) / 0.6))
    }

    @Test func sftAveragesOverAllChosenTokens() throws {
        let c = DPOCase.standard // Σpc = −37.5 over Σ Lc = 10 tokens.
        let run = try runDPO(c, DPOConfig(lossTypes: [.sft]))
        #expect(close(run.loss, 3.75))
        #expect(run.perExample.allSatisfy { close($0, 3.75) })
        #expect(run.grads[0].allSatisfy { close($0, -1.0 / 10) })
        #expect(run.grads[1] == [0, 0, 0] && run.grads[2] == [0, 0, 0])
        #expect(DPOLossType(name: "nll") == .sft)
    }

    @Test func aotSortsAlongTheBatch() throws {
        // Paired: u = pc − pr = [4, −1.5, 0.25], v = rc − rr = [1.5, −1, 2].
        // sort(u) = [−1.5, 0.25, 4] (examples 1, 2, 0); sort(v) = [−1, 1.5, 2]; d = [−0.5, −1.25, 2].
        let c = DPOCase.standard, b = 0.1, e = 0.2
        let cfg = DPOConfig(beta: b, lossTypes: [.aot], labelSmoothing: e)
        let run = try runDPO(c, cfg)
        let d = [-0.5, -1.25, 2.0]
        let l = d.map { -(1 - e) * lsig(b * $0) - e * lsig(-b * $0) }
        for k in 0..<3 { #expect(close(run.perExample[k], l[k])) }
        // c_k goes to pc (and −c_k to pr) of the example holding rank k of u.
        let owner = [1, 2, 0]
        for k in 0..<3 {
            let ck = b * (-(1 - e) * sig(-b * d[k]) + e * sig(b * d[k])) / 3
            #expect(close(run.grads[0][owner[k]], ck) && close(run.grads[1][owner[k]], -ck))
        }
        #expect(try gradientsMatchFiniteDifferences(c, cfg) == [])
    }

    @Test func aotUnpairedSortsChosenAndRejectedSeparately() throws {
        // Δc = [1, 0.5, −1] → sorted [−1, 0.5, 1] (examples 2, 1, 0); Δr = [−1.5, 1, 0.75] → [−1.5, 0.75, 1]
        // (examples 0, 2, 1); d = [0.5, −0.25, 0].
        let c = DPOCase.standard, b = 0.1
        let cfg = DPOConfig(beta: b, lossTypes: [.aotUnpaired])
        let run = try runDPO(c, cfg)
        let d = [0.5, -0.25, 0]
        for k in 0..<3 { #expect(close(run.perExample[k], sp(-b * d[k]))) }
        let chosenOwner = [2, 1, 0], rejectedOwner = [0, 2, 1]
        for k in 0..<3 {
            let ck = -b * sig(-b * d[k]) / 3
            #expect(close(run.grads[0][chosenOwner[k]], ck) && close(run.grads[1][rejectedOwner[k]], -ck))
        }
        #expect(DPOLossType(name: "aot_pair") == .aotUnpaired)
        #expect(try gradientsMatchFiniteDifferences(c, cfg) == [])
    }
}
