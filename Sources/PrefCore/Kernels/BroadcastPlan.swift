/// How to walk the output of a broadcasting op with one pointer per operand: the output shape with
/// adjacent dimensions merged wherever every operand is contiguous across them, and per-operand
/// element strides (0 along broadcast dimensions). The walk is an odometer over the outer
/// dimensions and a tight inner loop over the last one (core-performance.md §2: a div/mod per
/// element ran at 3 % of memcpy, a plan at 75–95 %).
struct BroadcastPlan {
    /// Merged dimensions of the output (at least one, possibly of size 1).
    var dims = Shape()
    /// Strides of operand a and b per merged dimension, in elements.
    var strideA = Shape()
    var strideB = Shape()

    /// The plan for `a` and `b` broadcast against each other to `out` (already validated).
    @inline(__always)
    init(_ a: Shape, _ b: Shape, out: Shape) {
        // Fast paths for equal shapes and scalar operands: one flat row, no merging needed.
        let n = out.count
        if a == b || (a.count == n && b.count == n) {
            self.init(flat: n, 1, 1)
        } else if b.count == 1 && a.count == n {
            self.init(flat: n, 1, 0)
        } else if a.count == 1 && b.count == n {
            self.init(flat: n, 0, 1)
        } else {
            self.init(general: a, b, out: out)
        }
    }

    @inline(__always)
    private init(flat n: Int, _ sa: Int, _ sb: Int) {
        dims.append(n); strideA.append(sa); strideB.append(sb)
    }

    private init(general a: Shape, _ b: Shape, out: Shape) {
        let r = out.rank
        var sa = Shape(), sb = Shape(), d = Shape()
        let ca = BroadcastPlan.contiguousStrides(a), cb = BroadcastPlan.contiguousStrides(b)
        for i in 0..<r {
            let ia = i - (r - a.rank), ib = i - (r - b.rank)
            let n = out[i]
            if n == 1 { continue }  // size-1 output dims contribute nothing to the walk
            d.append(n)
            sa.append(ia >= 0 && a[ia] == n ? ca[ia] : 0)
            sb.append(ib >= 0 && b[ib] == n ? cb[ib] : 0)
        }
        if d.rank == 0 {
            d.append(1); sa.append(0); sb.append(0)
        }
        // Merge dimension i into i+1 when both operands step contiguously across the boundary.
        var md = Shape(), ma = Shape(), mb = Shape()
        md.append(d[0]); ma.append(sa[0]); mb.append(sb[0])
        for i in 1..<d.rank {
            let k = md.rank - 1
            if ma[k] == sa[i] * d[i] && mb[k] == sb[i] * d[i] {
                md[k] *= d[i]; ma[k] = sa[i]; mb[k] = sb[i]
            } else {
                md.append(d[i]); ma.append(sa[i]); mb.append(sb[i])
            }
        }
        dims = md; strideA = ma; strideB = mb
    }

    static func contiguousStrides(_ s: Shape) -> Shape {
        var st = s
        var acc = 1
        for i in stride(from: s.rank - 1, through: 0, by: -1) {
            st[i] = acc
            acc *= s[i]
        }
        return st
    }

    /// Calls `inner(offsetA, offsetB, offsetOut, n, strideA, strideB)` once per row of the
    /// innermost merged dimension; the output is contiguous.
    @inline(__always)
    func forEachRow(_ inner: (Int, Int, Int, Int, Int, Int) -> Void) {
        walk { oa, ob, oo, n, sa, sb in
            inner(oa, ob, oo, n, sa, sb)
            return true
        }
    }

    /// As `forEachRow`; for an output of more than a grain, rows are cut into pieces of at most
    /// a grain, and `progress` polls the interrupt flag before each (so a flat add of 2^28
    /// elements can stop, and so can 2^27 rows of two). Stops at the first interruption.
    @inline(__always)
    func forEachPiece(_ progress: inout Progress, _ inner: (Int, Int, Int, Int, Int, Int) -> Void) throws(TensorError) {
        if dims.count <= Interruption.grain {
            forEachRow(inner)
            return
        }
        var failure: TensorError?
        walk { oa, ob, oo, n, sa, sb in
            var start = 0
            while start < n {
                let count = Swift.min(Interruption.grain, n - start)
                do throws(TensorError) { try progress.advance(count) } catch {
                    failure = error
                    return false
                }
                inner(oa + start * sa, ob + start * sb, oo + start, count, sa, sb)
                start += count
            }
            return true
        }
        if let failure { throw failure }
    }

    /// The odometer behind both walks; `inner` returns false to stop.
    @inline(__always)
    private func walk(_ inner: (Int, Int, Int, Int, Int, Int) -> Bool) {
        let r = dims.rank
        // An empty output has no rows; without this the first row would be written anyway.
        for i in 0..<r where dims[i] == 0 { return }
        let n = dims[r - 1], ia = strideA[r - 1], ib = strideB[r - 1]
        if r == 1 {
            _ = inner(0, 0, 0, n, ia, ib)
            return
        }
        var index = Shape(Array(repeating: 0, count: r - 1))
        var offA = 0, offB = 0, offOut = 0
        while true {
            guard inner(offA, offB, offOut, n, ia, ib) else { return }
            offOut += n
            // Advance the odometer over the outer dimensions.
            var k = r - 2
            while k >= 0 {
                index[k] += 1
                offA += strideA[k]; offB += strideB[k]
                if index[k] < dims[k] { break }
                offA -= strideA[k] * dims[k]; offB -= strideB[k] * dims[k]
                index[k] = 0
                k -= 1
            }
            if k < 0 { return }
        }
    }
}
