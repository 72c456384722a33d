import PrefCore
import PrefLanguage
import PrefLearn

/// Losses whose data is a record of tensors rather than a logps dataset: the listwise losses
/// read a ranked record {policy_logps: [P, K], ref_logps: [P, K] (optional), scores: [P, K]
/// (optional graded labels ψ, higher is better; without them the columns are best to worst and
/// ψ_i = K − 1 − i)}; TPO reads a tree record {step_logratios: [P, K, S] (each step's summed or
/// mean token log-ratio, as the loss's step_reward says), step_weights: [P, K, S] or step_hidden:
/// [P, K, S, H] (optional), scores: [P, K] (optional, as above)}.
extension LossObject {
    static let treeHint = "pass {step_logratios: [P, K, S], step_weights: [P, K, S] or step_hidden: [P, K, S, H], scores: [P, K]} (all but step_logratios optional)"

    /// The record form the loss reads: "ranked", "tree", or nil for a logps dataset.
    var recordForm: String? {
        switch kind {
        case .listwise: "ranked"
        case .tpo: "tree"
        case .sparsePO: "tokens"
        case .sum(let terms): terms.first?.loss.recordForm
        case .scoped(let inner, _): inner.recordForm
        default: nil
        }
    }

    /// The loss on a tree batch ([P, K, S] step log-ratios on one tape).
    func evaluateTree(_ r: Var, weights: [Double]?, labels: [[Double]]) throws -> LossResult {
        switch kind {
        case .tpo(let c): return LossResult(try tpoLoss(stepLogratios: r, stepWeights: weights, labels: labels, config: c))
        case .sum(let terms): return try Self.combine(terms) { try $0.evaluateTree(r, weights: weights, labels: labels) }
        default: throw RuntimeError("\(name) does not read a tree record", hint: "tpo reads tree records")
        }
    }

    /// True when a TPO term wants the adaptive step weights (step_weights: "adaptive").
    var usesAdaptiveStepWeights: Bool {
        terms.contains { term in
            if case .tpo(let c) = term.loss.kind { return c.stepWeights == .adaptive }
            return false
        }
    }

    /// The step reward forms of the TPO terms ("sum" or "mean"); a training task computes the step
    /// log-ratios in one form, so a loss whose TPO terms disagree cannot train.
    var tpoStepRewards: Set<TPOStepReward> {
        Set(terms.compactMap { term in
            if case .tpo(let c) = term.loss.kind { return c.stepReward }
            return nil
        })
    }

    static let rankedHint = "pass {policy_logps: [P, K] tensor, ref_logps: [P, K], scores: [P, K]} (scores optional: columns best to worst)"

    /// The loss on a ranked batch ([P, K] log-probs on one tape).
    func evaluateRanked(policy: Var, reference: Var?, labels: [[Double]], interpreter: Interpreter? = nil) throws -> LossResult {
        switch kind {
        case .listwise(let c): return LossResult(try listwiseLoss(policy: policy, reference: reference, labels: labels, config: c))
        case .custom(let name, let function):
            guard let interpreter else { throw RuntimeError("\(name): a user-defined loss needs the interpreter that defined it") }
            return try Self.custom(name, function, view: try Self.rankedView(policy: policy, reference: reference, labels: labels),
                                   tape: policy.tape, count: labels.count, interpreter)
        case .sum(let terms):
            return try Self.combine(terms) { try $0.evaluateRanked(policy: policy, reference: reference, labels: labels, interpreter: interpreter) }
        default:
            throw RuntimeError("\(name) reads a logps dataset, not a ranked record",
                               hint: "plackett_luce, lipo and rank_dpo read ranked records")
        }
    }
}

