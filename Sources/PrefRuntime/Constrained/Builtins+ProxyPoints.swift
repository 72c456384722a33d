import PrefCore
import PrefLanguage
import PrefLearn

extension ConstrainedBuiltins {
    static var proxyPoints: Builtin {
        Builtin("proxy_points", [
            BuiltinParameter("policy", doc: "a candidate policy: the start of every run (its parameters are restored afterwards)"),
            BuiltinParameter("components", .list, doc: "the component rewards r_1…r_N (rewards, [P, K] tensors or fn(c))"),
            BuiltinParameter("evaluate", default: Value.none, doc: "the evaluation score's reward; none: the world's gold r*"),
            BuiltinParameter("steps", .int, default: .number(300), doc: "policy-gradient steps per run, ≥ 1"),
            BuiltinParameter("lr", default: Value.none, doc: "the step size η, > 0; none: 6/steps for npg (every run ends at the tilt exp(6·a·r), past the peak for unit-scale rewards, and steps set the resolution), 0.3 for pg"),
            BuiltinParameter("kl", .number, default: .number(0), doc: "β of a KL penalty in the runs, ≥ 0"),
            BuiltinParameter("divisions", .int, default: .number(10), doc: "m: the weights are the lattice {k/m, Σk = m} (N = 2: 0, 0.1, …, 1)"),
            BuiltinParameter("degree", .int, default: .number(3), doc: "the degree of the fitted polynomial curves and surface, 0…10"),
            BuiltinParameter("split", .string, default: .str("train"), doc: "the prompts: \"train\" or \"test\""),
            BuiltinParameter("algo", .string, default: .str("npg"),
                             doc: "the runs' step: \"npg\" (exact natural policy gradient on each prompt's candidates: the least-KL tilts "
                                 + "π ∝ π₀·exp(tη·a·r), the policies μ and ξ converge to) or \"pg\" (rlhf's policy gradient with SGD on the parameters)"),
        ], category: "constrained",
        doc: "The independent and joint proxy points of component rewards (spec algorithms.md §1.1, §1.5): one exact run per fixed "
            + "weight vector a (maximising E_π[Σ a_i r_i] − β·KL from the policy; npg: log π ← (1 − ηβ)log π + ηβ log π_ref + η a·r − log Z, "
            + "Kakade 2001 / Cen et al. 2022), every checkpoint's v_i = E_π[r_i] and eval pooled; the independent point takes, for each i, the argmax of a degree-d polynomial of eval in v_i along the run on r_i "
            + "alone; the joint point is the argmax over the checkpoints of a degree-d polynomial surface of eval in (v_1…v_N) fitted to "
            + "all of them. Returns {independent, joint (lists of v_i), independent_eval, joint_eval (the surface there), maxima (the "
            + "largest v_i on r_i's own run), initial (v_i of the policy), points (a table: run, a1…aN, step, r1…rN, eval)}.",
        example: "let w = toy_world(seed: 1, candidates: 16, rho: 0.5, prompts: 20)\n"
            + "let p = proxy_points(candidate_policy(w), components: w.component_rewards, steps: 30, divisions: 4)\n[p.independent, p.joint]") { call in
            let policy = try RLHFRun.policy(call, 0)
            let split = ToyWorld.Split(rawValue: try call.choice(8, ["train", "test"])) ?? .train
            let prompts = policy.policy.prompts(split)
            guard !prompts.isEmpty else { throw call.error("the \(split.rawValue) split has no prompts") }
            guard case .list(let l) = call[1], !l.items.isEmpty else { throw call.error("components must list at least one reward") }
            let components = try l.items.map { v in
                try RewardMatrix.evaluate(v, argument: 1, policy: policy, prompts: prompts, split: split, call: call)
            }
            var evaluation = call[2]
            if case .none = evaluation, let w = policy.world { evaluation = RewardObject.value(GoldReward(w), world: w) }
            if case .none = evaluation { throw call.error("the policy has no toy world, so there is no gold to evaluate", hint: "pass evaluate: a reward") }
            let eval = try RewardMatrix.evaluate(evaluation, argument: 2, policy: policy, prompts: prompts, split: split, call: call)
            var search = ProxyPointSearch()
            search.steps = try call.whole(call[3], "steps")
            search.algorithm = ProxyPointSearch.Algorithm(rawValue: try call.choice(9, ProxyPointSearch.Algorithm.allCases.map(\.rawValue))) ?? .natural
            if case .none = call[4] {
                search.learningRate = search.algorithm == .natural ? 6 / Double(search.steps) : 0.3
            } else {
                search.learningRate = try RLHFRun.number(call, 4, "lr", positive: true)
            }
            search.beta = try RLHFRun.number(call, 5, "kl", positive: false)
            search.divisions = try call.whole(call[6], "divisions")
            search.degree = try call.whole(call[7], "degree")
            guard (1...1_000_000).contains(search.steps), (1...100).contains(search.divisions), (0...10).contains(search.degree) else {
                throw call.error("steps must be 1…1000000, divisions 1…100 and degree 0…10")
            }
            guard search.algorithm == .gradient || search.learningRate * search.beta <= 1 else {
                throw call.error("the natural step needs lr·kl ≤ 1, got \(Value.number(search.learningRate * search.beta).displayText)", hint: "lower lr or kl")
            }
            let interpreter = call.interpreter, flag = interpreter.interruptFlag
            // A natural step touches each candidate's N + 1 rewards, a gradient step its D features.
            let cost = search.algorithm == .gradient ? ConstrainedRun.stepCost(policy.policy, prompts: prompts.count)
                : Swift.max(1, prompts.count * policy.policy.source.candidates * (components.count + 1) / 1000)
            let result = try search.run(policy: policy.policy, reference: policy.initial, prompts: prompts, components: components,
                                        evaluation: eval, afterStep: {
                                            try interpreter.chargeWork(cost)
                                            return flag.pointee != 0
                                        })
            flag.pointee = 0
            return record(result, n: components.count)
        }
    }

    static func record(_ r: ProxyPointSearch.Result, n: Int) -> Value {
        func list(_ v: [Double]) -> Value { .list(ListBox(v.map(Value.number))) }
        let columns = ["run"] + (1...n).map { "a\($0)" } + ["step"] + (1...n).map { "r\($0)" } + ["eval"]
        let rows = r.checkpoints.map { c -> [Value] in
            [.number(Double(c.run))] + c.weights.map(Value.number) + [.number(Double(c.step))] + c.values.map(Value.number) + [.number(c.eval)]
        }
        return .record(RecordBox([
            ("independent", list(r.independent)), ("joint", list(r.joint)), ("independent_eval", .number(r.independentEval)),
            ("joint_eval", .number(r.jointEval)), ("maxima", list(r.maxima)), ("initial", list(r.initial)),
            ("points", .native(NativeBox(TableObject(Table(columns: columns, rows: rows))))),
        ]))
    }
}
