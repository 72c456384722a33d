/// Shape checking and geometry shared by the eager ops (`Tensor+*.swift`) and the recorded ones
/// (`Tape+*.swift`), so the two can never disagree about what an op accepts.
enum OpGeometry {
    static func sameDType(_ op: String, _ a: DType, _ b: DType) throws(TensorError) {
        guard a == b else { throw TensorError.dtypes(op, a, b) }
    }

    /// Where one reduction or softmax runs: the output shape and the [outer, n, inner] split.
    struct Axis {
        var out: Shape
        var outer: Int, n: Int, inner: Int
    }

    /// Reduction along `axis` (nil: all elements).
    static func reduce(_ s: Shape, axis: Int?, keepDims: Bool, op: String) throws(TensorError) -> Axis {
        guard let axis else {
            let out = keepDims ? Shape(Array(repeating: 1, count: s.rank)) : Shape.scalar
            return Axis(out: out, outer: 1, n: s.count, inner: 1)
        }
        let a = try s.axis(axis, op: op)
        let (outer, n, inner) = s.split(at: a)
        return Axis(out: s.removing(axis: a, keepDims: keepDims), outer: outer, n: n, inner: inner)
    }

    /// Softmax-like ops keep the shape.
    static func along(_ s: Shape, axis: Int, op: String) throws(TensorError) -> Axis {
        let a = try s.axis(axis, op: op)
        let (outer, n, inner) = s.split(at: a)
        return Axis(out: s, outer: outer, n: n, inner: inner)
    }

    /// A strided read of the input: output shape, the input's element strides per output
    /// dimension, and the element offset of the first element.
    struct Strided {
        var out: Shape
        var strides: Shape
        var offset: Int
    }

    /// Axes permutation (`nil`: reverse the axes, as NumPy's `.T`).
    static func transpose(_ s: Shape, _ perm: [Int]?) throws(TensorError) -> Strided {
        let p = perm ?? Array((0..<s.rank).reversed())
        guard p.count == s.rank, Set(p.map { $0 < 0 ? $0 + s.rank : $0 }) == Set(0..<s.rank) else {
            throw TensorError(op: "transpose", "\(p) is not a permutation of the axes of a tensor of shape \(s)")
        }
        let st = BroadcastPlan.contiguousStrides(s)
        var out = Shape(), strides = Shape()
        for i in p {
            let a = i < 0 ? i + s.rank : i
            out.append(s[a]); strides.append(st[a])
        }
        return Strided(out: out, strides: strides, offset: 0)
    }

    /// Python slice semantics along one axis: negative bounds count from the end, out-of-range
    /// bounds are clamped, `step` may be negative but not 0.
    static func slice(_ s: Shape, axis: Int, start: Int?, end: Int?, step: Int) throws(TensorError) -> Strided {
        let a = try s.axis(axis, op: "slice")
        guard step != 0 else { throw TensorError(op: "slice", "slice step cannot be zero") }
        guard step != Int.min else { throw TensorError(op: "slice", "slice step \(step) is out of range") }
        let n = s[a]
        func clampBound(_ v: Int?, _ dflt: Int, lo: Int, hi: Int) -> Int {
            guard let v else { return dflt }
            let x = v < 0 ? v + n : v
            return Swift.min(Swift.max(x, lo), hi)
        }
        let lo, hi: Int
        let count: Int
        if step > 0 {
            lo = clampBound(start, 0, lo: 0, hi: n)
            hi = clampBound(end, n, lo: 0, hi: n)
            count = hi > lo ? (hi - lo - 1) / step + 1 : 0
        } else {
            lo = clampBound(start, n - 1, lo: -1, hi: n - 1)
            hi = clampBound(end, -1, lo: -1, hi: n - 1)
            count = lo > hi ? (lo - hi - 1) / (-step) + 1 : 0
        }
        let st = BroadcastPlan.contiguousStrides(s)
        var out = s, strides = st
        out[a] = count
        strides[a] = st[a] * step
        return Strided(out: out, strides: strides, offset: count > 0 ? lo * st[a] : 0)
    }

    /// NumPy `take` along an axis: the axis is replaced by the indices' shape.
    struct Take {
        var out: Shape
        var outer: Int, n: Int, inner: Int, k: Int
        var indices: [Int32]
    }

