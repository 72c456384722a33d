import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// One `rlhf` call on a token policy: always sampled (`TokenPolicyGradientTrainer`). The reward
/// (and gold) is a pref function fn(s) of the drawn sequences, s = {prompt, tokens, length}:
/// prompt [B], tokens [B, T] padded with −1, length [B]; it returns B rewards.
struct TokenRLHFRun {
    let call: BuiltinCall
    let policy: TokenPolicyObject
    let settings: RLHFSettings
    let maxLength: Int

    init(_ call: BuiltinCall, policy: TokenPolicyObject) throws {
        self.call = call
        self.policy = policy
        guard !policy.policy.isFrozen else { throw call.error("the policy is frozen (a reference)", hint: "train token_policy(w), not reference(tp)") }
        settings = try RLHFSettings(call)
        let c = settings.config
        if c.algorithm == .rloo || c.algorithm == .grpo, c.samples < 2 {
            throw call.error("\(c.algorithm.rawValue) needs samples ≥ 2 per prompt (a group), got \(c.samples)")
        }
        guard c.entropy == 0 else {
            throw call.error("token policies have no entropy bonus (their entropy is only estimated)", hint: "leave entropy out")
        }
        maxLength = try call.optionalInt(16) ?? policy.world.config.maxLength
        guard (1...4096).contains(maxLength) else { throw call.error("max_length must be 1…4096, got \(maxLength)") }
        for i in [1, 14] {
            if case .none = call[i], i == 14 { continue }
            guard case .function = call[i] else {
                throw call.typeError(i, expected: "a function of the sampled sequences",
                                     hint: "token policies sample new sequences: pass fn(s) returning one reward per row of s.tokens, "
                                         + "e.g. fn(s) sum(s.tokens == 0, axis: 1)")
            }
        }
    }

    /// fn(s) on the draws, as B finite numbers (checked by the trainer).
    func score(_ i: Int, _ prompts: [Int], _ sequences: [[Int]]) throws -> [Double] {
        let b = sequences.count, width = Swift.max(sequences.map(\.count).max() ?? 0, 1)
        var tokens = [Double](repeating: -1, count: b * width)
        for (r, s) in sequences.enumerated() { for (t, y) in s.enumerated() { tokens[r * width + t] = Double(y) } }
        let record = Value.record(RecordBox([
            ("prompt", TensorValues.wrap(try Tensor(prompts.map(Double.init), shape: [b], dtype: .f64))),
            ("tokens", TensorValues.wrap(try Tensor(tokens, shape: [b, width], dtype: .f64))),
            ("length", TensorValues.wrap(try Tensor(sequences.map { Double($0.count) }, shape: [b], dtype: .f64))),
        ]))
        let result = try call.interpreter.call(call[i], [record])
        guard case .tensor(let out) = result else {
            throw call.error("the reward function must return a tensor of \(b) rewards (one per sequence), got \(result.typeName)")
        }
        let t = try TensorValues.tensor(out).to(.f64)
        guard t.count == b else { throw call.error("the reward function returned \(t.shape), expected [\(b)] (one reward per sequence)") }
        return t.scalars
    }

    func run() throws -> Value {
        let c = settings.config
        let prompts = settings.split == .train ? Array(policy.world.prompts(.train)) : Array(policy.world.prompts(.test))
        guard !prompts.isEmpty else { throw call.error("the \(settings.split.rawValue) split has no prompts") }
        let trainer: TokenPolicyGradientTrainer
        do {
            trainer = try TokenPolicyGradientTrainer(policy: policy.policy, reference: policy.initial, prompts: prompts, config: c,
                                                     maxLength: maxLength,
                                                     optimizer: try RLHFRun.optimizer(settings.optimizerName, policy.policy.parameters, lr: settings.lr),
                                                     seed: settings.seed)
        } catch let e as TensorError {
            throw call.error(e.message, hint: e.hint)
        }
        let hasGold: Bool
        if case .none = call[14] { hasGold = false } else { hasGold = true }
        var columns = ["step", "reward"] + (hasGold ? ["gold"] : []) + ["kl", "kl_est", "entropy", "loss", "grad_norm", "lr"]
        if c.algorithm == .ppo || c.algorithm == .grpo { columns.append("clip_frac") }
        let bar = ProgressBar(enabled: isatty(2) != 0)
        let start = Date()
        var rows = [[Value]](), interrupted = false
        let work = prompts.count * c.samples * (maxLength + 1) * (c.algorithm == .ppo ? c.epochs + 1 : 2) / 8
        let reward: TokenPolicyGradientTrainer.Reward = { p, s in try self.score(1, p, s) }
        let gold: TokenPolicyGradientTrainer.Reward? = hasGold ? { p, s in try self.score(14, p, s) } : nil
        for step in 0..<settings.steps {
            try call.interpreter.chargeWork(work)
            var m: [String: Double]
            do {
                m = try trainer.step(reward: reward, gold: gold)
            } catch let e as TensorError {
                bar.finish()
                throw call.error("step \(step + 1): \(e.message)", hint: e.hint ?? "lower lr or kl; the policy keeps the parameters of the last good step")
            }
            m["step"] = Double(step + 1)
            m["lr"] = settings.lr
            rows.append(columns.map { .number(m[$0] ?? .nan) })
            bar.update(step + 1, settings.steps, m["reward"] ?? .nan)
            if call.interpreter.interruptFlag.pointee != 0 {
                call.interpreter.interruptFlag.pointee = 0
                interrupted = true
                break
            }
        }
        bar.finish()
        let last = rows.last ?? []
        let final = Value.record(RecordBox(["reward", "gold", "kl", "entropy"].compactMap { k in
            columns.firstIndex(of: k).map { (k, last[$0]) }
        }))
        return .native(NativeBox(RunObject(history: Table(columns: columns, rows: rows), evals: Table(columns: [], rows: []), model: call[0],
                                           loss: nil, label: "rlhf \(c.algorithm.rawValue) (token policy)", extras: [("final", final)],
                                           elapsed: Date().timeIntervalSince(start), interrupted: interrupted)))
    }
}
