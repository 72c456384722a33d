/// A failure of a core operation: a shape, dtype or domain problem. It carries no source
/// location; the interpreter attaches the call site as the error passes (DESIGN.md §4).
public struct TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation that failed, by its pref name (`add`, `matmul`, `sum`…).
    public var op: String
    /// What went wrong, lowercase, no final period.
    public var message: String
    /// How to fix it, when there is something useful to say.
    public var hint: String?

    public init(op: String, _ message: String, hint: String? = nil) {
        self.op = op
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let head = "\(op): \(message)"
        guard let hint else { return head }
        return head + " (hint: \(hint))"
    }

    static func shapes(_ op: String, _ a: Shape, _ b: Shape, _ why: String, hint: String? = nil) -> TensorError {
        TensorError(op: op, "\(why): \(a) and \(b)", hint: hint)
    }

    static func dtypes(_ op: String, _ a: DType, _ b: DType) -> TensorError {
        TensorError(op: op, "dtype mismatch: \(a) and \(b)", hint: "convert one side with astype(x, \"\(a)\") or astype(x, \"\(b)\")")
    }
}
