import PrefCore

/// A log-likelihood ℓ(β) over full coordinates (every item's log-strength, then any extra
/// parameter such as the home advantage), with its gradient and observed information −∇²ℓ.
protocol LogLikelihood {
    var dimension: Int { get }
    func value(_ beta: [Double]) -> Double
    /// ∇ℓ and the information as a dense row-major dimension² matrix of which only the upper
    /// triangle (i ≤ j) is read: the Cholesky factorisation needs no more, and filling half
    /// keeps the writes in row order.
    func derivatives(_ beta: [Double]) -> (gradient: [Double], information: [Double])
    /// ℓ with its derivatives, in one pass where the model can share the work.
    func evaluate(_ beta: [Double]) -> (value: Double, gradient: [Double], information: [Double])
}

extension LogLikelihood {
    func evaluate(_ beta: [Double]) -> (value: Double, gradient: [Double], information: [Double]) {
        let (g, h) = derivatives(beta)
        return (value(beta), g, h)
    }
}

/// Newton–Raphson on the free coordinates of a concave log-likelihood with an optional ridge
/// penalty, maximising f(β) = ℓ(β) − ½ Σᵢ λᵢ βᵢ² (λᵢ = `ridge[i]`, zero for unpenalised
/// coordinates); fixed coordinates keep their starting value (the reference item at 0).
///
/// Each step solves I·Δ = ∇f by Cholesky (LAPACK `dpotrf`); when f does not increase the step is
/// halved (up to 40 times). Each trial point is evaluated with its derivatives in one pass, so an
/// accepted step (the usual case) costs one pass over the data. Converged when max |Δ| <
/// `tolerance`. The covariance of the free coordinates is the inverse information (penalised when
/// λ > 0) at the optimum.
struct NewtonMaximizer {
    var free: [Int]
    var ridge: [Double]
    var tolerance: Double
    var maxIterations: Int

    struct Result {
        var beta: [Double]
        var iterations: Int
        var converged: Bool
        /// Free × free, in the order of `free`.
        var covariance: [Double]
    }

    enum Failure: Error { case singular, notConverged(Result) }

    /// f, its gradient and its information (upper triangle), restricted to the free coordinates.
    func system(_ model: some LogLikelihood, _ beta: [Double]) -> (f: Double, g: [Double], h: [Double]) {
        let (value, gradient, information) = model.evaluate(beta)
        let n = model.dimension, p = free.count
        var g = [Double](repeating: 0, count: p), h = [Double](repeating: 0, count: p * p)
        var f = value
        for (a, i) in free.enumerated() {
            f -= 0.5 * ridge[i] * beta[i] * beta[i]
            g[a] = gradient[i] - ridge[i] * beta[i]
            for b in a..<p { h[a * p + b] = information[i * n + free[b]] }
            h[a * p + a] += ridge[i]
        }
        return (f, g, h)
    }

    func maximize(_ model: some LogLikelihood, start: [Double]) throws -> Result {
        var beta = start, iterations = 0, converged = false
        var current = system(model, beta)
        let p = free.count
        while iterations < maxIterations {
            var step = current.g, factor = current.h
            guard try BLAS.choleskySolve(&factor, &step, n: p) else { throw Failure.singular }
            iterations += 1
            var scale = 1.0, trial = beta, next = current
            for _ in 0..<40 {
                trial = beta
                for (a, i) in free.enumerated() { trial[i] += scale * step[a] }
                next = system(model, trial)
                if next.f.isFinite && next.f >= current.f - 1e-12 * abs(current.f) { break }
                scale /= 2
            }
            beta = trial
            current = next
            if (step.map { abs($0) }.max() ?? 0) * scale < tolerance { converged = true; break }
        }
        var h = current.h, none = [Double](repeating: 0, count: p)
        guard try BLAS.choleskySolve(&h, &none, n: p) else { throw Failure.singular }
        let result = Result(beta: beta, iterations: iterations, converged: converged,
                            covariance: try BLAS.choleskyInverse(h, n: p))
        guard converged else { throw Failure.notConverged(result) }
        return result
    }
}
