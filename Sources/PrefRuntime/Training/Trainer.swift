import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// The knobs of `fit`, validated by the builtin.
struct FitOptions {
    var epochs = 1
    var batch = 64
    var lr = 1e-3
    var optimizer = "adamw"
    var schedule = "constant"
    var warmup = 0
    var clip: Double?
    var seed: UInt64 = 0
    /// Where to write a checkpoint after each epoch and on an interrupt.
    var checkpoint: String?
    /// A checkpoint to continue from.
    var resume: String?
}

/// Why training stopped early with a located error: a non-finite loss or gradient.
struct TrainingFailure: Error {
    var message: String
}

/// One training run of a task (`TrainingTask`): shuffled mini-batches (a Philox stream per
/// epoch), the task's whole-batch tape work per step, backward, clipping, schedule, optimizer
/// step. Non-finite losses or gradients throw before the update, so the parameters stay those
/// of the last good step. The interrupt flag is read after each step.
final class Trainer {
    let task: any TrainingTask
    let options: FitOptions
    let interpreter: Interpreter
    var history: [[String: Double]] = []
    var interrupted = false
    /// Called after each epoch with (epoch, steps so far), e.g. for evaluation.
    var onEpoch: (Int, Int) throws -> Void = { _, _ in }
    /// Where the run starts (a resumed checkpoint's position).
    var resumed: Checkpoint?
    /// The tape every step records on.
    private let tape = Tape()

    init(task: any TrainingTask, options: FitOptions, interpreter: Interpreter) throws {
        self.task = task
        self.options = options
        self.interpreter = interpreter
        if let path = options.resume {
            let (state, frozen) = try Checkpoint.read(path, into: task.parameters)
            guard state.batch == options.batch, state.seed == options.seed, state.optimizer == options.optimizer else {
                throw RuntimeError("the checkpoint was made with batch \(state.batch), seed \(state.seed), optimizer \(state.optimizer)",
                                   hint: "resume with the same batch, seed and optimizer")
            }
            for q in task.frozenParameters {
                guard let v = frozen[q.name], v.shape == q.shape else { throw RuntimeError("the checkpoint has no reference parameter \(q.name)") }
                q.value = v.to(q.dtype)
            }
            task.state = state.task ?? [:]
            try task.restored()
            resumed = state
            history = state.history
        }
    }

    var stepsPerEpoch: Int { (task.count + options.batch - 1) / options.batch }
    var totalSteps: Int { stepsPerEpoch * options.epochs }

    func makeOptimizer() throws -> any OptimizerStateful {
        let params = task.parameters
        let o: any OptimizerStateful
        switch options.optimizer {
        case "sgd": o = try SGD(params, learningRate: options.lr)
        case "adam": o = try Adam(params, learningRate: options.lr)
        default: o = try AdamW(params, learningRate: options.lr)
        }
        if let r = resumed {
            var tensors = [String: Tensor]()
            for (name, values) in r.moments {
                let i = Int(name.prefix { $0 != "/" }) ?? -1
                guard params.indices.contains(i) else { throw RuntimeError("the checkpoint's optimizer state \(name) fits no parameter") }
                tensors[name] = try Tensor(values, shape: params[i].shape, dtype: params[i].dtype)
            }
            try o.restore(tensors: tensors, steps: r.optimizerSteps)
        }
        return o
    }

    /// Writes the checkpoint of the position (epoch, batches done in it).
    func save(_ optimizer: any OptimizerStateful, step: Int, epoch: Int, offset: Int) throws {
        guard let path = options.checkpoint else { return }
        let (tensors, steps) = optimizer.state()
        var moments = [String: [Double]]()
        for (n, t) in tensors { moments[n] = t.to(.f64).scalars }
        try Checkpoint(seed: options.seed, step: step, epoch: epoch, offset: offset, batch: options.batch, optimizer: options.optimizer,
                       optimizerSteps: steps, moments: moments, history: history, task: task.state.isEmpty ? nil : task.state)
            .write(to: path, parameters: task.parameters, frozen: task.frozenParameters)
    }

    var schedule: LearningRateSchedule {
        switch options.schedule {
        case "linear": .linear(warmup: options.warmup, total: totalSteps)
        case "cosine": .cosine(warmup: options.warmup, total: totalSteps)
        default: options.warmup > 0 ? .linear(warmup: options.warmup, total: Int.max / 2) : .constant
        }
    }

