import PrefCore
import PrefLanguage
import PrefLearn

/// What `fit` trains. The `Trainer` owns everything that is the same for every model and data
/// kind — shuffled batches, the optimizer and schedule, clipping, the non-finite checks,
/// checkpoints, interrupts and the history; a task owns the model, its data and its loss, and
/// records the loss of a batch of examples on a tape.
///
/// Tasks: `CandidatePairsTask` (a candidate policy on pairs), `CandidateUnpairedTask` (on
/// unpaired labels: KTO, BCO), `CandidateRankedTask` (on ranked lists: the listwise losses).
/// `TrainingTasks.make` picks one from fit's arguments.
protocol TrainingTask: AnyObject {
    /// The trainable parameters, updated in place.
    var parameters: [PrefCore.Parameter] { get }
    /// Frozen parameters a checkpoint keeps beside them (the reference), by name; a resumed run
    /// restores them and calls `restored()`.
    var frozenParameters: [PrefCore.Parameter] { get }
    /// Examples per epoch (what is shuffled and batched).
    var count: Int { get }
    /// Records the batch loss of examples `rows` (indices 0..<count) on `tape` with the step's
    /// metrics (TRL's names; the Trainer adds `grad_norm`, `lr`, `step`, `epoch`).
    func record(_ rows: [Int], on tape: Tape) throws -> TaskStep
    /// Running state besides the parameters that a checkpoint must keep for a bit-identical
    /// resume (e.g. BCO's reward moments); empty for most tasks.
    var state: [String: Double] { get set }
    /// Called after a resume restored `frozenParameters` (recompute what depends on them).
    func restored() throws
    /// The metric columns of the history, in order.
    var columns: [String] { get }
    /// The loss (for naming a non-finite term).
    var loss: LossObject { get }
    /// Evaluates the batch `rows` again on a fresh tape with the loss `term` (the culprit search
    /// of a composite loss): its value.
    func value(of term: LossObject, rows: [Int]) throws -> Double
}

/// One recorded step: the batch loss on the tape and its metrics.
struct TaskStep {
    var loss: Var
    var metrics: [String: Double]
}

extension TrainingTask {
    var state: [String: Double] { get { [:] } set {} }
    func restored() throws {}
}
