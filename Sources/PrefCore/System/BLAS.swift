// The only file in PrefCore that imports CBLAS (DESIGN.md §1).
internal import CBLAS

/// Thin wrappers over OpenBLAS: row-major GEMM for both dtypes and the library's identification.
/// Dimensions are checked against Debian's LP64 build (32-bit `blasint`) before every call.
public enum BLAS {
    /// OpenBLAS's name for the kernel it chose when it loaded ("SkylakeX", "Haswell", "Prescott"…).
    public static var coreName: String {
        guard let p = openblas_get_corename() else { return "unknown" }
        return String(cString: p)
    }

    /// OpenBLAS's build configuration string (version, DYNAMIC_ARCH, threading…).
    public static var config: String {
        guard let p = openblas_get_config() else { return "unknown" }
        return String(String(cString: p).drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }

    /// The number of threads OpenBLAS uses for large calls.
    public static var threadCount: Int { Int(openblas_get_num_threads()) }

    /// Sets OpenBLAS's thread count (takes effect for the next call).
    public static func setThreadCount(_ n: Int) { openblas_set_num_threads(Int32(clamping: Swift.max(1, n))) }

    /// Checks that every dimension fits the 32-bit integers of an LP64 BLAS.
    static func checkDims(_ op: String, _ dims: Int...) throws(TensorError) {
        for d in dims where d > Int(Int32.max) {
            throw TensorError(op: op, "dimension \(d) exceeds the BLAS limit of \(Int32.max)",
                              hint: "split the operation into smaller blocks")
        }
    }

    /// C ← α·op(A)·op(B) + β·C for row-major matrices, op(X) = X or Xᵀ.
    /// `m×k` is the shape of op(A), `k×n` of op(B); `lda`, `ldb`, `ldc` are row strides in elements.
    @inline(__always)
    static func gemm<T: TensorScalar>(
        transA: Bool, transB: Bool, m: Int, n: Int, k: Int, alpha: T,
        a: UnsafePointer<T>, lda: Int, b: UnsafePointer<T>, ldb: Int,
        beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) {
        let ta = transA ? CblasTrans : CblasNoTrans
        let tb = transB ? CblasTrans : CblasNoTrans
        if T.self == Float.self {
            cblas_sgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Float(alpha),
                        UnsafeRawPointer(a).assumingMemoryBound(to: Float.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Float.self), Int32(ldb), Float(beta),
                        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Float.self), Int32(ldc))
        } else {
            cblas_dgemm(CblasRowMajor, ta, tb, Int32(m), Int32(n), Int32(k), Double(alpha),
                        UnsafeRawPointer(a).assumingMemoryBound(to: Double.self), Int32(lda),
                        UnsafeRawPointer(b).assumingMemoryBound(to: Double.self), Int32(ldb), Double(beta),
                        UnsafeMutableRawPointer(c).assumingMemoryBound(to: Double.self), Int32(ldc))
        }
    }

    /// Raw single-precision GEMM into a caller's buffer, for benchmarks that compare against the
    /// tensor API: C = A·B with A m×k, B k×n, row-major.
    public static func rawSgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Float>, b: UnsafePointer<Float>, c: UnsafeMutablePointer<Float>) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// Raw double-precision GEMM, as `rawSgemm`.
    public static func rawDgemm(m: Int, n: Int, k: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>, c: UnsafeMutablePointer<Double>) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(k), b, Int32(n), 0, c, Int32(n))
    }

    /// y ← α·op(A)·x + β·y for a row-major m×n matrix A (op(A) = Aᵀ when `trans`), `cblas_dgemv`:
    /// the matrix–vector passes of the convex reward-model solvers.
    public static func dgemv(trans: Bool, m: Int, n: Int, alpha: Double, a: UnsafePointer<Double>, x: UnsafePointer<Double>,
                             beta: Double, y: UnsafeMutablePointer<Double>) throws(TensorError) {
        try checkDims("gemv", m, n)
        guard m > 0, n > 0 else { return }
        cblas_dgemv(CblasRowMajor, trans ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), alpha, a, Int32(n), x, 1, beta, y, 1)
    }

    /// C ← α·AᵀA + β·C for a row-major k×n matrix A, into the upper triangle of the row-major n×n C
    /// (`cblas_dsyrk`); the lower triangle is left as it was.
    public static func dsyrkTransposed(n: Int, k: Int, alpha: Double, a: UnsafePointer<Double>, beta: Double,
                                       c: UnsafeMutablePointer<Double>) throws(TensorError) {
        try checkDims("syrk", n, k)
        guard n > 0, k > 0 else { return }
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(n), Int32(k), alpha, a, Int32(n), beta, c, Int32(n))
    }

    /// Solves A·x = b for a symmetric positive-definite n×n matrix A (LAPACK `dpotrf`, then two
    /// triangular solves with `dtrsv`), overwriting `a` with its Cholesky factor L (A = L·Lᵀ, the
    /// lower triangle in column-major order, which is the upper triangle row-major) and `b` with x.
    /// Returns false when A is not positive definite (the leading minor of that order is ≤ 0).
    public static func choleskySolve(_ a: inout [Double], _ b: inout [Double], n: Int) throws(TensorError) -> Bool {
        try checkDims("cholesky", n, n * n)
        guard n > 0 else { return true }
        var info: Int32 = 0, order = Int32(n)
        var uplo = UInt8(ascii: "L")
        a.withUnsafeMutableBufferPointer { p in
            withUnsafePointer(to: &uplo) { u in
                u.withMemoryRebound(to: CChar.self, capacity: 1) { dpotrf_($0, &order, p.baseAddress, &order, &info) }
            }
        }
        guard info == 0 else { return false }
        a.withUnsafeBufferPointer { l in
            b.withUnsafeMutableBufferPointer { x in
                cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, order, l.baseAddress, order, x.baseAddress, 1)
                cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, order, l.baseAddress, order, x.baseAddress, 1)
            }
        }
        return true
    }

    /// The inverse of A from the Cholesky factor `choleskySolve` left in `factor` (LAPACK `dpotri`),
    /// returned as a full symmetric n×n matrix.
    public static func choleskyInverse(_ factor: [Double], n: Int) throws(TensorError) -> [Double] {
        try checkDims("cholesky", n, n * n)
        var a = factor, info: Int32 = 0, order = Int32(n)
        var uplo = UInt8(ascii: "L")
        a.withUnsafeMutableBufferPointer { p in
            withUnsafePointer(to: &uplo) { u in
                u.withMemoryRebound(to: CChar.self, capacity: 1) { dpotri_($0, &order, p.baseAddress, &order, &info) }
            }
        }
        guard info == 0 else { throw TensorError(op: "cholesky", "the matrix is singular") }
        // dpotri fills the lower triangle (column-major); mirror it.
        for j in 0..<n { for i in 0..<j { a[i + j * n] = a[j + i * n] } }
        return a
    }

    /// Factors a symmetric positive-definite n×n matrix in place as `choleskySolve` does (LAPACK
    /// `dpotrf`), without a right-hand side. Returns false when it is not positive definite.
    public static func choleskyFactor(_ a: inout [Double], n: Int) throws(TensorError) -> Bool {
        var none = [Double](repeating: 0, count: n)
        return try choleskySolve(&a, &none, n: n)
    }

    /// Solves A·x = b in place with the Cholesky factor `choleskySolve` left in `factor` (two
    /// triangular solves, `dtrsv`).
    public static func choleskySolve(factor: [Double], _ b: inout [Double], n: Int) throws(TensorError) {
        try checkDims("cholesky", n, n * n)
        guard n > 0 else { return }
        factor.withUnsafeBufferPointer { l in
            b.withUnsafeMutableBufferPointer { x in
                cblas_dtrsv(CblasColMajor, CblasLower, CblasNoTrans, CblasNonUnit, Int32(n), l.baseAddress, Int32(n), x.baseAddress, 1)
                cblas_dtrsv(CblasColMajor, CblasLower, CblasTrans, CblasNonUnit, Int32(n), l.baseAddress, Int32(n), x.baseAddress, 1)
            }
        }
    }

    /// The diagonal of A⁻¹ from the Cholesky factor L (A = L·Lᵀ) that `choleskySolve` left in
    /// `factor`: A⁻¹ = L⁻ᵀ·L⁻¹, so (A⁻¹)ᵢᵢ = Σₖ (L⁻¹)ₖᵢ², the squared norm of column i of L⁻¹
    /// (LAPACK `dtrtri`, n³/3 flops). `dpotri` would also form the product L⁻ᵀ·L⁻¹ (`dlauum`,
    /// another n³/3) only for its off-diagonal entries.
    public static func choleskyInverseDiagonal(_ factor: [Double], n: Int) throws(TensorError) -> [Double] {
        try checkDims("cholesky", n, n * n)
        guard n > 0 else { return [] }
        var a = factor, info: Int32 = 0, order = Int32(n)
        var uplo = UInt8(ascii: "L"), unit = UInt8(ascii: "N")
        a.withUnsafeMutableBufferPointer { p in
            withUnsafePointer(to: &uplo) { u in
                withUnsafePointer(to: &unit) { d in
                    u.withMemoryRebound(to: CChar.self, capacity: 1) { u in
                        d.withMemoryRebound(to: CChar.self, capacity: 1) { dtrtri_(u, $0, &order, p.baseAddress, &order, &info) }
                    }
                }
            }
        }
        guard info == 0 else { throw TensorError(op: "cholesky", "the matrix is singular") }
        // Column i of the column-major lower triangle: rows i..<n, contiguous.
        return a.withUnsafeBufferPointer { l in
            (0..<n).map { i in
                var s = 0.0
                for r in i..<n { let x = l[i * n + r]; s += x * x }
                return s
            }
        }
    }

    /// y ← A·x for a symmetric n×n matrix of which only the upper triangle of the row-major
    /// storage is read (`cblas_dsymv`).
    public static func symmetricUpperMatVec(n: Int, a: UnsafePointer<Double>, x: UnsafePointer<Double>,
                                            y: UnsafeMutablePointer<Double>) throws(TensorError) {
        try checkDims("symv", n, n)
        guard n > 0 else { return }
        cblas_dsymv(CblasRowMajor, CblasUpper, Int32(n), 1, a, Int32(n), x, 1, 0, y, 1)
    }
}
