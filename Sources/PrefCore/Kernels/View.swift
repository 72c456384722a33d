/// A borrowed look at contiguous elements: an address, a shape and a dtype. Kernels read and write
/// views; a `Tensor` lends one while it is kept alive, and the tape's values are views into its
/// arena (core-performance.md §7).
public struct View {
    public var base: UnsafeMutableRawPointer
    public var shape: Shape
    public var dtype: DType

    @inlinable public init(base: UnsafeMutableRawPointer, shape: Shape, dtype: DType) {
        self.base = base
        self.shape = shape
        self.dtype = dtype
    }

    @inlinable public var count: Int { shape.count }
    @inlinable public var byteCount: Int { shape.count * dtype.size }

    @inlinable public func ptr<T>(_: T.Type) -> UnsafeMutablePointer<T> { base.assumingMemoryBound(to: T.self) }

    /// The same bytes under another shape with the same count.
    @inlinable public func reshaped(_ s: Shape) -> View { View(base: base, shape: s, dtype: dtype) }
}

extension Tensor {
    /// A view of this tensor's elements; valid while the tensor is alive and unmodified.
    @inlinable public var view: View { View(base: rawPointer, shape: shape, dtype: dtype) }

    /// A new tensor whose contents are produced by `body` writing into its view. The shape is
    /// checked against `Shape.maxElements` first (the geometries check it too; this is the
    /// backstop that keeps an unchecked shape from reaching the allocator's trap).
    @inlinable static func produce(_ shape: Shape, _ dtype: DType, _ body: (View) throws(TensorError) -> Void) throws(TensorError) -> Tensor {
        try shape.checkLimit(op: "allocate", dtype: dtype)
        let out = Tensor(uninitialized: shape, dtype: dtype)
        try body(out.view)
        return out
    }
}
