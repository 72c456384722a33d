import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// Scalar reference forms of the sheet's primitives (losses.md "Numerically stable
/// primitives"), written independently of the tape so closed-form tests check the tape.
enum Sheet {
    static func sigma(_ t: Double) -> Double { t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t)) }
    static func softplus(_ t: Double) -> Double { Swift.max(t, 0) + log1p(exp(-Swift.abs(t))) }
    static func logSigma(_ t: Double) -> Double { -softplus(-t) }
    static func log1mexp(_ x: Double) -> Double { x < -log(2.0) ? log1p(-exp(x)) : log(-expm1(x)) }
    static func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
}

enum LossTest {
    static func vector(_ xs: [Double]) throws -> Tensor { try Tensor(xs, shape: [xs.count], dtype: .f64) }

    /// Evaluates a loss on fresh variables and returns (per-example values, batch loss, metrics,
    /// gradients of the batch loss with respect to each input).
    static func run(_ inputs: [[Double]], _ f: ([Var]) throws -> LossEvaluation) throws
        -> (perExample: [Double], loss: Double, metrics: [String: Double], gradients: [[Double]]) {
        let tape = Tape()
        let vars = try inputs.map { tape.variable(try vector($0)) }
        let out = try f(vars)
        try tape.backward(out.loss)
        let grads = try vars.map { v in try v.gradient()?.scalars ?? Array(repeating: 0, count: v.shape.count) }
        return (try out.perExample.value().scalars, try out.loss.value().item(), out.metrics, grads)
    }

    /// Central finite differences of both the per-example losses and the batch loss with respect
    /// to every input (tolerance as PrefCore's gradient tests).
    static func expectGradients(_ inputs: [[Double]], _ label: String, _ f: ([Var]) throws -> LossEvaluation) throws {
        let tensors = try inputs.map(vector)
        let perExample = try checkGradient(tensors) { _, v in try f(v).perExample }
        #expect(perExample.maxError < 1e-6, "\(label) per-example: \(perExample)")
        let batch = try checkGradient(tensors) { _, v in try f(v).loss }
        #expect(batch.maxError < 1e-6, "\(label) batch: \(batch)")
    }

    static func expectClose(_ a: [Double], _ b: [Double], rel: Double = 1e-10, _ label: String = "") {
        #expect(a.count == b.count, "\(label): \(a) vs \(b)")
        for (x, y) in zip(a, b) { #expect(isClose(x, y, rel: rel), "\(label): \(a) vs \(b)") }
    }

    static func expectFinite(_ r: (perExample: [Double], loss: Double, metrics: [String: Double], gradients: [[Double]]), _ label: String) {
        let all = r.perExample + [r.loss] + r.gradients.flatMap { $0 }
        let finite = all.allSatisfy { $0.isFinite }
        #expect(finite, "\(label): \(r)")
    }
}
