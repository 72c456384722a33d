import Foundation
import PrefCore

/// TPO's pair weights Δ_ij: the label gap ψ_i − ψ_j (the released code) or LiPO-λ's DCG weight.
public enum TPOWeighting: String, Sendable, CaseIterable, Codable {
    case gap, lambda
}

/// TPO's step weights in training: the adaptive w_k(y) = 1 + cos(h̄_k(y), h̄_k(y_top)), or 1 for
/// every present step (the ablation "list loss without step weights").
public enum TPOStepWeighting: String, Sendable, CaseIterable, Codable {
    case adaptive, uniform
}

/// How TPO forms a response's reward from its steps.
/// `sum`: the released code's weighted token sum R(y) = Σ_k w_k r_k(y) with r_k the SUM of step
/// k's token log-ratios, i.e. R = Σ_t w_{k(t)} (log π_θ(y_t) − log π_ref(y_t)) (MrBlankness/TPO,
/// `get_batch_logps`: the weights replace the loss mask and the weighted sum is returned).
/// `mean`: the spec's normalised clean form R(y) = Σ_k w_k r_k(y) / Σ_k w_k with r_k the MEAN of
/// step k's token log-ratios (algorithms.md §6.10, [ours]).
public enum TPOStepReward: String, Sendable, CaseIterable, Codable {
    case sum, mean
}

/// TPO hyperparameters (spec §6.15: β = 0.1).
public struct TPOConfig: Sendable, Codable {
    public var beta: Double
    public var weighting: TPOWeighting
    public var stepWeights: TPOStepWeighting
    public var stepReward: TPOStepReward
    public init(beta: Double = 0.1, weighting: TPOWeighting = .gap, stepWeights: TPOStepWeighting = .adaptive,
                stepReward: TPOStepReward = .sum) {
        self.beta = beta
        self.weighting = weighting
        self.stepWeights = stepWeights
        self.stepReward = stepReward
    }

    enum CodingKeys: String, CodingKey { case beta, weighting, stepWeights, stepReward }

    /// Configs saved before `stepWeights` existed decode as adaptive, before `stepReward` as mean
    /// (the only form then).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        beta = try c.decode(Double.self, forKey: .beta)
        weighting = try c.decode(TPOWeighting.self, forKey: .weighting)
        stepWeights = try c.decodeIfPresent(TPOStepWeighting.self, forKey: .stepWeights) ?? .adaptive
        stepReward = try c.decodeIfPresent(TPOStepReward.self, forKey: .stepReward) ?? .mean
    }
}

