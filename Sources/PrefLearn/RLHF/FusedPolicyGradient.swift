import PrefCore

/// The exact RLHF step of a log-linear candidate policy without the tape, for reinforce, rloo
/// and grpo (`LogLinearPolicyGradientKernel`, one C pass per prompt): the same loss, gradient
/// and measures as `ExactPolicyGradient.objective` on the tape — for a log-linear policy
/// ∇_θ J = Σ_x ψ_xᵀ (π ⊙ (g − E_π g)) with g = A − β(log π − log π_ref) − c·log π — at about
/// ten times the speed (docs/design.md, "Fused exact RLHF step"). The trainer keeps the tape
/// for everything else (MLP policies, PPO, sampling).
///
/// The prompts' ψ blocks are copied once, transposed to [n, D, K]; the K-long workspace is
/// reused, so a step allocates only θ's gradient tensor.
final class FusedPolicyGradient {
    let psiT: Tensor
    let reference: Tensor
    let gold: Tensor?
    let config: PolicyGradientConfig
    private let work: Tensor
    private(set) var gradient = [Double]()

    /// nil when the fused step does not apply: an MLP policy, sampling, PPO, or `config.fused` off.
    init?(policy: CandidatePolicy, prompts: [Int], reference: Tensor, gold: Tensor?, config: PolicyGradientConfig) throws(TensorError) {
        guard config.fused, config.exact, config.algorithm != .ppo, policy.kind == .loglinear, !policy.isFrozen else { return nil }
        let psi = policy.source.psi, p = policy.source.prompts
        let block: Tensor
        if prompts == Array(0..<p) {
            block = psi
        } else {
            let tape = Tape()
            tape.isRecording = false
            block = try tape.constant(psi).gather(try policy.promptIndex(prompts), axis: 0).value()
        }
        psiT = try LogLinearPolicyGradientKernel.transposeBlocks(block)
        self.reference = reference.to(policy.dtype)
        self.gold = gold?.to(policy.dtype)
        self.config = config
        work = Tensor(zeros: [2 * policy.source.candidates], dtype: policy.dtype)
    }

    /// The measures of the policy at `theta` and −mean J; `gradient` then holds ∇_θ(−mean J).
    func step(theta: Tensor, rewards: Tensor) throws(TensorError) -> LogLinearPolicyGradientKernel.Measures {
        try LogLinearPolicyGradientKernel.step(psiT: psiT, theta: theta, rewards: rewards, reference: reference, gold: gold,
                                               beta: config.beta, entropy: config.entropy, grpo: config.algorithm == .grpo,
                                               stdEpsilon: config.stdEpsilon, work: work, grad: &gradient)
    }
}