extension LossObject {
    /// The ranked batch view of a user-defined loss: `logps` and `ref_logps` ([B, m], on the
    /// tape; ref_logps none when reference-free), `logratio` = logps − ref_logps, and `scores`,
    /// the graded labels ψ ([B, m], higher is better).
    static func rankedView(policy: Var, reference: Var?, labels: [[Double]]) throws -> Value {
        let m = labels.first?.count ?? 0
        let scores = try Tensor(labels.flatMap { $0 }, shape: [labels.count, m], dtype: .f64)
        return .record(RecordBox([
            ("logps", TensorValues.wrap(policy)), ("ref_logps", reference.map { TensorValues.wrap($0) } ?? .none),
            ("logratio", TensorValues.wrap(try reference.map { try policy - $0 } ?? policy)),
            ("scores", .tensor(TensorBox(scores))),
        ]))
    }
}

extension LossBuiltins {
    /// `inspect(loss, record)`: the record-shaped data of the listwise losses.
    static func inspectRecord(_ loss: LossObject, _ r: RecordBox, _ call: BuiltinCall) throws -> Value {
        do {
            if loss.recordForm == "tree" { return try inspectTree(loss, r) }
            if loss.recordForm == "tokens" { return try inspectTokens(loss, r) }
            return try inspectRanked(loss, r, call)
        } catch let e as TensorError {
            throw call.error(e.message, hint: e.hint)
        } catch let e as RuntimeError {
            throw call.error(e.message, hint: e.hint)
        }
    }

    /// A field of a record as an f64 tensor, or nil when absent or none.
    static func recordTensor(_ r: RecordBox, _ key: String, required: Bool, hint: String) throws -> Tensor? {
        let v = r[key] ?? .none
        if case .none = v {
            if required { throw RuntimeError("the record has no field '\(key)'", hint: hint) }
            return nil
        }
        return try TensorLiteral.tensor(v, dtype: .f64, op: "inspect")
    }

    /// The graded labels ψ of a [P, K] record, or K − 1 − i when `scores` is absent.
    static func recordLabels(_ r: RecordBox, p: Int, k: Int, hint: String) throws -> [[Double]] {
        let st = try recordTensor(r, "scores", required: false, hint: hint)
        if let st, st.shape != Shape([p, k]) { throw RuntimeError("scores has shape \(st.shape), expected [\(p), \(k)]", hint: hint) }
        let flat = st?.scalars ?? (0..<(p * k)).map { Double(k - 1 - $0 % k) }
        guard flat.allSatisfy(\.isFinite) else { throw RuntimeError("scores must be finite", hint: hint) }
        return (0..<p).map { Array(flat[($0 * k)..<($0 * k + k)]) }
    }

    /// TPO on a tree record: per-prompt `loss`, `grad` (P·∂L/∂r, [P, K, S]), `reward` (βR, [P, K]),
    /// `step_weights` (the w used), `batch_loss`, `metrics`.
    static func inspectTree(_ loss: LossObject, _ r: RecordBox) throws -> Value {
        let hint = LossObject.treeHint
        guard let rt = try recordTensor(r, "step_logratios", required: true, hint: hint) else { return .none }
        guard rt.shape.rank == 3, rt.shape.count > 0 else {
            throw RuntimeError("step_logratios must be a non-empty [prompts, responses, steps] tensor, got shape \(rt.shape)", hint: hint)
        }
        let (p, k, steps) = (rt.shape.dims[0], rt.shape.dims[1], rt.shape.dims[2])
        let labels = try recordLabels(r, p: p, k: k, hint: hint)
        var weights: [Double]?
        if let wt = try recordTensor(r, "step_weights", required: false, hint: hint) {
            guard wt.shape == rt.shape else { throw RuntimeError("step_weights has shape \(wt.shape), step_logratios \(rt.shape)", hint: hint) }
            weights = wt.scalars
        } else if loss.usesAdaptiveStepWeights, let ht = try recordTensor(r, "step_hidden", required: false, hint: hint) {
            guard ht.shape.rank == 4, Array(ht.shape.dims.prefix(3)) == rt.shape.dims else {
                throw RuntimeError("step_hidden must be [\(p), \(k), \(steps), H], got shape \(ht.shape)", hint: hint)
            }
            weights = try tpoStepWeights(hidden: ht, labels: labels)
        }
        let tape = Tape()
        let v = tape.variable(rt)
        let out = try loss.evaluateTree(v, weights: weights, labels: labels)
        try tape.backward(out.loss)
        let grad = try v.gradient()?.scalars.map { $0 * Double(p) } ?? [Double](repeating: 0, count: rt.shape.count)
        let w = weights ?? [Double](repeating: 1, count: rt.shape.count)
        let beta = loss.terms.first?.loss.beta ?? 1, normalised = loss.tpoStepRewards.contains(.mean)
        let reward = (0..<(p * k)).map { y in
            let ws = w[(y * steps)..<(y * steps + steps)], total = ws.reduce(0, +)
            let weighted = beta * zip(ws, rt.scalars[(y * steps)..<(y * steps + steps)]).reduce(0) { $0 + $1.0 * $1.1 }
            return !normalised ? weighted : total > 0 ? weighted / total : 0
        }
        let metrics = out.metrics.keys.sorted().map { ($0, Value.number(out.metrics[$0] ?? 0)) }
        return .record(RecordBox([
            ("loss", .tensor(TensorBox(Tensor(try out.perExample.value().scalars, dtype: .f64)))),
            ("grad", .tensor(TensorBox(try Tensor(grad, shape: rt.shape, dtype: .f64)))),
            ("reward", .tensor(TensorBox(try Tensor(reward, shape: [p, k], dtype: .f64)))),
            ("step_weights", .tensor(TensorBox(try Tensor(w, shape: rt.shape, dtype: .f64)))),
            ("batch_loss", .number(try out.loss.value().scalars[0])),
            ("metrics", .record(RecordBox(metrics))),
        ]))
    }

