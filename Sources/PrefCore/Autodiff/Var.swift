/// A handle to a value recorded on a `Tape`: an index plus the tape generation it belongs to.
/// Handles die with the step: after `tape.reset()` using one throws instead of reading freed memory.
public struct Var: @unchecked Sendable {
    public let id: Int32
    let generation: UInt32
    /// The tape that owns the value.
    public let tape: Tape

    init(id: Int32, generation: UInt32, tape: Tape) {
        self.id = id
        self.generation = generation
        self.tape = tape
    }

    /// The value's shape.
    public var shape: Shape { tape.nodes[Int(id)].view.shape }
    /// The value's dtype.
    public var dtype: DType { tape.nodes[Int(id)].view.dtype }
    /// Whether gradients flow back through this value.
    public var requiresGrad: Bool { tape.nodes[Int(id)].requiresGrad }

    /// A copy of the value as an owned tensor.
    public func value() throws(TensorError) -> Tensor { try tape.value(of: self) }

    /// The accumulated gradient after `backward`, or nil when none reached this value.
    public func gradient() throws(TensorError) -> Tensor? { try tape.gradient(of: self) }
}
