import PrefCore

/// NM-PPO (spec algorithms.md §1.4, the reference code's `NelderMeadTrainer`): Nelder–Mead over
/// the threshold vector θ inside one continuing run. One evaluation of θ continues training the
/// same policy (no reset; the multipliers carry over too) with the trainer's kind at θ for at
/// most `budget` steps, checking every `evalEvery` steps whether every component is within
/// `within` of its threshold (|v_i − θ_i| ≤ within·|θ_i|, our reading of 0.95θ ≤ v ≤ 1.05θ for
/// either sign); its value is −eval of the policy when that happens or the budget is spent.
/// Nelder–Mead runs with the reference's settings (`nelderMead`: 10 iterations, tolerance
/// 0.01 on the spread of values, values cached within 5e-3 per coordinate), from N + 1 points
/// drawn uniformly between `lower` (the pretrained policy's v_i) and `upper` (the largest v_i
/// seen when optimising r_i alone), stream "constrained/simplex". When the search ends before
/// `totalSteps`, training continues at the best θ found; when the steps run out first, the
/// search stops there (`NelderMead.Stop`) with the best θ evaluated so far.
public struct ThresholdSearch: Sendable {
    public var nelderMead: NelderMead
    public var budget: Int
    public var evalEvery = 5
    public var within = 0.05

    public init(budget: Int) {
        var nm = NelderMead()
        nm.maxIterations = 10
        nm.tolerance = 0.01
        nm.cacheTolerance = 5e-3
        nelderMead = nm
        self.budget = budget
    }

    public struct Outcome {
        /// The search, nil when the steps ran out before the initial simplex was evaluated.
        public let result: NelderMead.Result?
        /// The thresholds training ended at.
        public let best: [Double]
        /// True when `onStep` asked to stop.
        public let stopped: Bool
    }

    /// Runs the search on `trainer` for `totalSteps` steps in all; `onStep(report, evaluation)`
    /// sees every step (evaluation = the 1-based index of the θ being evaluated, 0 once training
    /// continues at the best θ) and returns false to stop (an interrupt).
    public func run(_ trainer: ConstrainedTrainer, lower: [Double], upper: [Double], totalSteps: Int, seed: UInt64,
                    onStep: (ConstrainedTrainer.Report, Int) throws -> Bool) throws -> Outcome {
        let n = trainer.thresholds.count
        guard lower.count == n, upper.count == n else { throw TensorError(op: "constrained", "need \(n) lower and upper thresholds") }
        guard budget >= 1, evalEvery >= 1, within.isFinite, within >= 0 else {
            throw TensorError(op: "constrained", "the search needs a budget ≥ 1, eval_every ≥ 1 and within ≥ 0")
        }
        var rng = RandomStream(seed: seed, stream: "constrained/simplex")
        let simplex = (0...n).map { _ in (0..<n).map { i in lower[i] + (upper[i] - lower[i]) * rng.uniform() } }
        var used = 0, evaluation = 0, stopped = false
        let f = { (theta: [Double]) throws -> Double in
            evaluation += 1
            trainer.thresholds = theta
            for s in 1...budget {
                guard used < totalSteps else { throw NelderMead.Stop() }
                used += 1
                if try !onStep(try trainer.step(), evaluation) { stopped = true; throw NelderMead.Stop() }
                if s % evalEvery == 0, try self.satisfied(trainer) { break }
            }
            return -(try Self.evaluation(trainer))
        }
        var result: NelderMead.Result? = nil
        do { result = try nelderMead.minimize(f, simplex: simplex) } catch is NelderMead.Stop {}
        let theta = result?.point ?? trainer.thresholds
        trainer.thresholds = theta
        while !stopped && used < totalSteps {
            used += 1
            if try !onStep(try trainer.step(), 0) { stopped = true }
        }
        return Outcome(result: result, best: theta, stopped: stopped)
    }

    /// Every component within `within` of its threshold.
    func satisfied(_ trainer: ConstrainedTrainer) throws(TensorError) -> Bool {
        let v = try trainer.streams().values
        return zip(v, trainer.thresholds).allSatisfy { Swift.abs($0 - $1) <= within * Swift.abs($1) }
    }

    /// mean_x E_π[eval] of the current policy.
    static func evaluation(_ trainer: ConstrainedTrainer) throws(TensorError) -> Double {
        guard let g = try trainer.core.measures()["gold"] else {
            throw TensorError(op: "constrained", "the threshold search needs an evaluation score", hint: "pass evaluate: a reward")
        }
        return g
    }
}
