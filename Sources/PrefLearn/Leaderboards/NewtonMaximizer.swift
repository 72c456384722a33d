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
    /// ℓ and ∇ℓ, writing the information (as `derivatives` gives it) over `information`, a
    /// dimension² buffer the caller reuses across evaluations; in one pass where the model can.
    func evaluate(_ beta: [Double], information: inout [Double]) -> (value: Double, gradient: [Double])
}

extension LogLikelihood {
    func evaluate(_ beta: [Double], information: inout [Double]) -> (value: Double, gradient: [Double]) {
        let (g, h) = derivatives(beta)
        information = h
        return (value(beta), g)
    }
}

/// Newton–Raphson on the free coordinates of a concave log-likelihood with an optional ridge
/// penalty, maximising f(β) = ℓ(β) − ½ Σᵢ λᵢ βᵢ² (λᵢ = `ridge[i]`, zero for unpenalised
/// coordinates); fixed coordinates keep their starting value (the reference item at 0).
///
/// The system stays in full coordinates: a fixed coordinate's row and column of the information
/// are replaced by the identity's and its gradient by 0, so its step is exactly 0 and the
/// factor and inverse of the free block are those of the restricted system (the matrix is block
/// diagonal). Each step solves I·Δ = ∇f by Cholesky (LAPACK `dpotrf`) in place; when f does not
/// increase the step is halved (up to 40 times). Each trial point is evaluated with its
/// derivatives in one pass into a second buffer that is swapped in when accepted, so an accepted
/// step (the usual case) costs one pass over the data and no allocation of the dimension² matrix.
/// Converged when max |Δ| < `tolerance`. The covariance is the inverse information (penalised
/// when λ > 0) at the optimum.
struct NewtonMaximizer {
    var free: [Int]
    var ridge: [Double]
    var tolerance: Double
    var maxIterations: Int

    struct Result {
        var beta: [Double]
        var iterations: Int
        var converged: Bool
        /// dimension × dimension, row-major, zero in the rows and columns of fixed coordinates.
        var covariance: [Double]
    }

    enum Failure: Error { case singular, notConverged(Result) }

    /// f and its gradient, with the information (upper triangle, identity at fixed coordinates,
    /// ridge added) written over `h`.
    func system(_ model: some LogLikelihood, _ beta: [Double], _ h: inout [Double]) -> (f: Double, g: [Double]) {
        var (f, g) = model.evaluate(beta, information: &h)
        let n = model.dimension
        var fixed = [Bool](repeating: true, count: n)
        for i in free {
            fixed[i] = false
            f -= 0.5 * ridge[i] * beta[i] * beta[i]
            g[i] -= ridge[i] * beta[i]
            h[i * n + i] += ridge[i]
        }
        for i in 0..<n where fixed[i] {
            g[i] = 0
            for j in 0..<n { h[i * n + j] = 0; h[j * n + i] = 0 }
            h[i * n + i] = 1
        }
        return (f, g)
    }

    func maximize(_ model: some LogLikelihood, start: [Double]) throws -> Result {
        let n = model.dimension
        var beta = start, iterations = 0, converged = false
        var h = [Double](repeating: 0, count: n * n), trialH = h
        var current = system(model, beta, &h)
        while iterations < maxIterations {
            var step = current.g
            guard try BLAS.choleskySolve(&h, &step, n: n) else { throw Failure.singular }
            iterations += 1
            var scale = 1.0, trial = beta, next = current
            for _ in 0..<40 {
                trial = beta
                for i in free { trial[i] += scale * step[i] }
                next = system(model, trial, &trialH)
                if next.f.isFinite && next.f >= current.f - 1e-12 * abs(current.f) { break }
                scale /= 2
            }
            beta = trial
            current = next
            swap(&h, &trialH)
            if (step.map { abs($0) }.max() ?? 0) * scale < tolerance { converged = true; break }
        }
        var none = [Double](repeating: 0, count: n)
        guard try BLAS.choleskySolve(&h, &none, n: n) else { throw Failure.singular }
        var covariance = try BLAS.choleskyInverse(h, n: n)
        let free = Set(self.free)
        for i in 0..<n where !free.contains(i) {
            for j in 0..<n { covariance[i * n + j] = 0; covariance[j * n + i] = 0 }
        }
        let result = Result(beta: beta, iterations: iterations, converged: converged, covariance: covariance)
        guard converged else { throw Failure.notConverged(result) }
        return result
    }
}
