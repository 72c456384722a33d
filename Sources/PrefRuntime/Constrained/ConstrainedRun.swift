import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// One `constrained` call: the component-reward and evaluation matrices over the split's
/// prompts, the RLHF core's trainer (β = 0: the KL stream is in the mixed advantage), the
/// `ConstrainedTrainer`, the steps (or NM-PPO's `ThresholdSearch`) with a progress bar and
/// Ctrl-C, and the run with its history.
struct ConstrainedRun {
    let call: BuiltinCall
    let args: ConstrainedArguments

    init(_ call: BuiltinCall) throws {
        self.call = call
        args = try ConstrainedArguments(call)
    }

    typealias Arg = ConstrainedArguments.Arg

    func trainer() throws -> ConstrainedTrainer {
        let policy = args.policy, prompts = policy.policy.prompts(args.split)
        guard !prompts.isEmpty else { throw call.error("the \(args.split.rawValue) split has no prompts") }
        let components = try args.constraints.map { c in
            try RewardMatrix.evaluate(RewardObject.value(c.constraint.reward, world: c.world), argument: Arg.subjectTo, policy: policy,
                                      prompts: prompts, split: args.split, call: call)
        }
        var evaluation = call[Arg.evaluate]
        if case .none = evaluation, let w = policy.world { evaluation = RewardObject.value(GoldReward(w), world: w) }
        if case .none = evaluation { throw call.error("the policy has no toy world, so there is no gold to evaluate", hint: "pass evaluate: a reward") }
        let gold = try RewardMatrix.evaluate(evaluation, argument: Arg.evaluate, policy: policy, prompts: prompts, split: args.split, call: call)
        let optimizer = try RLHFRun.optimizer(args.optimizerName, policy.policy.parameters, lr: args.lr)
        let core = try PolicyGradientTrainer(policy: policy.policy, reference: policy.initial, prompts: prompts, rewards: components[0], gold: gold,
                                             config: args.config, optimizer: optimizer, seed: args.seed)
        return try ConstrainedTrainer(core: core, kind: args.kind, components: components, relations: args.constraints.map(\.constraint.relation),
                                      thresholds: args.constraints.map(\.constraint.threshold), beta: args.beta, squash: args.squash,
                                      learningRate: args.lagrangeLR, momentum: args.momentum, maxGradNorm: args.dualClip,
                                      violationSamples: args.config.exact ? nil : args.config.samples, seed: args.seed)
    }

    var columns: [String] {
        var c = ["step", "eval", "kl", "entropy", "loss", "grad_norm"]
        for n in args.names { c += [n, "theta_\(n)"] + (args.kind == .sat ? [] : ["lambda_\(n)"]) }
        return c + (args.searchThresholds ? ["search"] : [])
    }

    func row(_ r: ConstrainedTrainer.Report, step: Int, search: Int) -> [Value] {
        var row: [Value] = [.number(Double(step))] + ["gold", "kl", "entropy", "loss", "grad_norm"].map { .number(r.core[$0] ?? .nan) }
        for i in args.names.indices {
            row += [.number(r.values[i]), .number(r.thresholds[i])] + (args.kind == .sat ? [] : [.number(r.multipliers[i])])
        }
        return row + (args.searchThresholds ? [.number(Double(search))] : [])
    }

    /// The interpreter steps one policy step charges: its multiply-adds (n·K·D) / 1000, at least
    /// 1, so a caller's step budget (the fuzz tests' hang guard) bounds native loops too.
    static func stepCost(_ policy: CandidatePolicy, prompts n: Int) -> Int {
        Swift.max(1, n * policy.source.candidates * policy.source.dim / 1000)
    }

    func run() throws -> Value {
        let trainer = try self.trainer()
        let cost = Self.stepCost(args.policy.policy, prompts: trainer.core.prompts.count)
        let bar = ProgressBar(enabled: isatty(2) != 0)
        let start = Date()
        var rows = [[Value]](), interrupted = false
        let onStep = { (r: ConstrainedTrainer.Report, search: Int) throws -> Bool in
            rows.append(self.row(r, step: rows.count + 1, search: search))
            try call.interpreter.chargeWork(cost)
            bar.update(rows.count, args.steps, r.core["gold"] ?? .nan)
            if call.interpreter.interruptFlag.pointee != 0 {
                call.interpreter.interruptFlag.pointee = 0
                interrupted = true
                return false
            }
            return true
        }
        var extras = [(String, Value)]()
        do {
            if args.searchThresholds {
                let initial = try trainer.streams().values
                let outcome = try args.search.run(trainer, lower: initial, upper: trainer.thresholds, totalSteps: args.steps, seed: args.seed,
                                                  onStep: onStep)
                extras.append(("thresholds", .list(ListBox(outcome.best.map(Value.number)))))
                if let result = outcome.result { extras.append(("search", try SearchBuiltins.record(result, .init(kind: .list, start: nil)))) }
            } else {
                for _ in 0..<args.steps {
                    guard try onStep(try trainer.step(), 0) else { break }
                }
            }
        } catch let e as TensorError where !e.isInterrupted {
            bar.finish()
            throw call.error("step \(rows.count + 1): \(e.message)", hint: e.hint ?? "lower lr or lagrange_lr; the policy keeps the parameters of the last good step")
        } catch {
            bar.finish()
            throw error
        }
        bar.finish()
        extras.insert(("final", try final(trainer)), at: 0)
        extras.append(("constraints", .list(ListBox(args.constraints.map { .native(NativeBox($0)) }))))
        return .native(NativeBox(RunObject(history: Table(columns: columns, rows: rows), evals: Table(columns: [], rows: []), model: call[Arg.policy],
                                           loss: nil, label: "constrained \(args.kind.rawValue)", extras: extras,
                                           elapsed: Date().timeIntervalSince(start), interrupted: interrupted)))
    }

    /// {eval, kl, r1…} of the policy after the last step.
    func final(_ trainer: ConstrainedTrainer) throws -> Value {
        let s = try trainer.streams()
        let eval = try trainer.core.measures()["gold"] ?? .nan
        return .record(RecordBox([("eval", .number(eval)), ("kl", .number(s.kl))] + zip(args.names, s.values).map { ($0, .number($1)) }))
    }
}
