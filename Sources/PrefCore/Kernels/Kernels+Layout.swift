/// Copies between contiguous and strided layouts: transpose, slicing, gather, concatenation and
/// their backward passes (which scatter-add into the strided side).
enum LayoutKernels {
    /// Walks `shape` in row-major order, calling `body(stridedOffset, contiguousOffset, n, innerStride)`
    /// per innermost row; `strides` are the strided side's element strides.
    @inline(__always)
    static func forEachRow(_ shape: Shape, _ strides: Shape, _ body: (Int, Int, Int, Int) -> Void) {
        let r = shape.rank
        if r == 0 { body(0, 0, 1, 1); return }
        if shape.count == 0 { return }
        let n = shape[r - 1], s = strides[r - 1]
        var index = Shape(Array(repeating: 0, count: r))
        var off = 0, flat = 0
        while true {
            body(off, flat, n, s)
            flat += n
            var k = r - 2
            while k >= 0 {
                index[k] += 1
                off += strides[k]
                if index[k] < shape[k] { break }
                off -= strides[k] * shape[k]
                index[k] = 0
                k -= 1
            }
            if k < 0 { return }
        }
    }

    /// dst (contiguous, `shape`) = src read through `strides` from `src`.
    static func gatherStrided(_ src: View, _ strides: Shape, _ dst: View) {
        switch src.dtype {
        case .f32: gatherStrided(src.ptr(Float.self), strides, dst.ptr(Float.self), dst.shape)
        case .f64: gatherStrided(src.ptr(Double.self), strides, dst.ptr(Double.self), dst.shape)
        }
    }

    /// dst read through `strides` += src (contiguous, `shape`).
    static func scatterAddStrided(_ src: View, _ dst: View, _ strides: Shape) {
        switch src.dtype {
        case .f32: scatterAdd(src.ptr(Float.self), src.shape, dst.ptr(Float.self), strides)
        case .f64: scatterAdd(src.ptr(Double.self), src.shape, dst.ptr(Double.self), strides)
        }
    }

    @inline(__always)
    private static func gatherStrided<T>(_ s: UnsafeMutablePointer<T>, _ strides: Shape, _ d: UnsafeMutablePointer<T>, _ shape: Shape) {
        forEachRow(shape, strides) { so, dof, n, st in
            if st == 1 {
                (d + dof).update(from: s + so, count: n)
            } else {
                for i in 0..<n { d[dof + i] = s[so + i * st] }
            }
        }
    }

    @inline(__always)
    private static func scatterAdd<T: TensorScalar>(_ s: UnsafeMutablePointer<T>, _ shape: Shape, _ d: UnsafeMutablePointer<T>, _ strides: Shape) {
        forEachRow(shape, strides) { dof, so, n, st in
            for i in 0..<n { d[dof + i * st] += s[so + i] }
        }
    }

    /// out[o, t, i] = x[o, idx[t], i] (NumPy `take` along an axis); `idx` already normalised.
    /// With `alongAxis`, idx has the output's [outer, K, inner] layout (take_along_axis).
    static func take(_ x: View, _ out: View, idx: UnsafePointer<Int32>, outer: Int, n: Int, inner: Int, k: Int, alongAxis: Bool, backward: Bool) {
        switch x.dtype {
        case .f32: take(x.ptr(Float.self), out.ptr(Float.self), idx, outer, n, inner, k, alongAxis, backward)
        case .f64: take(x.ptr(Double.self), out.ptr(Double.self), idx, outer, n, inner, k, alongAxis, backward)
        }
    }

    @inline(__always)
    private static func take<T: TensorScalar>(
        _ x: UnsafeMutablePointer<T>, _ y: UnsafeMutablePointer<T>, _ idx: UnsafePointer<Int32>,
        _ outer: Int, _ n: Int, _ inner: Int, _ k: Int, _ along: Bool, _ backward: Bool
    ) {
        for o in 0..<outer {
            for t in 0..<k {
                let yo = y + (o * k + t) * inner
                if along {
                    for i in 0..<inner {
                        let src = (o * n + Int(idx[(o * k + t) * inner + i])) * inner + i
                        if backward { x[src] += yo[i] } else { yo[i] = x[src] }
                    }
                } else {
                    let xo = x + (o * n + Int(idx[t])) * inner
                    if backward {
                        for i in 0..<inner { xo[i] += yo[i] }
                    } else {
                        yo.update(from: xo, count: inner)
                    }
                }
            }
        }
    }

    /// Copies `part` ([outer, n, inner]) into or out of `whole` ([outer, total, inner]) at `start`
    /// along the middle axis; `accumulate` adds instead of copying (the backward of concat).
    static func block(_ part: View, _ whole: View, outer: Int, n: Int, total: Int, inner: Int, start: Int, toWhole: Bool, accumulate: Bool) {
        let size = part.dtype.size
        for o in 0..<outer {
            let p = part.base + o * n * inner * size
            let w = whole.base + (o * total + start) * inner * size
            let bytes = n * inner * size
            if !accumulate {
                if toWhole { w.copyMemory(from: p, byteCount: bytes) } else { p.copyMemory(from: w, byteCount: bytes) }
            } else {
                let (dst, src) = toWhole ? (w, p) : (p, w)
                switch part.dtype {
                case .f32: add(src.assumingMemoryBound(to: Float.self), dst.assumingMemoryBound(to: Float.self), n * inner)
                case .f64: add(src.assumingMemoryBound(to: Double.self), dst.assumingMemoryBound(to: Double.self), n * inner)
                }
            }
        }
    }

    @inline(__always)
    static func add<T: TensorScalar>(_ s: UnsafeMutablePointer<T>, _ d: UnsafeMutablePointer<T>, _ n: Int) {
        for i in 0..<n { d[i] += s[i] }
    }

    /// out = cond ≠ 0 ? a : b, all three already of out's shape; backward masks g into ga or gb.
    static func select(_ cond: View, _ a: View, _ b: View, _ out: View) {
        switch out.dtype {
        case .f32: select(cond.ptr(Float.self), a.ptr(Float.self), b.ptr(Float.self), out.ptr(Float.self), out.count)
        case .f64: select(cond.ptr(Double.self), a.ptr(Double.self), b.ptr(Double.self), out.ptr(Double.self), out.count)
        }
    }

    @inline(__always)
    private static func select<T: TensorScalar>(_ c: UnsafeMutablePointer<T>, _ a: UnsafeMutablePointer<T>, _ b: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int) {
        for i in 0..<n { o[i] = c[i] != 0 ? a[i] : b[i] }
    }

    /// g masked by cond (`whenTrue`) or by its complement, into `out`.
    static func mask(_ cond: View, _ g: View, _ out: View, whenTrue: Bool) {
        switch out.dtype {
        case .f32: mask(cond.ptr(Float.self), g.ptr(Float.self), out.ptr(Float.self), out.count, whenTrue)
        case .f64: mask(cond.ptr(Double.self), g.ptr(Double.self), out.ptr(Double.self), out.count, whenTrue)
        }
    }

    @inline(__always)
    private static func mask<T: TensorScalar>(_ c: UnsafeMutablePointer<T>, _ g: UnsafeMutablePointer<T>, _ o: UnsafeMutablePointer<T>, _ n: Int, _ t: Bool) {
        for i in 0..<n { o[i] = (c[i] != 0) == t ? g[i] : 0 }
    }
}
