/// A tensor shape of rank 0...6, stored inline in a SIMD vector so that creating, copying or
/// comparing one never allocates (core-performance.md §1: an `[Int]` shape cost about 25 % more
/// per small op). Lanes at and beyond `rank` are always 0, so whole-vector equality is exact.
public struct Shape: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// The largest rank a tensor may have.
    public static let maxRank = 6

    @usableFromInline var storage = SIMD8<Int>()
    /// The number of dimensions.
    public private(set) var rank: Int = 0

    /// The shape of a scalar (rank 0, one element).
    public static let scalar = Shape()

    public init() {}

    /// A shape from dimensions that are known to be valid (non-negative, rank ≤ 6, product fits).
    /// User-supplied dimensions go through `Shape.checked(_:op:)`.
    public init(_ dims: [Int]) {
        precondition(dims.count <= Shape.maxRank, "rank above \(Shape.maxRank)")
        for d in dims { append(d) }
    }

    public init(arrayLiteral elements: Int...) { self.init(elements) }

    /// Validates user-supplied dimensions: rank ≤ 6, every dimension ≥ 0, element count fits Int.
    public static func checked(_ dims: [Int], op: String) throws(TensorError) -> Shape {
        guard dims.count <= maxRank else {
            throw TensorError(op: op, "rank \(dims.count) is above the limit of \(maxRank)")
        }
        var count = 1
        for d in dims {
            guard d >= 0 else { throw TensorError(op: op, "negative dimension \(d) in \(dims)") }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            guard !overflow, p <= Int(Int32.max) * 64 else {
                throw TensorError(op: op, "shape \(dims) has too many elements")
            }
            count = p
        }
        return Shape(dims)
    }

    public subscript(i: Int) -> Int {
        get { storage[i] }
        set {
            storage[i] = newValue
            count = 1
            for k in 0..<rank { count = Shape.saturatingProduct(count, storage[k]) }
        }
    }

    mutating func append(_ d: Int) {
        storage[rank] = d
        rank += 1
        count = Shape.saturatingProduct(count, d)
    }

    /// a · b, or `Int.max` when that overflows: an element count too large to exist stays too
    /// large instead of wrapping around to a small or zero count that would pass the limit.
    @inline(__always) static func saturatingProduct(_ a: Int, _ b: Int) -> Int {
        let (p, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? Int.max : p
    }

    /// The dimensions as an array.
    public var dims: [Int] { (0..<rank).map { self[$0] } }

    /// The number of elements (1 for a scalar), `Int.max` when the product overflows.
    /// Kept up to date by every mutation, because ops ask for it constantly.
    public private(set) var count: Int = 1

    /// The last dimension, or 1 for a scalar.
    public var last: Int { rank == 0 ? 1 : self[rank - 1] }

    /// Normalises a possibly negative axis (`-1` is the last) and checks it is in range.
    public func axis(_ axis: Int, op: String) throws(TensorError) -> Int {
        let a = axis < 0 ? axis + rank : axis
        guard a >= 0, a < rank else {
            throw TensorError(op: op, "axis \(axis) is out of range for a tensor of shape \(self)",
                              hint: rank == 0 ? "a scalar has no axes" : "axes run from \(-rank) to \(rank - 1)")
        }
        return a
    }

    /// The shape with dimension `axis` removed (or set to 1 when `keepDims`).
    public func removing(axis: Int, keepDims: Bool) -> Shape {
        var s = Shape()
        for i in 0..<rank {
            if i == axis {
                if keepDims { s.append(1) }
            } else {
                s.append(self[i])
            }
        }
        return s
    }

    /// The product of the dimensions before `axis`, the size of `axis`, and the product after it:
    /// any reduction or softmax along one axis runs over this [outer, n, inner] view.
    public func split(at axis: Int) -> (outer: Int, n: Int, inner: Int) {
        var outer = 1, inner = 1
        for i in 0..<axis { outer *= self[i] }
        for i in (axis + 1)..<rank { inner *= self[i] }
        return (outer, self[axis], inner)
    }

    @inlinable public static func == (a: Shape, b: Shape) -> Bool {
        a.rank == b.rank && a.storage == b.storage
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rank)
        hasher.combine(storage)
    }

    /// The first `n` dimensions.
    func prefix(_ n: Int) -> Shape {
        var s = Shape()
        for i in 0..<Swift.min(n, rank) { s.append(self[i]) }
        return s
    }

    public var description: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}

extension Shape {
    /// NumPy broadcasting: shapes are right-aligned; each pair of dimensions must be equal or 1.
    public static func broadcast(_ a: Shape, _ b: Shape, op: String) throws(TensorError) -> Shape {
        if a == b { return a }
        let rank = Swift.max(a.rank, b.rank)
        var out = Shape()
        for i in 0..<rank {
            let da = i < rank - a.rank ? 1 : a[i - (rank - a.rank)]
            let db = i < rank - b.rank ? 1 : b[i - (rank - b.rank)]
            if da == db || db == 1 {
                out.append(da)
            } else if da == 1 {
                out.append(db)
            } else {
                throw TensorError.shapes(op, a, b, "shapes do not broadcast",
                                         hint: "dimensions must match or be 1 when aligned from the right")
            }
        }
        try out.checkLimit(op: op)
        return out
    }
}
