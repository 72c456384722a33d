/// A trainable tensor with its accumulated gradient.
///
/// A tape leaf made from a parameter (`tape.parameter(p)`) adds its gradient into `grad` on
/// `backward`, so several backward passes accumulate until `zeroGrad()`. Optimizers update `value`
/// in place; call `tape.reset()` before stepping so the tape no longer shares the storage
/// (a shared buffer would be copied on write, core-performance.md §6 item 7).
public final class Parameter: @unchecked Sendable {
    /// A name for checkpoints and messages.
    public var name: String
    /// The current value.
    public var value: Tensor
    /// The accumulated gradient, same shape and dtype as `value`; nil until a backward pass reaches it.
    public var grad: Tensor?

    public init(_ value: Tensor, name: String = "") {
        self.value = value
        self.name = name
    }

    /// Forgets the accumulated gradient.
    public func zeroGrad() { grad = nil }

    public var shape: Shape { value.shape }
    public var dtype: DType { value.dtype }
}
