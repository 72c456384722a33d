import PrefCore

/// The outcome of comparing tape gradients with central finite differences.
public struct GradientCheckResult: CustomStringConvertible {
    /// The largest |analytic − numeric| / max(|analytic|, |numeric|, 1e-3) over every input element.
    public var maxError: Double
    /// Where it occurred: input index and flat element index.
    public var worst: (input: Int, element: Int)
    public var analytic: Double
    public var numeric: Double

    public var description: String {
        "max error \(maxError) at input \(worst.input) element \(worst.element): analytic \(analytic), numeric \(numeric)"
    }
}

/// Checks the tape's gradients of `f` against central differences in f64.
///
/// The output of `f` may have any shape: it is contracted with fixed pseudo-random weights
/// (L = Σ w·f), so every output element contributes. Inputs must be f64.
public func checkGradient(
    _ inputs: [Tensor], step: Double = 1e-6, seed: UInt64 = 7,
    _ f: (Tape, [Var]) throws -> Var
) throws -> GradientCheckResult {
    // Analytic gradients.
    let tape = Tape()
    let vars = inputs.map { tape.variable($0) }
    let out = try f(tape, vars)
    let weights = pseudoRandom(count: out.shape.count, seed: seed)
    let w = tape.constant(try Tensor(weights, shape: out.shape, dtype: .f64))
    let loss = try (out * w).sum()
    try tape.backward(loss)
    let analytic = try vars.map { try $0.gradient()?.scalars ?? Array(repeating: 0, count: $0.shape.count) }

    // Numeric gradients, one element at a time.
    func evaluate(_ xs: [Tensor]) throws -> Double {
        let t = Tape()
        let o = try f(t, xs.map { t.variable($0) })
        return try (o * t.constant(try Tensor(weights, shape: o.shape, dtype: .f64))).sum().value().item()
    }
    var result = GradientCheckResult(maxError: 0, worst: (0, 0), analytic: 0, numeric: 0)
    for (k, x) in inputs.enumerated() {
        for i in 0..<x.count {
            var values = x.scalars
            let h = step * Swift.max(1, Swift.abs(values[i]))
            var plus = inputs, minus = inputs
            values[i] += h
            plus[k] = try Tensor(values, shape: x.shape, dtype: .f64)
            values[i] -= 2 * h
            minus[k] = try Tensor(values, shape: x.shape, dtype: .f64)
            let numeric = (try evaluate(plus) - evaluate(minus)) / (2 * h)
            let a = analytic[k][i]
            let err = Swift.abs(a - numeric) / Swift.max(Swift.abs(a), Swift.abs(numeric), 1e-3)
            if err > result.maxError || err.isNaN {
                result = GradientCheckResult(maxError: err.isNaN ? .infinity : err, worst: (k, i), analytic: a, numeric: numeric)
            }
        }
    }
    return result
}

/// Deterministic values in [−1, 1) from a 64-bit LCG (tests only; the real generator is RandomStream).
public func pseudoRandom(count: Int, seed: UInt64, scale: Double = 1, offset: Double = 0) -> [Double] {
    var s = seed &* 6364136223846793005 &+ 1442695040888963407
    return (0..<count).map { _ in
        s = s &* 6364136223846793005 &+ 1442695040888963407
        return offset + scale * (Double(s >> 11) / Double(1 << 53) * 2 - 1)
    }
}

/// A f64 tensor of pseudo-random values in [offset − scale, offset + scale).
public func randomTensor(_ shape: Shape, seed: UInt64, scale: Double = 1, offset: Double = 0) -> Tensor {
    // The count always matches the shape.
    (try? Tensor(pseudoRandom(count: shape.count, seed: seed, scale: scale, offset: offset), shape: shape, dtype: .f64))
        ?? Tensor(zeros: shape, dtype: .f64)
}

/// Central differences of `objective` in every element of `parameter`, each element moved by ±h
/// in place and restored afterwards: the numeric gradient of a model whose parameters live inside
/// an object (policies, reward models), to compare with the tape's `parameter.grad`. With
/// `indices`, only those elements (a sample of a large parameter), in that order.
public func numericGradient(of parameter: Parameter, step h: Double = 1e-6, at indices: [Int]? = nil,
                            _ objective: () throws -> Double) throws -> [Double] {
    let base = parameter.value.scalars, shape = parameter.shape, dtype = parameter.dtype
    defer { parameter.value = (try? Tensor(base, shape: shape, dtype: dtype)) ?? parameter.value }
    return try (indices ?? Array(0..<base.count)).map { i in
        var plus = base; plus[i] += h
        var minus = base; minus[i] -= h
        parameter.value = try Tensor(plus, shape: shape, dtype: dtype)
        let fp = try objective()
        parameter.value = try Tensor(minus, shape: shape, dtype: dtype)
        let fm = try objective()
        return (fp - fm) / (2 * h)
    }
}
