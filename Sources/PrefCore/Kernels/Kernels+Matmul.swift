/// The geometry of a (batched) matrix product with NumPy's `matmul` rules: the last two
/// dimensions multiply, leading batch dimensions broadcast, and a rank-1 operand is a row
/// (left) or a column (right) vector whose unit dimension is dropped from the result.
struct MatmulGeometry {
    var m: Int, k: Int, n: Int
    var batchA: Shape, batchB: Shape, batchOut: Shape
    var out: Shape

    init(_ a: Shape, _ b: Shape) throws(TensorError) {
        guard a.rank >= 1, b.rank >= 1 else {
            throw TensorError.shapes("matmul", a, b, "matmul needs operands of rank at least 1", hint: "use * to scale by a scalar")
        }
        m = a.rank == 1 ? 1 : a[a.rank - 2]
        k = a[a.rank - 1]
        let kb = b.rank == 1 ? b[0] : b[b.rank - 2]
        n = b.rank == 1 ? 1 : b[b.rank - 1]
        guard k == kb else {
            throw TensorError.shapes("matmul", a, b, "inner dimensions differ (\(k) vs \(kb))",
                                     hint: "the last dimension of the left operand must equal the first matrix dimension of the right")
        }
        batchA = a.prefix(Swift.max(0, a.rank - 2))
        batchB = b.prefix(Swift.max(0, b.rank - 2))
        batchOut = batchA == batchB ? batchA : try Shape.broadcast(batchA, batchB, op: "matmul")
        var o = batchOut
        if a.rank > 1 { o.append(m) }
        if b.rank > 1 { o.append(n) }
        out = o
        try out.checkLimit(op: "matmul")
        try BLAS.checkDims("matmul", m, n, k)
    }

    /// Calls `body(offsetA, offsetB, offsetOut)` in elements for each product in the batch,
    /// stopping at the first error.
    @inline(__always)
    func forEachProduct(_ body: (Int, Int, Int) throws(TensorError) -> Void) throws(TensorError) {
        let sizeA = m * k, sizeB = k * n, sizeOut = m * n
        let plan = BroadcastPlan(batchA, batchB, out: batchOut)
        var failure: TensorError?
        plan.forEachRow { oa, ob, oo, count, sa, sb in
            for i in 0..<count where failure == nil {
                do throws(TensorError) {
                    try body((oa + i * sa) * sizeA, (ob + i * sb) * sizeB, (oo + i) * sizeOut)
                } catch {
                    failure = error
                }
            }
        }
        if let failure { throw failure }
    }
}

/// Matrix products through BLAS, split so that one BLAS call (which cannot be cancelled) does at
/// most about `Interruption.flopsPerCall`: a big product becomes tiles of the result, each with
/// the full inner dimension, so every element is the same inner product as in one call.
enum MatmulKernels {
    /// out = a · b.
    static func forward(_ geo: MatmulGeometry, _ a: View, _ b: View, _ out: View) throws(TensorError) {
        switch a.dtype {
        case .f32: try forward(geo, a.ptr(Float.self), b.ptr(Float.self), out.ptr(Float.self))
        case .f64: try forward(geo, a.ptr(Double.self), b.ptr(Double.self), out.ptr(Double.self))
        }
    }

    /// ga += g · bᵀ and/or gb += aᵀ · g (β = 1 accumulates, which also sums broadcast batches).
    static func backward(_ geo: MatmulGeometry, _ a: View, _ b: View, _ g: View, ga: View?, gb: View?) throws(TensorError) {
        switch a.dtype {
        case .f32: try backward(geo, a.ptr(Float.self), b.ptr(Float.self), g.ptr(Float.self), ga?.ptr(Float.self), gb?.ptr(Float.self))
        case .f64: try backward(geo, a.ptr(Double.self), b.ptr(Double.self), g.ptr(Double.self), ga?.ptr(Double.self), gb?.ptr(Double.self))
        }
    }

