import Foundation
import PrefCore

/// BCO's UDM prompt classifier (Jung et al. 2024, "Binary Classifier Optimization for Large
/// Language Model Alignment", §4; TRL 1.13.0 `BCOTrainer` fits scikit-learn's
/// `LogisticRegression(class_weight="balanced")` on prompt embeddings): P(desirable | x) =
/// σ(w·x + b), the minimiser of scikit-learn's objective
///   ½‖w‖² + C·Σ_i s_i·[−y_i log p_i − (1 − y_i) log(1 − p_i)],  s_i = n / (2·n_{y_i}),
/// with the intercept unpenalised, found by Newton's method with a backtracking line search
/// (the objective is strictly convex in w and convex in b); the gradient and Hessian are BLAS
/// products over the whole sample.
public struct PromptClassifier: Sendable {
    public let weights: [Double]
    public let intercept: Double

    /// Fits the classifier to `features` (n rows of `dim` numbers, row-major) and `labels`
    /// (true: a desirable example's prompt). Both classes must be present.
    public init(features: [Double], dim: Int, labels: [Bool], c: Double = 1) throws(TensorError) {
        let n = labels.count
        guard dim >= 1, features.count == n * dim else {
            throw TensorError(op: "udm", "prompt features must be \(n) × \(dim) numbers, got \(features.count)")
        }
        guard features.allSatisfy(\.isFinite) else { throw TensorError(op: "udm", "prompt features must be finite") }
        let positives = labels.filter { $0 }.count
        guard positives > 0, positives < n else {
            throw TensorError(op: "udm", "the prompt classifier needs desirable and undesirable examples, got \(positives) of \(n) desirable")
        }
        guard c.isFinite, c > 0 else { throw TensorError(op: "udm", "C must be finite and > 0, got \(c)") }
        let s = labels.map { Double(n) / (2 * Double($0 ? positives : n - positives)) }
        let y = labels.map { $0 ? 1.0 : 0.0 }
        let m = dim + 1
        // The rows with a trailing 1 for the intercept, [n, m]; every product with them goes
        // through BLAS (whole-batch), the per-example work is O(n·m).
        var augmented = [Double](repeating: 1, count: n * m)
        for i in 0..<n { for j in 0..<dim { augmented[i * m + j] = features[i * dim + j] } }
        let x = try Tensor(augmented, shape: [n, m], dtype: .f64), xt = try x.transposed()
        func logits(_ theta: [Double]) throws(TensorError) -> [Double] {
            try x.matmul(try Tensor(theta, shape: [m, 1], dtype: .f64)).scalars
        }
        func objective(_ theta: [Double]) throws(TensorError) -> Double {
            let z = try logits(theta)
            var total = 0.5 * theta[..<dim].reduce(0) { $0 + $1 * $1 }
            for i in 0..<n {
                // −y log σ(z) − (1 − y) log σ(−z) = softplus(z) − y·z, stably.
                total += c * s[i] * ((z[i] > 0 ? z[i] + log1p(exp(-z[i])) : log1p(exp(z[i]))) - y[i] * z[i])
            }
            return total
        }
        var theta = [Double](repeating: 0, count: m)
        var value = try objective(theta)
        for _ in 0..<100 {
            // g = θ̃ + Xᵀ(c·s·(p − y)), H = Ĩ + Xᵀ diag(c·s·p(1 − p)) X, θ̃ and Ĩ without the intercept.
            let z = try logits(theta)
            var residual = [Double](repeating: 0, count: n), scaled = augmented
            for i in 0..<n {
                let p = 1 / (1 + exp(-z[i])), curvature = c * s[i] * p * (1 - p)
                residual[i] = c * s[i] * (p - y[i])
                for j in 0..<m { scaled[i * m + j] *= curvature }
            }
            var g = try xt.matmul(try Tensor(residual, shape: [n, 1], dtype: .f64)).scalars
            var h = try xt.matmul(try Tensor(scaled, shape: [n, m], dtype: .f64)).scalars
            for j in 0..<dim {
                g[j] += theta[j]
                h[j * m + j] += 1
            }
            guard let step = gaussianSolve(h, g, m) else { break }
            var t = 1.0, next = theta, nextValue = value
            while t > 1e-10 {
                next = zip(theta, step).map { $0 - t * $1 }
                nextValue = try objective(next)
                if nextValue <= value { break }
                t /= 2
            }
            guard nextValue <= value else { break }
            let moved = zip(next, theta).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
            (theta, value) = (next, nextValue)
            if moved < 1e-12 { break }
        }
        weights = Array(theta[..<dim])
        intercept = theta[dim]
    }

    /// P(desirable | x) = σ(w·x + b).
    public func probability(_ x: ArraySlice<Double>) -> Double {
        1 / (1 + exp(-zip(x, weights).reduce(intercept) { $0 + $1.0 * $1.1 }))
    }
}

/// UDM's per-example weights for BCO (TRL 1.13.0 `_get_udm_weight`): a prompt classifier fitted
/// on the prompts of up to `limit` desirable and `limit` undesirable examples (the first ones:
/// the data's order is already random), then w = clip(P(+|x)/(1 − P(+|x) + 1e-8), 0.5, 10) on
/// undesirable examples and 1 on desirable ones (`bcoDensityRatioWeights`).
public func udmWeights(promptFeatures: [Double], dim: Int, desirable: [Bool], limit: Int = 1024,
                       config: BCOConfig = BCOConfig()) throws(TensorError) -> [Double] {
    let good = desirable.indices.filter { desirable[$0] }.prefix(limit)
    let bad = desirable.indices.filter { !desirable[$0] }.prefix(limit)
    let picked = Array(good) + Array(bad)
    let features = picked.flatMap { promptFeatures[$0 * dim ..< ($0 + 1) * dim] }
    let classifier = try PromptClassifier(features: features, dim: dim, labels: picked.map { desirable[$0] })
    let p = desirable.indices.map { classifier.probability(promptFeatures[$0 * dim ..< ($0 + 1) * dim]) }
    return bcoDensityRatioWeights(desirableProbability: p, desirable: desirable, config: config)
}
