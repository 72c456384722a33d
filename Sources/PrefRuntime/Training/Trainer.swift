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

/// One training run of a candidate policy on pairs of its world: shuffled mini-batches (a Philox
/// stream per epoch), whole-batch tape work per step (one gather, matmul and log-softmax over the
/// batch's prompts), the loss on the batch view, backward, clipping, schedule, optimizer step.
/// Non-finite losses or gradients throw before the update, so the parameters stay those of the
/// last good step. The interrupt flag is read after each step.
final class Trainer {
    let policy: PolicyObject
    let loss: LossObject
    let ids: [[Int]]
    let options: FitOptions
    let interpreter: Interpreter
    /// log π_ref(k|x) of every prompt, [P·K], from the policy as built.
    let referenceLogProbs: [Double]
    var history: [[String: Double]] = []
    var interrupted = false
    /// Called after each epoch with (epoch, steps so far), e.g. for evaluation.
    var onEpoch: (Int, Int) throws -> Void = { _, _ in }

    /// π_ref: the policy as built, or the reference of the checkpoint resumed from.
    let reference: CandidatePolicy
    /// Where the run starts (a resumed checkpoint's position).
    var resumed: Checkpoint?

    init(policy: PolicyObject, loss: LossObject, ids: [[Int]], options: FitOptions, interpreter: Interpreter) throws {
        self.policy = policy
        self.loss = loss
        self.ids = ids
        self.options = options
        self.interpreter = interpreter
        var ref = policy.initial
        if let path = options.resume {
            let (state, refValues) = try Checkpoint.read(path, into: policy.policy)
            guard state.batch == options.batch, state.seed == options.seed, state.optimizer == options.optimizer else {
                throw RuntimeError("the checkpoint was made with batch \(state.batch), seed \(state.seed), optimizer \(state.optimizer)",
                                   hint: "resume with the same batch, seed and optimizer")
            }
            ref = policy.initial.frozen()
            for q in ref.parameters {
                guard let v = refValues[q.name], v.shape == q.shape else { throw RuntimeError("the checkpoint has no reference parameter \(q.name)") }
                q.value = v.to(q.dtype)
            }
            resumed = state
            history = state.history
        }
        reference = ref
        referenceLogProbs = try ref.evaluate { t throws(TensorError) in
            try ref.logProbs(prompts: Array(0..<ref.source.prompts), tape: t)
        }.to(.f64).scalars
    }

    var stepsPerEpoch: Int { (ids.count + options.batch - 1) / options.batch }
    var totalSteps: Int { stepsPerEpoch * options.epochs }

