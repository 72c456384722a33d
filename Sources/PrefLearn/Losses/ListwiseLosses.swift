import Foundation
import PrefCore

/// The listwise losses of spec algorithms.md §6.9.
public enum ListwiseLossType: String, Sendable, CaseIterable, Codable {
    case plackettLuce = "plackett_luce"
    case lipo
    case rankDPO = "rank_dpo"
}

/// Listwise hyperparameters. Scores are s_i = β·scale·(p_i − r_i); `scale` is RankDPO's T·ω(t)
/// (1 for token policies). Defaults (§6.15): β = 0.1 (PL, RankDPO), 0.05 (LiPO).
public struct ListwiseConfig: Sendable, Codable {
    public var type: ListwiseLossType
    public var beta: Double
    public var scale: Double
    public init(type: ListwiseLossType = .plackettLuce, beta: Double? = nil, scale: Double = 1) {
        self.type = type
        self.beta = beta ?? (type == .lipo ? 0.05 : 0.1)
        self.scale = scale
    }
}

/// The listwise losses over P prompts with K responses each (spec algorithms.md §6.9).
/// `policy` and `reference` are [P, K] log-probs; `labels` the graded labels ψ (P × K, higher is
/// better; ties keep list order). s = β·scale·(p − r), τ the order by ψ descending.
/// - `plackett_luce`, Plackett–Luce DPO (Rafailov et al., 2023, appendix; = ListMLE):
///   ℓ = −Σ_{k=1}^{K} [s_τ(k) − log Σ_{j≥k} exp s_τ(j)], by log-sum-exp.
/// - `lipo`, LiPO-λ (*LiPO: Listwise Preference Optimization through Learning-to-Rank*, Liu et al.,
///   2024): ℓ = −Σ_{ψ_i > ψ_j} Δ_ij·log σ(s_i − s_j), Δ_ij = |G_i − G_j|·|1/D(π(i)) − 1/D(π(j))|,
///   G = 2^ψ − 1, D(r) = log(1 + r), π(i) the 1-based rank of s_i (descending, ties by index);
///   Δ is a constant (no gradient through the ranks).
/// - `rank_dpo`, RankDPO (*Scalable Ranked Preference Optimization for Text-to-Image Generation*,
///   Karthik et al., 2024): the LiPO-λ loss on the Diffusion-DPO score; with log-probs (or the
///   negated weighted denoising errors −ω(t)‖ε − ε_θ‖²) in p and r, s = β·T·(p − r), T = `scale`.
/// L = mean over prompts. Metrics: `rewards/chosen` / `rewards/rejected` the mean s of the best /
/// worst response, `rewards/margins` their difference, `rewards/accuracies` the fraction of pairs
/// ψ_i > ψ_j with s_i > s_j, `logps/chosen` / `logps/rejected`, and `ndcg` (NDCG@K of the ranking
/// by s against the gains G, over prompts with some gain).
public func listwiseLoss(policy: Var, reference: Var?, labels: [[Double]], config: ListwiseConfig = ListwiseConfig()) throws(TensorError) -> LossEvaluation {
    let op = config.type.rawValue
    guard policy.shape.rank == 2 else { throw TensorError(op: op, "policy log-probs must be [prompts, responses], got shape \(policy.shape)") }
    let p = policy.shape.dims[0], k = policy.shape.dims[1]
    guard p > 0, k > 0 else { throw TensorError(op: op, "the batch is empty") }
    if let reference, reference.shape != policy.shape {
        throw TensorError(op: op, "reference log-probs have shape \(reference.shape), policy log-probs \(policy.shape)")
    }
    guard labels.count == p, labels.allSatisfy({ $0.count == k }) else { throw TensorError(op: op, "the labels must be \(p) × \(k)") }
    let delta = try reference.map { (r: Var) throws(TensorError) in try policy - r } ?? policy
    let s = try delta * (config.beta * config.scale)
    let sv = try LossSupport.values(s)
    let orders = labels.map { l in Array(0..<k).sorted { l[$0] != l[$1] ? l[$0] > l[$1] : $0 < $1 } }
    let perExample: Var
    switch config.type {
    case .plackettLuce:
        let sorted = try s.takeAlong(try IndexTensor(orders.flatMap { $0 }, shape: [p, k]), axis: 1)
        var suffix = [Double](repeating: 0, count: k * k)
        for row in 0..<k { for col in 0..<row { suffix[row * k + col] = -.infinity } }
        let masked = try sorted.reshaped([p, 1, k]) + s.tape.constant(try Tensor(suffix, shape: [1, k, k], dtype: s.dtype))
        perExample = try (try masked.logsumexp(axis: 2) - sorted).sum(axis: 1)
    case .lipo, .rankDPO:
        perExample = try weightedPairLoss(s, lambdaWeights(scores: sv, labels: labels, k: k))
    }
    let metrics = listwiseMetrics(scores: sv, policy: try LossSupport.values(policy), labels: labels, orders: orders, k: k)
    return LossEvaluation(perExample: perExample, loss: try perExample.mean(), metrics: metrics)
}

