import PrefCore
import PrefLanguage
import PrefLearn

/// Losses whose data is a record of tensors rather than a logps dataset: the listwise losses
/// read a ranked record {policy_logps: [P, K], ref_logps: [P, K] (optional), scores: [P, K]
/// (optional graded labels ψ, higher is better; without them the columns are best to worst and
/// ψ_i = K − 1 − i)}.
extension LossObject {
    static let rankedHint = "pass {policy_logps: [P, K] tensor, ref_logps: [P, K], scores: [P, K]} (scores optional: columns best to worst)"

    /// The loss on a ranked batch ([P, K] log-probs on one tape).
    func evaluateRanked(policy: Var, reference: Var?, labels: [[Double]]) throws -> LossResult {
        switch kind {
        case .listwise(let c): return LossResult(try listwiseLoss(policy: policy, reference: reference, labels: labels, config: c))
        case .sum(let terms): return try Self.combine(terms) { try $0.evaluateRanked(policy: policy, reference: reference, labels: labels) }
        default:
            throw RuntimeError("\(name) reads a logps dataset, not a ranked record",
                               hint: "plackett_luce, lipo and rank_dpo read ranked records")
        }
    }
}

extension LossBuiltins {
    /// `inspect(loss, record)`: the record-shaped data of the listwise losses.
    static func inspectRecord(_ loss: LossObject, _ r: RecordBox, _ call: BuiltinCall) throws -> Value {
        do {
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
        let st = try recordTensor(r, "scores", required: false, hint: hint)
        for (name, t) in [("ref_logps", rt), ("scores", st)] {
            if let t, t.shape != pt.shape { throw RuntimeError("\(name) has shape \(t.shape), policy_logps \(pt.shape)", hint: hint) }
        }
        let flat = st?.scalars ?? (0..<(p * k)).map { Double(k - 1 - $0 % k) }
        guard flat.allSatisfy(\.isFinite) else { throw RuntimeError("scores must be finite", hint: hint) }
        let labels = (0..<p).map { Array(flat[($0 * k)..<($0 * k + k)]) }
        let tape = Tape()
        let policy = tape.variable(pt), reference = rt.map { tape.constant($0) }
        let out = try loss.evaluateRanked(policy: policy, reference: reference, labels: labels)
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
