import PrefCore

/// Exact functionals of a candidate policy, per prompt, on the tape (so each can be a loss
/// term) or as plain tensors: KL to a reference, expected gold reward, and sampling.
extension CandidatePolicy {
    /// KL(π‖π_ref)(x) = Σ_k π(k|x) (log π(k|x) − log π_ref(k|x)), [n]: exact over the
    /// candidate set. The reference enters as a constant (no gradient). `goals` (one per prompt)
    /// condition a goal policy and a goal-conditioned reference alike.
    public func kl(to reference: CandidatePolicy, prompts: [Int], goals: [Double]? = nil, tape: Tape, leaves: [Var]? = nil) throws(TensorError) -> Var {
        try checkCompatible(reference)
        let lp = try logProbs(prompts: prompts, goals: goals, tape: tape, leaves: leaves)
        let lr = try reference.logProbs(prompts: prompts, goals: goals, tape: tape).detached()
        return try (lp.exp() * (lp - lr)).sum(axis: 1)
    }

    /// E_π[r*](x) = Σ_k π(k|x) r*(x, k), [n], when the source has a gold reward.
    public func expectedGold(prompts: [Int], goals: [Double]? = nil, tape: Tape, leaves: [Var]? = nil) throws(TensorError) -> Var {
        guard let gold = source.gold else {
            throw TensorError(op: "expected_gold", "the policy's source has no gold reward", hint: "build the policy on a toy world")
        }
        let g = try tape.constant(gold.to(dtype)).gather(try promptIndex(prompts), axis: 0)
        return try (try logProbs(prompts: prompts, goals: goals, tape: tape, leaves: leaves).exp() * g).sum(axis: 1)
    }

    /// The dtype of the parameters and ψ.
    public var dtype: DType { source.dtype }

    /// A value computed on a scratch tape without recording.
    public func evaluate(_ body: (Tape) throws(TensorError) -> Var) throws(TensorError) -> Tensor {
        let tape = Tape()
        tape.isRecording = false
        return try body(tape).value()
    }

    /// `n` candidate ids per prompt drawn from π(·|x) with replacement, [prompts.count][n], by
    /// inverse CDF on the exact probabilities; `seed` fixes the draws.
    public func sample(_ n: Int, prompts: [Int], goals: [Double]? = nil, seed: UInt64) throws(TensorError) -> [[Int]] {
        let most = Shape.maxElements / Swift.max(prompts.count, 1)
        guard n >= 0, n <= most else { throw TensorError(op: "sample", "n must be 0…\(most), not \(n)") }
        let k = source.candidates
        let probs = try evaluate { t throws(TensorError) in try self.logProbs(prompts: prompts, goals: goals, tape: t).exp() }.to(.f64).scalars
        var rng = RandomStream(seed: seed, stream: "candidate_policy/sample")
        return prompts.enumerated().map { r, p in
            (0..<n).map { _ in
                let u = rng.uniform()
                var acc = 0.0, pick = k - 1
                for j in 0..<k {
                    acc += probs[r * k + j]
                    if u < acc { pick = j; break }
                }
                return p * k + pick
            }
        }
    }

    /// Refuses a reference built on another source or over another candidate set.
    public func checkCompatible(_ other: CandidatePolicy) throws(TensorError) {
        guard other.source.origin == source.origin, other.source.psi.shape == source.psi.shape else {
            throw TensorError(op: "kl", "the two policies are over different candidate sets",
                              hint: "build the reference with reference(policy) from the same world")
        }
    }
}
