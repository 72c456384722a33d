import PrefCore

/// What a loss of the zoo returns: the per-example losses on the tape, the batch loss (the
/// scalar training minimises, on the tape) and the logged metrics under TRL's names.
public struct LossEvaluation {
    /// ℓ_i, shape [B]. Their mean is `loss` for every loss in this file set.
    public var perExample: Var
    /// The batch loss L, a scalar.
    public var loss: Var
    /// Logged metrics (TRL's names), computed in f64 from the values of this step.
    public var metrics: [String: Double]
}

/// Small helpers shared by the KTO, BCO, ORPO, CPO and Bradley–Terry losses.
enum LossSupport {
    /// The batch size of a [B] input, or an error naming the loss.
    static func batchSize(_ loss: String, _ xs: [(String, Var)]) throws(TensorError) -> Int {
        guard let first = xs.first else { throw TensorError(op: loss, "no inputs") }
        let b = first.1.shape.count
        for (name, x) in xs {
            guard x.shape.rank == 1 else {
                throw TensorError(op: loss, "\(name) must be a vector over the batch, got shape \(x.shape)")
            }
            guard x.shape.count == b else {
                throw TensorError(op: loss, "\(name) has \(x.shape.count) entries, \(first.0) has \(b)")
            }
        }
        guard b > 0 else { throw TensorError(op: loss, "the batch is empty") }
        return b
    }

    /// Checks a per-example array of plain numbers against the batch size.
    static func check<T>(_ loss: String, _ name: String, _ xs: [T], _ b: Int) throws(TensorError) {
        guard xs.count == b else { throw TensorError(op: loss, "\(name) has \(xs.count) entries, the batch has \(b)") }
    }

    /// A constant [B] vector in `like`'s dtype.
    static func vector(_ values: [Double], like: Var) throws(TensorError) -> Var {
        like.tape.constant(try Tensor(values, shape: [values.count], dtype: like.dtype))
    }

    /// The values of a [B] variable.
    static func values(_ v: Var) throws(TensorError) -> [Double] { try v.value().scalars }

    static func mean(_ xs: [Double]) -> Double { xs.isEmpty ? .nan : xs.reduce(0, +) / Double(xs.count) }

    /// mean over the entries where `keep` holds (nil when none).
    static func mean(_ xs: [Double], where keep: [Bool]) -> Double? {
        let picked = zip(xs, keep).filter(\.1).map(\.0)
        return picked.isEmpty ? nil : mean(picked)
    }

    /// TRL's policy/reward metrics of a paired loss: rewards/chosen, rewards/rejected,
    /// rewards/accuracies (strict >), rewards/margins, logps/chosen, logps/rejected.
    static func pairedMetrics(chosenRewards rc: [Double], rejectedRewards rr: [Double],
                              chosenLogps pc: [Double], rejectedLogps pr: [Double]) -> [String: Double] {
        [
            "rewards/chosen": mean(rc), "rewards/rejected": mean(rr),
            "rewards/accuracies": mean(zip(rc, rr).map { $0 > $1 ? 1 : 0 }),
            "rewards/margins": mean(zip(rc, rr).map { $0 - $1 }),
            "logps/chosen": mean(pc), "logps/rejected": mean(pr),
        ]
    }

    /// log(1 − eˣ) for x < 0 with TRL's branch point −ln 2: log1p(−eˣ) below it and
    /// log(−expm1(x)) above. The tape has no expm1, so −expm1(x) = −2t/(1 − t) with t = tanh(x/2),
    /// which keeps the relative accuracy near 0⁻. Each branch sees its input clamped to its own
    /// side, so the unselected branch never produces ∞·0 in the backward pass.
    static func log1mexp(_ x: Var) throws(TensorError) -> Var {
        let cut = -0.6931471805599453
        let below = try x.clamp(min: -.infinity, max: cut)
        let above = try x.clamp(min: cut, max: -Double.leastNormalMagnitude)
        let far = try (try -(below.exp())).log1p()
        let t = try (above * 0.5).tanh()
        let near = try (try (t * -2.0).log()) - (try (-t).log1p())
        let isBelow = try x.compare(.lt, x.tape.constant(cut, dtype: x.dtype))
        return try Var.select(isBelow, far, near)
    }
}
