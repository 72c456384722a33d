/// A first-order optimizer over a fixed list of parameters.
///
/// `step()` applies one update to every parameter whose `grad` is set, reading the gradient and
/// writing `value` in place; parameters whose `grad` is nil are skipped (their state, including
/// Adam's step count, does not advance), as in PyTorch's `torch.optim`. Per-parameter state
/// (momentum buffers, moment estimates) lives inside the optimizer, keyed by the parameter's
/// position in `parameters`. A gradient whose shape or dtype differs from the value throws a
/// `TensorError` naming the parameter, and then no parameter has been changed.
///
/// Call `tape.reset()` before `step()` so the tape no longer shares the parameters' storage:
/// a shared buffer is copied on write (core-performance.md §6 item 7).
public protocol Optimizer: AnyObject {
    /// The parameters this optimizer updates, in the order its state is keyed by.
    var parameters: [Parameter] { get }
    /// The step size `lr`; a schedule may change it between steps. Must be finite and ≥ 0 when
    /// `step()` runs.
    var learningRate: Double { get set }
    /// Applies one update to every parameter that has a gradient.
    func step() throws(TensorError)
}

extension Optimizer {
    /// Forgets every parameter's accumulated gradient (`grad = nil`), like
    /// `torch.optim.Optimizer.zero_grad(set_to_none=True)`.
    public func zeroGrad() {
        for p in parameters { p.zeroGrad() }
    }
}

// MARK: - Shared checks (internal)

/// A parameter's name for messages: its own name, or its position when it has none.
func optimizerLabel(_ p: Parameter, _ index: Int) -> String {
    p.name.isEmpty ? "parameter #\(index)" : "parameter '\(p.name)'"
}

/// Throws unless `value` is finite and at least `minimum` (PyTorch's "Invalid …" checks).
func requireHyperparameter(_ value: Double, _ name: String, op: String, atLeast minimum: Double = 0) throws(TensorError) {
    guard value.isFinite, value >= minimum else {
        throw TensorError(op: op, "invalid \(name) \(value)", hint: "\(name) must be a finite number ≥ \(minimum)")
    }
}

/// Throws unless `value` lies in [0, 1) (Adam's betas).
func requireUnitInterval(_ value: Double, _ name: String, op: String) throws(TensorError) {
    guard value.isFinite, value >= 0, value < 1 else {
        throw TensorError(op: op, "invalid \(name) \(value)", hint: "\(name) must lie in [0, 1)")
    }
}

/// Throws when the same parameter object appears twice: it would be updated twice per step.
func requireDistinct(_ parameters: [Parameter], op: String) throws(TensorError) {
    var seen = Set<ObjectIdentifier>()
    for (i, p) in parameters.enumerated() where !seen.insert(ObjectIdentifier(p)).inserted {
        throw TensorError(op: op, "\(optimizerLabel(p, i)) appears more than once",
                          hint: "pass each parameter once")
    }
}

/// The gradients to apply this step, one per parameter (nil where `grad` is nil), after checking
/// every gradient against its value so that a bad one throws before anything is updated.
func checkedGradients(_ parameters: [Parameter], op: String) throws(TensorError) -> [Tensor?] {
    var grads: [Tensor?] = []
    grads.reserveCapacity(parameters.count)
    for (i, p) in parameters.enumerated() {
        guard let g = p.grad else {
            grads.append(nil)
            continue
        }
        guard g.shape == p.value.shape else {
            throw TensorError(op: op, "the gradient of \(optimizerLabel(p, i)) has shape \(g.shape) but its value has shape \(p.value.shape)")
        }
        guard g.dtype == p.value.dtype else {
            throw TensorError(op: op, "the gradient of \(optimizerLabel(p, i)) has dtype \(g.dtype) but its value has dtype \(p.value.dtype)",
                              hint: "convert the gradient to \(p.value.dtype) (Tensor.to(.\(p.value.dtype)))")
        }
        grads.append(g)
    }
    return grads
}

/// Throws when optimizer state made for an earlier value no longer fits the parameter (its
/// value was replaced by one of another shape or dtype).
func requireStateFits(_ state: Tensor, _ p: Parameter, _ index: Int, op: String) throws(TensorError) {
    guard state.shape == p.value.shape, state.dtype == p.value.dtype else {
        throw TensorError(op: op, "the optimizer state of \(optimizerLabel(p, index)) has shape \(state.shape) and dtype \(state.dtype), but the value now has shape \(p.value.shape) and dtype \(p.value.dtype)",
                          hint: "create a new optimizer after changing a parameter's shape or dtype")
    }
}