    static func take(_ s: Shape, _ idx: IndexTensor, axis: Int) throws(TensorError) -> Take {
        let a = try s.axis(axis, op: "gather")
        let (outer, n, inner) = s.split(at: a)
        let norm = try idx.normalized(size: n, op: "gather")
        var dims = Array(s.dims[..<a])
        dims += idx.shape.dims
        dims += s.dims[(a + 1)...]
        let out = try Shape.checked(dims, op: "gather")
        try out.checkLimit(op: "gather")
        return Take(out: out, outer: outer, n: n, inner: inner, k: idx.shape.count, indices: norm)
    }

    /// NumPy `take_along_axis`: indices of the input's rank, equal to it on every other axis.
    static func takeAlong(_ s: Shape, _ idx: IndexTensor, axis: Int) throws(TensorError) -> Take {
        let a = try s.axis(axis, op: "take_along_axis")
        guard idx.shape.rank == s.rank else {
            throw TensorError.shapes("take_along_axis", s, idx.shape, "indices must have the input's rank")
        }
        for i in 0..<s.rank where i != a && idx.shape[i] != s[i] {
            throw TensorError.shapes("take_along_axis", s, idx.shape, "indices must match the input on every axis but \(a)")
        }
        let (outer, n, inner) = s.split(at: a)
        let norm = try idx.normalized(size: n, op: "take_along_axis")
        return Take(out: idx.shape, outer: outer, n: n, inner: inner, k: idx.shape[a], indices: norm)
    }

    /// Concatenation along an axis: every other dimension must agree.
    struct Concat {
        var out: Shape
        var outer: Int, inner: Int, total: Int
        var sizes: [Int]
    }

    static func concat(_ shapes: [Shape], axis: Int, dtypes: [DType]) throws(TensorError) -> Concat {
        guard let first = shapes.first else { throw TensorError(op: "concat", "nothing to concatenate") }
        for d in dtypes where d != dtypes[0] { throw TensorError.dtypes("concat", dtypes[0], d) }
        let a = try first.axis(axis, op: "concat")
        var total = 0
        for s in shapes {
            guard s.rank == first.rank else { throw TensorError.shapes("concat", first, s, "ranks differ") }
            for i in 0..<s.rank where i != a && s[i] != first[i] {
                throw TensorError.shapes("concat", first, s, "shapes differ outside axis \(a)")
            }
            let (t, overflow) = total.addingReportingOverflow(s[a])
            total = overflow ? Int.max : t
        }
        var out = first
        out[a] = total
        try out.checkLimit(op: "concat", dtype: dtypes.first)
        let (outer, _, inner) = first.split(at: a)
        return Concat(out: out, outer: outer, inner: inner, total: total, sizes: shapes.map { $0[a] })
    }

    /// Stack inserts a new axis: each input is reshaped to have size 1 there, then concatenated.
    static func stackShape(_ s: Shape, axis: Int) throws(TensorError) -> Shape {
        let a = axis < 0 ? axis + s.rank + 1 : axis
        guard a >= 0, a <= s.rank else { throw TensorError(op: "stack", "axis \(axis) is out of range for stacking rank-\(s.rank) tensors") }
        var d = s.dims
        d.insert(1, at: a)
        return try Shape.checked(d, op: "stack")
    }

    /// A reshape with at most one −1 (inferred) dimension.
    static func reshape(_ s: Shape, _ dims: [Int]) throws(TensorError) -> Shape {
        var d = dims
        let unknown = d.indices.filter { d[$0] == -1 }
        guard unknown.count <= 1 else { throw TensorError(op: "reshape", "only one dimension can be -1 in \(dims)") }
        if let u = unknown.first {
            let known = d.enumerated().filter { $0.offset != u }.reduce(1) { $0 * Swift.max($1.element, 0) }
            guard known > 0, s.count % known == 0 else {
                throw TensorError(op: "reshape", "cannot infer the -1 dimension of \(dims) for shape \(s)")
            }
            d[u] = s.count / known
        }
        let out = try Shape.checked(d, op: "reshape")
        guard out.count == s.count else {
            throw TensorError.shapes("reshape", s, out, "cannot reshape", hint: "the element counts differ (\(s.count) vs \(out.count))")
        }
        // Only an empty result can newly exceed the limit: zeros([0]) reshaped to [3e9, 0].
        if out.count == 0 { try out.checkLimit(op: "reshape") }
        return out
    }
}
