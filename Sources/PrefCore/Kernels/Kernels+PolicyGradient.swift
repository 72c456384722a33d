internal import CKernels

/// The exact policy-gradient step of a log-linear candidate policy in one C pass per prompt
/// (CKernels' `pk_loglinear_pg`; PrefLearn's `FusedPolicyGradient` is its caller). With
/// s = ψθ, lp = log_softmax(s), p = exp(lp), r the rewards and lr = log π_ref, per prompt
///
///     A = r  (reinforce, rloo)   or   A = (r − E_p r)/(std_p(r) + ε), held constant  (grpo)
///     J = E_p[A] − β·KL(p‖π_ref) + c·H(p)
///     ∇_θ(−mean J) = −(1/n) Σ_x ψ_xᵀ (p ⊙ (g − E_p g)),   g = A − β(lp − lr) − c·lp
///
/// which is the tape's gradient of `ExactPolicyGradient.objective` for these algorithms.
public enum LogLinearPolicyGradientKernel {
    /// The means over prompts of E_p r, KL(p‖π_ref), H(p), E_p r* (0 without gold) and the loss −mean J.
    public struct Measures: Sendable, Equatable {
        public var reward = 0.0, kl = 0.0, entropy = 0.0, gold = 0.0, loss = 0.0
    }

    /// ψ transposed per prompt for the kernel: [n, K, D] → [n, D, K] (feature j of every
    /// candidate of a prompt contiguous), in `psi`'s dtype.
    public static func transposeBlocks(_ psi: Tensor) throws(TensorError) -> Tensor {
        guard psi.rank == 3 else { throw TensorError(op: "rlhf", "candidate features must be [n, K, D], not \(psi.shape)") }
        return try psi.transposed([0, 2, 1])
    }

    /// One step: `grad` (D entries, reused) receives ∇_θ(−mean J) in f64. `psiT` is [n, D, K],
    /// `theta` D elements, `rewards`, `reference` and `gold` [n, K], `work` ≥ 2K elements, all
    /// in one dtype.
    public static func step(psiT: Tensor, theta: Tensor, rewards: Tensor, reference: Tensor, gold: Tensor?,
                            beta: Double, entropy: Double, grpo: Bool, stdEpsilon: Double,
                            work: Tensor, grad: inout [Double]) throws(TensorError) -> Measures {
        guard psiT.rank == 3 else { throw TensorError(op: "rlhf", "ψᵀ must be [n, D, K], not \(psiT.shape)") }
        let n = psiT.shape[0], d = psiT.shape[1], k = psiT.shape[2], dtype = psiT.dtype
        guard n >= 1, d >= 1, k >= 1 else { throw TensorError(op: "rlhf", "fused step: ψᵀ \(psiT.shape) is empty") }
        let matrix = Shape([n, k])
        guard theta.shape.count == d, rewards.shape == matrix, reference.shape == matrix, gold.map({ $0.shape == matrix }) ?? true,
              work.shape.count >= 2 * k else {
            throw TensorError(op: "rlhf", "fused step: θ \(theta.shape), rewards \(rewards.shape), reference \(reference.shape) do not fit ψᵀ \(psiT.shape)")
        }
        guard [theta, rewards, reference, work].allSatisfy({ $0.dtype == dtype }), gold.map({ $0.dtype == dtype }) ?? true else {
            throw TensorError(op: "rlhf", "fused step: the tensors must all be \(dtype)")
        }
        if grad.count != d { grad = [Double](repeating: 0, count: d) }
        var out = (0.0, 0.0, 0.0, 0.0, 0.0)
        let g32 = grpo ? Int32(1) : 0
        grad.withUnsafeMutableBufferPointer { gp in
            // A homogeneous tuple is laid out as contiguous Doubles: the kernel's out[5], no allocation.
            withUnsafeMutablePointer(to: &out) { op in op.withMemoryRebound(to: Double.self, capacity: 5) { o in
                switch dtype {
                case .f64:
                    pk_loglinear_pg_f64(psiT.view.ptr(Double.self), theta.view.ptr(Double.self), rewards.view.ptr(Double.self),
                                        reference.view.ptr(Double.self), gold?.view.ptr(Double.self), Int64(n), Int64(k), Int64(d),
                                        beta, entropy, g32, stdEpsilon, work.view.ptr(Double.self), gp.baseAddress, o)
                case .f32:
                    pk_loglinear_pg_f32(psiT.view.ptr(Float.self), theta.view.ptr(Float.self), rewards.view.ptr(Float.self),
                                        reference.view.ptr(Float.self), gold?.view.ptr(Float.self), Int64(n), Int64(k), Int64(d),
                                        beta, entropy, g32, stdEpsilon, work.view.ptr(Float.self), gp.baseAddress, o)
                }
            } }
        }
        return Measures(reward: out.0, kl: out.1, entropy: out.2, gold: out.3, loss: out.4)
    }
}