    /// Runs every epoch; `progress` is called after each step with (step, total, loss).
    func run(progress: (Int, Int, Double) -> Void) throws {
        let optimizer = try makeOptimizer()
        let schedule = self.schedule
        var step = resumed?.step ?? 0
        for epoch in (resumed?.epoch ?? 0)..<max(options.epochs, resumed?.epoch ?? 0) {
            var rng = RandomStream(seed: options.seed, stream: "fit/shuffle/\(epoch)")
            let order = rng.permutation(task.count)
            var start = epoch == resumed?.epoch ? (resumed?.offset ?? 0) * options.batch : 0
            while start < order.count {
                let rows = Array(order[start..<min(start + options.batch, order.count)])
                start += options.batch
                let lr = schedule.learningRate(base: options.lr, at: step)
                optimizer.learningRate = lr
                var metrics: [String: Double]
                do {
                    metrics = try Interruption.withFlag(nil) { () throws -> [String: Double] in
                        try self.step(rows, optimizer: optimizer, step: step)
                    }
                } catch is Interrupted {
                    // A user-defined loss saw the flag (the interpreter cleared it) before the
                    // update: the step is dropped and the parameters are those of the last one.
                    for q in task.parameters { q.zeroGrad() }
                    interrupted = true
                    try save(optimizer, step: step, epoch: epoch, offset: start / options.batch - 1)
                    return
                }
                metrics["step"] = Double(step + 1)
                metrics["epoch"] = Double(epoch + 1)
                metrics["lr"] = lr
                history.append(metrics)
                step += 1
                progress(step, totalSteps, metrics["loss"] ?? .nan)
                if interpreter.interruptFlag.pointee != 0 {
                    interpreter.interruptFlag.pointee = 0
                    interrupted = true
                    try save(optimizer, step: step, epoch: epoch, offset: start / options.batch)
                    return
                }
            }
            try save(optimizer, step: step, epoch: epoch + 1, offset: 0)
            try onEpoch(epoch + 1, step)
        }
    }

    /// One optimizer step on examples `rows`; returns the step's metrics.
    func step(_ rows: [Int], optimizer: any OptimizerStateful, step: Int) throws -> [String: Double] {
        let params = task.parameters
        // One tape for the whole run: reset keeps the arena's pages, so a step does not fault in
        // and zero fresh memory (about a fifth of a token-policy step).
        let tape = self.tape
        defer { tape.reset() }
        var recorded = try task.record(rows, on: tape)
        let value = try recorded.loss.value().to(.f64).scalars[0]
        guard value.isFinite else {
            throw TrainingFailure(message: "step \(step + 1): the loss is \(value.isNaN ? "NaN" : value > 0 ? "+∞" : "−∞")\(try culprit(rows))")
        }
        for q in params { q.zeroGrad() }
        try tape.backward(recorded.loss)
        // One pass over each gradient: the finite check and the squared norm together.
        var squares = 0.0
        for q in params {
            guard let g = q.grad?.to(.f64).scalars else { continue }
            guard g.allSatisfy(\.isFinite) else {
                for q in params { q.zeroGrad() }
                throw TrainingFailure(message: "step \(step + 1): the gradient of '\(q.name)' is not finite (loss \(task.loss.name))")
            }
            squares += g.reduce(0) { $0 + $1 * $1 }
        }
        let norm = options.clip.map { clipGradientNorm(params, maxNorm: $0) } ?? squares.squareRoot()
        try optimizer.step()
        for q in params { q.zeroGrad() }
        recorded.metrics["grad_norm"] = norm
        return recorded.metrics
    }

    /// For a composite loss, the first term whose value is not finite (", in term k (name)").
    func culprit(_ rows: [Int]) throws -> String {
        guard case .sum(let terms) = task.loss.kind else { return " (loss \(task.loss.name))" }
        for (i, t) in terms.enumerated() where !(try task.value(of: t.loss, rows: rows)).isFinite {
            return " in term \(i + 1) (\(t.loss.name))"
        }
        return " (loss \(task.loss.name))"
    }

    /// The history as a table, one row per step.
    func historyTable() -> Table {
        let columns = task.columns
        return Table(columns: columns, rows: history.map { m in columns.map { .number(m[$0] ?? .nan) } })
    }
}
