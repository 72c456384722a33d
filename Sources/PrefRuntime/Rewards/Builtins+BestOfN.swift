import PrefCore
import PrefLanguage
import PrefLearn

/// `best_of_n`: exact best-of-n of a candidate policy under any reward (`BestOfN`); sampled for a
/// token policy (`SampledBestOfN`, `Builtins+BestOfNTokens.swift`).
extension RewardBuiltins {
    static var bestOfN: Builtin {
        Builtin("best_of_n", [
            BuiltinParameter("policy", doc: "the sampler π: a candidate policy of a toy world, a toy world (the uniform policy over its candidates), or a token policy (sampled)"),
            BuiltinParameter("reward", doc: "the proxy reward that picks the best of the n draws"),
            BuiltinParameter("n", doc: "draws per prompt: a whole number ≥ 1 or a list of them"),
            BuiltinParameter("gold", default: Value.none, doc: "the reward reported as gold; none: the world's gold reward r*"),
            BuiltinParameter("split", .string, default: .str("test"), doc: "the prompts: \"train\" or \"test\""),
            BuiltinParameter("samples", .int, default: .number(64), doc: "token policies: groups of n draws per prompt, ≥ 1 (the Monte-Carlo sample size)"),
            BuiltinParameter("seed", default: Value.none, doc: "token policies: the sampling seed; none: the session seed"),
        ], category: "rewards",
        doc: "Exact best-of-n over each prompt's K candidates: with the candidates sorted by proxy reward (ties by index) and F the CDF "
            + "of π in that order, P(best = k) = F(k)ⁿ − F(k−1)ⁿ. Reports the mean over prompts of E[gold] and E[proxy] under π_n, "
            + "KL(π_n‖π) = Σ π_n log(π_n/π) exactly, and d = √KL (Gao et al.'s distance; for uniform π, KL ≤ log n − (n−1)/n). "
            + "A record for one n, a table (n, d, kl, proxy, gold) for a list. For a token policy, sampled: per prompt, `samples` groups "
            + "of n sequences drawn from π (tp.sample), each scored through its token-view features q = mean token embedding and its "
            + "length; the best of each group by proxy is kept and proxy, gold are means over groups and prompts (with proxy_se, the "
            + "Monte-Carlo standard error); kl is the analytic log n − (n−1)/n (Stiennon et al. 2020; an upper bound for discrete rewards). "
            + "The world's gold reward needs candidate ids, so gold is none unless gold: is a reward of features and lengths.",
        example: "let w = toy_world(seed: 1)\nbest_of_n(candidate_policy(w), w.gold_reward, n: [1, 4, 16])") { call in
            if let tp = TokenPolicyBuiltins.argument(call, 0) { return try sampledBestOfN(call, tp) }
            let (world, probabilities) = try sampler(call, 0)
            let proxy = try reward(call, 1)
            let gold: any RewardFunction = call[3].isNone ? GoldReward(world) : try reward(call, 3).reward
            let split = ToyWorld.Split(rawValue: try call.choice(4, ["train", "test"])) ?? .test
            let ns: [Int]
            var single = false
            switch call[2] {
            case .number: ns = [try call.whole(call[2], "n")]; single = true
            case .list(let l): ns = try l.items.map { try call.whole($0, "n") }
            default: throw call.typeError(2, expected: "a whole number or a list of them")
            }
            guard !ns.isEmpty, ns.allSatisfy({ (1...1_000_000_000).contains($0) }) else { throw call.error("n must be 1…1000000000 (a number or a non-empty list)") }
            // One unit of work per 8 candidate-and-n evaluations, charged up front.
            try call.interpreter.chargeWork(world.prompts(split).count * world.config.candidates * ns.count / 8)
            let inputs = try RewardInputs(world: world, split: split)
            let pi = try probabilities(split)
            let r = try proxy.reward.rewards(inputs).scalars, g = try gold.rewards(inputs).scalars
            let results = try BestOfN.evaluate(probabilities: pi, proxy: r, gold: g, prompts: world.prompts(split).count, ns: ns)
            let rows = zip(ns, results).map { n, result -> [Value] in
                let m = result.mean
                return [.number(Double(n)), .number(m.kl.squareRoot()), .number(m.kl), .number(m.proxy), .number(m.gold)]
            }
            let columns = ["n", "d", "kl", "proxy", "gold"]
            if single, let row = rows.first { return .record(RecordBox(Array(zip(columns, row)))) }
            return .native(NativeBox(TableObject(Table(columns: columns, rows: rows))))
        }
    }

    /// The sampler's world and its π over a split's candidates ([P_s·K], prompt-major).
    static func sampler(_ call: BuiltinCall, _ i: Int) throws -> (ToyWorld, (ToyWorld.Split) throws -> [Double]) {
        if case .native(let n) = call[i], let w = n.object as? ToyWorldObject {
            let world = w.world
            return (world, { s in [Double](repeating: 1 / Double(world.config.candidates), count: world.prompts(s).count * world.config.candidates) })
        }
        guard case .native(let pn) = call[i], let policy = pn.object as? PolicyObject else {
            throw call.typeError(i, expected: "a candidate policy, a token policy or a toy world",
                                 hint: "best_of_n is exact over candidate policies (candidate_policy(w)) and sampled over token policies")
        }
        guard let world = policy.world else { throw call.error("the policy has no toy world to draw candidates from", hint: "build it with candidate_policy(w)") }
        let p = policy.policy
        return (world, { s in
            let prompts = p.prompts(s)
            return try p.evaluate { t throws(TensorError) in try p.logProbs(prompts: prompts, tape: t).exp() }.to(.f64).scalars
        })
    }
}