/// TPO, Tree Preference Optimization (*TPO: Aligning Large Language Models with Multi-branch &
/// Multi-step Preference Trees*, Liao, Chu, Wang, ICLR 2025), in the pairwise-logistic clean form
/// of spec algorithms.md §6.10. For P prompts, K ranked responses and S reasoning steps:
/// `stepLogratios` [P, K, S] holds r_k(y), the sum (`config.stepReward` `.sum`) or the mean
/// (`.mean`) over step k's tokens of log π_θ − log π_ref; `stepWeights` (P·K·S, nil: all 1) the
/// adaptive weights w_k(y) = 1 + cos(h̄_k(y), h̄_k(y_top)) (see `tpoStepWeights`); a weight of 0
/// marks a missing step.
/// R(y) = Σ_k w_k r_k(y) (`.sum`, the released code) or Σ_k w_k r_k(y) / Σ_k w_k (`.mean`, the
/// spec's form; 0 when every weight is 0);
/// ℓ = −Σ_{ψ_i > ψ_j} Δ_ij·log σ(β(R(y_i) − R(y_j))), Δ_ij = ψ_i − ψ_j (`gap`) or the LiPO-λ weight
/// on the scores βR (`lambda`), a constant. L = mean over prompts. Metrics as `listwiseLoss` on the scores βR, without `logps/*`.
public func tpoLoss(stepLogratios r: Var, stepWeights: [Double]? = nil, labels: [[Double]],
                    config: TPOConfig = TPOConfig()) throws(TensorError) -> LossEvaluation {
    guard r.shape.rank == 3 else { throw TensorError(op: "tpo", "step log-ratios must be [prompts, responses, steps], got shape \(r.shape)") }
    let (p, k, steps) = (r.shape.dims[0], r.shape.dims[1], r.shape.dims[2])
    guard p > 0, k > 0, steps > 0 else { throw TensorError(op: "tpo", "the batch is empty") }
    guard labels.count == p, labels.allSatisfy({ $0.count == k }) else { throw TensorError(op: "tpo", "the labels must be \(p) × \(k)") }
    let w = stepWeights ?? [Double](repeating: 1, count: p * k * steps)
    guard w.count == p * k * steps, w.allSatisfy({ $0.isFinite && $0 >= 0 }) else {
        throw TensorError(op: "tpo", "the step weights must be \(p * k * steps) finite numbers ≥ 0")
    }
    // `.mean`: normalised weights w_k / Σ_k w_k per response (0 when the sum is 0).
    var normalised = w
    for y in 0..<(p * k) where config.stepReward == .mean {
        let total = w[(y * steps)..<(y * steps + steps)].reduce(0, +)
        for t in 0..<steps { normalised[y * steps + t] = total > 0 ? w[y * steps + t] / total : 0 }
    }
    let reward = try (try r * r.tape.constant(try Tensor(normalised, shape: [p, k, steps], dtype: r.dtype))).sum(axis: 2)
    let s = try reward * config.beta
    let sv = try LossSupport.values(s)
    var weights: [Double]
    switch config.weighting {
    case .lambda: weights = lambdaWeights(scores: sv, labels: labels, k: k)
    case .gap:
        weights = [Double](repeating: 0, count: p * k * k)
        for (n, l) in labels.enumerated() { for i in 0..<k { for j in 0..<k where l[i] > l[j] { weights[(n * k + i) * k + j] = l[i] - l[j] } } }
    }
    let perExample = try weightedPairLoss(s, weights)
    let orders = labels.map { l in Array(0..<k).sorted { l[$0] != l[$1] ? l[$0] > l[$1] : $0 < $1 } }
    var metrics = listwiseMetrics(scores: sv, policy: try LossSupport.values(reward), labels: labels, orders: orders, k: k)
    metrics["logps/chosen"] = nil       // the inputs are log-ratios, not log-probs
    metrics["logps/rejected"] = nil
    return LossEvaluation(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
}

/// TPO's adaptive step weights from the mean last-layer hidden state of each step, `hidden`
/// [P, K, S, H]: w_k(y) = 1 + cos(h̄_k(y), h̄_k(y_top)), y_top the best response of its prompt by
/// `labels` (ties: the first); a zero vector has cosine 0. Returns P·K·S weights.
public func tpoStepWeights(hidden: Tensor, labels: [[Double]]) throws(TensorError) -> [Double] {
    guard hidden.shape.rank == 4 else { throw TensorError(op: "tpo", "step hidden states must be [prompts, responses, steps, hidden], got shape \(hidden.shape)") }
    let d = hidden.shape.dims, (p, k, steps, h) = (d[0], d[1], d[2], d[3])
    guard labels.count == p, labels.allSatisfy({ $0.count == k }) else { throw TensorError(op: "tpo", "the labels must be \(p) × \(k)") }
    let x = hidden.scalars
    func vector(_ n: Int, _ y: Int, _ t: Int) -> ArraySlice<Double> { let o = ((n * k + y) * steps + t) * h; return x[o..<(o + h)] }
    var out = [Double]()
    out.reserveCapacity(p * k * steps)
    for n in 0..<p {
        let top = Array(0..<k).max { labels[n][$0] != labels[n][$1] ? labels[n][$0] < labels[n][$1] : $0 > $1 } ?? 0
        for y in 0..<k { for t in 0..<steps {
            let a = vector(n, y, t), b = vector(n, top, t)
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let na = sqrt(a.reduce(0) { $0 + $1 * $1 }), nb = sqrt(b.reduce(0) { $0 + $1 * $1 })
            out.append(1 + (na > 0 && nb > 0 ? dot / (na * nb) : 0))
        } }
    }
    return out
}
