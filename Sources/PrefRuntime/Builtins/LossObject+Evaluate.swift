import PrefCore
import PrefLanguage
import PrefLearn

/// A loss's result on one batch: per-example losses and the batch loss on the tape, and metrics.
struct LossResult {
    var perExample: Var
    var loss: Var
    var metrics: [String: Double]
    init(perExample: Var, loss: Var, metrics: [String: Double]) {
        self.perExample = perExample
        self.loss = loss
        self.metrics = metrics
    }
    init(_ e: LossEvaluation) { self.init(perExample: e.perExample, loss: e.loss, metrics: e.metrics) }
    init(_ e: DPOLossOutput) { self.init(perExample: e.perExample, loss: e.loss, metrics: e.metrics) }
}

/// Evaluating a loss value on a paired batch: the native losses call the PrefLearn zoo, a
/// composite sums its weighted terms, a user-defined loss runs its pref function on the batch view.
extension LossObject {
    /// The loss on `batch` (paired, on one tape). `interpreter` runs user-defined losses.
    func evaluate(_ batch: PreferenceBatch, interpreter: Interpreter) throws -> LossResult {
        switch kind {
        case .dpo(let c): return LossResult(try DPOLoss.compute(batch, c))
        case .orpo(let beta): return LossResult(try batch.orpo(beta: beta))
        case .cpo(let c, _): return LossResult(try batch.cpo(c))
        case .bradleyTerry(let c, let m): return LossResult(try batch.bradleyTerry(centerRewardsCoefficient: c, margin: m))
        case .eurus: return LossResult(try batch.eurusRewardModel())
        case .gpo(let c): return LossResult(try batch.gpo(c))
        case .mapo(let c): return LossResult(try batch.mapo(c))
        case .dove(let beta): return LossResult(try batch.dove(beta: beta))
        case .logic(let c): return LossResult(try batch.logic(c))
        case .kto, .bco:
            throw RuntimeError("\(name) needs an unpaired logps dataset (label, policy_logps, ref_logps, policy_kl_logps, ref_kl_logps)",
                               hint: "unpaired rows have policy_logps and ref_logps instead of the chosen/rejected fields")
        case .listwise:
            throw RuntimeError("\(name) needs a ranked record, not a logps dataset", hint: Self.rankedHint)
        case .tpo:
            throw RuntimeError("tpo needs a tree record, not a logps dataset", hint: Self.treeHint)
        case .sparsePO:
            throw RuntimeError("sparse_po needs a token record, not a logps dataset", hint: Self.tokenHint)
        case .custom(let name, let function): return try custom(name, function, batch, interpreter)
        case .sum(let terms): return try Self.combine(terms) { try $0.evaluate(batch, interpreter: interpreter) }
        case .scoped(let inner, let scope): return try Self.scoped(inner, scope, batch, interpreter) { try $0.evaluate(batch, interpreter: interpreter) }
        case .klToReference: return try Self.klToReference(batch)
        }
    }

    /// The loss on an unpaired batch (KTO, BCO; a composite of them). BCO's δ starts from fresh
    /// running moments updated with this batch, as on a first training step.
    func evaluateUnpaired(_ batch: PreferenceBatch, interpreter: Interpreter? = nil) throws -> LossResult {
        var moments = [BCORunningMoments]()
        return try evaluateUnpaired(batch, moments: &moments, interpreter: interpreter)
    }

    /// The loss on an unpaired batch during training: `moments` holds the running reward
    /// moments of the loss's BCO terms in order (a missing entry starts fresh), and this batch
    /// updates them.
    func evaluateUnpaired(_ batch: PreferenceBatch, moments: inout [BCORunningMoments], interpreter: Interpreter?) throws -> LossResult {
        var next = 0
        return try evaluateUnpaired(batch, moments: &moments, next: &next, interpreter: interpreter)
    }

    private func evaluateUnpaired(_ batch: PreferenceBatch, moments: inout [BCORunningMoments], next: inout Int,
                                  interpreter: Interpreter?) throws -> LossResult {
        switch kind {
        case .kto(let c): return LossResult(try batch.kto(c))
        case .bco(let c):
            if moments.count <= next { moments.append(BCORunningMoments()) }
            defer { next += 1 }
            return LossResult(try batch.bco(&moments[next], training: true, config: c))
        case .custom(let name, let function):
            guard let interpreter else { throw RuntimeError("\(name): a user-defined loss needs the interpreter that defined it") }
            return try custom(name, function, batch, interpreter)
        case .sum(let terms):
            return try Self.combine(terms) { try $0.evaluateUnpaired(batch, moments: &moments, next: &next, interpreter: interpreter) }
        case .scoped(let inner, let scope):
            guard let interpreter else { throw RuntimeError("\(name): a scope needs the interpreter that defined it") }
            return try Self.scoped(inner, scope, batch, interpreter) { try $0.evaluateUnpaired(batch, moments: &moments, next: &next, interpreter: interpreter) }
        case .klToReference: return try Self.klToReference(batch)
        default:
            throw RuntimeError("\(name) needs a paired logps dataset (policy_chosen_logps, …), got unpaired rows",
                               hint: "unpaired rows (policy_logps, label) suit kto and bco")
        }
    }

