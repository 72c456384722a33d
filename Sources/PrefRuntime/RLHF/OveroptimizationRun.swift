import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// One `overoptimization` call: a curve per proxy (`OveroptimizationCurve`), the Gao fits, the table.
struct OveroptimizationRun {
    let call: BuiltinCall
    let world: ToyWorld
    let base: PolicyObject
    let split: ToyWorld.Split
    let method: String

    init(_ call: BuiltinCall) throws {
        self.call = call
        guard case .native(let n) = call[0], let w = n.object as? ToyWorldObject else {
            throw call.typeError(0, expected: "a toy world", hint: "overoptimization(toy_world(seed: 1), proxy: …)")
        }
        world = w.world
        method = try call.choice(3, ["bon", "rl"])
        split = ToyWorld.Split(rawValue: try call.choice(11, ["train", "test"])) ?? .train
        if case .none = call[5] {
            base = PolicyObject(try CandidatePolicy(.loglinear, source: try world.candidateFeatures()), world: world)
        } else {
            let p = try RLHFRun.policy(call, 5)
            guard p.world.map({ "\($0.config)" }) == "\(world.config)" else {
                throw call.error("the policy ranges over another world", hint: "build it with candidate_policy(w) on this world")
            }
            base = p
        }
    }

    /// The proxies with their labels: one reward ("proxy"), a list ("1", "2", …) or a record.
    func proxies() throws -> [(String, Value)] {
        switch call[1] {
        case .list(let l):
            guard !l.items.isEmpty else { throw call.error("the list of proxies is empty") }
            return l.items.enumerated().map { ("\($0.offset + 1)", $0.element) }
        case .record(let r):
            guard !r.keys.isEmpty else { throw call.error("the record of proxies is empty") }
            return Array(zip(r.keys, r.values))
        default: return [("proxy", call[1])]
        }
    }

    /// A fresh copy of the base policy's current parameters (so every curve starts alike).
    func copyOfBase() throws -> CandidatePolicy {
        let b = base.policy
        let p = try CandidatePolicy(b.kind, source: b.source, hidden: Swift.max(b.hidden, 1))
        for (q, v) in zip(p.parameters, b.parameters) { q.value = v.value.copy() }
        return p
    }

    func curve(_ proxy: Value, gold: Tensor, prompts: [Int]) throws -> OveroptimizationCurve {
        let r = try RewardMatrix.evaluate(proxy, argument: 1, policy: base, prompts: prompts, split: split, call: call)
        let candidates = prompts.count * world.config.candidates
        if method == "bon" {
            // One unit of work per 8 candidate-and-n evaluations, charged up front.
            try call.interpreter.chargeWork(candidates * (try ns().count + 1) / 8)
            let pi = try base.policy.evaluate { t throws(TensorError) in try self.base.policy.logProbs(prompts: prompts, tape: t).exp() }
            return try OveroptimizationCurve.bestOfN(probabilities: pi.to(.f64).scalars, proxy: r.scalars, gold: gold.scalars,
                                                     prompts: prompts.count, ns: try ns())
        }
        var c = PolicyGradientConfig()
        c.algorithm = PolicyGradientAlgorithm(rawValue: try call.choice(9, PolicyGradientAlgorithm.allCases.map(\.rawValue))) ?? .reinforce
        c.beta = try RLHFRun.number(call, 8, "kl", positive: false)
        let lr = try RLHFRun.number(call, 7, "lr", positive: true)
        let steps = try call.whole(call[6], "steps")
        guard (1...1_000_000).contains(steps) else { throw call.error("steps must be 1…1000000, got \(steps)") }
        // One unit of work per 8 candidate evaluations of every step, charged up front.
        try call.interpreter.chargeWork(candidates * steps / 8)
        let policy = try copyOfBase()
        let optimizer = try RLHFRun.optimizer(try call.choice(10, ["sgd", "adam", "adamw"]), policy.parameters, lr: lr)
        let trainer = try PolicyGradientTrainer(policy: policy, reference: base.policy.frozen(), prompts: prompts, rewards: r, gold: gold,
                                                config: c, optimizer: optimizer, seed: 0)
        let flag = call.interpreter.interruptFlag
        return try OveroptimizationCurve.reinforcement(trainer, steps: steps) {
            guard flag.pointee != 0 else { return false }
            flag.pointee = 0
            return true
        }
    }

    /// The n of best-of-n: the argument, or powers of 2 up to K.
    func ns() throws -> [Int] {
        let k = world.config.candidates
        switch call[4] {
        case .none:
            return Array(sequence(first: 1) { $0 * 2 <= k ? $0 * 2 : nil })
        case .list(let l) where !l.items.isEmpty:
            let ns = try l.items.map { try call.whole($0, "n") }
            guard ns.allSatisfy({ (1...1_000_000_000).contains($0) }) else { throw call.error("each n must be 1…1000000000") }
            return ns
        default: throw call.typeError(4, expected: "none or a non-empty list of whole numbers")
        }
    }

    func run() throws -> Value {
        let prompts = base.policy.prompts(split)
        guard !prompts.isEmpty else { throw call.error("the \(split.rawValue) split has no prompts") }
        let goldValue = call[2].isNone ? RewardObject.value(GoldReward(world), world: world) : call[2]
        let gold = try RewardMatrix.evaluate(goldValue, argument: 2, policy: base, prompts: prompts, split: split, call: call)
        let xName = method == "bon" ? "n" : "step"
        var rows = [[Value]](), fitRows = [[Value]]()
        for (label, proxy) in try proxies() {
            let curve = try self.curve(proxy, gold: gold, prompts: prompts)
            let fits = GaoFit.Form.allCases.map { try? curve.fit($0) }
            for p in curve.points {
                let analytic = method == "bon" ? log(p.x) - (p.x - 1) / p.x : Double.nan
                rows.append([.str(label), .number(p.x), .number(p.kl), .number(analytic), .number(p.d), .number(p.proxy), .number(p.gold)]
                            + fits.map { .number($0?.predict(p.d) ?? .nan) })
            }
            let best = curve.points.max { $0.gold < $1.gold }
            for (form, fit) in zip(GaoFit.Form.allCases, fits) {
                fitRows.append([.str(label), .str(form.rawValue), .number(fit?.alpha ?? .nan), .number(fit?.beta ?? .nan), .number(fit?.r2 ?? .nan),
                                .number(fit?.peak ?? .nan), .number(best?.gold ?? .nan), .number(best?.d ?? .nan)])
            }
        }
        let fits = Table(columns: ["label", "form", "alpha", "beta", "r2", "peak_d", "gold_max", "d_at_max"], rows: fitRows)
        let table = Table(columns: ["label", xName, "kl", "kl_analytic", "d", "proxy", "gold", "gold_bon_fit", "gold_rl_fit"], rows: rows)
        return .native(NativeBox(TableObject(table, extras: [("fits", .native(NativeBox(TableObject(fits))))])))
    }
}
