/// Eager reductions along an axis (nil: all elements), softmax and argmax.
extension Tensor {
    func reduce(_ kind: ReduceKernels.Kind, axis: Int?, keepDims: Bool, op: String) throws(TensorError) -> Tensor {
        let g = try OpGeometry.reduce(shape, axis: axis, keepDims: keepDims, op: op)
        if (kind == .max || kind == .min) && g.n == 0 { throw TensorError(op: op, "cannot take the \(op) of an empty axis") }
        return try withExtendedLifetime(self) { () throws(TensorError) -> Tensor in
            try Tensor.produce(g.out, dtype) { out throws(TensorError) in
                try ReduceKernels.forward(kind, view, out, outer: g.outer, n: g.n, inner: g.inner, indices: nil)
            }
        }
    }

    public func sum(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Tensor {
        try reduce(.sum, axis: axis, keepDims: keepDims, op: "sum")
    }
    public func mean(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Tensor {
        try reduce(.mean, axis: axis, keepDims: keepDims, op: "mean")
    }
    public func max(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Tensor {
        try reduce(.max, axis: axis, keepDims: keepDims, op: "max")
    }
    public func min(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Tensor {
        try reduce(.min, axis: axis, keepDims: keepDims, op: "min")
    }
    /// log Σ e^x, stable.
    public func logsumexp(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> Tensor {
        try reduce(.logsumexp, axis: axis, keepDims: keepDims, op: "logsumexp")
    }

    /// The index of the first largest element along `axis` (nil: of the flattened tensor).
    public func argmax(axis: Int? = nil, keepDims: Bool = false) throws(TensorError) -> IndexTensor {
        let g = try OpGeometry.reduce(shape, axis: axis, keepDims: keepDims, op: "argmax")
        guard g.n > 0 else { throw TensorError(op: "argmax", "cannot take the argmax of an empty axis") }
        var idx = [Int32](repeating: 0, count: g.outer * g.inner)
        let scratch = Tensor(uninitialized: g.out, dtype: dtype)
        try withExtendedLifetime(self) { () throws(TensorError) in
            try idx.withUnsafeMutableBufferPointer { p throws(TensorError) in
                try ReduceKernels.forward(.max, view, scratch.view, outer: g.outer, n: g.n, inner: g.inner, indices: p.baseAddress)
            }
        }
        return IndexTensor(raw: idx, shape: g.out)
    }

    /// Softmax along `axis`: e^x / Σ e^x, stable.
    public func softmax(axis: Int = -1) throws(TensorError) -> Tensor { try softmax(axis: axis, log: false) }
    /// Log-softmax along `axis`: x − logsumexp(x).
    public func logSoftmax(axis: Int = -1) throws(TensorError) -> Tensor { try softmax(axis: axis, log: true) }

    private func softmax(axis: Int, log: Bool) throws(TensorError) -> Tensor {
        let g = try OpGeometry.along(shape, axis: axis, op: log ? "log_softmax" : "softmax")
        return try withExtendedLifetime(self) { () throws(TensorError) -> Tensor in
            try Tensor.produce(shape, dtype) { out throws(TensorError) in
                try SoftmaxKernels.forward(log: log, view, out, outer: g.outer, n: g.n, inner: g.inner)
            }
        }
    }
}
