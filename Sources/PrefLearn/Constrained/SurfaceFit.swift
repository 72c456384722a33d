import PrefCore

/// A least-squares polynomial surface y ≈ Σ_m β_m φ_m(z) over all monomials φ_m of total degree
/// ≤ d in the standardised coordinates z_j = (x_j − mean_j)/std_j, with a ridge of 1e-8·trace/M
/// on the normal equations so that collinear clouds (one run's checkpoints lie on a curve)
/// stay solvable. This is the "smooth regressor" of spec algorithms.md §1.1 for proxy points
/// (the paper's degree-10 polynomial on a KDE-smoothed cloud; any smooth fit is acceptable).
public struct SurfaceFit: Sendable {
    public let degree: Int
    let means: [Double]
    let scales: [Double]
    let exponents: [[Int]]
    let coefficients: [Double]

    /// Fits y to the points x (each of the same dimension ≥ 1).
    public init(points x: [[Double]], values y: [Double], degree: Int) throws(TensorError) {
        guard let dim = x.first?.count, dim >= 1, x.count == y.count, x.allSatisfy({ $0.count == dim }) else {
            throw TensorError(op: "proxy_points", "the surface needs points of one dimension and one value each")
        }
        guard (0...10).contains(degree) else { throw TensorError(op: "proxy_points", "degree must be 0…10, not \(degree)") }
        guard x.allSatisfy({ $0.allSatisfy(\.isFinite) }), y.allSatisfy(\.isFinite) else {
            throw TensorError(op: "proxy_points", "the checkpoints' rewards or evaluation scores are not finite")
        }
        let n = Double(x.count)
        let means = (0..<dim).map { j in x.reduce(0) { $0 + $1[j] } / n }
        let scales = (0..<dim).map { j in
            let s = (x.reduce(0) { $0 + ($1[j] - means[j]) * ($1[j] - means[j]) } / n).squareRoot()
            return s > 0 ? s : 1
        }
        let exponents = Self.monomials(dim, degree)
        self.means = means
        self.scales = scales
        self.exponents = exponents
        self.degree = degree
        let rows = x.map { Self.features($0, means, scales, exponents) }
        let m = exponents.count
        var a = [Double](repeating: 0, count: m * m), b = [Double](repeating: 0, count: m)
        for (row, target) in zip(rows, y) {
            for i in 0..<m {
                b[i] += row[i] * target
                for j in 0..<m { a[i * m + j] += row[i] * row[j] }
            }
        }
        let ridge = 1e-8 * (0..<m).reduce(0) { $0 + a[$1 * m + $1] } / Double(m)
        for i in 0..<m { a[i * m + i] += ridge }
        guard let solved = gaussianSolve(a, b, m) else { throw TensorError(op: "proxy_points", "the surface fit is singular") }
        coefficients = solved
    }

    /// The fitted value at x.
    public func callAsFunction(_ x: [Double]) -> Double {
        zip(Self.features(x, means, scales, exponents), coefficients).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Exponent vectors of every monomial of total degree ≤ d in `dim` variables.
    static func monomials(_ dim: Int, _ d: Int) -> [[Int]] {
        guard dim > 0 else { return [[]] }
        return (0...d).flatMap { first in monomials(dim - 1, d - first).map { [first] + $0 } }
    }

    static func features(_ x: [Double], _ means: [Double], _ scales: [Double], _ exponents: [[Int]]) -> [Double] {
        let z = x.indices.map { (x[$0] - means[$0]) / scales[$0] }
        return exponents.map { e in e.indices.reduce(1.0) { p, j in (0..<e[j]).reduce(p) { q, _ in q * z[j] } } }
    }
}
