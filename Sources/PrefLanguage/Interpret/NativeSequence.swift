/// A native object with elements (a dataset's rows): `len(x)`, `x[i]`, `x[a..<b]` and
/// `for item in x` work on it.
public protocol NativeSequence: NativeObject {
    /// The number of elements.
    var elementCount: Int { get }
    /// The element at `i` in 0..<elementCount.
    func element(at i: Int) throws -> Value
    /// The elements in `range` (a sub-range of 0..<elementCount), as the same kind of object.
    func slice(_ range: Range<Int>) throws -> Value
}

/// A native object whose named parts can be read with a string subscript, `x["name"]` (a
/// table's columns): the same values as its members of those names.
public protocol NativeKeyed: NativeObject {
    /// The names `x[name]` accepts, for the error's hint.
    var keys: [String] { get }
}

extension Value {
    /// Whether the value is a string (a `NativeKeyed` subscript).
    var isString: Bool { if case .string = self { true } else { false } }
}
