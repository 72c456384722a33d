/// The fused gather–matvec op: the scores of a log-linear policy over a batch's candidate sets.
extension Tape {
    /// s[i, r] = Σ_j table[index[i], r, j] · w[j], [n, rows]: the same value as
    /// `constant(table).gather(index).matmul(w)` but read from `table` in place. `table` is a
    /// constant [P, rows, d] tensor (no gradient reaches it); `w` is [d] or [d, 1]; every index
    /// must lie in 0..<P.
    public func gatherMatvec(_ table: Tensor, _ index: IndexTensor, _ w: Var) throws(TensorError) -> Var {
        let nw = try node(w, op: "gather_matvec")
        guard table.rank == 3, table.shape[0] > 0 else {
            throw TensorError(op: "gather_matvec", "the table must be [P, rows, d] with P ≥ 1, not \(table.shape)")
        }
        let p = table.shape[0], rows = table.shape[1], d = table.shape[2]
        guard nw.view.shape == [d] || nw.view.shape == [d, 1] else {
            throw TensorError.shapes("gather_matvec", table.shape, nw.view.shape, "w must be [\(d)] or [\(d), 1]")
        }
        try OpGeometry.sameDType("gather_matvec", table.dtype, nw.view.dtype)
        guard index.shape.rank == 1 else { throw TensorError(op: "gather_matvec", "the index must be 1-D, not \(index.shape)") }
        let idx = try index.normalized(size: p, op: "gather_matvec")
        let n = idx.count
        let shape: Shape = [n, rows]
        try shape.checkLimit(op: "gather_matvec", dtype: table.dtype)
        retained.append(table)
        let out = allocate(shape, table.dtype)
        idx.withUnsafeBufferPointer { i in
            guard let i = i.baseAddress else { return }  // no prompts: an empty result
            GatherMatvecKernels.forward(table.view, i, n: n, rows: rows, d: d, nw.view, out)
        }
        if nw.requiresGrad && isRecording { indexAux.append(idx) }
        let e = Entry(code: .gatherMatvec, out: -1, a: w.id, outer: n, n: rows, inner: d, aux: Int32(indexAux.count - 1),
                      ptr: table.rawPointer)
        return record(out, e, inputs: nw.requiresGrad)
    }

    /// The backward rule: w's gradient from the same blocks of the table (kept alive by `retained`).
    func gatherMatvecBackward(_ e: Entry, _ g: View) {
        let gw = gradBuffer(e.a)
        // The kernel reads the table through its base and dtype only; one block's shape stands in.
        let table = View(base: e.ptr.unsafelyUnwrapped, shape: [e.n, e.inner], dtype: g.dtype)
        indexAux[Int(e.aux)].withUnsafeBufferPointer { i in
            guard let i = i.baseAddress else { return }
            GatherMatvecKernels.backward(table, i, n: e.outer, rows: e.n, d: e.inner, g, into: gw)
        }
    }
}