/// The LiPO-λ weights Δ_ij (flattened [P, K, K]; 0 unless ψ_i > ψ_j) for the scores `sv` ([P·K]).
func lambdaWeights(scores sv: [Double], labels: [[Double]], k: Int) -> [Double] {
    var weights = [Double](repeating: 0, count: labels.count * k * k)
    for (n, l) in labels.enumerated() {
        let row = Array(sv[(n * k)..<(n * k + k)])
        var rank = [Int](repeating: 0, count: k)
        for (r, i) in Array(0..<k).sorted(by: { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }).enumerated() { rank[i] = r + 1 }
        for i in 0..<k { for j in 0..<k where l[i] > l[j] {
            let gain = Swift.abs(pow(2, l[i]) - pow(2, l[j]))
            weights[(n * k + i) * k + j] = gain * Swift.abs(1 / log(1 + Double(rank[i])) - 1 / log(1 + Double(rank[j])))
        } }
    }
    return weights
}

/// ℓ_n = −Σ_{i,j} W_nij·log σ(s_ni − s_nj) for [P, K] scores s and constant weights W ([P, K, K] flattened).
func weightedPairLoss(_ s: Var, _ weights: [Double]) throws(TensorError) -> Var {
    let p = s.shape.dims[0], k = s.shape.dims[1]
    let diff = try s.reshaped([p, k, 1]) - s.reshaped([p, 1, k])
    let w = s.tape.constant(try Tensor(weights, shape: [p, k, k], dtype: s.dtype))
    return try -(try (try w * diff.logSigmoid()).reshaped([p, k * k]).sum(axis: 1))
}

func listwiseMetrics(scores sv: [Double], policy pv: [Double], labels: [[Double]], orders: [[Int]], k: Int) -> [String: Double] {
    var correct = 0.0, pairs = 0.0, ndcg = [Double]()
    for (n, l) in labels.enumerated() {
        let row = Array(sv[(n * k)..<(n * k + k)])
        for i in 0..<k { for j in 0..<k where l[i] > l[j] {
            pairs += 1
            if row[i] > row[j] { correct += 1 }
        } }
        let byScore = Array(0..<k).sorted { row[$0] != row[$1] ? row[$0] > row[$1] : $0 < $1 }
        func dcg(_ order: [Int]) -> Double { order.enumerated().reduce(0) { $0 + (pow(2, l[$1.element]) - 1) / log(2 + Double($1.offset)) } }
        let ideal = dcg(orders[n])
        if ideal > 0 { ndcg.append(dcg(byScore) / ideal) }
    }
    let best = orders.enumerated().map { $0.offset * k + $0.element[0] }, worst = orders.enumerated().map { $0.offset * k + $0.element[k - 1] }
    var m: [String: Double] = [
        "rewards/chosen": LossSupport.mean(best.map { sv[$0] }), "rewards/rejected": LossSupport.mean(worst.map { sv[$0] }),
        "rewards/margins": LossSupport.mean(zip(best, worst).map { sv[$0] - sv[$1] }),
        "logps/chosen": LossSupport.mean(best.map { pv[$0] }), "logps/rejected": LossSupport.mean(worst.map { pv[$0] }),
    ]
    if pairs > 0 { m["rewards/accuracies"] = correct / pairs }
    if !ndcg.isEmpty { m["ndcg"] = LossSupport.mean(ndcg) }
    return m
}
