#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// Candidate policies over each prompt's K candidates and the `logps` rows (spec §9.1
/// "Policies"). Log-probabilities are exact: a log-softmax over the candidate set.
extension ToyWorld {
    /// A policy over the candidates of each prompt.
    public enum Policy: Sendable, Equatable {
        /// π(k|x) = 1/K (the candidate view's reference).
        case uniform
        /// Log-linear π_θ(k|x) ∝ exp(θ·ψ(x, k)); θ has d_q entries (ψ = q) or `psiDim`
        /// (ψ = [q, ℓ, onehot(ℓ), x ⊗ q]).
        case logLinear([Double])
        /// Explicit logits, one per candidate of the split's prompts (P_split × K).
        case logits([Double])
    }

    /// The size of ψ(x, k) = [q, ℓ, onehot(ℓ), x ⊗ q]: d_q + 1 + maxLength + d_x·d_q.
    public var psiDim: Int { config.featureDim * (1 + config.promptDim) + 1 + config.maxLength }

    /// ψ(x, k) of candidate i: [q, ℓ, onehot(ℓ − 1) over maxLength, x ⊗ q (x-major)].
    public func psi(_ i: Int) -> [Double] {
        let d = config.featureDim, dx = config.promptDim, p = i / config.candidates
        let q = features[(i * d)..<((i + 1) * d)]
        var out = Array(q)
        out.append(Double(lengths[i]))
        var onehot = [Double](repeating: 0, count: config.maxLength)
        onehot[lengths[i] - 1] = 1
        out += onehot
        for a in 0..<dx {
            let xa = promptFeatures[p * dx + a]
            for j in q.indices { out.append(xa * q[j]) }
        }
        return out
    }

    /// log π(k|x) for every candidate of the split's prompts, prompt-major (P_split × K).
    public func logProbabilities(_ policy: Policy, split: Split) throws(TensorError) -> [Double] {
        let range = prompts(split), k = config.candidates, m = range.count * k
        let first = range.lowerBound * k
        var logits: [Double]
        switch policy {
        case .uniform:
            return [Double](repeating: -log(Double(k)), count: m)
        case .logits(let given):
            guard given.count == m else {
                throw TensorError(op: "logps", "policy logits have \(given.count) entries, the \(split.rawValue) split has \(range.count) prompts × \(k) candidates = \(m)",
                                  hint: "give a [\(range.count), \(k)] tensor")
            }
            logits = given
        case .logLinear(let theta):
            let d = config.featureDim
            if theta.count == d {
                let q = try Tensor(Array(features[(first * d)..<((first + m) * d)]), shape: [m, d], dtype: .f64)
                logits = try q.matmul(try Tensor(theta, shape: [d, 1], dtype: .f64)).scalars
            } else if theta.count == psiDim {
                logits = (first..<(first + m)).map { i in zip(psi(i), theta).reduce(0) { $0 + $1.0 * $1.1 } }
            } else {
                throw TensorError(op: "logps", "theta has \(theta.count) entries; it needs \(d) (ψ = q) or \(psiDim) (ψ = [q, ℓ, onehot(ℓ), x ⊗ q])")
            }
        }
        guard logits.allSatisfy(\.isFinite) else { throw TensorError(op: "logps", "policy logits must be finite") }
        return try Tensor(logits, shape: [range.count, k], dtype: .f64).logSoftmax(axis: -1).scalars
    }

    /// n pairs (as `pairs`) with exact log π(y|x) under `policy` and `reference` for chosen and
    /// rejected: the inputs of every direct-alignment loss without a model.
    public func logps(_ n: Int, policy: Policy, reference: Policy = .uniform, labeller: Labeller = .randomGroup,
                      split: Split = .train, rng: inout RandomStream) throws(TensorError) -> ToyRows.Logps {
        let pi = try logProbabilities(policy, split: split)
        let ref = try logProbabilities(reference, split: split)
        let pairs = try pairs(n, labeller: labeller, split: split, rng: &rng)
        let first = prompts(split).lowerBound * config.candidates
        return ToyRows.Logps(pairs: pairs,
                             policyChosen: pairs.chosen.map { pi[$0 - first] },
                             policyRejected: pairs.rejected.map { pi[$0 - first] },
                             referenceChosen: pairs.chosen.map { ref[$0 - first] },
                             referenceRejected: pairs.rejected.map { ref[$0 - first] })
    }
}
