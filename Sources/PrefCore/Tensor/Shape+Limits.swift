/// The size limit on tensors that ops and builtins create (docs/design.md, "Size limits").
///
/// An allocation failure traps, so every result shape is checked against this limit before its
/// buffer is allocated: `Shape.broadcast`, `MatmulGeometry`, `OpGeometry.concat`/`take`/`reshape`,
/// `Tensor.produce` and the creation builtins all throw a `TensorError` instead.
extension Shape {
    /// The most elements a created tensor may have: 2^28 (1 GiB of f32, 2 GiB of f64).
    public static let maxElements = 1 << 28

    /// The element count with every zero dimension counted as 1, saturating at `Int.max`.
    ///
    /// An empty tensor allocates nothing, but iterating, printing or reducing it still walks its
    /// other dimensions: `sum(zeros([3e9, 0]), axis: 1)` makes three billion sums. Bounding the
    /// extent by the same limit bounds that work too.
    public var extent: Int {
        var e = 1
        for i in 0..<rank where self[i] != 0 {
            let (p, overflow) = e.multipliedReportingOverflow(by: self[i])
            e = overflow ? Int.max : p
        }
        return e
    }

    /// Whether a tensor of this shape may be created: its count and its extent are within
    /// `maxElements`.
    /// When the count is not 0 the extent equals it, so the loop runs only for empty shapes.
    @inlinable public var isWithinLimit: Bool {
        count <= Shape.maxElements && (count != 0 || extent <= Shape.maxElements)
    }

    /// Throws unless a tensor of this shape may be created (`isWithinLimit`).
    @inlinable public func checkLimit(op: String, dtype: DType? = nil) throws(TensorError) {
        if !isWithinLimit { try limitError(op: op, dtype: dtype) }
    }

    @usableFromInline func limitError(op: String, dtype: DType?) throws(TensorError) {
        if count > Shape.maxElements {
            throw TensorError(op: op, "result of shape \(self) has \(Shape.describe(count)) elements and needs \(Shape.describeBytes(count, dtype)); the limit is \(Shape.maxElements) elements (2^28)",
                              hint: "work on smaller pieces, for example in batches")
        }
        if extent > Shape.maxElements {
            throw TensorError(op: op, "shape \(self) is empty but its other dimensions span \(Shape.describe(extent)) positions; the limit is \(Shape.maxElements) (2^28)",
                              hint: "every dimension, even of an empty tensor, must stay within the element limit")
        }
    }

    /// A count for messages; `Int.max` stands for a product that overflowed.
    static func describe(_ n: Int) -> String { n == Int.max ? "more than \(Int.max)" : "\(n)" }

    /// Bytes in the largest sensible unit: "40 GB as f32", or "at least 40 GB" (4 bytes an
    /// element) when the dtype is not known where the shape is checked.
    static func describeBytes(_ n: Int, _ dtype: DType?) -> String {
        guard n != Int.max else { return "more memory than exists" }
        let bytes = Double(n) * Double(dtype?.size ?? 4)
        let suffix = dtype.map { " as \($0)" } ?? ""
        let prefix = dtype == nil ? "at least " : ""
        let units: [(Double, String)] = [(1e12, "TB"), (1e9, "GB"), (1e6, "MB")]
        for (scale, unit) in units where bytes >= scale {
            let v = bytes / scale
            let tenths = Int((v * 10).rounded())
            let text = v >= 100 || tenths % 10 == 0 ? String(Int(v.rounded())) : "\(tenths / 10).\(tenths % 10)"
            return "\(prefix)\(text) \(unit)\(suffix)"
        }
        return "\(prefix)\(Int(bytes)) bytes\(suffix)"
    }
}
