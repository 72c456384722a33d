import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The fused block pass of `LinearBradleyTerryProblem.evaluate` (CKernels'
/// `pk_bradley_terry_block_f64`, split over threads): the same L, ∇L and ∇²L as the plain
/// per-row formulas for every block size (partial last blocks included), the transcendental
/// pieces exact in the tails, and bit-identical results run to run with two threads.
@Suite("reward models: the fused Bradley–Terry pass") struct LinearBradleyTerryKernelTests {
    /// L = mean softplus(mᵢ − dᵢ·w), ∇L = −mean σ(uᵢ)dᵢ, ∇²L = mean σ(uᵢ)σ(−uᵢ)dᵢdᵢᵀ, one row at a
    /// time with libm (the unfused computation).
    static func plain(_ d: [Double], _ m: [Double], n: Int, p: Int, w: [Double]) -> (Double, [Double], [Double]) {
        var loss = 0.0, grad = [Double](repeating: 0, count: p), hess = [Double](repeating: 0, count: p * p)
        for i in 0..<n {
            let row = Array(d[(i * p)..<((i + 1) * p)])
            let u = m[i] - zip(row, w).reduce(0) { $0 + $1.0 * $1.1 }
            loss += max(u, 0) + log1p(exp(-abs(u)))
            let s = 1 / (1 + exp(-u)), h = s * (1 / (1 + exp(u)))
            for j in 0..<p {
                grad[j] -= s * row[j]
                for k in 0..<p { hess[j * p + k] += h * row[j] * row[k] }
            }
        }
        let n = Double(n)
        return (loss / n, grad.map { $0 / n }, hess.map { $0 / n })
    }

    @Test func fusedPassEqualsThePlainFormulas() throws {
        let n = 1001, p = 13
        let c = pseudoRandom(count: n * p, seed: 11, scale: 2, offset: -1), r = pseudoRandom(count: n * p, seed: 12, scale: 2, offset: -1)
        let m = pseudoRandom(count: n, seed: 13, scale: 0.8)
        let w = pseudoRandom(count: p, seed: 14, scale: 1.5, offset: -0.75)
        let d = zip(c, r).map { $0 - $1 }
        let (loss, grad, hess) = Self.plain(d, m, n: n, p: p, w: w)
        var problem = try LinearBradleyTerryProblem(chosen: try Tensor(c, shape: [n, p], dtype: .f64), rejected: try Tensor(r, shape: [n, p], dtype: .f64),
                                                    margins: m, center: nil)
        // 1001 rows: every block size leaves a partial last block (or is one short block).
        for blockRows in [1, 7, 64, 256, 1000, 4096] {
            for threads in [1, 2, 3] {
                problem.blockRows = blockRows
                problem.threads = threads
                let e = try problem.evaluate(w, hessian: true)
                #expect(isClose(e.loss, loss, rel: 1e-12), "block \(blockRows), \(threads) threads")
                let scale = grad.map(abs).max() ?? 1, hScale = hess.map(abs).max() ?? 1
                for j in 0..<p { #expect(isClose(e.gradient[j], grad[j], rel: 1e-12, abs: 1e-13 * scale), "block \(blockRows), ∇L[\(j)]") }
                for k in 0..<(p * p) { #expect(isClose(e.hessian[k], hess[k], rel: 1e-12, abs: 1e-13 * hScale), "block \(blockRows), ∇²L[\(k)]") }
                let f = try problem.evaluate(w, hessian: false)
                #expect(f.loss == e.loss && f.gradient == e.gradient)
            }
        }
    }

    /// One pair per row with dᵢ = 1 and w = 0: uᵢ = mᵢ, so L is softplus(m) exactly, from the
    /// tails (|u| > 708, where e^−|u| underflows) to u near 0, and σ, σ(1 − σ) in the gradient
    /// and Hessian keep full relative accuracy where 1 − σ would cancel. Below e^−708 (terms
    /// < 1e-307, subnormal in libm) the kernel's exp is 0: an absolute 1e-300 there.
    @Test func softplusAndSigmoidAreExactInTheTails() throws {
        for u in [-800.0, -709.5, -50, -3.25, -1e-9, 0, 2e-12, 0.7, 12, 36.5, 300, 750] {
            let problem = try LinearBradleyTerryProblem(chosen: try Tensor([1], shape: [1, 1], dtype: .f64), rejected: Tensor(zeros: [1, 1], dtype: .f64),
                                                        margins: [u], center: nil)
            let e = try problem.evaluate([0], hessian: true)
            let softplus = max(u, 0) + log1p(exp(-abs(u)))
            let sigma = u >= 0 ? 1 / (1 + exp(-u)) : exp(u) / (1 + exp(u))
            let curvature = exp(-abs(u)) / ((1 + exp(-abs(u))) * (1 + exp(-abs(u))))
            let floor = abs(u) > 708 ? 1e-300 : 0
            #expect(isClose(e.loss, softplus, rel: 1e-15, abs: floor), "softplus(\(u)) = \(e.loss), libm \(softplus)")
            #expect(isClose(e.gradient[0], -sigma, rel: 1e-15, abs: floor), "σ(\(u))")
            #expect(isClose(e.hessian[0], curvature, rel: 1e-15, abs: floor), "σσ'(\(u)) = \(e.hessian[0]), expected \(curvature)")
        }
    }

    @Test func twoThreadsAreBitIdenticalRunToRun() throws {
        let n = 20_011, p = 9
        let c = try Tensor(pseudoRandom(count: n * p, seed: 21, scale: 2, offset: -1), shape: [n, p], dtype: .f64)
        let r = try Tensor(pseudoRandom(count: n * p, seed: 22, scale: 2, offset: -1), shape: [n, p], dtype: .f64)
        var problem = try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: nil, center: 0.01)
        let w = pseudoRandom(count: p, seed: 23)
        let single = try problem.evaluate(w, hessian: true)
        problem.threads = 2
        let first = try problem.evaluate(w, hessian: true)
        for _ in 0..<5 {
            let again = try problem.evaluate(w, hessian: true)
            #expect(again.loss == first.loss && again.gradient == first.gradient && again.hessian == first.hessian)
        }
        // L's block sums are added in block order whatever the threads; ∇L differs by rounding.
        #expect(first.loss == single.loss)
        for (a, b) in zip(first.gradient, single.gradient) { #expect(isClose(a, b, rel: 1e-12, abs: 1e-16)) }
        for method in LinearBradleyTerrySolver.Method.allCases {
            let a = try LinearBradleyTerrySolver.solve(problem, start: [Double](repeating: 0, count: p), options: .init(method: method))
            let b = try LinearBradleyTerrySolver.solve(problem, start: [Double](repeating: 0, count: p), options: .init(method: method))
            #expect(a.converged && a.weights == b.weights && a.history.map(\.loss) == b.history.map(\.loss))
            #expect((a.history.last?.gradientNorm ?? 1) <= 1e-9)
            // One pass for the start and one per line-search trial: at least one per iteration.
            #expect(a.evaluations == b.evaluations && a.evaluations >= a.iterations + 1)
        }
    }

    /// The f32 path differences in the kernel's widening loop: non-finite features still fail
    /// with the pair and feature named.
    @Test func nonFiniteF32FeaturesAreLocated() throws {
        let c = try Tensor([0, 1, 2, 3, .nan, 5], shape: [3, 2], dtype: .f32), r = Tensor(zeros: [3, 2], dtype: .f32)
        #expect { try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: nil, center: nil) } throws: { error in
            (error as? TensorError)?.message.contains("pair 3 has a non-finite feature 0") ?? false
        }
    }
}
