/// Solves the small dense m × m system A·x = b (row-major) by Gaussian elimination with partial
/// pivoting; nil when A is singular. For the few-parameter Newton and least-squares systems of
/// PrefLearn (surface fits, prompt classifiers) that do not need LAPACK.
func gaussianSolve(_ a: [Double], _ b: [Double], _ m: Int) -> [Double]? {
    var a = a, b = b
    for col in 0..<m {
        let pivot = (col..<m).max { Swift.abs(a[$0 * m + col]) < Swift.abs(a[$1 * m + col]) } ?? col
        guard Swift.abs(a[pivot * m + col]) > 1e-300 else { return nil }
        if pivot != col {
            for j in 0..<m { a.swapAt(col * m + j, pivot * m + j) }
            b.swapAt(col, pivot)
        }
        for r in (col + 1)..<m {
            let f = a[r * m + col] / a[col * m + col]
            guard f != 0 else { continue }
            for j in col..<m { a[r * m + j] -= f * a[col * m + j] }
            b[r] -= f * b[col]
        }
    }
    var x = [Double](repeating: 0, count: m)
    for r in stride(from: m - 1, through: 0, by: -1) {
        let s = ((r + 1)..<m).reduce(b[r]) { $0 - a[r * m + $1] * x[$1] }
        x[r] = s / a[r * m + r]
    }
    return x
}
