/// The recorded ops: each computes its value into the arena with the same kernels as the eager
/// `Tensor` ops and records what its backward rule (Tape+Backward.swift) needs.
extension Tape {
    /// Elementwise binary op with broadcasting (`add`, `mul`, comparisons…).
    public func binary(_ op: BinaryOp, _ a: Var, _ b: Var) throws(TensorError) -> Var {
        let na = try node(a, op: op.name), nb = try node(b, op: op.name)
        try OpGeometry.sameDType(op.name, na.view.dtype, nb.view.dtype)
        let shape = try Shape.broadcast(na.view.shape, nb.view.shape, op: op.name)
        let out = allocate(shape, na.view.dtype)
        try BinaryKernels.forward(op, na.view, nb.view, out)
        let grads = !op.isComparison && (na.requiresGrad || nb.requiresGrad)
        return record(out, Entry(code: .binary, sub: op.rawValue, out: -1, a: a.id, b: b.id), inputs: grads)
    }

    /// Elementwise unary op; `p0`, `p1` are its scalar parameters (see `UnaryOp`).
    public func unary(_ op: UnaryOp, _ x: Var, _ p0: Double = 0, _ p1: Double = 0) throws(TensorError) -> Var {
        let nx = try node(x, op: op.name)
        let out = allocate(nx.view.shape, nx.view.dtype)
        try UnaryKernels.forward(op, nx.view, out, p0, p1)
        return record(out, Entry(code: .unary, sub: op.rawValue, out: -1, a: x.id, p0: p0, p1: p1), inputs: nx.requiresGrad && op != .sign)
    }

    /// Sum, mean, max, min or logsumexp along `axis` (nil: over all elements).
    func reduce(_ kind: ReduceKernels.Kind, _ x: Var, axis: Int?, keepDims: Bool, op: String) throws(TensorError) -> Var {
        let nx = try node(x, op: op)
        let g = try OpGeometry.reduce(nx.view.shape, axis: axis, keepDims: keepDims, op: op)
        if (kind == .max || kind == .min) && g.n == 0 {
            throw TensorError(op: op, "cannot take the \(op) of an empty axis")
        }
        let out = allocate(g.out, nx.view.dtype)
        var indices: UnsafeMutablePointer<Int32>? = nil
        if kind == .max || kind == .min {
            indices = arena.allocate(g.outer * g.inner * 4).assumingMemoryBound(to: Int32.self)
        }
        try ReduceKernels.forward(kind, nx.view, out, outer: g.outer, n: g.n, inner: g.inner, indices: indices)
        let e = Entry(code: .reduce, sub: kind.rawValue, out: -1, a: x.id, outer: g.outer, n: g.n, inner: g.inner, ptr: indices.map { UnsafeMutableRawPointer($0) })
        return record(out, e, inputs: nx.requiresGrad)
    }

    /// Softmax (or log-softmax) along `axis`, stable.
    func softmax(_ x: Var, axis: Int, log: Bool) throws(TensorError) -> Var {
        let op = log ? "log_softmax" : "softmax"
        let nx = try node(x, op: op)
        let g = try OpGeometry.along(nx.view.shape, axis: axis, op: op)
        let out = allocate(g.out, nx.view.dtype)
        try SoftmaxKernels.forward(log: log, nx.view, out, outer: g.outer, n: g.n, inner: g.inner)
        return record(out, Entry(code: log ? .logSoftmax : .softmax, out: -1, a: x.id, outer: g.outer, n: g.n, inner: g.inner), inputs: nx.requiresGrad)
    }

    /// Matrix product with NumPy `matmul` rules, through BLAS.
    public func matmul(_ a: Var, _ b: Var) throws(TensorError) -> Var {
        let na = try node(a, op: "matmul"), nb = try node(b, op: "matmul")
        try OpGeometry.sameDType("matmul", na.view.dtype, nb.view.dtype)
        let geo = try MatmulGeometry(na.view.shape, nb.view.shape)
        let out = allocate(geo.out, na.view.dtype)
        try MatmulKernels.forward(geo, na.view, nb.view, out)
        let grads = na.requiresGrad || nb.requiresGrad
        if grads && isRecording { matmulAux.append(geo) }
        return record(out, Entry(code: .matmul, out: -1, a: a.id, b: b.id, aux: Int32(matmulAux.count - 1)), inputs: grads)
    }