    /// Σ_k w_k·(per-example, batch) of the terms; metrics prefixed "k/name/".
    static func combine(_ terms: [(weight: Double, loss: LossObject)], _ evaluate: (LossObject) throws -> LossResult) throws -> LossResult {
        var perExample: Var?, loss: Var?
        var metrics = [String: Double]()
        for (k, term) in terms.enumerated() {
            let e = try evaluate(term.loss)
            let pe = try e.perExample * term.weight, l = try e.loss * term.weight
            perExample = try perExample.map { (x: Var) throws(TensorError) in try x + pe } ?? pe
            loss = try loss.map { (x: Var) throws(TensorError) in try x + l } ?? l
            for (key, v) in e.metrics { metrics["\(k)/\(term.loss.name)/\(key)"] = v }
        }
        guard let perExample, let loss else { throw RuntimeError("the composite loss has no terms") }
        return LossResult(perExample: perExample, loss: loss, metrics: metrics)
    }

    /// A user-defined loss on a paired or unpaired batch.
    private func custom(_ name: String, _ function: Value, _ batch: PreferenceBatch, _ interpreter: Interpreter) throws -> LossResult {
        guard let tape = batch.tape, batch.count > 0 else { throw RuntimeError("\(name): the batch is empty") }
        var out = try Self.custom(name, function, view: try Self.batchView(batch), tape: tape, count: batch.count, interpreter)
        if let pc = batch.policyChosen, let pr = batch.policyRejected {
            out.metrics["logps/chosen"] = try pc.value().scalars.reduce(0, +) / Double(batch.count)
            out.metrics["logps/rejected"] = try pr.value().scalars.reduce(0, +) / Double(batch.count)
        }
        return out
    }

    /// Runs `function(b)` with the batch view `b` (a record of tensors on `tape`); the result is
    /// the per-example losses (a [B] tensor) and the batch loss is their mean.
    static func custom(_ name: String, _ function: Value, view: Value, tape: Tape, count b: Int, _ interpreter: Interpreter) throws -> LossResult {
        guard interpreter.gradContext == nil else {
            throw RuntimeError("\(name): a user-defined loss cannot be evaluated inside grad or inside another user-defined loss",
                               hint: "call inspect at the top level, outside grad, value_and_grad and loss functions")
        }
        interpreter.gradContext = GradContext(tape: tape)
        defer { interpreter.gradContext = nil }
        let result = try interpreter.call(function, [view])
        let perExample: Var
        switch result {
        case .tensor(let box):
            perExample = TensorValues.lift(TensorValues.operand(box, context: interpreter.gradContext), on: tape)
        case .number(let x):
            perExample = tape.constant(try Tensor(Array(repeating: x, count: b), shape: [b], dtype: .f64))
        default:
            throw RuntimeError("\(name): the loss function returned a \(result.typeName), expected a tensor of per-example losses")
        }
        guard perExample.tape === tape, perExample.shape.rank == 1, perExample.shape.count == b else {
            throw RuntimeError("\(name): the loss function must return one loss per example (shape [\(b)]), got shape \(perExample.shape)",
                               hint: "compute elementwise on the fields of b, e.g. -log_sigmoid(0.1 * (b.chosen_logratio - b.rejected_logratio))")
        }
        return LossResult(perExample: perExample, loss: try perExample.mean(), metrics: [:])
    }

    /// The batch view of a user-defined loss: a record of [B] tensors on the tape (none for a
    /// field the data lacks). Paired data fills the chosen/rejected fields, unpaired data
    /// `logps`, `ref_logps`, `logratio`, `kl_logps`, `ref_kl_logps`, `length`.
    static func batchView(_ batch: PreferenceBatch) throws -> Value {
        func field(_ v: Var?) -> Value { v.map { TensorValues.wrap($0) } ?? .none }
        return .record(RecordBox([
            ("chosen_logps", field(batch.policyChosen)), ("rejected_logps", field(batch.policyRejected)),
            ("ref_chosen_logps", field(batch.referenceChosen)), ("ref_rejected_logps", field(batch.referenceRejected)),
            ("chosen_logratio", field(batch.policyChosen == nil ? nil : try batch.chosenLogratio)),
            ("rejected_logratio", field(batch.policyRejected == nil ? nil : try batch.rejectedLogratio)),
            ("chosen_length", field(batch.chosenLengths)), ("rejected_length", field(batch.rejectedLengths)),
            ("label", field(batch.labels)), ("weight", field(batch.weights)), ("margin", field(batch.margins)),
            ("logps", field(batch.policy)), ("ref_logps", field(batch.reference)),
            ("logratio", field(batch.policy == nil ? nil : try batch.logratio)),
            ("kl_logps", field(batch.policyKL)), ("ref_kl_logps", field(batch.referenceKL)), ("length", field(batch.lengths)),
        ]))
    }
}
