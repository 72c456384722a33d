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

    /// Calls `body(offsetA, offsetB, offsetOut)` in elements for each product in the batch.
    @inline(__always)
    func forEachProduct(_ body: (Int, Int, Int) -> Void) {
        let sizeA = m * k, sizeB = k * n, sizeOut = m * n
        let plan = BroadcastPlan(batchA, batchB, out: batchOut)
        plan.forEachRow { oa, ob, oo, count, sa, sb in
            for i in 0..<count {
                body((oa + i * sa) * sizeA, (ob + i * sb) * sizeB, (oo + i) * sizeOut)
            }
        }
    }
}

enum MatmulKernels {
    /// out = a · b.
    static func forward(_ geo: MatmulGeometry, _ a: View, _ b: View, _ out: View) {
        switch a.dtype {
        case .f32: forward(geo, a.ptr(Float.self), b.ptr(Float.self), out.ptr(Float.self))
        case .f64: forward(geo, a.ptr(Double.self), b.ptr(Double.self), out.ptr(Double.self))
        }
    }

    /// ga += g · bᵀ and/or gb += aᵀ · g (β = 1 accumulates, which also sums broadcast batches).
    static func backward(_ geo: MatmulGeometry, _ a: View, _ b: View, _ g: View, ga: View?, gb: View?) {
        switch a.dtype {
        case .f32: backward(geo, a.ptr(Float.self), b.ptr(Float.self), g.ptr(Float.self), ga?.ptr(Float.self), gb?.ptr(Float.self))
        case .f64: backward(geo, a.ptr(Double.self), b.ptr(Double.self), g.ptr(Double.self), ga?.ptr(Double.self), gb?.ptr(Double.self))
        }
    }

    @inline(__always)
    private static func forward<T: TensorScalar>(_ geo: MatmulGeometry, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ c: UnsafeMutablePointer<T>) {
        let (m, n, k) = (geo.m, geo.n, geo.k)
        if k == 0 {
            c.update(repeating: 0, count: geo.out.count)
            return
        }
        geo.forEachProduct { oa, ob, oc in
            guard m > 0, n > 0 else { return }
            BLAS.gemm(transA: false, transB: false, m: m, n: n, k: k, alpha: 1, a: a + oa, lda: k, b: b + ob, ldb: n, beta: 0, c: c + oc, ldc: n)
        }
    }

    @inline(__always)
    private static func backward<T: TensorScalar>(
        _ geo: MatmulGeometry, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>,
        _ ga: UnsafeMutablePointer<T>?, _ gb: UnsafeMutablePointer<T>?
    ) {
        let (m, n, k) = (geo.m, geo.n, geo.k)
        guard m > 0, n > 0, k > 0 else { return }
        geo.forEachProduct { oa, ob, og in
            if let ga {
                // ∂a[m×k] += g[m×n] · b[k×n]ᵀ
                BLAS.gemm(transA: false, transB: true, m: m, n: k, k: n, alpha: 1, a: g + og, lda: n, b: b + ob, ldb: n, beta: 1, c: ga + oa, ldc: k)
            }
            if let gb {
                // ∂b[k×n] += a[m×k]ᵀ · g[m×n]
                BLAS.gemm(transA: true, transB: false, m: k, n: n, k: m, alpha: 1, a: a + oa, lda: k, b: g + og, ldb: n, beta: 1, c: gb + ob, ldc: n)
            }
        }
    }
}
