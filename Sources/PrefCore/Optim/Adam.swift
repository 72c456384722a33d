#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Adam (Kingma & Ba 2015) with the semantics of PyTorch's `torch.optim.Adam`: weight decay λ is
/// an L2 penalty added to the gradient, and the bias corrections are those of PyTorch:
///
///     g  ← ∇θ + λ·θ                                  (when λ ≠ 0)
///     m  ← β1·m + (1 − β1)·g
///     v  ← β2·v + (1 − β2)·g²
///     v̂max ← max(v̂max, v)                            (amsgrad only; then used in place of v)
///     θ  ← θ − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + ε)
///
/// `t` counts the updates of each parameter (a parameter without a gradient does not advance).
/// Each update is one fused pass over raw pointers in the parameter's dtype; the moment tensors
/// have the parameter's shape and dtype.
public final class Adam: Optimizer {
    /// The parameters updated by `step()`.
    public let parameters: [Parameter]
    /// The step size `lr` (finite, ≥ 0).
    public var learningRate: Double
    /// The decay rates (β1, β2) of the first and second moment estimates, each in [0, 1).
    public let betas: (Double, Double)
    /// The term ε added to the denominator for numerical stability.
    public let epsilon: Double
    /// The L2 penalty λ ≥ 0 added to the gradient as λ·θ.
    public let weightDecay: Double
    /// Whether to use the AMSGrad variant (Reddi et al. 2018): the running maximum of v.
    public let amsgrad: Bool

    var engine: AdamEngine

    /// Creates the optimizer with PyTorch's defaults. Throws for a learning rate, ε or weight
    /// decay that is negative or not finite, a beta outside [0, 1), or a repeated parameter.
    public init(_ parameters: [Parameter], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                epsilon: Double = 1e-8, weightDecay: Double = 0, amsgrad: Bool = false) throws(TensorError) {
        try validateAdam(parameters, learningRate, betas, epsilon, weightDecay, op: "adam")
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.engine = AdamEngine(count: parameters.count)
    }

    /// Applies one Adam update to every parameter with a gradient. Throws before changing
    /// anything when a gradient does not match its value or the learning rate is invalid.
    public func step() throws(TensorError) {
        try engine.step(parameters, AdamHyperparameters(
            learningRate: learningRate, beta1: betas.0, beta2: betas.1, epsilon: epsilon,
            weightDecay: weightDecay, decoupled: false, amsgrad: amsgrad), op: "adam")
    }
}

/// AdamW (Loshchilov & Hutter 2019, "Decoupled Weight Decay Regularization") with the semantics
/// of PyTorch's `torch.optim.AdamW`: the weight decay is applied to the parameter, not the
/// gradient, before the Adam update of `Adam` (without its L2 term):
///
///     θ  ← θ − lr·λ·θ
///     then the Adam update with g = ∇θ.
public final class AdamW: Optimizer {
    /// The parameters updated by `step()`.
    public let parameters: [Parameter]
    /// The step size `lr` (finite, ≥ 0); it also scales the decoupled decay.
    public var learningRate: Double
    /// The decay rates (β1, β2) of the first and second moment estimates, each in [0, 1).
    public let betas: (Double, Double)
    /// The term ε added to the denominator for numerical stability.
    public let epsilon: Double
    /// The decoupled weight decay λ ≥ 0 (PyTorch's default 0.01).
    public let weightDecay: Double
    /// Whether to use the AMSGrad variant: the running maximum of v.
    public let amsgrad: Bool

    var engine: AdamEngine

    /// Creates the optimizer with PyTorch's defaults. Throws for a learning rate, ε or weight
    /// decay that is negative or not finite, a beta outside [0, 1), or a repeated parameter.
    public init(_ parameters: [Parameter], learningRate: Double = 1e-3, betas: (Double, Double) = (0.9, 0.999),
                epsilon: Double = 1e-8, weightDecay: Double = 1e-2, amsgrad: Bool = false) throws(TensorError) {
        try validateAdam(parameters, learningRate, betas, epsilon, weightDecay, op: "adamw")
        self.parameters = parameters
        self.learningRate = learningRate
        self.betas = betas
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.amsgrad = amsgrad
        self.engine = AdamEngine(count: parameters.count)
    }

    /// Applies one AdamW update to every parameter with a gradient. Throws before changing
    /// anything when a gradient does not match its value or the learning rate is invalid.
    public func step() throws(TensorError) {
        try engine.step(parameters, AdamHyperparameters(
            learningRate: learningRate, beta1: betas.0, beta2: betas.1, epsilon: epsilon,
            weightDecay: weightDecay, decoupled: true, amsgrad: amsgrad), op: "adamw")
    }
}

// MARK: - Shared implementation

private func validateAdam(_ parameters: [Parameter], _ lr: Double, _ betas: (Double, Double),
                          _ eps: Double, _ wd: Double, op: String) throws(TensorError) {
    try requireHyperparameter(lr, "learning rate", op: op)
    try requireHyperparameter(eps, "epsilon", op: op)
    try requireUnitInterval(betas.0, "beta1", op: op)
    try requireUnitInterval(betas.1, "beta2", op: op)
    try requireHyperparameter(wd, "weight decay", op: op)
    try requireDistinct(parameters, op: op)
}

