/// Clips the gradients of `parameters` by their global L2 norm, as PyTorch's
/// `torch.nn.utils.clip_grad_norm_` (norm_type 2) does:
///
///     total = √(Σ_p Σ_i g_pi²)                 (over every parameter whose grad is set)
///     c     = maxNorm / (total + 1e-6)
///     g     ← g · c                            when c < 1 (PyTorch multiplies by min(c, 1))
///
/// Returns `total`, the norm before clipping. The sum of squares is accumulated in Double for
/// every dtype (and rescaled when it overflows with finite gradients). Unlike PyTorch, which
/// multiplies by a NaN coefficient, a non-finite norm leaves the gradients unchanged, so that the
/// caller can report the NaN or infinity and stop. A negative or NaN `maxNorm` clips nothing.
@discardableResult
public func clipGradientNorm(_ parameters: [Parameter], maxNorm: Double) -> Double {
    var sum = 0.0
    for p in parameters {
        guard let g = p.grad else { continue }
        sum += sumOfSquares(g)
    }
    var total = sum.squareRoot()
    if total == .infinity {
        // Some squares overflowed; if every element is finite, the norm may still be finite.
        let largest = parameters.reduce(0.0) { acc, p in p.grad.map { Swift.max(acc, maxAbsolute($0)) } ?? acc }
        if largest.isFinite && largest > 0 {
            var scaled = 0.0
            for p in parameters {
                guard let g = p.grad else { continue }
                scaled += sumOfSquares(g, dividedBy: largest)
            }
            total = largest * scaled.squareRoot()
        }
    }
    guard total.isFinite else { return total }
    let coefficient = maxNorm / (total + 1e-6)
    guard maxNorm >= 0, coefficient < 1 else { return total }
    for p in parameters where p.grad != nil {
        scaleInPlace(&p.grad!, by: coefficient)
    }
    return total
}

/// Σ (x / divisor)² in Double over a tensor's elements.
private func sumOfSquares(_ t: Tensor, dividedBy divisor: Double = 1) -> Double {
    withExtendedLifetime(t) {
        let n = t.count
        var s = 0.0
        switch t.dtype {
        case .f32:
            let p = t.pointer(Float.self)
            if divisor == 1 {
                for i in 0..<n { let x = Double(p[i]); s += x * x }
            } else {
                for i in 0..<n { let x = Double(p[i]) / divisor; s += x * x }
            }
        case .f64:
            let p = t.pointer(Double.self)
            if divisor == 1 {
                for i in 0..<n { s += p[i] * p[i] }
            } else {
                for i in 0..<n { let x = p[i] / divisor; s += x * x }
            }
        }
        return s
    }
}

/// The largest |x| (NaN when any element is NaN).
private func maxAbsolute(_ t: Tensor) -> Double {
    withExtendedLifetime(t) {
        var m = 0.0
        switch t.dtype {
        case .f32:
            let p = t.pointer(Float.self)
            for i in 0..<t.count { let x = Double(p[i].magnitude); m = (x > m || x.isNaN) ? x : m }
        case .f64:
            let p = t.pointer(Double.self)
            for i in 0..<t.count { let x = p[i].magnitude; m = (x > m || x.isNaN) ? x : m }
        }
        return m
    }
}

/// Multiplies every element by `factor` in place (in the tensor's dtype), copying shared
/// storage first.
private func scaleInPlace(_ t: inout Tensor, by factor: Double) {
    let n = t.count
    switch t.dtype {
    case .f32:
        let f = Float(factor)
        t.withMutablePointer(Float.self) { p in for i in 0..<n { p[i] *= f } }
    case .f64:
        t.withMutablePointer(Double.self) { p in for i in 0..<n { p[i] *= factor } }
    }
}
