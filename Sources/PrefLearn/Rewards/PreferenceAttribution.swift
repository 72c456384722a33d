#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// Preference attribution ("Dissecting Human and LLM Preferences", Li et al., 2024; PROFILE): a
/// Bradley–Terry (logistic) regression of pairwise labels on property differences,
///
///     P(a ≻ b) = σ(β·(f(a) − f(b))),  no intercept (the orientation of a pair carries no signal),
///
/// fitted by maximum likelihood with Newton's method (`NewtonMaximizer`, Cholesky solves). With
/// rows d_i = f(a_i) − f(b_i) and outcomes y_i ∈ {0, 1} (1: a ≻ b),
/// ℓ(β) = Σ_i [y_i·z_i − log(1 + e^{z_i})], z_i = β·d_i, ∇ℓ = Dᵀ(y − p), and the observed
/// information I = Dᵀ diag(p(1 − p)) D (one BLAS dgemm). Standard errors are √diag(I⁻¹) at the
/// optimum, z = β/se, two-sided p = erfc(|z|/√2), and the 95% Wald interval β ± 1.959964·se.
public struct PreferenceAttribution: Sendable {
    public var coefficients: [Double]
    public var standardErrors: [Double]
    public var iterations: Int
    public var logLikelihood: Double
    public var count: Int

    public var zScores: [Double] { zip(coefficients, standardErrors).map { $0 / $1 } }
    public var pValues: [Double] { zScores.map { erfc(Swift.abs($0) / 2.0.squareRoot()) } }
    /// The 97.5% standard normal quantile.
    public static let z975 = 1.959963984540054

    public enum Failure: Error, Sendable {
        /// The features are collinear (or some feature is constant at 0): the information is singular.
        case singular
        /// Newton did not converge (or its information became singular away from 0): the labels
        /// are (nearly) separated by the features, so the likelihood has no finite maximum.
        case notConverged
    }

    /// Fits β on differences `d` (row-major n × p) and outcomes `y` (1 when the first response
    /// won, 0 otherwise; all 1 for chosen − rejected differences).
    public static func fit(differences d: [Double], outcomes y: [Double], features p: Int) throws(Failure) -> PreferenceAttribution {
        let model = LogisticLikelihood(d: d, y: y, p: p)
        // Collinearity shows at β = 0 (information DᵀD/4); a singular information later on means
        // the weights p(1 − p) underflowed on the way to an infinite β: separation.
        // A pivot L_jj² that is a tiny fraction of its diagonal entry is collinearity up to rounding.
        let information = model.derivatives([Double](repeating: 0, count: p)).information
        var factor = information, rhs = [Double](repeating: 0, count: p)
        guard (try? BLAS.choleskySolve(&factor, &rhs, n: p)) == true,
              (0..<p).allSatisfy({ factor[$0 * p + $0] * factor[$0 * p + $0] > 1e-10 * information[$0 * p + $0] }) else { throw .singular }
        let newton = NewtonMaximizer(free: Array(0..<p), ridge: [Double](repeating: 0, count: p), tolerance: 1e-10, maxIterations: 100)
        do {
            let r = try newton.maximize(model, start: [Double](repeating: 0, count: p))
            let se = try r.covarianceDiagonal().map { $0.squareRoot() }
            return PreferenceAttribution(coefficients: r.beta, standardErrors: se, iterations: r.iterations,
                                         logLikelihood: model.value(r.beta), count: y.count)
        } catch {
            throw .notConverged
        }
    }
}

/// ℓ(β) of the logistic regression, its gradient and observed information.
struct LogisticLikelihood: LogLikelihood {
    let d: [Double]
    let y: [Double]
    let p: Int
    var dimension: Int { p }
    var n: Int { y.count }

    func logits(_ beta: [Double]) -> [Double] {
        (0..<n).map { i in
            var z = 0.0
            for j in 0..<p { z += d[i * p + j] * beta[j] }
            return z
        }
    }

    func value(_ beta: [Double]) -> Double {
        zip(logits(beta), y).reduce(0) { acc, e in
            let (z, yi) = e
            return acc + yi * z - (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z)))
        }
    }

    func derivatives(_ beta: [Double]) -> (gradient: [Double], information: [Double]) {
        let z = logits(beta)
        var g = [Double](repeating: 0, count: p)
        // Dᵀ diag(w) D as (W^½ D)ᵀ (W^½ D): the scaled transpose times the scaled rows.
        var scaledT = [Double](repeating: 0, count: p * n), scaled = [Double](repeating: 0, count: n * p)
        for i in 0..<n {
            let prob = 1 / (1 + exp(-z[i])), root = (prob * (1 - prob)).squareRoot()
            for j in 0..<p {
                let x = d[i * p + j]
                g[j] += (y[i] - prob) * x
                scaled[i * p + j] = root * x
                scaledT[j * n + i] = root * x
            }
        }
        var h = [Double](repeating: 0, count: p * p)
        scaledT.withUnsafeBufferPointer { a in
            scaled.withUnsafeBufferPointer { b in
                h.withUnsafeMutableBufferPointer { c in
                    if let a = a.baseAddress, let b = b.baseAddress, let c = c.baseAddress { BLAS.rawDgemm(m: p, n: p, k: n, a: a, b: b, c: c) }
                }
            }
        }
        return (g, h)
    }
}
