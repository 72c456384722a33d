internal import CKernels

/// The linear Bradley–Terry objective's pass over one block of rows of D = X_c − X_r (CKernels'
/// `pk_bradley_terry_block_f64`; PrefLearn's `LinearBradleyTerryProblem` walks the blocks). With
/// zᵢ = dᵢ·w and uᵢ = mᵢ − zᵢ it returns Σ softplus(uᵢ) and accumulates −Σ σ(uᵢ) dᵢ into `grad`,
/// reading the block from memory once (its second read hits the cache).
public enum BradleyTerryKernel {
    /// One block: `d` [rows, p], `margins` rows values or nil (0), `work` ≥ 3·rows doubles,
    /// `grad` p doubles (accumulates −Σ σ(uᵢ)dᵢ), `scaled` nil or [rows, p] (receives
    /// √(σ(uᵢ)σ(−uᵢ))·dᵢ for the Hessian), `sums` 3 doubles: [0] = the block's Σ softplus(uᵢ)
    /// (overwritten), [1] += #{zᵢ > 0}, [2] += Σ zᵢ.
    public static func block(d: UnsafePointer<Double>, margins: UnsafePointer<Double>?, rows: Int, p: Int, w: UnsafePointer<Double>,
                             work: UnsafeMutablePointer<Double>, grad: UnsafeMutablePointer<Double>, scaled: UnsafeMutablePointer<Double>?,
                             sums: UnsafeMutablePointer<Double>) {
        pk_bradley_terry_block_f64(d, margins, Int64(rows), Int64(p), w, work, grad, scaled, sums)
    }

    /// out = a − b in f64 (`count` elements); false when some difference is not finite.
    public static func difference(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int, into out: UnsafeMutablePointer<Double>) -> Bool {
        pk_difference_f32_f64(a, b, Int64(count), out) != 0
    }

    public static func difference(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count: Int, into out: UnsafeMutablePointer<Double>) -> Bool {
        pk_difference_f64(a, b, Int64(count), out) != 0
    }
}