    /// Per-prompt `loss`, `grad` (P·∂L/∂p, [P, K]), `reward` (s = β·scale·(p − r), [P, K]),
    /// `batch_loss`, `metrics`.
    static func inspectRanked(_ loss: LossObject, _ r: RecordBox, _ call: BuiltinCall) throws -> Value {
        let hint = LossObject.rankedHint
        guard let pt = try recordTensor(r, "policy_logps", required: true, hint: hint) else { return .none }
        guard pt.shape.rank == 2, pt.shape.count > 0 else {
            throw RuntimeError("policy_logps must be a non-empty [prompts, responses] tensor, got shape \(pt.shape)", hint: hint)
        }
        let (p, k) = (pt.shape.dims[0], pt.shape.dims[1])
        let rt = try recordTensor(r, "ref_logps", required: false, hint: hint)
        if let rt, rt.shape != pt.shape { throw RuntimeError("ref_logps has shape \(rt.shape), policy_logps \(pt.shape)", hint: hint) }
        let labels = try recordLabels(r, p: p, k: k, hint: hint)
        let tape = Tape()
        let policy = tape.variable(pt), reference = rt.map { tape.constant($0) }
        let out = try loss.evaluateRanked(policy: policy, reference: reference, labels: labels, interpreter: call.interpreter)
        try tape.backward(out.loss)
        let grad = try policy.gradient()?.scalars.map { $0 * Double(p) } ?? [Double](repeating: 0, count: p * k)
        let ds = zip(pt.scalars, rt?.scalars ?? [Double](repeating: 0, count: p * k)).map { $0 - $1 }
        let scale: Double = if case .listwise(let c) = loss.terms.first?.loss.kind { c.beta * c.scale } else { 1 }
        func matrix(_ x: [Double]) throws -> Value { .tensor(TensorBox(try Tensor(x, shape: [p, k], dtype: .f64))) }
        let metrics = out.metrics.keys.sorted().map { ($0, Value.number(out.metrics[$0] ?? 0)) }
        return .record(RecordBox([
            ("loss", .tensor(TensorBox(Tensor(try out.perExample.value().scalars, dtype: .f64)))),
            ("grad", try matrix(grad)), ("reward", try matrix(ds.map { $0 * scale })),
            ("batch_loss", .number(try out.loss.value().scalars[0])),
            ("metrics", .record(RecordBox(metrics))),
        ]))
    }
}