    @inline(__always)
    private static func forward<T: TensorScalar>(_ geo: MatmulGeometry, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ c: UnsafeMutablePointer<T>) throws(TensorError) {
        let (m, n, k) = (geo.m, geo.n, geo.k)
        if k == 0 {
            c.update(repeating: 0, count: geo.out.count)
            return
        }
        guard m > 0, n > 0 else { return }
        var progress = Progress("matmul")
        try geo.forEachProduct { (oa, ob, oc) throws(TensorError) in
            try gemm(&progress, transA: false, transB: false, m: m, n: n, k: k, a: a + oa, lda: k, b: b + ob, ldb: n, beta: 0, c: c + oc, ldc: n)
        }
    }

    @inline(__always)
    private static func backward<T: TensorScalar>(
        _ geo: MatmulGeometry, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
        _ ga: UnsafeMutablePointer<T>?, _ gb: UnsafeMutablePointer<T>?
    ) throws(TensorError) {
        let (m, n, k) = (geo.m, geo.n, geo.k)
        guard m > 0, n > 0, k > 0 else { return }
        var progress = Progress("matmul")
        try geo.forEachProduct { (oa, ob, og) throws(TensorError) in
            if let ga {
                // ∂a[m×k] += g[m×n] · b[k×n]ᵀ
                try gemm(&progress, transA: false, transB: true, m: m, n: k, k: n, a: g + og, lda: n, b: b + ob, ldb: n, beta: 1, c: ga + oa, ldc: k)
            }
            if let gb {
                // ∂b[k×n] += a[m×k]ᵀ · g[m×n]
                try gemm(&progress, transA: true, transB: false, m: k, n: n, k: m, a: a + oa, lda: k, b: g + og, ldb: n, beta: 1, c: gb + ob, ldc: n)
            }
        }
    }

    /// C ← op(A)·op(B) + β·C (row-major, `m×k` times `k×n`), as one BLAS call when it is at most
    /// `Interruption.flopsPerCall`, else as tiles of C polled one by one. Work is counted in
    /// units of 4096 flops, so a grain of elementwise work and a full call poll alike.
    @inline(__always)
    static func gemm<T: TensorScalar>(
        _ progress: inout Progress, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
        a: UnsafeMutablePointer<T>, lda: Int, b: UnsafeMutablePointer<T>, ldb: Int, beta: T, c: UnsafeMutablePointer<T>, ldc: Int
    ) throws(TensorError) {
        let flops = 2 * m * n * k
        if flops <= Interruption.flopsPerCall {
            try progress.advance(flops >> 12)
            BLAS.gemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: 1, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        let (mb, nb) = tile(m: m, n: n, k: k)
        for i in stride(from: 0, to: m, by: mb) {
            for j in stride(from: 0, to: n, by: nb) {
                try progress.poll()
                let rows = Swift.min(mb, m - i), cols = Swift.min(nb, n - j)
                // Row i of op(A) is row i of A, or column i of a transposed A; likewise for B's columns.
                let ta = transA ? a + i : a + i * lda
                let tb = transB ? b + j * ldb : b + j
                BLAS.gemm(transA: transA, transB: transB, m: rows, n: cols, k: k, alpha: 1, a: ta, lda: lda, b: tb, ldb: ldb,
                          beta: beta, c: c + i * ldc + j, ldc: ldc)
            }
        }
    }

    /// Rows and columns of a tile of C: about `flopsPerCall / 2k` elements, whole rows when C is
    /// narrow, else near-square (each call packs its slices of A and B, so square tiles do the
    /// most arithmetic per packed element), in multiples of 16 to suit the BLAS micro-kernels.
    static func tile(m: Int, n: Int, k: Int) -> (rows: Int, cols: Int) {
        let elements = Swift.max(1, Interruption.flopsPerCall / (2 * k))
        var side = Int(Double(elements).squareRoot())
        if side >= 32 { side &= ~15 }
        side = Swift.max(1, side)
        if n <= side { return (Swift.max(1, elements / n), n) }
        if m <= side { return (m, Swift.max(1, elements / m)) }
        return (side, side)
    }
}
