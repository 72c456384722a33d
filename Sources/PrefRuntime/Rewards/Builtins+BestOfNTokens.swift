import PrefCore
import PrefLanguage
import PrefLearn

/// `best_of_n(tp, reward, n:)` for a token policy: sampled best-of-n (`SampledBestOfN`).
extension RewardBuiltins {
    static func sampledBestOfN(_ call: BuiltinCall, _ tp: TokenPolicyObject) throws -> Value {
        let proxy = try reward(call, 1)
        let gold: RewardObject? = call[3].isNone ? nil : try reward(call, 3)
        let split = ToyWorld.Split(rawValue: try call.choice(4, ["train", "test"])) ?? .test
        let samples = try call.whole(call[5], "samples")
        let seed = try call.optionalInt(6) ?? Int(call.session?.seed ?? 0)
        guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
        var single = false
        let ns: [Int]
        switch call[2] {
        case .number: ns = [try call.whole(call[2], "n")]; single = true
        case .list(let l): ns = try l.items.map { try call.whole($0, "n") }
        default: throw call.typeError(2, expected: "a whole number or a list of them")
        }
        let world = tp.world, prompts = Array(world.prompts(split))
        let limit = world.config.maxLength
        guard !prompts.isEmpty else { throw call.error("the \(split.rawValue) split has no prompts") }
        let most = Shape.maxElements / (prompts.count * Swift.max(limit, 1))
        guard !ns.isEmpty, ns.allSatisfy({ $0 >= 1 }) else { throw call.error("n must be a whole number ≥ 1 or a non-empty list of them") }
        guard samples >= 1, let top = ns.max(), top <= most / samples else {
            throw call.error("samples · n must be 1…\(most) sequences per prompt, got \(samples) · \(ns.max() ?? 0)", hint: "lower samples or n")
        }
        var rows = [[Value]]()
        for (k, n) in ns.enumerated() {
            // Each n gets its own draws (seed + k), prompt-major: samples·n per prompt.
            try call.interpreter.chargeWork(prompts.count * samples * n * limit / 8)
            let each = prompts.flatMap { [Int](repeating: $0, count: samples * n) }
            let result: SampledBestOfN.Result
            do {
                let sequences = try tp.policy.sample(prompts: each, maxLength: limit, seed: UInt64(seed) &+ UInt64(k))
                let inputs = try SampledBestOfN.inputs(sequences, world: world)
                let r = try proxy.reward.rewards(inputs).to(.f64).scalars
                let g = try gold.map { try $0.reward.rewards(inputs).to(.f64).scalars }
                result = try SampledBestOfN.evaluate(proxy: r, gold: g, prompts: prompts.count, samples: samples, n: n)
            } catch let e as TensorError {
                throw call.error(e.message, hint: e.hint ?? "token sequences are scored by their features q and length: use a reward of those (a reward_model over q, length, …)")
            }
            rows.append([.number(Double(n)), .number(result.kl.squareRoot()), .number(result.kl), .number(result.proxy),
                         result.gold.map { .number($0) } ?? Value.none, .number(result.proxyStandardError)])
        }
        let columns = ["n", "d", "kl", "proxy", "gold", "proxy_se"]
        if single, let row = rows.first { return .record(RecordBox(Array(zip(columns, row)))) }
        return .native(NativeBox(TableObject(Table(columns: columns, rows: rows))))
    }
}
