/// Integer indices for gather, take-along-axis, one-hot and argmax results.
public struct IndexTensor: Sendable, Equatable {
    public var values: [Int32]
    public var shape: Shape

    /// Indices with a shape; the count must match.
    public init(_ values: [Int], shape: Shape) throws(TensorError) {
        guard values.count == shape.count else {
            throw TensorError(op: "indices", "\(values.count) indices do not fill shape \(shape)")
        }
        var v = [Int32]()
        v.reserveCapacity(values.count)
        for x in values {
            guard let i = Int32(exactly: x) else { throw TensorError(op: "indices", "index \(x) is out of range") }
            v.append(i)
        }
        self.values = v
        self.shape = shape
    }

    /// A rank-1 list of indices.
    public init(_ values: [Int]) throws(TensorError) {
        try self.init(values, shape: [values.count])
    }

    init(raw values: [Int32], shape: Shape) {
        self.values = values
        self.shape = shape
    }

    /// Reads integral values from a tensor (as the language passes indices).
    public init(_ t: Tensor) throws(TensorError) {
        var v = [Int32]()
        v.reserveCapacity(t.count)
        for x in t.scalars {
            guard x == x.rounded(), let i = Int32(exactly: x) else {
                throw TensorError(op: "indices", "index \(x) is not an integer in range")
            }
            v.append(i)
        }
        self.init(raw: v, shape: t.shape)
    }

    /// The indices as a tensor of whole numbers.
    public func tensor(dtype: DType = .f32) -> Tensor {
        // Count and shape agree by construction.
        (try? Tensor(values.map(Double.init), shape: shape, dtype: dtype)) ?? Tensor(zeros: shape, dtype: dtype)
    }

    /// Normalises negative indices (−1 is the last) and checks every index is in 0..<n.
    func normalized(size n: Int, op: String) throws(TensorError) -> [Int32] {
        var out = values
        for (k, i) in values.enumerated() {
            let j = i < 0 ? Int(i) + n : Int(i)
            guard j >= 0, j < n else {
                throw TensorError(op: op, "index \(i) is out of range for an axis of size \(n)",
                                  hint: n == 0 ? "the axis is empty" : "indices run from \(-n) to \(n - 1)")
            }
            out[k] = Int32(j)
        }
        return out
    }
}
