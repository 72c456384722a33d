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
