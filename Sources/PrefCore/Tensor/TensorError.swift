/// A failure of a core operation: a shape, dtype or domain problem. It carries no source
/// location; the interpreter attaches the call site as the error passes (DESIGN.md §4).
public struct TensorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The operation that failed, by its pref name (`add`, `matmul`, `sum`…).
    public var op: String
    /// What went wrong, lowercase, no final period.
    public var message: String
    /// How to fix it, when there is something useful to say.
    public var hint: String?
    /// The op stopped because the current thread's interrupt flag was set (`Interruption`), not
    /// because anything was wrong; the interpreter reports it as an interruption at the op.
    public var isInterrupted = false

    public init(op: String, _ message: String, hint: String? = nil) {
        self.op = op
        self.message = message
        self.hint = hint
    }

    /// The error a chunked kernel throws when it sees the interrupt flag between chunks.
    public static func interrupted(_ op: String) -> TensorError {
        var e = TensorError(op: op, "interrupted")
        e.isInterrupted = true
        return e
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
