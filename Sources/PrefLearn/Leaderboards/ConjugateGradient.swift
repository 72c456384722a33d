import PrefCore

/// Conjugate gradients with the Jacobi (diagonal) preconditioner for A·x = b, A symmetric
/// positive definite (Hestenes & Stiefel 1952; Saad 2003, *Iterative Methods for Sparse Linear
/// Systems*, 2nd ed., Algorithm 9.1 with M = diag(A)).
///
/// Newton's method on a leaderboard solves with the information matrix, a weighted graph
/// Laplacian. For an arena (most pairs compared) the Jacobi-scaled Laplacian has its eigenvalues
/// clustered near 1, so a dozen products with A (2n² flops each, `dsymv`) reach a relative
/// residual of 1e-13 where a Cholesky factorisation costs n³/3 flops. For a sparse or chain-like
/// graph the clustering fails; the iteration cap then hands the system back to Cholesky.
enum ConjugateGradient {
    /// x with ‖b − A·x‖ ≤ `tolerance`·‖b‖, checked on the true residual at the end (the
    /// recurrence's residual drifts from it in floating point); nil when that takes more than
    /// `maxIterations` products or a direction has pᵀAp ≤ 0 (A not positive definite).
    /// `a` is row-major n×n of which only the upper triangle is read.
    static func solve(_ a: [Double], _ b: [Double], n: Int, tolerance: Double, maxIterations: Int) -> [Double]? {
        var x = [Double](repeating: 0, count: n)
        let bNorm = norm(b)
        guard bNorm > 0 else { return x }
        var inverseDiagonal = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let d = a[i * n + i]
            guard d > 0, d.isFinite else { return nil }
            inverseDiagonal[i] = 1 / d
        }
        var r = b, ap = x
        var z = (0..<n).map { r[$0] * inverseDiagonal[$0] }
        var p = z, rz = dot(r, z)
        let target = tolerance * bNorm
        for _ in 0..<maxIterations {
            guard multiply(a, p, into: &ap, n: n) else { return nil }
            let curvature = dot(p, ap)
            guard curvature > 0, curvature.isFinite else { return nil }
            let alpha = rz / curvature
            for i in 0..<n { x[i] += alpha * p[i]; r[i] -= alpha * ap[i] }
            if norm(r) <= target {
                // The true residual decides.
                guard multiply(a, x, into: &ap, n: n) else { return nil }
                let trueResidual = norm((0..<n).map { b[$0] - ap[$0] })
                return trueResidual <= 2 * target ? x : nil
            }
            for i in 0..<n { z[i] = r[i] * inverseDiagonal[i] }
            let rzNext = dot(r, z)
            let beta = rzNext / rz
            rz = rzNext
            for i in 0..<n { p[i] = z[i] + beta * p[i] }
        }
        return nil
    }

    /// y ← A·x through BLAS; false when the order exceeds the BLAS limit.
    private static func multiply(_ a: [Double], _ x: [Double], into y: inout [Double], n: Int) -> Bool {
        a.withUnsafeBufferPointer { a in
            x.withUnsafeBufferPointer { x in
                y.withUnsafeMutableBufferPointer { y in
                    guard let ab = a.baseAddress, let xb = x.baseAddress, let yb = y.baseAddress else { return n == 0 }
                    return (try? BLAS.symmetricUpperMatVec(n: n, a: ab, x: xb, y: yb)) != nil
                }
            }
        }
    }

    private static func dot(_ u: [Double], _ v: [Double]) -> Double {
        var s = 0.0
        for i in u.indices { s += u[i] * v[i] }
        return s
    }

    private static func norm(_ u: [Double]) -> Double { dot(u, u).squareRoot() }
}
