import Foundation
import PrefCore
@testable import PrefLearn

// Reference scalar functions written from losses.md §0, independent of the tape kernels.
func sig(_ t: Double) -> Double { t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t)) }
func sp(_ t: Double) -> Double { max(t, 0) + log1p(exp(-abs(t))) }
func lsig(_ t: Double) -> Double { -sp(-t) }

/// Agreement to `rel` relative (absolute near zero).
func close(_ a: Double, _ b: Double, _ rel: Double = 1e-10) -> Bool {
    abs(a - b) <= rel * max(abs(b), 1e-12) || abs(a - b) <= 1e-300
}

/// One f64 batch: the four sequence log-probs and optional lengths and weights.
struct DPOCase {
    var pc: [Double], pr: [Double], rc: [Double], rr: [Double]
    var lc: [Double]? = nil, lr: [Double]? = nil
    var weights: [Double]? = nil
    var referenceFree = false

    var inputs: [[Double]] { [pc, pr, rc, rr] }

    func with(_ k: Int, _ i: Int, plus h: Double) -> DPOCase {
        var c = self
        switch k {
        case 0: c.pc[i] += h
        case 1: c.pr[i] += h
        case 2: c.rc[i] += h
        default: c.rr[i] += h
        }
        return c
    }

    /// The standard three-pair batch of the formula tests: Δc = [1, 0.5, −1], Δr = [−1.5, 1, 0.75].
    static let standard = DPOCase(pc: [-10, -20.5, -7], pr: [-14, -19, -7.25], rc: [-11, -21, -6], rr: [-12.5, -20, -8],
                                  lc: [2, 7, 1], lr: [5, 3, 1])
}

struct DPORun {
    var loss: Double
    var perExample: [Double]
    /// Gradients of the batch loss with respect to pc, pr, rc, rr.
    var grads: [[Double]]
    var metrics: [String: Double]
}

func runDPO(_ c: DPOCase, _ config: DPOConfig) throws -> DPORun {
    let tape = Tape()
    let vars = c.inputs.map { tape.variable(Tensor($0, dtype: .f64)) }
    func const(_ x: [Double]?) -> Var? { x.map { tape.constant(Tensor($0, dtype: .f64)) } }
    let batch = PreferenceBatch(policyChosen: vars[0], policyRejected: vars[1],
                                referenceChosen: c.referenceFree ? nil : vars[2],
                                referenceRejected: c.referenceFree ? nil : vars[3],
                                chosenLengths: const(c.lc), rejectedLengths: const(c.lr), weights: const(c.weights))
    let out = try DPOLoss.compute(batch, config)
    try tape.backward(out.loss)
    let grads = try vars.map { v in try v.gradient()?.scalars ?? [Double](repeating: 0, count: c.pc.count) }
    return DPORun(loss: try out.loss.value().scalars[0], perExample: try out.perExample.value().scalars, grads: grads, metrics: out.metrics)
}

/// Central finite difference (one Richardson step) of the batch loss in input k, example i.
func finiteDifference(_ c: DPOCase, _ config: DPOConfig, _ k: Int, _ i: Int, h: Double = 1e-3) throws -> Double {
    func central(_ h: Double) throws -> Double {
        (try runDPO(c.with(k, i, plus: h), config).loss - runDPO(c.with(k, i, plus: -h), config).loss) / (2 * h)
    }
    return (4 * (try central(h / 2)) - (try central(h))) / 3
}

/// Checks every input gradient of the batch loss against finite differences.
func gradientsMatchFiniteDifferences(_ c: DPOCase, _ config: DPOConfig, rel: Double = 1e-6) throws -> [String] {
    let run = try runDPO(c, config)
    var failures = [String]()
    for k in 0..<4 {
        for i in c.pc.indices {
            let fd = try finiteDifference(c, config, k, i)
            let g = run.grads[k][i]
            if abs(g - fd) > rel * max(abs(fd), 1e-6) { failures.append("input \(k) example \(i): tape \(g) vs fd \(fd)") }
        }
    }
    return failures
}
