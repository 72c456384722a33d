import PrefCore
import PrefLanguage
import PrefLearn

/// What a reward can score, read from a pref value: a feature tensor, a toy world (its training
/// candidates) or split, or a dataset's response columns.
enum RewardTarget {
    /// Candidates whose rewards are reshaped to `shape` ([n], [P, K] or [n, m]).
    case candidates(RewardInputs, shape: [Int])
    /// A pairs dataset: rewards of chosen and rejected.
    case pairs(chosen: RewardInputs, rejected: RewardInputs)

    /// Reads `value` (argument `i` of `call`); `world` looks up dataset ids (lengths, ψ, gold).
    static func read(_ call: BuiltinCall, _ i: Int, world: ToyWorld?) throws -> RewardTarget {
        switch call[i] {
        case .tensor(let box):
            let t = try TensorValues.tensor(box)
            guard t.rank == 2 || t.rank == 3, t.count > 0 else {
                throw call.error("candidate features must be a [n, d] or [P, K, d] tensor, not \(t.shape)")
            }
            let d = t.shape[t.rank - 1]
            let inputs = try RewardInputs(features: try t.reshaped([t.count / d, d]).to(.f64))
            return .candidates(inputs, shape: Array(t.shape.dims.dropLast()))
        case .native(let n):
            if let w = n.object as? ToyWorldObject { return try split(w.world, .train) }
            if let s = n.object as? ToySplitObject { return try split(s.world, s.split) }
            if let d = n.object as? DatasetObject { return try dataset(d.dataset, world: world, call) }
        default: break
        }
        throw call.typeError(i, expected: "a dataset, a toy world (or w.train / w.test) or a feature tensor")
    }

    static func split(_ w: ToyWorld, _ s: ToyWorld.Split) throws -> RewardTarget {
        .candidates(try RewardInputs(world: w, split: s), shape: [w.prompts(s).count, w.config.candidates])
    }

    static func dataset(_ d: Dataset, world: ToyWorld?, _ call: BuiltinCall) throws -> RewardTarget {
        switch d.kind {
        case .pairs, .logps:
            let (c, r) = try d.pairInputs(world: world)
            return .pairs(chosen: c, rejected: r)
        case .unpaired, .ratings, .ranked:
            let inputs = try d.rewardInputs(d.responseColumns[0], world: world)
            let shape = d.kind == .ranked ? [d.count, inputs.count / Swift.max(d.count, 1)] : [d.count]
            return .candidates(inputs, shape: shape)
        case .comparisons:
            throw call.error("comparisons rows carry no response features to score", hint: "score pairs, unpaired, ranked or ratings data")
        }
    }
}

extension RewardBuiltins {
    /// `score(r, x, world:)`: a tensor of rewards, or {chosen, rejected} for pairs.
    static func score(_ r: RewardObject, _ call: BuiltinCall, data: Int, world: Int) throws -> Value {
        let w = try worldArgument(call, world) ?? r.world
        switch try RewardTarget.read(call, data, world: w) {
        case .candidates(let inputs, let shape):
            return TensorValues.wrap(try r.reward.rewards(inputs).reshaped(Shape(shape)))
        case .pairs(let c, let rj):
            return .record(RecordBox([("chosen", TensorValues.wrap(try r.reward.rewards(c))),
                                      ("rejected", TensorValues.wrap(try r.reward.rewards(rj)))]))
        }
    }

    /// An optional `world:` argument: none or a toy world.
    static func worldArgument(_ call: BuiltinCall, _ i: Int) throws -> ToyWorld? {
        switch call[i] {
        case .none: return nil
        case .native(let n) where n.object is ToyWorldObject: return (n.object as? ToyWorldObject)?.world
        default: throw call.typeError(i, expected: "none or a toy world")
        }
    }

    /// A reward argument.
    static func reward(_ call: BuiltinCall, _ i: Int) throws -> RewardObject {
        guard case .native(let n) = call[i], let r = n.object as? RewardObject else {
            throw call.typeError(i, expected: "a reward", hint: "e.g. reward_model(features: w), w.gold_reward or length")
        }
        return r
    }
}

extension RewardBuiltins {
    /// `min(a, b, …)` / `max(a, b, …)` of rewards: an ensemble with the min/max combination;
    /// nil when no argument is a reward.
    static func extreme(_ items: [Value], largest: Bool, _ call: BuiltinCall) throws -> Value? {
        let rewards = items.compactMap { v -> RewardObject? in
            if case .native(let n) = v { return n.object as? RewardObject }
            return nil
        }
        guard !rewards.isEmpty else { return nil }
        guard rewards.count == items.count else { throw call.error("cannot mix rewards with other values", hint: "e.g. min(a, b) of two rewards") }
        let e = try EnsembleReward(rewards.map(\.reward), combination: largest ? .max : .min)
        return RewardObject.value(e, world: rewards.lazy.compactMap(\.world).first)
    }
}
