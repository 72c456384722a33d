import PrefCore
import PrefLanguage
import PrefLearn

/// A policy's methods, each a builtin bound to it: `p.kl(ref)`, `p.expected_gold()`,
/// `p.sample(n, seed:)`, `p.logprobs()`, and `p.at(goal: g)` for a goal-conditioned policy. Results are exact, over each prompt's candidate set,
/// per prompt of the chosen split. Inside `grad` the tensor-valued ones are recorded, so
/// `grad(fn() -mean(p.expected_gold()), wrt: p.parameters)` differentiates through the policy.
enum PolicyMethods {
    static let names = ["kl", "expected_gold", "sample", "logprobs", "at"]

    static func bound(_ name: String, to object: PolicyObject) -> Value? {
        guard let method = method(name, object) else { return nil }
        return .builtin(BuiltinBox(method))
    }

    static let split = BuiltinParameter("split", .string, default: .str("train"), doc: "\"train\" or \"test\" prompts")

    static func prompts(_ call: BuiltinCall, _ i: Int, _ o: PolicyObject) throws -> [Int] {
        let s = ToyWorld.Split(rawValue: try call.choice(i, ToyWorld.Split.allCases.map(\.rawValue))) ?? .train
        return o.policy.prompts(s)
    }

    private static func method(_ name: String, _ o: PolicyObject) -> Builtin? {
        let p = o.policy
        switch name {
        case "kl":
            return Builtin(name, [BuiltinParameter("reference", .native, doc: "a policy over the same candidates (e.g. reference(p))"), split],
                           category: "policies",
                           doc: "Exact KL(π‖π_ref)(x) = Σ_k π(k|x)(log π(k|x) − log π_ref(k|x)) per prompt of the split, a [P] tensor.") { call in
                let ref = try policyArgument(call, 0)
                try o.checkSameSource(ref, call: call)
                let prompts = try prompts(call, 1, o)
                let goals = try o.goals(prompts.count, call: call, other: ref)
                return try o.compute(call) { t, l throws(TensorError) in try p.kl(to: ref.policy, prompts: prompts, goals: goals, tape: t, leaves: l) }
            }
        case "expected_gold":
            return Builtin(name, [split], category: "policies",
                           doc: "E_π[r*](x) = Σ_k π(k|x) r*(x, k), the exact expected gold reward per prompt of the split, a [P] tensor.") { call in
                let prompts = try prompts(call, 0, o)
                let goals = try o.goals(prompts.count, call: call)
                return try o.compute(call) { t, l throws(TensorError) in try p.expectedGold(prompts: prompts, goals: goals, tape: t, leaves: l) }
            }
        case "sample":
            return Builtin(name, [BuiltinParameter("n", .int, doc: "draws per prompt"),
                                  BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0; none: 0"), split],
                           category: "policies",
                           doc: "n candidate ids per prompt drawn from π(·|x) with replacement, a [P, n] tensor of ids (look them up with w.lookup).") { call in
                let n = try call.whole(call[0], "n")
                let seed = try call.optionalInt(1) ?? 0
                guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
                let prompts = try prompts(call, 2, o)
                guard n >= 1, n <= Shape.maxElements / Swift.max(prompts.count, 1) else {
                    throw call.error("n must be 1…\(Shape.maxElements / Swift.max(prompts.count, 1)), got \(n)")
                }
                let ids = try p.sample(n, prompts: prompts, goals: try o.goals(prompts.count, call: call), seed: UInt64(seed))
                return TensorValues.wrap(try Tensor(ids.flatMap { $0.map(Double.init) }, shape: [prompts.count, n], dtype: .f64))
            }
        case "logprobs":
            return Builtin(name, [split], category: "policies",
                           doc: "log π(k|x) of every candidate of the split's prompts, [P, K]: a log-softmax over each prompt's candidates.") { call in
                let prompts = try prompts(call, 0, o)
                let goals = try o.goals(prompts.count, call: call)
                return try o.compute(call) { t, l throws(TensorError) in try p.logProbs(prompts: prompts, goals: goals, tape: t, leaves: l) }
            }
        case "at":
            return Builtin(name, [BuiltinParameter("goal", .number, doc: "a target score in the policy's goal range")], category: "policies",
                           doc: "A goal-conditioned policy at a fixed goal g: π(·|x, g) for every prompt (reward-augmented relabelling, "
                            + "Zhang et al. 2024; at inference condition on the highest score). It shares the policy's parameters; its "
                            + "kl, expected_gold, sample and logprobs, and evaluate and logps, condition on g.") { call in
                guard let range = p.goal else {
                    throw call.error("the policy is not goal-conditioned", hint: "build one with candidate_policy(w, goal: [0, 4])")
                }
                let g = call.number(0)
                guard range.contains(g) else {
                    throw call.error("goal \(Value.format(number: g)) is outside the policy's goal range \(range)", hint: "at inference condition on the highest goal: pi.at(goal: \(Value.format(number: range.high)))")
                }
                guard range.encoding == .linear || g == g.rounded() else {
                    throw call.error("goal \(Value.format(number: g)) is not a whole number, and the policy's goal range is \(range)",
                                     hint: "pick one of its target scores, e.g. pi.at(goal: \(Value.format(number: range.high)))")
                }
                return .native(NativeBox(PolicyObject(o, atGoal: g)))
            }
        default:
            return nil
        }
    }

    /// A policy argument.
    static func policyArgument(_ call: BuiltinCall, _ i: Int) throws -> PolicyObject {
        guard case .native(let n) = call[i], let p = n.object as? PolicyObject else {
            throw call.typeError(i, expected: "a policy", hint: "make one with candidate_policy(w)")
        }
        return p
    }
}
