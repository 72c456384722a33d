internal import CKernels

/// out[i, r] = Σ_j table[index[i], r, j] · w[j], read from the table in place (CKernels'
/// `pk_gather_matvec`): a gather and a matrix–vector product in one pass, without the copy of
/// the gathered rows, which was most of a log-linear policy's training step
/// (docs/design.md, "Training throughput").
enum GatherMatvecKernels {
    /// The value: `table` is [P, rows, d], `index` n prompts in 0..<P, `w` d elements, `out` [n, rows].
    static func forward(_ table: View, _ index: UnsafePointer<Int32>, n: Int, rows: Int, d: Int, _ w: View, _ out: View) {
        switch table.dtype {
        case .f32: pk_gather_matvec_f32(table.ptr(Float.self), index, Int64(n), Int64(rows), Int64(d), w.ptr(Float.self), out.ptr(Float.self))
        case .f64: pk_gather_matvec_f64(table.ptr(Double.self), index, Int64(n), Int64(rows), Int64(d), w.ptr(Double.self), out.ptr(Double.self))
        }
    }

    /// gw += Σ_i Σ_r g[i, r] · table[index[i], r, :], the gradient with respect to w.
    static func backward(_ table: View, _ index: UnsafePointer<Int32>, n: Int, rows: Int, d: Int, _ g: View, into gw: View) {
        switch table.dtype {
        case .f32: pk_gather_matvec_grad_f32(table.ptr(Float.self), index, Int64(n), Int64(rows), Int64(d), g.ptr(Float.self), gw.ptr(Float.self))
        case .f64: pk_gather_matvec_grad_f64(table.ptr(Double.self), index, Int64(n), Int64(rows), Int64(d), g.ptr(Double.self), gw.ptr(Double.self))
        }
    }
}
