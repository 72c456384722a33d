/// A reverse-mode autodiff tape: an array of plain entries, values and gradients in a per-step
/// arena, and a backward pass that is one reverse scan with a `switch` (core-performance.md §7,
/// design C). Each op's forward lives in `Tape+*.swift` beside its backward rule in
/// `Tape+Backward.swift`; this file owns only the records, the arena and gradient bookkeeping.
///
/// Usage per step: make leaves (`parameter`, `variable`, `constant`), compute, `backward(loss)`,
/// read gradients, then `reset()` before the optimizer writes the parameters.
public final class Tape: @unchecked Sendable {
    struct Node {
        var view: View
        var grad: UnsafeMutableRawPointer?
        var requiresGrad: Bool
        /// Index into `parameters` for parameter leaves, else −1.
        var parameter: Int32
    }

    enum Code: UInt8 {
        case binary, unary, reduce, softmax, logSoftmax, matmul, strided, take, takeAlong, concat, select, reshape, gatherMatvec
    }

    struct Entry {
        var code: Code
        var sub: UInt8 = 0
        var out: Int32
        var a: Int32
        var b: Int32 = -1
        var c: Int32 = -1
        var p0: Double = 0
        var p1: Double = 0
        var outer = 0, n = 0, inner = 0, k = 0
        var aux: Int32 = -1
        var ptr: UnsafeMutableRawPointer? = nil
    }

    @exclusivity(unchecked) var nodes: [Node] = []
    @exclusivity(unchecked) var entries: [Entry] = []
    @exclusivity(unchecked) var arena = Arena()
    /// Tensors whose storage leaves point into; kept alive until reset.
    @exclusivity(unchecked) var retained: [Tensor] = []
    @exclusivity(unchecked) var parameters: [Parameter] = []
    @exclusivity(unchecked) var parameterNodes: [ObjectIdentifier: Int32] = [:]
    @exclusivity(unchecked) var indexAux: [[Int32]] = []
    @exclusivity(unchecked) var stridesAux: [Shape] = []
    @exclusivity(unchecked) var listAux: [[Int32]] = []
    @exclusivity(unchecked) var matmulAux: [MatmulGeometry] = []
    /// Incremented by `reset`; handles from an older generation are stale.
    public private(set) var generation: UInt32 = 0
    /// When false, ops compute values but record nothing and produce no gradients.
    public var isRecording = true

    public init() {}

    /// Frees every value and gradient of the step and invalidates its handles.
    public func reset() {
        generation &+= 1
        nodes.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        retained.removeAll(keepingCapacity: true)
        parameters.removeAll(keepingCapacity: true)
        parameterNodes.removeAll(keepingCapacity: true)
        indexAux.removeAll(keepingCapacity: true)
        stridesAux.removeAll(keepingCapacity: true)
        listAux.removeAll(keepingCapacity: true)
        matmulAux.removeAll(keepingCapacity: true)
        arena.reset()
    }

    /// Runs `body` without recording: values are computed, nothing is differentiable.
    public func withoutGradients<R>(_ body: () throws -> R) rethrows -> R {
        let was = isRecording
        isRecording = false
        defer { isRecording = was }
        return try body()
    }

    // MARK: Leaves

    /// A trainable leaf: its gradient is added into `parameter.grad` by `backward`. The same
    /// parameter used twice in one step is one leaf.
    public func parameter(_ p: Parameter) -> Var {
        let key = ObjectIdentifier(p)
        if let id = parameterNodes[key] { return Var(id: id, generation: generation, tape: self) }
        retained.append(p.value)
        parameters.append(p)
        let v = addNode(p.value.view, requiresGrad: isRecording, parameter: Int32(parameters.count - 1))
        parameterNodes[key] = v.id
        return v
    }

    /// A leaf whose gradient is kept on the tape (read it with `gradient(of:)`).
    public func variable(_ t: Tensor) -> Var {
        retained.append(t)
        return addNode(t.view, requiresGrad: isRecording, parameter: -1)
    }

    /// A leaf that takes no gradient (data, targets, masks).
    public func constant(_ t: Tensor) -> Var {
        retained.append(t)
        return addNode(t.view, requiresGrad: false, parameter: -1)
    }

    /// A scalar constant.
    public func constant(_ x: Double, dtype: DType) -> Var {
        let out = allocate(.scalar, dtype)
        switch dtype {
        case .f32: out.ptr(Float.self).pointee = Float(x)
        case .f64: out.ptr(Double.self).pointee = x
        }
        return addNode(out, requiresGrad: false, parameter: -1)
    }

    /// The same value with no gradient flowing back through it.
    public func detach(_ v: Var) throws(TensorError) -> Var {
        let n = try node(v, op: "detach")
        return addNode(n.view, requiresGrad: false, parameter: -1)
    }

    // MARK: Reading results

    /// A copy of a value as an owned tensor.
    public func value(of v: Var) throws(TensorError) -> Tensor {
        let view = try node(v, op: "value").view
        let t = Tensor(uninitialized: view.shape, dtype: view.dtype)
        t.rawPointer.copyMemory(from: view.base, byteCount: view.byteCount)
        return t
    }

    /// A copy of a value's gradient after `backward`, or nil when no gradient reached it.
    public func gradient(of v: Var) throws(TensorError) -> Tensor? {
        let n = try node(v, op: "gradient")
        guard let g = n.grad else { return nil }
        let t = Tensor(uninitialized: n.view.shape, dtype: n.view.dtype)
        t.rawPointer.copyMemory(from: g, byteCount: n.view.byteCount)
        return t
    }

    /// Bytes of arena memory used by this step's values and gradients.
    public var arenaBytes: Int { arena.bytesInUse }
    /// The number of recorded operations.
    public var recordedCount: Int { entries.count }

    // MARK: Internals shared by the ops

    @inline(__always)
    func node(_ v: Var, op: String) throws(TensorError) -> Node {
        guard v.tape === self else { throw TensorError(op: op, "the value belongs to another tape") }
        guard v.generation == generation else {
            throw TensorError(op: op, "the value belongs to a finished step", hint: "copy values out with value() before the tape is reset")
        }
        return nodes[Int(v.id)]
    }

    @inline(__always)
    func allocate(_ shape: Shape, _ dtype: DType) -> View {
        View(base: arena.allocate(shape.count * dtype.size), shape: shape, dtype: dtype)
    }

    @inline(__always)
    func addNode(_ view: View, requiresGrad: Bool, parameter: Int32 = -1) -> Var {
        nodes.append(Node(view: view, grad: nil, requiresGrad: requiresGrad, parameter: parameter))
        return Var(id: Int32(nodes.count - 1), generation: generation, tape: self)
    }

    /// Adds the op's output node, and its entry when a gradient must flow through it.
    @inline(__always)
    func record(_ out: View, _ entry: Entry, inputs: Bool) -> Var {
        let needs = isRecording && inputs
        let v = addNode(out, requiresGrad: needs)
        if needs {
            var e = entry
            e.out = v.id
            entries.append(e)
        }
        return v
    }

    /// The gradient buffer of a node, zero-filled on first use.
    @inline(__always)
    func gradBuffer(_ id: Int32) -> View {
        let i = Int(id)
        if nodes[i].grad == nil { nodes[i].grad = arena.allocateZeroed(nodes[i].view.byteCount) }
        return View(base: nodes[i].grad.unsafelyUnwrapped, shape: nodes[i].view.shape, dtype: nodes[i].view.dtype)
    }
}
