/// Stochastic gradient descent with optional momentum, dampening, Nesterov momentum and L2 weight
/// decay, with exactly the semantics of PyTorch's `torch.optim.SGD` (its documented algorithm):
///
///     g  ← ∇θ + λ·θ                          (weight decay λ, when λ ≠ 0)
///     b  ← g                                 (first step: no dampening)
///     b  ← μ·b + (1 − τ)·g                   (later steps; momentum μ, dampening τ)
///     g  ← g + μ·b   if nesterov,  else  g ← b          (when μ ≠ 0)
///     θ  ← θ − lr·g
///
/// Arithmetic runs in the parameter's dtype; the momentum buffers have the same dtype and shape.
public final class SGD: Optimizer {
    /// The parameters updated by `step()`.
    public let parameters: [Parameter]
    /// The step size `lr` (finite, ≥ 0).
    public var learningRate: Double
    /// The momentum factor μ ≥ 0; 0 disables the momentum buffer.
    public let momentum: Double
    /// The dampening τ applied to the gradient in the momentum update (not on the first step).
    public let dampening: Double
    /// The L2 penalty λ ≥ 0 added to the gradient as λ·θ.
    public let weightDecay: Double
    /// Whether to use Nesterov momentum (Sutskever et al. 2013, as formulated by PyTorch).
    public let nesterov: Bool

    /// Momentum buffers by parameter position; created on a parameter's first update.
    var buffers: [Tensor?]

    /// Creates the optimizer. Throws, as PyTorch raises, for a negative or non-finite learning
    /// rate, momentum or weight decay, and for `nesterov` without momentum > 0 and dampening 0;
    /// also when a parameter appears twice.
    public init(_ parameters: [Parameter], learningRate: Double, momentum: Double = 0,
                dampening: Double = 0, weightDecay: Double = 0, nesterov: Bool = false) throws(TensorError) {
        let op = "sgd"
        try requireHyperparameter(learningRate, "learning rate", op: op)
        try requireHyperparameter(momentum, "momentum", op: op)
        try requireHyperparameter(weightDecay, "weight decay", op: op)
        guard dampening.isFinite else {
            throw TensorError(op: op, "invalid dampening \(dampening)", hint: "dampening must be a finite number")
        }
        if nesterov && (momentum <= 0 || dampening != 0) {
            throw TensorError(op: op, "nesterov momentum requires a momentum > 0 and zero dampening",
                              hint: "pass momentum: 0.9 and dampening: 0, or nesterov: false")
        }
        try requireDistinct(parameters, op: op)
        self.parameters = parameters
        self.learningRate = learningRate
        self.momentum = momentum
        self.dampening = dampening
        self.weightDecay = weightDecay
        self.nesterov = nesterov
        self.buffers = Array(repeating: nil, count: parameters.count)
    }

    /// Applies one SGD update (see the type's documentation) to every parameter with a gradient.
    /// Throws before changing anything when a gradient does not match its value or the learning
    /// rate is invalid.
    public func step() throws(TensorError) {
        let op = "sgd"
        try requireHyperparameter(learningRate, "learning rate", op: op)
        let grads = try checkedGradients(parameters, op: op)
        for (i, p) in parameters.enumerated() where grads[i] != nil {
            if let b = buffers[i] { try requireStateFits(b, p, i, op: op) }
        }
        for (i, p) in parameters.enumerated() {
            guard let g = grads[i] else { continue }
            var first = false
            if momentum != 0 && buffers[i] == nil {
                buffers[i] = Tensor(uninitialized: p.value.shape, dtype: p.value.dtype)
                first = true
            }
            update(p, grad: g, buffer: buffers[i], first: first)
        }
    }

    /// One fused pass over the parameter's elements, dispatched once on dtype.
    private func update(_ p: Parameter, grad: Tensor, buffer: Tensor?, first: Bool) {
        // The buffer is private to this optimizer and never shared, so writing through its
        // pointer is a write to unique storage.
        withExtendedLifetime((grad, buffer)) {
            let n = grad.count
            switch p.value.dtype {
            case .f32:
                let c = SGDCoefficients<Float>(self, first: first)
                p.value.withMutablePointer(Float.self) { v in
                    sgdKernel(v, grad.pointer(Float.self), buffer?.pointer(Float.self), n, c)
                }
            case .f64:
                let c = SGDCoefficients<Double>(self, first: first)
                p.value.withMutablePointer(Double.self) { v in
                    sgdKernel(v, grad.pointer(Double.self), buffer?.pointer(Double.self), n, c)
                }
            }
        }
    }
}

/// The hyperparameters of one SGD step, converted once to the parameter's scalar type.
struct SGDCoefficients<T: TensorScalar> {
    var lr, momentum, oneMinusDampening, weightDecay: T
    var nesterov, first: Bool

    init(_ o: SGD, first: Bool) {
        lr = T(o.learningRate)
        momentum = T(o.momentum)
        oneMinusDampening = T(1 - o.dampening)
        weightDecay = T(o.weightDecay)
        nesterov = o.nesterov
        self.first = first
    }
}

/// θ ← θ − lr·d, with d from the gradient, weight decay and momentum as documented on `SGD`.
/// `buffer` is nil when momentum is 0.
@inline(__always)
func sgdKernel<T: TensorScalar>(_ value: UnsafeMutablePointer<T>, _ grad: UnsafeMutablePointer<T>,
                                _ buffer: UnsafeMutablePointer<T>?, _ n: Int, _ c: SGDCoefficients<T>) {
    let decay = c.weightDecay != 0
    for i in 0..<n {
        var d = grad[i]
        if decay { d += c.weightDecay * value[i] }
        if let buffer {
            let b = c.first ? d : c.momentum * buffer[i] + c.oneMinusDampening * d
            buffer[i] = b
            d = c.nesterov ? d + c.momentum * b : b
        }
        value[i] -= c.lr * d
    }
}
