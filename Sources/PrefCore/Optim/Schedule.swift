#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// A learning-rate schedule: a factor, applied to a base learning rate, as a function of the
/// step number (0 for the first update). The warmup and decay formulas are those of Hugging Face
/// transformers' `get_linear_schedule_with_warmup` and `get_cosine_schedule_with_warmup`
/// (`num_cycles = 0.5`), and `minFactor` is the `min_lr_rate` of its
/// `get_cosine_with_min_lr_schedule_with_warmup`.
public enum LearningRateSchedule: Sendable, Equatable {
    /// Factor 1 at every step.
    case constant
    /// Linear warmup from 0, then linear decay to 0 at `total`:
    ///
    ///     step < warmup:  step / max(1, warmup)
    ///     otherwise:      max(0, (total − step) / max(1, total − warmup))
    case linear(warmup: Int, total: Int)
    /// Linear warmup from 0, then half a cosine from 1 down to `minFactor` at `total`:
    ///
    ///     step < warmup:  step / max(1, warmup)
    ///     otherwise:      progress = (step − warmup) / max(1, total − warmup)
    ///                     c = 0.5·(1 + cos(π·progress))
    ///                     max(0, minFactor + (1 − minFactor)·c)
    ///
    /// As in transformers, progress is not clamped: past `total` the cosine rises again.
    case cosine(warmup: Int, total: Int, minFactor: Double = 0)

    /// The factor at `step` (see each case). A negative step counts as step 0. Never traps:
    /// step arithmetic is done in Double.
    public func factor(at step: Int) -> Double {
        let s = Double(Swift.max(step, 0))
        switch self {
        case .constant:
            return 1
        case let .linear(warmup, total):
            if s < Double(warmup) { return s / Swift.max(1, Double(warmup)) }
            return Swift.max(0, (Double(total) - s) / Swift.max(1, Double(total) - Double(warmup)))
        case let .cosine(warmup, total, minFactor):
            if s < Double(warmup) { return s / Swift.max(1, Double(warmup)) }
            let progress = (s - Double(warmup)) / Swift.max(1, Double(total) - Double(warmup))
            let c = 0.5 * (1 + cos(Double.pi * progress))
            return Swift.max(0, minFactor + (1 - minFactor) * c)
        }
    }

    /// The learning rate at `step`: `baseLearningRate · factor(at: step)`.
    public func learningRate(base baseLearningRate: Double, at step: Int) -> Double {
        baseLearningRate * factor(at: step)
    }

    /// Sets `optimizer.learningRate` to `baseLearningRate · factor(at: step)`; call it before
    /// the optimizer's `step()` for update number `step` (0 for the first), as PyTorch's
    /// `LambdaLR` sets the rate of the next update.
    public func apply(to optimizer: some Optimizer, baseLearningRate: Double, step: Int) {
        optimizer.learningRate = learningRate(base: baseLearningRate, at: step)
    }
}
