import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// The convex linear Bradley–Terry fit: its objective against the tape's `bradleyTerryLoss`, its
/// gradient and Hessian against finite differences, the optimum against a closed form and against
/// Adam run to convergence, and determinism.
@Suite("reward models: Newton and L-BFGS") struct LinearBradleyTerrySolverTests {
    /// n random pairs of p features (rejected an offset of chosen, so differencing matters).
    static func pairs(n: Int, p: Int, seed: UInt64) throws -> (Tensor, Tensor) {
        let truth = pseudoRandom(count: p, seed: seed + 100)
        let xr = pseudoRandom(count: n * p, seed: seed, scale: 2, offset: -1)
        var xc = pseudoRandom(count: n * p, seed: seed + 1, scale: 2, offset: -1)
        // Lean the chosen side towards the truth so the optimum is finite but informative.
        for i in 0..<n { for k in 0..<p { xc[i * p + k] += 0.3 * truth[k] } }
        return (try Tensor(xc, shape: [n, p], dtype: .f64), try Tensor(xr, shape: [n, p], dtype: .f64))
    }

    @Test func objectiveIsTheBradleyTerryLoss() throws {
        let (c, r) = try Self.pairs(n: 37, p: 4, seed: 1)
        let margins = pseudoRandom(count: 37, seed: 9, scale: 0.5)
        let problem = try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: margins, center: 0.05)
        let w = [0.3, -0.7, 1.1, 0.05]
        let e = try problem.evaluate(w, hessian: false)
        let model = try RewardModel(.linear, inputDim: 4, seed: 0)
        model.parameters[0].value = try Tensor(w, shape: [4, 1], dtype: .f64)
        let tape = Tape()
        let reference = try RewardModelTrainer.loss(model, .pairs(chosen: try RewardInputs(features: c), rejected: try RewardInputs(features: r),
                                                                  margins: margins, objective: .bradleyTerry(center: 0.05)), tape: tape)
        #expect(isClose(e.loss, try reference.loss.value().item(), rel: 1e-12))
        #expect(isClose(e.accuracy, reference.metrics["accuracy"] ?? .nan, rel: 1e-12))
        #expect(isClose(e.margin, reference.metrics["margin"] ?? .nan, rel: 1e-12))
        // The tape's gradient of the same loss.
        try tape.backward(reference.loss)
        let g = model.parameters[0].grad.map { $0.to(.f64).scalars } ?? []
        for (a, b) in zip(e.gradient, g) { #expect(isClose(a, b, rel: 1e-10, abs: 1e-14)) }
    }

