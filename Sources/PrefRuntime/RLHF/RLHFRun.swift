import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// One `rlhf` call: reads and checks the arguments, builds the `PolicyGradientTrainer`, runs
/// the steps with a progress bar, Ctrl-C and located errors, and returns the run.
struct RLHFRun {
    let call: BuiltinCall
    let policy: PolicyObject
    let settings: RLHFSettings
    var config: PolicyGradientConfig { settings.config }

    init(_ call: BuiltinCall) throws {
        self.call = call
        policy = try Self.policy(call, 0)
        settings = try RLHFSettings(call)
        let c = settings.config
        if !c.exact, c.algorithm == .rloo || c.algorithm == .grpo, c.samples < 2 {
            throw call.error("\(c.algorithm.rawValue) needs samples ≥ 2 per prompt (a group), got \(c.samples)")
        }
    }

    /// A candidate-policy argument; other values are refused (`rlhf` takes token policies before this).
    static func policy(_ call: BuiltinCall, _ i: Int) throws -> PolicyObject {
        guard case .native(let n) = call[i], let p = n.object as? PolicyObject else {
            throw call.typeError(i, expected: "a candidate policy", hint: "build one with candidate_policy(w)")
        }
        guard !p.policy.isFrozen else { throw call.error("the policy is frozen (a reference)", hint: "train candidate_policy(w), not reference(p)") }
        return p
    }

    /// A finite number argument, > 0 or ≥ 0.
    static func number(_ call: BuiltinCall, _ i: Int, _ name: String, positive: Bool) throws -> Double {
        guard case .number(let x) = call[i], x.isFinite, positive ? x > 0 : x >= 0 else {
            throw call.error("\(name) must be a finite number \(positive ? "> 0" : "≥ 0")")
        }
        return x
    }

    /// "sgd", "adam" or "adamw" (weight decay 0.01) over `parameters`.
    static func optimizer(_ name: String, _ parameters: [PrefCore.Parameter], lr: Double) throws -> any Optimizer {
        switch name {
        case "adam": return try Adam(parameters, learningRate: lr)
        case "adamw": return try AdamW(parameters, learningRate: lr)
        default: return try SGD(parameters, learningRate: lr)
        }
    }

    /// The trainer over the split's prompts, with the reward (argument 1) and gold (14) matrices.
    func trainer(reward: Int = 1, gold: Int = 14) throws -> PolicyGradientTrainer {
        let split = settings.split
        let prompts = policy.policy.prompts(split)
        guard !prompts.isEmpty else { throw call.error("the \(split.rawValue) split has no prompts") }
        let r = try RewardMatrix.evaluate(call[reward], argument: reward, policy: policy, prompts: prompts, split: split, call: call)
        let g: Tensor?
        if case .none = call[gold] {
            g = try policy.world.map { w in try RewardMatrix.evaluate(RewardObject.value(GoldReward(w), world: w), argument: gold,
                                                                      policy: policy, prompts: prompts, split: split, call: call) }
        } else {
            g = try RewardMatrix.evaluate(call[gold], argument: gold, policy: policy, prompts: prompts, split: split, call: call)
        }
        return try PolicyGradientTrainer(policy: policy.policy, reference: policy.initial, prompts: prompts, rewards: r, gold: g,
                                         config: config, optimizer: try Self.optimizer(settings.optimizerName, policy.policy.parameters, lr: settings.lr), seed: settings.seed)
    }

    /// One trainer step; a core error becomes a located one naming the step.
    func stepped(_ trainer: PolicyGradientTrainer, _ step: Int, _ bar: ProgressBar) throws -> [String: Double] {
        let result = Result { () throws(TensorError) in try trainer.step() }
        switch result {
        case .success(let m): return m
        case .failure(let e):
            bar.finish()
            throw call.error("step \(step + 1): \(e.message)", hint: "lower lr or kl; the policy keeps the parameters of the last good step")
        }
    }

    func run() throws -> Value {
        let trainer = try self.trainer()
        var columns = ["step", "reward"] + (trainer.gold == nil ? [] : ["gold"]) + ["kl", "entropy", "loss", "grad_norm", "lr"]
        if config.algorithm == .ppo || config.algorithm == .grpo && !config.exact { columns.append("clip_frac") }
        if !config.exact { columns += ["kl_est", "sample_reward"] }
        let bar = ProgressBar(enabled: isatty(2) != 0)
        let start = Date()
        var rows = [[Value]](), interrupted = false
        // One unit of work per 8 candidate evaluations of a step (the fuzzer's step budget).
        let work = trainer.prompts.count * policy.policy.source.candidates * (config.algorithm == .ppo ? config.epochs : 1) / 8
        for step in 0..<settings.steps {
            try call.interpreter.chargeWork(work)
            var m = try stepped(trainer, step, bar)
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
        let final = try trainer.measures()
        let finalRecord = Value.record(RecordBox(["reward", "gold", "kl", "entropy"].compactMap { k in final[k].map { (k, .number($0)) } }))
        return .native(NativeBox(RunObject(history: Table(columns: columns, rows: rows), evals: Table(columns: [], rows: []), model: call[0],
                                           loss: nil, label: "rlhf \(config.algorithm.rawValue)", extras: [("final", finalRecord)],
                                           elapsed: Date().timeIntervalSince(start), interrupted: interrupted)))
    }
}
