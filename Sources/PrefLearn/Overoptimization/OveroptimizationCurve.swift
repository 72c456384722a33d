import PrefCore

/// Gold and proxy reward against the distance from the base policy, for Gao et al.'s
/// overoptimisation experiments (spec algorithms.md §2): best-of-n for a list of n, or the
/// trajectory of an RL run. Rewards are reported relative to the base policy (R(0) = 0, as Gao
/// et al.), so the Gao forms (`GaoFit`) fit them without an intercept.
public struct OveroptimizationCurve: Sendable {
    /// One point: x is n (best-of-n) or the step (RL, 0 = the base policy).
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var kl: Double
        public var proxy: Double
        public var gold: Double
        /// d = √KL (KL clamped at 0).
        public var d: Double { Swift.max(kl, 0).squareRoot() }
    }

    public var points: [Point]
    /// E[proxy] and E[gold] of the base policy, subtracted from every point.
    public var base: (proxy: Double, gold: Double)

    /// Exact best-of-n of π (`BestOfN`, with-replacement order statistics) for each n; π, proxy
    /// and gold are [P, K] row-major.
    public static func bestOfN(probabilities pi: [Double], proxy: [Double], gold: [Double], prompts: Int, ns: [Int]) throws(TensorError) -> Self {
        let base = try BestOfN.evaluate(probabilities: pi, proxy: proxy, gold: gold, prompts: prompts, n: 1).mean
        var points = [Point]()
        for n in ns {
            let m = try BestOfN.evaluate(probabilities: pi, proxy: proxy, gold: gold, prompts: prompts, n: n).mean
            points.append(Point(x: Double(n), kl: m.kl, proxy: m.proxy - base.proxy, gold: m.gold - base.gold))
        }
        return Self(points: points, base: (base.proxy, base.gold))
    }

    /// The trajectory of `trainer` (which needs gold rewards) over `steps` RL steps: step 0 is
    /// the policy before training, step t the policy after t updates. `stop` is asked after each
    /// step (e.g. Ctrl-C); the curve then ends at the last completed step.
    public static func reinforcement(_ trainer: PolicyGradientTrainer, steps: Int, stop: () -> Bool = { false }) throws(TensorError) -> Self {
        guard trainer.gold != nil else { throw TensorError(op: "overoptimization", "the RL curve needs gold rewards") }
        var rows = [[String: Double]]()
        for _ in 0..<steps {
            rows.append(try trainer.step())
            if stop() { break }
        }
        rows.append(try trainer.measures())
        let first = rows[0]
        let base = (first["reward"] ?? .nan, first["gold"] ?? .nan)
        let points = rows.enumerated().map { t, m in
            Point(x: Double(t), kl: m["kl"] ?? .nan, proxy: (m["reward"] ?? .nan) - base.0, gold: (m["gold"] ?? .nan) - base.1)
        }
        return Self(points: points, base: base)
    }

    /// The Gao fit of gold against d in `form`.
    public func fit(_ form: GaoFit.Form) throws(TensorError) -> GaoFit {
        try GaoFit(form: form, distances: points.map(\.d), rewards: points.map(\.gold))
    }
}
