#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// The fixed directions of the world: the gold weights, the component weights, the annotator
/// offsets, the prompt map A and the token embeddings (spec §9.1–§9.4). Row-major [Double].
public struct ToyGeometry: Sendable {
    /// w*, unit norm (§9.2).
    public var goldWeights: [Double]
    /// w_1…w_N, unit norm with w_i·w_j = ρ for i ≠ j (§9.4); N × d_q.
    public var componentWeights: [Double]
    /// Δ_1…Δ_G with ‖Δ_g‖ = diversity (§9.3); G × d_q.
    public var groupOffsets: [Double]
    /// A, d_q × d_x, entries N(0, 1/d_x) so that A·x has unit variance per coordinate.
    public var promptMap: [Double]
    /// e_t, V × d_q (token view): sentiment tokens first (+s·w*, then −s·w*), the others
    /// N(0, I) with their w* component removed, so the sentiment tokens carry the gold signal
    /// (with paraphrased shared steps, synonyms share one embedding).
    public var tokenEmbeddings: [Double]

    /// Draws the geometry from `rng`. The basis b_1…b_d is a random rotation (Gram–Schmidt on
    /// a Gaussian matrix); w* = normalise(0.6 b_1 + 0.6 b_2 + 0.5 b_3) as in Appendix A (partly
    /// outside span(w_1, w_2)), and the components are the rows of the Cholesky factor of the
    /// Gram matrix (1 − ρ)I + ρ11ᵀ in that basis, so w_1 = b_1, w_2 = ρ b_1 + √(1−ρ²) b_2.
    /// w* does not depend on ρ or N, so sweeps over them compare one gold.
    init(_ c: ToyWorld.Config, rng: inout RandomStream) {
        let d = c.featureDim
        let basis = Self.orthonormalBasis(d, rng: &rng)
        func b(_ i: Int, _ j: Int) -> Double { basis[i * d + j] }
        var gold = [Double](repeating: 0, count: d)
        for j in 0..<d { gold[j] = 0.6 * b(0, j) + 0.6 * b(1, j) + 0.5 * b(2, j) }
        goldWeights = Self.normalised(gold)

        let n = c.components
        let chol = Self.equicorrelationCholesky(n, rho: c.rho)
        var comps = [Double](repeating: 0, count: n * d)
        for i in 0..<n {
            for k in 0...i where chol[i * n + k] != 0 {
                for j in 0..<d { comps[i * d + j] += chol[i * n + k] * b(k, j) }
            }
        }
        componentWeights = comps

        var offsets = [Double](repeating: 0, count: c.groups * d)
        for g in 0..<c.groups {
            let dir = Self.normalised((0..<d).map { _ in rng.normal() })
            for j in 0..<d { offsets[g * d + j] = c.diversity * dir[j] }
        }
        groupOffsets = offsets

        let scale = 1 / Double(c.promptDim).squareRoot()
        promptMap = (0..<(d * c.promptDim)).map { _ in rng.normal() * scale }

        var embeddings = [Double](repeating: 0, count: c.vocabulary * d)
        for t in 0..<c.vocabulary {
            if t < c.sentimentTokens {
                let sign = t == 0 ? 1.0 : -1.0
                for j in 0..<d { embeddings[t * d + j] = sign * c.sentimentScale * goldWeights[j] }
            } else {
                var e = (0..<d).map { _ in rng.normal() }
                let along = zip(e, goldWeights).reduce(0) { $0 + $1.0 * $1.1 }
                for j in 0..<d { e[j] -= along * goldWeights[j] }
                for j in 0..<d { embeddings[t * d + j] = e[j] }
            }
        }
        // Paraphrased worlds: a synonym shares its pair's first embedding (drawn as above, so the
        // other draws do not move).
        for t in 0..<c.vocabulary where c.synonym(of: t) < t {
            let u = c.synonym(of: t)
            for j in 0..<d { embeddings[t * d + j] = embeddings[u * d + j] }
        }
        tokenEmbeddings = embeddings
    }

    /// A random orthonormal basis of R^d (rows), by Gram–Schmidt on Gaussian rows; a row that
    /// comes out (numerically) dependent is redrawn.
    static func orthonormalBasis(_ d: Int, rng: inout RandomStream) -> [Double] {
        var rows = [Double]()
        rows.reserveCapacity(d * d)
        var i = 0
        while i < d {
            var v = (0..<d).map { _ in rng.normal() }
            for k in 0..<i {
                let dot = (0..<d).reduce(0.0) { $0 + v[$1] * rows[k * d + $1] }
                for j in 0..<d { v[j] -= dot * rows[k * d + j] }
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm < 1e-6 { continue }
            rows.append(contentsOf: v.map { $0 / norm })
            i += 1
        }
        return rows
    }

    /// The lower Cholesky factor of the N × N matrix with 1 on the diagonal and ρ elsewhere
    /// (positive semi-definite for ρ ∈ [−1/(N−1), 1]); at the semi-definite edge a pivot that
    /// rounds below zero is taken as zero.
    static func equicorrelationCholesky(_ n: Int, rho: Double) -> [Double] {
        var l = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                var s = i == j ? 1.0 : rho
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                if i == j {
                    l[i * n + i] = Swift.max(s, 0).squareRoot()
                } else {
                    l[i * n + j] = l[j * n + j] > 1e-12 ? s / l[j * n + j] : 0
                }
            }
        }
        return l
    }

    static func normalised(_ v: [Double]) -> [Double] {
        let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return norm > 0 ? v.map { $0 / norm } : v
    }
}
