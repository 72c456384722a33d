import PrefCore
import PrefLanguage
import PrefLearn

/// A reward evaluated once over a candidate policy's prompts, as the [n, K] f64 matrix RLHF
/// optimises against (rewards are fixed during RL, so one evaluation serves every step).
///
/// What counts as a reward:
/// - a reward value (reward model, ensemble, reward algebra, `w.gold_reward`, `length`): scored
///   on every candidate of the prompts through `RewardInputs` (the policy's toy world);
/// - a tensor of rewards, [n, K] for the prompts or [P, K] for every prompt of the source;
/// - a pref function `fn(c)`, called once for the whole prompt batch with the record
///   c = {ids, psi, q, length} — ids [n, K] (candidate id p·K + k), ψ [n, K, D], and for a toy
///   world q [n, K, d] and length [n, K] — returning a tensor of n·K rewards ([n, K] or flat).
enum RewardMatrix {
    /// The rewards of `value` (argument `i` of `call`) over `prompts` of `policy` (from `split`).
    static func evaluate(_ value: Value, argument i: Int, policy: PolicyObject, prompts: [Int], split: ToyWorld.Split,
                         call: BuiltinCall) throws -> Tensor {
        let n = prompts.count, k = policy.policy.source.candidates
        switch value {
        case .native(let box):
            guard let r = box.object as? RewardObject else { break }
            guard let world = policy.world else {
                throw call.error("a reward scores toy-world candidates, but the policy was built on a feature tensor",
                                 hint: "pass the rewards as a [P, K] tensor or a function of the candidates")
            }
            if let own = r.world, "\(own.config)" != "\(world.config)" {
                throw call.error("the reward was built on another toy world than the policy", hint: "build both on the same world")
            }
            let inputs = try RewardInputs(world: world, split: split)
            return try r.reward.rewards(inputs).to(.f64).reshaped([n, k])
        case .tensor(let box):
            let t = try TensorValues.tensor(box).to(.f64)
            if t.shape == [n, k] { return t }
            if t.shape == [policy.policy.source.prompts, k] { return try t.gather(try IndexTensor(prompts), axis: 0) }
            throw call.error("a reward tensor must be [\(n), \(k)] (the prompts) or [\(policy.policy.source.prompts), \(k)] (every prompt), not \(t.shape)")
        case .function:
            let result = try call.interpreter.call(value, [try candidates(policy, prompts: prompts, split: split)])
            guard case .tensor(let out) = result else {
                throw call.error("the reward function must return a tensor of \(n * k) rewards, got \(result.typeName)")
            }
            let t = try TensorValues.tensor(out).to(.f64)
            guard t.count == n * k else {
                throw call.error("the reward function returned \(t.shape), expected [\(n), \(k)] (one reward per candidate)")
            }
            return try t.reshaped([n, k])
        default: break
        }
        throw call.typeError(i, expected: "a reward, a [P, K] tensor or a function of the candidates",
                             hint: "e.g. w.gold_reward, a reward model, or fn(c) sum(c.q, axis: -1)")
    }

    /// The record a reward function receives: ids, psi, and q and length for a toy world.
    static func candidates(_ policy: PolicyObject, prompts: [Int], split: ToyWorld.Split) throws -> Value {
        let source = policy.policy.source, n = prompts.count, k = source.candidates
        let ids = prompts.flatMap { p in (0..<k).map { Double(p * k + $0) } }
        var fields: [(String, Value)] = [
            ("ids", TensorValues.wrap(try Tensor(ids, shape: [n, k], dtype: .f64))),
            ("psi", TensorValues.wrap(try source.psi.gather(try IndexTensor(prompts), axis: 0))),
        ]
        if let world = policy.world {
            let inputs = try RewardInputs(world: world, split: split)
            fields.append(("q", TensorValues.wrap(try inputs.features.reshaped([n, k, inputs.features.shape[1]]))))
            fields.append(("length", TensorValues.wrap(try Tensor(try inputs.lengths(for: "rlhf"), shape: [n, k], dtype: .f64))))
        }
        return .record(RecordBox(fields))
    }
}
