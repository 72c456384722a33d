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
    /// Where Newton starts when no start is given (zeros unless the model knows better); the
    /// fit shifts the item coordinates so that a pinned item starts, and stays, at 0.
    func startingPoint() -> [Double]
}

extension LogLikelihood {
    func startingPoint() -> [Double] { [Double](repeating: 0, count: dimension) }

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
/// when λ > 0) at the optimum, from one Cholesky factorisation there.
///
/// Systems of order ≥ `iterativeFrom` first try Jacobi-preconditioned conjugate gradients for
/// the step (`ConjugateGradient`, to a relative residual of 1e-13, so the step is Newton's to
/// rounding and the iterations are the same): on an arena's dense, well-conditioned information
/// a dozen matrix–vector products replace an n³/3 factorisation. When CG does not get there
/// within its cap (a sparse, ill-conditioned graph), that step and the rest use Cholesky.
struct NewtonMaximizer {
    var free: [Int]
    var ridge: [Double]
    var tolerance: Double
    var maxIterations: Int
    /// The smallest order solved by conjugate gradients first; below it Cholesky always.
    var iterativeFrom = 200

    struct Result {
        var beta: [Double]
        var iterations: Int
        var converged: Bool
        /// Newton steps solved by conjugate gradients (the rest by Cholesky).
        var iterativeSteps = 0
        /// ℓ(β) (without the ridge penalty), from the last evaluation.
        var logLikelihood: Double
        /// The Cholesky factor of the information at `beta` (identity at fixed coordinates):
        /// lower triangle, column-major, as `BLAS.choleskySolve` leaves it.
        var factor: [Double]
        var fixed: [Bool]

        /// diag(V), V the inverse information, zero at fixed coordinates.
        func covarianceDiagonal() throws(TensorError) -> [Double] {
            var d = try BLAS.choleskyInverseDiagonal(factor, n: fixed.count)
            for i in d.indices where fixed[i] { d[i] = 0 }
            return d
        }

        /// V·x, V zero in the rows and columns of fixed coordinates.
        func covarianceTimes(_ x: [Double]) throws(TensorError) -> [Double] {
            var y = x
            for i in y.indices where fixed[i] { y[i] = 0 }
            try BLAS.choleskySolve(factor: factor, &y, n: fixed.count)
            for i in y.indices where fixed[i] { y[i] = 0 }
            return y
        }

        /// The full V (`dpotri`), dimension × dimension row-major, zero in the rows and columns of
        /// fixed coordinates; tests compare the cheaper quantities above against it.
        func covariance() throws(TensorError) -> [Double] {
            let n = fixed.count
            var v = try BLAS.choleskyInverse(factor, n: n)
            for i in 0..<n where fixed[i] {
                for j in 0..<n { v[i * n + j] = 0; v[j * n + i] = 0 }
            }
            return v
        }
    }

    enum Failure: Error { case singular, notConverged(Result) }

    /// f, its gradient and ℓ, with the information (upper triangle, identity at fixed coordinates,
    /// ridge added) written over `h`.
    func system(_ model: some LogLikelihood, _ beta: [Double], _ h: inout [Double]) -> (f: Double, g: [Double], loglik: Double) {
        var (f, g) = model.evaluate(beta, information: &h)
        let loglik = f
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
        return (f, g, loglik)
    }

    func maximize(_ model: some LogLikelihood, start: [Double]) throws -> Result {
        let n = model.dimension
        var beta = start, iterations = 0, converged = false, iterativeSteps = 0
        var iterative = n >= iterativeFrom
        var h = [Double](repeating: 0, count: n * n), trialH = h
        var current = system(model, beta, &h)
        while iterations < maxIterations {
            var step: [Double]
            if iterative, let s = ConjugateGradient.solve(h, current.g, n: n, tolerance: 1e-13, maxIterations: Swift.max(20, n / 20)) {
                step = s
                iterativeSteps += 1
            } else {
                iterative = false
                step = current.g
                guard try BLAS.choleskySolve(&h, &step, n: n) else { throw Failure.singular }
            }
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
        // h is the information at beta, unfactored: its factor gives the covariance.
        guard try BLAS.choleskyFactor(&h, n: n) else { throw Failure.singular }
        var fixed = [Bool](repeating: true, count: n)
        for i in free { fixed[i] = false }
        let result = Result(beta: beta, iterations: iterations, converged: converged, iterativeSteps: iterativeSteps,
                            logLikelihood: current.loglik, factor: h, fixed: fixed)
        guard converged else { throw Failure.notConverged(result) }
        return result
    }
}
