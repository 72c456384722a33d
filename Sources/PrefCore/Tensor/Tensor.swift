/// An n-dimensional array: contiguous row-major storage, an inline shape and a runtime dtype.
///
/// `Tensor` is a value: copies share storage and a write copies it first when it is shared.
/// Operations never trap on bad shapes or dtypes; they throw `TensorError`.
public struct Tensor: @unchecked Sendable {
    /// The buffer; possibly shared with other tensors (views from `reshape` or row slices).
    public private(set) var storage: TensorStorage
    /// Offset of the first element in the storage, in elements.
    public private(set) var offset: Int
    public let shape: Shape
    public let dtype: DType

    /// Wraps existing storage. `offset + shape.count` elements must fit in it.
    public init(storage: TensorStorage, offset: Int = 0, shape: Shape, dtype: DType) {
        precondition((offset + shape.count) * dtype.size <= storage.byteCount, "tensor exceeds its storage")
        self.storage = storage
        self.offset = offset
        self.shape = shape
        self.dtype = dtype
    }

    /// A tensor with uninitialised contents; every element must be written before it is read.
    public init(uninitialized shape: Shape, dtype: DType = .f32) {
        self.init(storage: TensorStorage(byteCount: shape.count * dtype.size), shape: shape, dtype: dtype)
    }

    /// A tensor of zeros.
    public init(zeros shape: Shape, dtype: DType = .f32) {
        self.init(storage: TensorStorage(zeroedByteCount: shape.count * dtype.size), shape: shape, dtype: dtype)
    }

    /// A tensor filled with one value.
    public init(repeating value: Double, shape: Shape, dtype: DType = .f32) {
        self.init(uninitialized: shape, dtype: dtype)
        let n = shape.count
        switch dtype {
        case .f32: pointer(Float.self).update(repeating: Float(value), count: n)
        case .f64: pointer(Double.self).update(repeating: value, count: n)
        }
    }

    /// A tensor from row-major values; the count must match the shape.
    public init(_ values: [Double], shape: Shape, dtype: DType = .f32) throws(TensorError) {
        guard values.count == shape.count else {
            throw TensorError(op: "tensor", "\(values.count) values do not fill shape \(shape) (\(shape.count) elements)")
        }
        self.init(uninitialized: shape, dtype: dtype)
        switch dtype {
        case .f32:
            let p = pointer(Float.self)
            for i in 0..<values.count { p[i] = Float(values[i]) }
        case .f64:
            let p = pointer(Double.self)
            for i in 0..<values.count { p[i] = values[i] }
        }
    }

    /// A rank-1 tensor from values.
    public init(_ values: [Double], dtype: DType = .f32) {
        // The shape always matches, so this cannot throw.
        self = (try? Tensor(values, shape: [values.count], dtype: dtype)) ?? Tensor(zeros: [0], dtype: dtype)
    }

    /// A rank-0 tensor.
    public init(scalar value: Double, dtype: DType = .f32) {
        self.init(repeating: value, shape: .scalar, dtype: dtype)
    }

    /// The number of elements.
    @inlinable public var count: Int { shape.count }
    /// The number of dimensions.
    @inlinable public var rank: Int { shape.rank }

    /// The first element's address, typed. The caller keeps `self` alive while using it
    /// (core-performance.md §6 item 12).
    @inlinable public func pointer<T>(_: T.Type) -> UnsafeMutablePointer<T> {
        (storage.base + offset * dtype.size).assumingMemoryBound(to: T.self)
    }

    /// The first element's address, untyped.
    @inlinable public var rawPointer: UnsafeMutableRawPointer { storage.base + offset * dtype.size }

    /// Makes the storage unique (copying it when shared) so it can be written in place.
    public mutating func makeUnique() {
        if isKnownUniquelyReferenced(&storage), offset == 0, storage.byteCount == count * dtype.size { return }
        let copy = TensorStorage(byteCount: count * dtype.size)
        copy.base.copyMemory(from: rawPointer, byteCount: count * dtype.size)
        storage = copy
        offset = 0
    }

    /// Runs `body` with a mutable pointer to unique storage.
    public mutating func withMutablePointer<T, R>(_: T.Type, _ body: (UnsafeMutablePointer<T>) throws -> R) rethrows -> R {
        makeUnique()
        return try withExtendedLifetime(storage) { try body(pointer(T.self)) }
    }

    /// The elements in row-major order as `Double`s.
    public var scalars: [Double] {
        withExtendedLifetime(storage) {
            switch dtype {
            case .f32:
                let p = pointer(Float.self), n = count
                // One vectorised loop; `map` over a range cost about 19 instructions per element.
                return [Double](unsafeUninitializedCapacity: n) { out, done in
                    for i in 0..<n { out[i] = Double(p[i]) }
                    done = n
                }
            case .f64:
                return Array(UnsafeBufferPointer(start: pointer(Double.self), count: count))
            }
        }
    }

    /// The single element of a one-element tensor.
    public func item() throws(TensorError) -> Double {
        guard count == 1 else {
            throw TensorError(op: "item", "tensor of shape \(shape) has \(count) elements, not 1")
        }
        return withExtendedLifetime(storage) {
            dtype == .f32 ? Double(pointer(Float.self)[0]) : pointer(Double.self)[0]
        }
    }

    /// The element at a flat row-major index (no bounds check beyond a precondition; for tests and display).
    public subscript(flat i: Int) -> Double {
        precondition(i >= 0 && i < count, "flat index out of range")
        return withExtendedLifetime(storage) {
            dtype == .f32 ? Double(pointer(Float.self)[i]) : pointer(Double.self)[i]
        }
    }

    /// The same elements under another shape with the same count; shares storage.
    public func reshaped(_ newShape: Shape) throws(TensorError) -> Tensor {
        guard newShape.count == count else {
            throw TensorError.shapes("reshape", shape, newShape, "cannot reshape", hint: "the element counts differ")
        }
        return Tensor(storage: storage, offset: offset, shape: newShape, dtype: dtype)
    }

    /// Rows `start..<end` along the first axis; shares storage (a zero-copy batch view).
    public func rows(_ range: Range<Int>) throws(TensorError) -> Tensor {
        guard rank >= 1 else { throw TensorError(op: "rows", "a scalar has no rows") }
        guard range.lowerBound >= 0, range.upperBound <= shape[0] else {
            throw TensorError(op: "rows", "rows \(range.lowerBound)..<\(range.upperBound) out of range for \(shape[0]) rows")
        }
        var s = shape
        s[0] = range.count
        let rowSize = shape.count / Swift.max(shape[0], 1)
        return Tensor(storage: storage, offset: offset + range.lowerBound * rowSize, shape: s, dtype: dtype)
    }

    /// A copy converted to `dtype` (a plain copy when it already has it).
    public func to(_ target: DType) -> Tensor {
        let out = Tensor(uninitialized: shape, dtype: target)
        withExtendedLifetime(self) {
            switch (dtype, target) {
            case (.f32, .f32), (.f64, .f64):
                out.rawPointer.copyMemory(from: rawPointer, byteCount: count * dtype.size)
            case (.f32, .f64):
                let s = pointer(Float.self), d = out.pointer(Double.self)
                for i in 0..<count { d[i] = Double(s[i]) }
            case (.f64, .f32):
                let s = pointer(Double.self), d = out.pointer(Float.self)
                for i in 0..<count { d[i] = Float(s[i]) }
            }
        }
        return out
    }

    /// A contiguous copy that owns its storage.
    public func copy() -> Tensor { to(dtype) }
}
