import PrefCore
import PrefLanguage
import PrefLearn

/// Reading the arguments of the richer reward models' builtins: pairs as a dataset's feature
/// tensors or a record of tensors, response features, and the full-batch training knobs.
enum RichRewardArguments {
    /// Preference pairs: rows of `chosen` preferred to rows of `rejected`, [n, d] f64 each, with
    /// the prompts' features [n, d_x] when the data has them.
    struct Pairs {
        var chosen: Tensor
        var rejected: Tensor
        var prompts: Tensor?
        var count: Int { chosen.shape[0] }
    }

    static let dataDoc = "a pairs dataset with chosen / rejected features (e.g. w.pairs(n)) or a record {chosen, rejected, prompt} of [n, d] tensors"

    /// A pairs dataset with features "chosen" and "rejected" (and "prompt"), or a record of
    /// tensors with those fields.
    static func pairs(_ call: BuiltinCall, _ v: Value, what: String) throws -> Pairs {
        let fields: (String) throws -> Tensor?
        switch v {
        case .native(let n):
            guard let d = n.object as? DatasetObject else { throw call.error("\(what) must be a pairs dataset or a record of tensors, got \(v.typeName)") }
            guard d.dataset.kind == .pairs else {
                throw call.error("\(what) must be a pairs dataset, got a \(d.dataset.kind.rawValue) dataset")
            }
            fields = { d.dataset.features[$0]?.to(.f64) }
        case .record(let r):
            fields = { name in
                guard let value = r[name] else { return nil }
                guard case .tensor(let box) = value else { throw call.error("field \(name) of \(what) must be a tensor, got \(value.typeName)") }
                return try TensorValues.tensor(box).to(.f64)
            }
        default:
            throw call.error("\(what) must be a pairs dataset or a record of tensors, got \(v.typeName)",
                             hint: "e.g. w.pairs(1000), or {chosen: a, rejected: b}")
        }
        guard let chosen = try fields("chosen"), let rejected = try fields("rejected") else {
            throw call.error("\(what) has no chosen / rejected features",
                             hint: "toy-world pairs carry them; for loaded data featurize first, or pass {chosen: a, rejected: b}")
        }
        guard chosen.rank == 2, chosen.shape == rejected.shape, chosen.shape[0] >= 1 else {
            throw call.error("\(what): chosen and rejected must be [n, d] tensors of one shape with n ≥ 1, got \(chosen.shape) and \(rejected.shape)")
        }
        let prompts = try fields("prompt")
        if let prompts, prompts.rank != 2 || prompts.shape[0] != chosen.shape[0] {
            throw call.error("\(what): prompt features must be [\(chosen.shape[0]), d_x], got \(prompts.shape)")
        }
        return Pairs(chosen: chosen, rejected: rejected, prompts: prompts)
    }

    /// Checks that `pairs` has `dim` features per response (and prompts of `promptDim` when > 0).
    static func check(_ call: BuiltinCall, _ pairs: Pairs, dim: Int, promptDim: Int = 0, what: String) throws {
        guard pairs.chosen.shape[1] == dim else {
            throw call.error("\(what) has \(pairs.chosen.shape[1]) features per response; the model was trained on \(dim)")
        }
        if promptDim > 0 {
            guard let p = pairs.prompts, p.shape[1] == promptDim else {
                throw call.error("\(what) needs prompt features with \(promptDim) numbers per row (the model's gate reads them)")
            }
        }
    }

    /// A [n, d] tensor of response features.
    static func features(_ call: BuiltinCall, _ i: Int, dim: Int) throws -> Tensor {
        guard case .tensor(let box) = call[i] else { throw call.typeError(i, expected: "a tensor of response features") }
        let t = try TensorValues.tensor(box).to(.f64)
        guard t.rank == 2, t.shape[1] == dim, t.shape[0] >= 1 else {
            throw call.error("\(call.builtin.parameters[i].name) must be a [n, \(dim)] tensor, got \(t.shape)")
        }
        return t
    }

    /// The optional prompt features argument `i`, [n, d_x].
    static func prompts(_ call: BuiltinCall, _ i: Int, rows: Int) throws -> Tensor? {
        if case .none = call[i] { return nil }
        guard case .tensor(let box) = call[i] else { throw call.typeError(i, expected: "a tensor or none") }
        let t = try TensorValues.tensor(box).to(.f64)
        guard t.rank == 2, t.shape[0] == rows else { throw call.error("prompts must be a [\(rows), d_x] tensor, got \(t.shape)") }
        return t
    }

    static func epochs(_ value: Double = 300) -> BuiltinParameter {
        BuiltinParameter("epochs", .int, default: .number(value), doc: "full-batch Adam steps")
    }

    static func lr(_ value: Double = 0.05) -> BuiltinParameter {
        BuiltinParameter("lr", .number, default: .number(value), doc: "Adam's learning rate")
    }

    static let seed = BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 for the initial weights; none: the session seed")

    /// epochs and lr at `i`, `i + 1`.
    static func options(_ call: BuiltinCall, _ i: Int) throws -> RichRewardFit.Options {
        let options = RichRewardFit.Options(epochs: try call.whole(call[i], "epochs"), learningRate: call.number(i + 1))
        do { try options.validate(call.builtin.name) } catch { throw call.error(error.message) }
        return options
    }

    /// The seed at `i` (none: the session seed).
    static func seed(_ call: BuiltinCall, _ i: Int) throws -> UInt64 {
        let seed = try call.optionalInt(i) ?? Int(call.session?.seed ?? 0)
        guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
        return UInt64(seed)
    }

    /// A whole-number argument within bounds.
    static func count(_ call: BuiltinCall, _ i: Int, _ range: ClosedRange<Int>) throws -> Int {
        let n = try call.whole(call[i], call.builtin.parameters[i].name)
        guard range.contains(n) else { throw call.error("\(call.builtin.parameters[i].name) must be \(range.lowerBound)…\(range.upperBound), got \(n)") }
        return n
    }

    /// The training losses as a list of numbers.
    static func history(_ losses: [Double]) -> Value { .list(ListBox(losses.map { .number($0) })) }
}
