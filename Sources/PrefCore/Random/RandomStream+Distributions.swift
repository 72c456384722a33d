#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Continuous distributions and bounded integers.
///
/// Every draw consumes a fixed, documented number of raw outputs (except `uniformInt`, which
/// rejects rarely), and nothing is cached between calls: a draw depends only on the stream's
/// state, never on how earlier draws were grouped. The raw bits, `uniform` and `uniformInt`
/// are identical on every platform; `normal` and `gumbel` go through the C library's `log`,
/// `sin` and `cos`, which may differ in the last bit between C libraries.
extension RandomStream {
    /// A uniform double in [0, 1): the top 53 bits of one raw output times 2⁻⁵³.
    ///
    /// The same as NumPy's `Generator(Philox(key)).random()`.
    @inlinable
    public mutating func uniform() -> Double {
        Double(next() >> 11) * 0x1p-53
    }

    /// A uniform double in [low, high) from one raw output: `low + (high - low) · uniform()`.
    ///
    /// When rounding would carry the result up to `high` it returns the largest double below
    /// `high` instead. When `high < low` the interval is (high, low].
    public mutating func uniform(low: Double, high: Double) -> Double {
        let x = low + (high - low) * uniform()
        // The product can round up to exactly `high`, which the half-open interval excludes.
        return low < high && x >= high ? high.nextDown : x
    }

    /// A uniform double in the open interval (0, 1): `(top 52 bits + ½) · 2⁻⁵²`, one raw output.
    ///
    /// Used wherever a logarithm of the draw is taken. With 52 bits, the largest value,
    /// 1 − 2⁻⁵³, is representable, so the interval is open at both ends.
    @inlinable
    public mutating func openUniform() -> Double {
        (Double(next() >> 12) + 0.5) * 0x1p-52
    }

    /// A uniform integer in 0..<n without bias, by Lemire's multiply-and-reject ("Fast random
    /// integer generation in an interval", ACM TOMACS 2019).
    ///
    /// The high word of `raw · n` is the draw; the rare raw values whose low word falls below
    /// `2⁶⁴ mod n` are rejected and redrawn. For n > 2³² this equals NumPy's
    /// `Generator(Philox(key)).integers(0, n)`. Returns 0 without consuming bits when n ≤ 1;
    /// callers check user-supplied bounds before calling.
    public mutating func uniformInt(below n: Int) -> Int {
        guard n > 1 else { return 0 }
        let bound = UInt64(n)
        var product = next().multipliedFullWidth(by: bound)
        if product.low < bound {
            let threshold = (0 &- bound) % bound
            while product.low < threshold {
                product = next().multipliedFullWidth(by: bound)
            }
        }
        return Int(product.high)
    }

    /// A normal draw by the Box–Muller transform (Box and Muller, 1958), two raw outputs.
    ///
    /// With u₁ = `openUniform()` and u₂ = `uniform()`, the result is
    /// `mean + std · √(−2 ln u₁) · cos(2π u₂)`. The sine half of the pair is not cached, so a
    /// draw never depends on earlier calls; `normalTensor` uses both halves.
    public mutating func normal(mean: Double = 0, std: Double = 1) -> Double {
        mean + std * standardNormalPair().0
    }

    /// Two independent standard normals from two raw outputs (Box–Muller's cosine and sine).
    mutating func standardNormalPair() -> (Double, Double) {
        let radius = (-2 * log(openUniform())).squareRoot()
        let angle = 2 * Double.pi * uniform()
        return (radius * cos(angle), radius * sin(angle))
    }

    /// A Gumbel draw by inversion, one raw output: `loc − scale · ln(−ln u)` with u =
    /// `openUniform()`, which is never 0 or 1.
    ///
    /// The standard Gumbel (loc 0, scale 1) has mean γ ≈ 0.5772 (Euler–Mascheroni) and
    /// variance π²/6; `argmax(logits + gumbel)` samples `softmax(logits)`.
    @inlinable
    public mutating func gumbel(loc: Double = 0, scale: Double = 1) -> Double {
        loc - scale * log(-log(openUniform()))
    }
}