struct AdamHyperparameters {
    var learningRate, beta1, beta2, epsilon, weightDecay: Double
    var decoupled, amsgrad: Bool
}

/// The state of one parameter: the moment estimates and its own step count.
struct AdamMoments {
    var m: Tensor
    var v: Tensor
    var vMax: Tensor?
    var step: Int
}

/// The per-parameter state and the update shared by `Adam` and `AdamW`.
struct AdamEngine {
    var state: [AdamMoments?]

    init(count: Int) { state = Array(repeating: nil, count: count) }

    mutating func step(_ parameters: [Parameter], _ h: AdamHyperparameters, op: String) throws(TensorError) {
        try requireHyperparameter(h.learningRate, "learning rate", op: op)
        let grads = try checkedGradients(parameters, op: op)
        for (i, p) in parameters.enumerated() where grads[i] != nil {
            if let s = state[i] { try requireStateFits(s.m, p, i, op: op) }
        }
        for (i, p) in parameters.enumerated() {
            guard let g = grads[i] else { continue }
            var s = state[i] ?? AdamMoments(
                m: Tensor(zeros: p.value.shape, dtype: p.value.dtype),
                v: Tensor(zeros: p.value.shape, dtype: p.value.dtype),
                vMax: nil, step: 0)
            if h.amsgrad && s.vMax == nil { s.vMax = Tensor(zeros: p.value.shape, dtype: p.value.dtype) }
            s.step += 1
            state[i] = s
            // `s` and `state[i]` share the moment buffers, which nothing outside this engine
            // sees, so the kernel writes them in place through their pointers.
            update(p, grad: g, moments: s, h)
        }
    }

    private func update(_ p: Parameter, grad: Tensor, moments s: AdamMoments, _ h: AdamHyperparameters) {
        withExtendedLifetime((grad, s.m, s.v, s.vMax)) {
            let n = grad.count
            switch p.value.dtype {
            case .f32:
                let c = AdamCoefficients<Float>(h, step: s.step)
                p.value.withMutablePointer(Float.self) { v in
                    adamKernel(v, grad.pointer(Float.self), s.m.pointer(Float.self), s.v.pointer(Float.self),
                               s.vMax?.pointer(Float.self), n, c)
                }
            case .f64:
                let c = AdamCoefficients<Double>(h, step: s.step)
                p.value.withMutablePointer(Double.self) { v in
                    adamKernel(v, grad.pointer(Double.self), s.m.pointer(Double.self), s.v.pointer(Double.self),
                               s.vMax?.pointer(Double.self), n, c)
                }
            }
        }
    }
}

/// The scalars of one Adam step: the bias corrections are computed in Double, as PyTorch computes
/// them in Python floats, then converted once to the parameter's scalar type.
struct AdamCoefficients<T: TensorScalar> {
    var beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon: T
    /// λ for the L2 term added to the gradient (0 when decoupled).
    var l2: T
    /// 1 − lr·λ for the decoupled decay (1 when not decoupled).
    var decay: T
    /// lr / (1 − β1ᵗ).
    var stepSize: T
    /// √(1 − β2ᵗ).
    var biasCorrection2Sqrt: T

    init(_ h: AdamHyperparameters, step t: Int) {
        beta1 = T(h.beta1)
        oneMinusBeta1 = T(1 - h.beta1)
        beta2 = T(h.beta2)
        oneMinusBeta2 = T(1 - h.beta2)
        epsilon = T(h.epsilon)
        l2 = h.decoupled ? 0 : T(h.weightDecay)
        decay = h.decoupled ? T(1 - h.learningRate * h.weightDecay) : 1
        let bc1 = 1 - pow(h.beta1, Double(t))
        let bc2 = 1 - pow(h.beta2, Double(t))
        stepSize = T(h.learningRate / bc1)
        biasCorrection2Sqrt = T(bc2.squareRoot())
    }
}

/// One fused Adam/AdamW pass over `n` elements (see `Adam` and `AdamW` for the rule). `vMax` is
/// nil unless amsgrad is on.
@inline(__always)
func adamKernel<T: TensorScalar>(_ value: UnsafeMutablePointer<T>, _ grad: UnsafeMutablePointer<T>,
                                 _ m: UnsafeMutablePointer<T>, _ v: UnsafeMutablePointer<T>,
                                 _ vMax: UnsafeMutablePointer<T>?, _ n: Int, _ c: AdamCoefficients<T>) {
    let decoupled = c.decay != 1
    let l2 = c.l2 != 0
    for i in 0..<n {
        var theta = value[i]
        if decoupled { theta *= c.decay }
        var g = grad[i]
        if l2 { g += c.l2 * theta }
        let mi = c.beta1 * m[i] + c.oneMinusBeta1 * g
        let vi = c.beta2 * v[i] + c.oneMinusBeta2 * g * g
        m[i] = mi
        v[i] = vi
        var second = vi
        if let vMax {
            // Keep a NaN from v, as torch.maximum does.
            second = vMax[i] >= vi ? vMax[i] : vi
            vMax[i] = second
        }
        let denominator = second.squareRoot() / c.biasCorrection2Sqrt + c.epsilon
        value[i] = theta - c.stepSize * (mi / denominator)
    }
}