    @Test func gradientAndHessianMatchFiniteDifferences() throws {
        let (c, r) = try Self.pairs(n: 5000, p: 3, seed: 2)   // more than one block of rows
        let problem = try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: pseudoRandom(count: 5000, seed: 3), center: 0.02)
        let w = [0.4, -0.2, 0.9], h = 1e-5
        let e = try problem.evaluate(w, hessian: true)
        for k in 0..<3 {
            var up = w, down = w
            up[k] += h
            down[k] -= h
            let (a, b) = (try problem.evaluate(up, hessian: false), try problem.evaluate(down, hessian: false))
            #expect(isClose(e.gradient[k], (a.loss - b.loss) / (2 * h), rel: 1e-7, abs: 1e-10))
            for j in 0..<3 {
                #expect(isClose(e.hessian[j * 3 + k], (a.gradient[j] - b.gradient[j]) / (2 * h), rel: 1e-6, abs: 1e-9))
            }
        }
    }

    /// Differences ±e₁ and ±e₂ only: two independent one-parameter problems with σ(w_k) = the
    /// share of +e_k rows, so w_k = log(k/(n − k)) and L = Σ_k (n_k/n)·H(k/n_k) (binary entropies).
    @Test func bothSolversReachTheClosedForm() throws {
        let counts = [(plus: 30, minus: 10), (plus: 7, minus: 21)]
        var xc = [Double](), xr = [Double]()
        for (axis, count) in counts.enumerated() {
            for i in 0..<(count.plus + count.minus) {
                let sign: Double = i < count.plus ? 1 : -1
                let base = [0.25 * Double(i % 3), -0.5]
                xr += base
                xc += base.indices.map { base[$0] + ($0 == axis ? sign : 0) }
            }
        }
        let n = xc.count / 2
        let problem = try LinearBradleyTerryProblem(chosen: try Tensor(xc, shape: [n, 2], dtype: .f64),
                                                    rejected: try Tensor(xr, shape: [n, 2], dtype: .f64), margins: nil, center: nil)
        let expectedW = counts.map { log(Double($0.plus) / Double($0.minus)) }
        let expectedLoss = counts.reduce(0.0) { sum, c in
            let m = Double(c.plus + c.minus), q = Double(c.plus) / m
            return sum + m / Double(n) * -(q * log(q) + (1 - q) * log(1 - q))
        }
        for method in LinearBradleyTerrySolver.Method.allCases {
            let result = try LinearBradleyTerrySolver.solve(problem, start: [0.1, -0.3], options: .init(method: method, tolerance: 1e-12))
            #expect(result.converged)
            for (a, b) in zip(result.weights, expectedW) { #expect(isClose(a, b, rel: 1e-10), "\(method)") }
            #expect(isClose(result.history.last?.loss ?? .nan, expectedLoss, rel: 1e-12), "\(method)")
            #expect((result.history.last?.gradientNorm ?? 1) <= 1e-12)
        }
    }

    @Test func newtonAndLbfgsAgreeAndAdamApproachesTheSameOptimum() throws {
        let (c, r) = try Self.pairs(n: 400, p: 6, seed: 4)
        let margins = pseudoRandom(count: 400, seed: 5, scale: 0.4)
        let problem = try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: margins, center: 0.01)
        let start = [Double](repeating: 0, count: 6)
        let newton = try LinearBradleyTerrySolver.solve(problem, start: start, options: .init(method: .newton, tolerance: 1e-12))
        let lbfgs = try LinearBradleyTerrySolver.solve(problem, start: start, options: .init(method: .lbfgs, tolerance: 1e-12))
        #expect(newton.converged && lbfgs.converged)
        #expect(newton.iterations <= 8, "Newton took \(newton.iterations) iterations")
        for (a, b) in zip(newton.weights, lbfgs.weights) { #expect(isClose(a, b, rel: 1e-9, abs: 1e-11)) }
        let best = newton.history.last?.loss ?? .nan
        #expect(isClose(best, lbfgs.history.last?.loss ?? .nan, rel: 1e-14))
        // The loss never rises (Armijo's condition; the last steps may be flat to rounding).
        for k in 1..<newton.history.count { #expect(newton.history[k].loss <= newton.history[k - 1].loss * (1 + 1e-14)) }
        // Adam on the tape, many full-batch epochs, never goes below the optimum and gets close to it.
        let model = try RewardModel(.linear, inputDim: 6, seed: 0)
        model.parameters[0].value = Tensor(zeros: [6, 1], dtype: .f64)
        let examples = RewardModelTrainer.Examples.pairs(chosen: try RewardInputs(features: c), rejected: try RewardInputs(features: r),
                                                         margins: margins, objective: .bradleyTerry(center: 0.01))
        let adam = try RewardModelTrainer.fit(model, examples, options: .init(epochs: 2000, learningRate: 0.05)).losses
        #expect((adam.min() ?? .nan) >= best - 1e-12)
        #expect((adam.last ?? .nan) - best < 1e-8, "Adam ended at \(adam.last ?? .nan), the optimum is \(best)")
    }

    /// f32 features (as `load` gives them) are widened exactly: the same objective as their f64 copy.
    @Test func f32FeaturesMatchTheirF64Copy() throws {
        let (c, r) = try Self.pairs(n: 300, p: 4, seed: 8)
        let (c32, r32) = (c.to(.f32), r.to(.f32))
        let a = try LinearBradleyTerryProblem(chosen: c32, rejected: r32, margins: nil, center: 0.01)
        let b = try LinearBradleyTerryProblem(chosen: c32.to(.f64), rejected: r32.to(.f64), margins: nil, center: 0.01)
        let w = [0.2, -0.1, 0.4, 0.3]
        let (ea, eb) = (try a.evaluate(w, hessian: true), try b.evaluate(w, hessian: true))
        #expect(ea.loss == eb.loss && ea.gradient == eb.gradient && ea.hessian == eb.hessian)
    }

    @Test func deterministic() throws {
        let (c, r) = try Self.pairs(n: 3000, p: 5, seed: 6)
        let problem = try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: nil, center: nil)
        for method in LinearBradleyTerrySolver.Method.allCases {
            let a = try LinearBradleyTerrySolver.solve(problem, start: [0, 0, 0, 0, 0], options: .init(method: method))
            let b = try LinearBradleyTerrySolver.solve(problem, start: [0, 0, 0, 0, 0], options: .init(method: method))
            #expect(a.weights == b.weights)
            #expect(a.history.map(\.loss) == b.history.map(\.loss))
        }
    }

    @Test func badInputsAreErrors() throws {
        let (c, r) = try Self.pairs(n: 4, p: 2, seed: 7)
        #expect(throws: TensorError.self) { try LinearBradleyTerryProblem(chosen: c, rejected: try r.reshaped([2, 4]), margins: nil, center: nil) }
        #expect(throws: TensorError.self) { try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: [1, 2], center: nil) }
        #expect(throws: TensorError.self) { try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: [1, 2, .nan, 0], center: nil) }
        let bad = try Tensor([1, .infinity, 0, 0, 0, 0, 0, 0], shape: [4, 2], dtype: .f64)
        #expect(throws: TensorError.self) { try LinearBradleyTerryProblem(chosen: bad, rejected: r, margins: nil, center: nil) }
        let problem = try LinearBradleyTerryProblem(chosen: c, rejected: r, margins: nil, center: nil)
        #expect(throws: TensorError.self) { try problem.evaluate([1], hessian: false) }
        // Separable pairs: the weights grow without bound; the cap reports it as unconverged.
        let one = try Tensor([1, 0, 2, 0], shape: [2, 2], dtype: .f64), zero = Tensor(zeros: [2, 2], dtype: .f64)
        let separable = try LinearBradleyTerryProblem(chosen: one, rejected: zero, margins: nil, center: nil)
        let result = try LinearBradleyTerrySolver.solve(separable, start: [0, 0], options: .init(method: .newton, tolerance: 1e-300, maxIterations: 20))
        #expect(!result.converged)
    }
}
