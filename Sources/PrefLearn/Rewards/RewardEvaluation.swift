#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import PrefCore

/// Held-out metrics of a reward on labelled pairs (DESIGN.md §3 Training and evaluation; the
/// calibration measure of MORE, spec §5.2). With z_i the preference logit of pair i (r(c) − r(r)
/// for a scalar reward) and p_i = σ(z_i) the predicted probability that the labelled-chosen
/// response wins:
///
///     accuracy = mean [z_i > 0]
///     log_loss = mean −log σ(z_i)
///     ECE      = Σ_b (n_b / 2N) |freq_b − conf_b|
///
/// ECE uses both orientations of every pair, (p_i, outcome 1) and (1 − p_i, outcome 0), in 10
/// equal-width bins of predicted probability on [0, 1] (the last bin closed); conf_b is the mean
/// predicted probability and freq_b the fraction of outcomes 1 in bin b — the reliability
/// diagram. With a gold reward, gold_agreement = mean over pairs of [sign z = sign Δr*] (½ when
/// either is 0): how often the reward orders the pair as the gold does, whatever the label says.
public struct RewardEvaluation: Sendable {
    public struct Bin: Sendable {
        public var lower: Double, upper: Double
        public var count: Int
        public var confidence: Double, frequency: Double
    }

    public var accuracy: Double
    public var logLoss: Double
    public var ece: Double
    public var bins: [Bin]
    /// nil without a gold reward.
    public var goldAgreement: Double?

    public static let binCount = 10

    /// The metrics of logits z (one per pair), with gold differences Δr* when known.
    public init(logits z: [Double], goldDifferences: [Double]? = nil) throws(TensorError) {
        guard !z.isEmpty else { throw TensorError(op: "evaluate", "no pairs to evaluate") }
        guard z.allSatisfy({ !$0.isNaN }) else { throw TensorError(op: "evaluate", "the reward's preference logits contain nan") }
        let n = Double(z.count)
        accuracy = z.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } / n
        // −log σ(z) = softplus(−z), computed stably.
        logLoss = z.reduce(0) { acc, x in acc + (x < 0 ? -x + log1p(exp(x)) : log1p(exp(-x))) } / n
        var count = [Int](repeating: 0, count: Self.binCount)
        var conf = [Double](repeating: 0, count: Self.binCount), freq = conf
        for x in z {
            let p = 1 / (1 + exp(-x))
            for (prob, outcome) in [(p, 1.0), (1 - p, 0.0)] {
                let b = Swift.min(Int(prob * Double(Self.binCount)), Self.binCount - 1)
                count[b] += 1
                conf[b] += prob
                freq[b] += outcome
            }
        }
        bins = (0..<Self.binCount).map { b in
            let c = count[b]
            return Bin(lower: Double(b) / Double(Self.binCount), upper: Double(b + 1) / Double(Self.binCount), count: c,
                       confidence: c > 0 ? conf[b] / Double(c) : .nan, frequency: c > 0 ? freq[b] / Double(c) : .nan)
        }
        ece = bins.reduce(0) { acc, b in b.count > 0 ? acc + Double(b.count) / (2 * n) * Swift.abs(b.frequency - b.confidence) : acc }
        if let g = goldDifferences {
            guard g.count == z.count else { throw TensorError(op: "evaluate", "\(g.count) gold differences for \(z.count) pairs") }
            goldAgreement = zip(z, g).reduce(0) { acc, pair in
                let (a, b) = pair
                if a == 0 || b == 0 { return acc + 0.5 }
                return acc + ((a > 0) == (b > 0) ? 1 : 0)
            } / n
        }
    }

    /// Evaluates `reward` on pairs; `gold` (e.g. `GoldReward`) adds gold agreement.
    public init(_ reward: any RewardFunction, chosen: RewardInputs, rejected: RewardInputs, gold: (any RewardFunction)? = nil) throws(TensorError) {
        let z = try reward.preferenceLogits(chosen: chosen, rejected: rejected).to(.f64).scalars
        let g = try gold.map { (g: any RewardFunction) throws(TensorError) in try (g.rewards(chosen) - g.rewards(rejected)).scalars }
        try self.init(logits: z, goldDifferences: g)
    }
}
