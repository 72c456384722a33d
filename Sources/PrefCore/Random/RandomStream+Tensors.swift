/// Tensors of random draws, filled in row-major order.
///
/// Both dtypes consume the same raw outputs for the same shape, so switching between `f32` and
/// `f64` changes only the rounding, never which bits later draws see.
extension RandomStream {
    /// A tensor of uniform draws in [low, high), one raw output per element.
    ///
    /// `f64` elements are `uniform(low:high:)`. `f32` elements use the top 24 bits of the raw
    /// output (`u = (raw >> 40) · 2⁻²⁴`, exact in `Float`, as NumPy does for float32) so that
    /// rounding to `Float` cannot produce 1; a result that rounds up to `high` is replaced by
    /// the largest `Float` below it.
    public mutating func uniformTensor(_ shape: Shape, low: Double = 0, high: Double = 1,
                                       dtype: DType = .f32) -> Tensor {
        var out = Tensor(uninitialized: shape, dtype: dtype)
        let n = shape.count
        switch dtype {
        case .f32:
            let lo = Float(low), hi = Float(high)
            out.withMutablePointer(Float.self) { p in
                for i in 0..<n {
                    let u = Double(next() >> 40) * 0x1p-24
                    let x = Float(low + (high - low) * u)
                    // Rounding to Float can land on `high`, which the interval excludes.
                    p[i] = lo < hi && x >= hi ? hi.nextDown : x
                }
            }
        case .f64:
            out.withMutablePointer(Double.self) { p in
                for i in 0..<n { p[i] = uniform(low: low, high: high) }
            }
        }
        return out
    }

    /// A tensor of normal draws `mean + std · z` by Box–Muller, using both halves of each pair.
    ///
    /// Elements 2j and 2j + 1 are the cosine and sine of the j-th pair (two raw outputs), so
    /// element 0 equals `normal(mean:std:)` from the same state, and a tensor of n elements
    /// consumes 2·⌈n/2⌉ raw outputs.
    public mutating func normalTensor(_ shape: Shape, mean: Double = 0, std: Double = 1,
                                      dtype: DType = .f32) -> Tensor {
        var out = Tensor(uninitialized: shape, dtype: dtype)
        let n = shape.count
        switch dtype {
        case .f32:
            out.withMutablePointer(Float.self) { p in
                fillNormal(n, mean: mean, std: std) { i, x in p[i] = Float(x) }
            }
        case .f64:
            out.withMutablePointer(Double.self) { p in
                fillNormal(n, mean: mean, std: std) { i, x in p[i] = x }
            }
        }
        return out
    }

    /// A tensor of Gumbel draws `loc − scale · ln(−ln u)`, one raw output per element
    /// (element i is the i-th `gumbel(loc:scale:)` from the same state).
    public mutating func gumbelTensor(_ shape: Shape, loc: Double = 0, scale: Double = 1,
                                      dtype: DType = .f32) -> Tensor {
        var out = Tensor(uninitialized: shape, dtype: dtype)
        let n = shape.count
        switch dtype {
        case .f32:
            out.withMutablePointer(Float.self) { p in
                for i in 0..<n { p[i] = Float(gumbel(loc: loc, scale: scale)) }
            }
        case .f64:
            out.withMutablePointer(Double.self) { p in
                for i in 0..<n { p[i] = gumbel(loc: loc, scale: scale) }
            }
        }
        return out
    }

    /// Writes n normal draws through `store`, two per Box–Muller pair.
    private mutating func fillNormal(_ n: Int, mean: Double, std: Double,
                                     _ store: (Int, Double) -> Void) {
        var i = 0
        while i < n {
            let (z0, z1) = standardNormalPair()
            store(i, mean + std * z0)
            if i + 1 < n { store(i + 1, mean + std * z1) }
            i += 2
        }
    }
}
