/// Eager layout ops: matmul, transpose, slicing, gather, concatenation, stacking, one-hot.
extension Tensor {
    /// Matrix product with NumPy `matmul` rules (batched, broadcasting), through BLAS.
    public func matmul(_ b: Tensor) throws(TensorError) -> Tensor {
        try OpGeometry.sameDType("matmul", dtype, b.dtype)
        let geo = try MatmulGeometry(shape, b.shape)
        return try withExtendedLifetime((self, b)) { () throws(TensorError) -> Tensor in
            try Tensor.produce(geo.out, dtype) { out throws(TensorError) in try MatmulKernels.forward(geo, view, b.view, out) }
        }
    }

    private func strided(_ s: OpGeometry.Strided) -> Tensor {
        let out = Tensor(uninitialized: s.out, dtype: dtype)
        withExtendedLifetime(self) {
            let src = View(base: rawPointer + s.offset * dtype.size, shape: shape, dtype: dtype)
            LayoutKernels.gatherStrided(src, s.strides, out.view)
        }
        return out
    }

    /// Permutes the axes (nil reverses them); a contiguous copy.
    public func transposed(_ perm: [Int]? = nil) throws(TensorError) -> Tensor {
        strided(try OpGeometry.transpose(shape, perm))
    }

    /// Python-style slice along one axis; a contiguous copy.
    public func slice(axis: Int = 0, start: Int? = nil, end: Int? = nil, step: Int = 1) throws(TensorError) -> Tensor {
        strided(try OpGeometry.slice(shape, axis: axis, start: start, end: end, step: step))
    }

    private func take(_ t: OpGeometry.Take, along: Bool) -> Tensor {
        let out = Tensor(uninitialized: t.out, dtype: dtype)
        withExtendedLifetime(self) {
            t.indices.withUnsafeBufferPointer { idx in
                guard let p = idx.baseAddress else { return }
                LayoutKernels.take(view, out.view, idx: p, outer: t.outer, n: t.n, inner: t.inner, k: t.k, alongAxis: along, backward: false)
            }
        }
        return out
    }

    /// NumPy `take`: the elements at `indices` along `axis`.
    public func gather(_ indices: IndexTensor, axis: Int = 0) throws(TensorError) -> Tensor {
        take(try OpGeometry.take(shape, indices, axis: axis), along: false)
    }

    /// NumPy `take_along_axis`.
    public func takeAlong(_ indices: IndexTensor, axis: Int) throws(TensorError) -> Tensor {
        take(try OpGeometry.takeAlong(shape, indices, axis: axis), along: true)
    }

    /// The same elements under new dimensions (one may be −1); shares storage.
    public func reshaped(_ dims: [Int]) throws(TensorError) -> Tensor {
        try reshaped(try OpGeometry.reshape(shape, dims))
    }

    /// Concatenation along an existing axis.
    public static func concat(_ xs: [Tensor], axis: Int = 0) throws(TensorError) -> Tensor {
        let c = try OpGeometry.concat(xs.map(\.shape), axis: axis, dtypes: xs.map(\.dtype))
        let out = Tensor(uninitialized: c.out, dtype: xs[0].dtype)
        var start = 0
        for (x, n) in zip(xs, c.sizes) {
            withExtendedLifetime(x) {
                LayoutKernels.block(x.view, out.view, outer: c.outer, n: n, total: c.total, inner: c.inner, start: start, toWhole: true, accumulate: false)
            }
            start += n
        }
        return out
    }

    /// Stacking along a new axis.
    public static func stack(_ xs: [Tensor], axis: Int = 0) throws(TensorError) -> Tensor {
        guard let first = xs.first else { throw TensorError(op: "stack", "nothing to stack") }
        var parts = [Tensor]()
        for x in xs { parts.append(try x.reshaped(try OpGeometry.stackShape(x.shape, axis: axis))) }
        return try concat(parts, axis: axis < 0 ? axis + first.rank + 1 : axis)
    }

    /// One-hot rows: shape indices.shape + [depth], 1 at each index.
    public static func oneHot(_ indices: IndexTensor, depth: Int, dtype: DType = .f32) throws(TensorError) -> Tensor {
        guard depth >= 0 else { throw TensorError(op: "one_hot", "depth \(depth) is negative") }
        let norm = try indices.normalized(size: depth, op: "one_hot")
        let shape = try Shape.checked(indices.shape.dims + [depth], op: "one_hot")
        try shape.checkLimit(op: "one_hot", dtype: dtype)
        let out = Tensor(zeros: shape, dtype: dtype)
        for (row, i) in norm.enumerated() {
            switch dtype {
            case .f32: out.pointer(Float.self)[row * depth + Int(i)] = 1
            case .f64: out.pointer(Double.self)[row * depth + Int(i)] = 1
            }
        }
        return out
    }
}