    func makeOptimizer() throws -> any OptimizerStateful {
        let params = policy.policy.parameters
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
                       optimizerSteps: steps, moments: moments, history: history)
            .write(to: path, policy: policy.policy, reference: reference)
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
            let order = rng.permutation(ids.count)
            var start = epoch == resumed?.epoch ? (resumed?.offset ?? 0) * options.batch : 0
            while start < order.count {
                let rows = order[start..<min(start + options.batch, order.count)].map { ids[$0] }
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
                    for q in policy.policy.parameters { q.zeroGrad() }
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

    /// One optimizer step on `rows` ([chosen, rejected] ids); returns the step's metrics.
    func step(_ rows: [[Int]], optimizer: any OptimizerStateful, step: Int) throws -> [String: Double] {
        let p = policy.policy, k = p.source.candidates, b = rows.count
        let tape = Tape()
        let prompts = rows.map { $0[0] / k }
        let lp = try p.logProbs(prompts: prompts, tape: tape)
        let pc = try lp.takeAlong(try IndexTensor(rows.map { $0[0] % k }, shape: [b, 1]), axis: 1).reshaped([b])
        let pr = try lp.takeAlong(try IndexTensor(rows.map { $0[1] % k }, shape: [b, 1]), axis: 1).reshaped([b])
        let rcv = rows.map { referenceLogProbs[$0[0]] }, rrv = rows.map { referenceLogProbs[$0[1]] }
        func constant(_ x: [Double]) throws -> Var { tape.constant(try Tensor(x, shape: [b], dtype: p.dtype)) }
        var lengths: (Var, Var)?
        if let l = p.source.lengths {
            lengths = (try constant(rows.map { Double(l[$0[0]]) }), try constant(rows.map { Double(l[$0[1]]) }))
        }
        let batch = PreferenceBatch(policyChosen: pc, policyRejected: pr, referenceChosen: try constant(rcv),
                                    referenceRejected: try constant(rrv), chosenLengths: lengths?.0, rejectedLengths: lengths?.1)
        let out = try loss.evaluate(batch, interpreter: interpreter)
        let value = try out.loss.value().to(.f64).scalars[0]
        guard value.isFinite else {
            throw TrainingFailure(message: "step \(step + 1): the loss is \(value.isNaN ? "NaN" : value > 0 ? "+∞" : "−∞")\(try culprit(batch))")
        }
        for q in p.parameters { q.zeroGrad() }
        try tape.backward(out.loss)
        let lpv = try lp.value().to(.f64).scalars
        tape.reset()
        for q in p.parameters {
            if let g = q.grad, !g.to(.f64).scalars.allSatisfy(\.isFinite) {
                for q in p.parameters { q.zeroGrad() }
                throw TrainingFailure(message: "step \(step + 1): the gradient of '\(q.name)' is not finite (loss \(loss.name))")
            }
        }
        let norm: Double
        if let clip = options.clip {
            norm = clipGradientNorm(p.parameters, maxNorm: clip)
        } else {
            norm = p.parameters.reduce(0) { acc, q in acc + (q.grad?.to(.f64).scalars.reduce(0) { $0 + $1 * $1 } ?? 0) }.squareRoot()
        }
        try optimizer.step()
        for q in p.parameters { q.zeroGrad() }
        return metrics(rows, lpv: lpv, value: value, norm: norm)
    }

    /// The loss, TRL's reward metrics (the loss's own implicit rewards), exact KL and grad norm.
    func metrics(_ rows: [[Int]], lpv: [Double], value: Double, norm: Double) -> [String: Double] {
        let k = policy.policy.source.candidates, b = rows.count
        var kl = 0.0
        var logRows = [LogpsRow]()
        logRows.reserveCapacity(b)
        let lengths = policy.policy.source.lengths
        for (r, row) in rows.enumerated() {
            let base = (row[0] / k) * k
            for j in 0..<k {
                let a = lpv[r * k + j]
                kl += exp(a) * (a - referenceLogProbs[base + j])
            }
            logRows.append(LogpsRow(policyChosen: lpv[r * k + row[0] % k], policyRejected: lpv[r * k + row[1] % k],
                                    refChosen: referenceLogProbs[row[0]], refRejected: referenceLogProbs[row[1]],
                                    chosenLength: lengths.map { Double($0[row[0]]) }, rejectedLength: lengths.map { Double($0[row[1]]) }))
        }
        let rewards = logRows.map(loss.rewards)
        let n = Double(b)
        return [
            "loss": value,
            "rewards/chosen": rewards.reduce(0) { $0 + $1.chosen } / n,
            "rewards/rejected": rewards.reduce(0) { $0 + $1.rejected } / n,
            "rewards/accuracies": Double(rewards.filter { $0.chosen > $0.rejected }.count) / n,
            "rewards/margins": rewards.reduce(0) { $0 + $1.chosen - $1.rejected } / n,
            "logps/chosen": logRows.reduce(0) { $0 + $1.policyChosen } / n,
            "logps/rejected": logRows.reduce(0) { $0 + $1.policyRejected } / n,
            "kl": kl / n,
            "grad_norm": norm,
        ]
    }

    /// For a composite loss, the first term whose value is not finite (", in term k (name)").
    func culprit(_ batch: PreferenceBatch) throws -> String {
        guard case .sum(let terms) = loss.kind else { return " (loss \(loss.name))" }
        for (i, t) in terms.enumerated() {
            let v = try t.loss.evaluate(batch, interpreter: interpreter).loss.value().to(.f64).scalars[0]
            if !v.isFinite { return " in term \(i + 1) (\(t.loss.name))" }
        }
        return " (loss \(loss.name))"
    }

    static let columns = ["step", "epoch", "loss", "rewards/chosen", "rewards/rejected", "rewards/accuracies", "rewards/margins",
                          "logps/chosen", "logps/rejected", "kl", "grad_norm", "lr"]

    /// The history as a table, one row per step.
    func historyTable() -> Table {
        Table(columns: Self.columns, rows: history.map { m in Self.columns.map { .number(m[$0] ?? .nan) } })
    }
}