    /// A strided read of x (transpose, slice) into a contiguous value.
    func strided(_ x: Var, _ s: OpGeometry.Strided, op: String) throws(TensorError) -> Var {
        let nx = try node(x, op: op)
        let out = allocate(s.out, nx.view.dtype)
        let src = View(base: nx.view.base + s.offset * nx.view.dtype.size, shape: nx.view.shape, dtype: nx.view.dtype)
        LayoutKernels.gatherStrided(src, s.strides, out)
        if nx.requiresGrad && isRecording { stridesAux.append(s.strides) }
        return record(out, Entry(code: .strided, out: -1, a: x.id, k: s.offset, aux: Int32(stridesAux.count - 1)), inputs: nx.requiresGrad)
    }

    func take(_ x: Var, _ t: OpGeometry.Take, along: Bool, op: String) throws(TensorError) -> Var {
        let nx = try node(x, op: op)
        let out = allocate(t.out, nx.view.dtype)
        t.indices.withUnsafeBufferPointer { idx in
            LayoutKernels.take(nx.view, out, idx: idx.baseAddress.unsafelyUnwrapped, outer: t.outer, n: t.n, inner: t.inner, k: t.k, alongAxis: along, backward: false)
        }
        if nx.requiresGrad && isRecording { indexAux.append(t.indices) }
        let e = Entry(code: along ? .takeAlong : .take, out: -1, a: x.id, outer: t.outer, n: t.n, inner: t.inner, k: t.k, aux: Int32(indexAux.count - 1))
        return record(out, e, inputs: nx.requiresGrad)
    }

    /// Concatenation along an existing axis.
    public func concat(_ xs: [Var], axis: Int) throws(TensorError) -> Var {
        var views = [View]()
        var grads = false
        for x in xs {
            let n = try node(x, op: "concat")
            views.append(n.view)
            grads = grads || n.requiresGrad
        }
        let c = try OpGeometry.concat(views.map(\.shape), axis: axis, dtypes: views.map(\.dtype))
        let out = allocate(c.out, views[0].dtype)
        var start = 0
        for (v, n) in zip(views, c.sizes) {
            LayoutKernels.block(v, out, outer: c.outer, n: n, total: c.total, inner: c.inner, start: start, toWhole: true, accumulate: false)
            start += n
        }
        if grads && isRecording { listAux.append(xs.map(\.id)) }
        return record(out, Entry(code: .concat, out: -1, a: -1, outer: c.outer, inner: c.inner, k: c.total, aux: Int32(listAux.count - 1)), inputs: grads)
    }

    /// The same elements under a new shape (at most one −1).
    public func reshape(_ x: Var, _ dims: [Int]) throws(TensorError) -> Var {
        let nx = try node(x, op: "reshape")
        let s = try OpGeometry.reshape(nx.view.shape, dims)
        // The value shares the input's bytes; only the gradient needs its own buffer.
        return record(nx.view.reshaped(s), Entry(code: .reshape, out: -1, a: x.id), inputs: nx.requiresGrad)
    }

    /// cond ≠ 0 ? a : b, broadcasting all three; no gradient flows to `cond`.
    public func select(_ cond: Var, _ a: Var, _ b: Var) throws(TensorError) -> Var {
        let nc = try node(cond, op: "where"), na = try node(a, op: "where"), nb = try node(b, op: "where")
        try OpGeometry.sameDType("where", na.view.dtype, nb.view.dtype)
        try OpGeometry.sameDType("where", nc.view.dtype, na.view.dtype)
        let shape = try Shape.broadcast(try Shape.broadcast(nc.view.shape, na.view.shape, op: "where"), nb.view.shape, op: "where")
        let c = try expand(cond, to: shape), ea = try expand(a, to: shape), eb = try expand(b, to: shape)
        let out = allocate(shape, na.view.dtype)
        LayoutKernels.select(nodes[Int(c.id)].view, nodes[Int(ea.id)].view, nodes[Int(eb.id)].view, out)
        let e = Entry(code: .select, out: -1, a: ea.id, b: eb.id, c: c.id)
        return record(out, e, inputs: na.requiresGrad || nb.requiresGrad)
    }

    /// x broadcast to `shape` (a copy; its backward sums over the broadcast dimensions).
    public func expand(_ x: Var, to shape: Shape) throws(TensorError) -> Var {
        let nx = try node(x, op: "expand")
        if nx.view.shape == shape { return x }
        let s = try Shape.broadcast(nx.view.shape, shape, op: "expand")
        guard s == shape else { throw TensorError.shapes("expand", nx.view.shape, shape, "cannot expand") }
        // x + zeros(shape): the add kernel broadcasts, and its backward rule sums the gradient back.
        let zeros = View(base: arena.allocateZeroed(shape.count * nx.view.dtype.size), shape: shape, dtype: nx.view.dtype)
        return try binary(.add, x, addNode(zeros, requiresGrad: false))
    }
}
