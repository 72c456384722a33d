import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Training and evaluation (issue 6 items 6–7): `fit`, `evaluate`.
    static var training: [Builtin] { [TrainingBuiltins.fit, TrainingBuiltins.evaluate] }
}

/// The `fit` and `evaluate` builtins; the loop is `Trainer`, the metrics `Evaluation`.
enum TrainingBuiltins {
    static var fit: Builtin {
        Builtin("fit", [
            BuiltinParameter("model", doc: "a candidate or token policy (trained in place; its reference is the policy as built), or a reward model (reward_model(…), trained in place with bradley_terry_loss on pairs or plackett_luce on ranked lists)"),
            BuiltinParameter("data", doc: "data of the policy's world: pairs (chosen_id / rejected_id), unpaired labels (completion_id) or ranked lists (responses_id); a token policy takes pairs or, for tpo, ranked lists"),
            BuiltinParameter("loss", doc: "a loss that reads the data: paired (dpo(beta: 0.1), …), unpaired (kto, bco) or listwise (plackett_luce, lipo, rank_dpo); a composite or loss(name, fn)"),
            BuiltinParameter("epochs", .int, default: .number(1), doc: "passes over the data, ≥ 1"),
            BuiltinParameter("batch", .int, default: .number(64), doc: "pairs per step, ≥ 1"),
            BuiltinParameter("lr", .number, default: .number(1e-3), doc: "the base learning rate, finite and > 0"),
            BuiltinParameter("optimizer", .string, default: .str("adamw"), doc: "\"adamw\" (weight decay 0.01), \"adam\" or \"sgd\"; for a linear reward model with bradley_terry_loss also \"newton\" or \"lbfgs\": the convex problem solved full-batch to ‖∇L‖ ≤ tolerance (epochs, batch, lr, schedule, warmup and clip do not apply)"),
            BuiltinParameter("schedule", .string, default: .str("constant"), doc: "\"constant\", \"linear\" or \"cosine\" (HF transformers' forms)"),
            BuiltinParameter("warmup", .int, default: .number(0), doc: "linear warmup steps, ≥ 0"),
            BuiltinParameter("clip", default: Value.none, doc: "max global gradient norm (> 0); none: no clipping"),
            BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 for the shuffling; none: the session seed"),
            BuiltinParameter("eval", default: Value.none, doc: "a pairs dataset evaluated (evaluate) every `every` epochs; none: no evaluation"),
            BuiltinParameter("every", .int, default: .number(1), doc: "epochs between evaluations, ≥ 1"),
            BuiltinParameter("checkpoint", default: Value.none, doc: "a path: <path>.safetensors (parameters) and <path>.json (optimizer, RNG, step, history) after each epoch and on Ctrl-C; none: no checkpoints"),
            BuiltinParameter("resume", default: Value.none, doc: "a checkpoint path to continue from, bit-identically (same data, loss, batch, seed, optimizer); epochs counts the total"),
            BuiltinParameter("reference", default: Value.none,
                             doc: "candidate policies: π_ref, a policy over the same candidates (e.g. reference(pi) after a first stage of training); none: the policy as built"),
            BuiltinParameter("tolerance", .number, default: .number(1e-9), doc: "optimizer \"newton\" / \"lbfgs\": stop when the gradient's 2-norm is at most this"),
            BuiltinParameter("max_iter", default: Value.none, doc: "optimizer \"newton\" / \"lbfgs\": the iteration cap (none: 100 for newton, 1000 for lbfgs); reaching it unconverged is an error"),
        ], category: "training",
        doc: "Trains a candidate policy on pairs, unpaired labels or ranked lists with a loss (KTO's z₀ is the exact KL of each example's prompt; BCO's δ runs across steps): shuffled mini-batches (Philox, deterministic for a seed), the optimizer "
            + "and schedule of PyTorch / HF transformers, optional clipping. Returns a run: r.history (a table, one row per step: loss, "
            + "rewards/chosen, rewards/rejected, rewards/accuracies, rewards/margins, logps/chosen, logps/rejected, kl, grad_norm, lr), "
            + "r.eval, r.model, r.loss, r.elapsed, r.steps, r.interrupted. A non-finite loss or gradient stops with an error naming the "
            + "step and the term, before the update (the parameters stay those of the last good step); Ctrl-C stops at the end of the "
            + "current step and returns the partial run. A token policy trains on its world's pairs with a paired loss (sequence "
            + "log-probs with EOS) or sparse_po (per-token log-probs, m^u = 1, exact token KL δ), and on ranked lists with tpo (summed "
            + "or mean token log-ratios per step of step_tokens, adaptive step weights from its hidden layer); its history has no kl. A linear reward model with bradley_terry_loss and optimizer: "
            + "\"newton\" (Cholesky-solved Newton steps) or \"lbfgs\" is fitted full-batch to the exact optimum (Armijo line search, "
            + "‖∇L‖ ≤ tolerance); its history has one row per iteration (step, loss, accuracy, margin, grad_norm, step_size) and the run "
            + "has iterations and grad_norm.",
        example: "let w = toy_world(seed: 1, candidates: 8)\nlet pi = candidate_policy(w)\nlet r = fit(pi, w.pairs(256), dpo(), epochs: 2, lr: 0.05)\nr.steps") { call in
            guard case .native(let n) = call[2], let loss = n.object as? LossObject else {
                throw call.typeError(2, expected: "a loss", hint: "e.g. dpo(beta: 0.1)")
            }
            if case .string(let o) = call[6], ConvexRewardFit.optimizers.contains(o.value) {
                return try ConvexRewardFit.run(call, loss: loss, optimizer: o.value)
            }
            let options = try options(call)
            let task = try TrainingTasks.make(model: call[0], data: call[1], loss: loss, call: call)
            let evaluator: (() throws -> [(String, Double)])? = try {
                if case .none = call[11] { return nil }
                return try TrainingTasks.evaluator(model: call[0], data: call[11], loss: loss, call: call)
            }()
            let every = try call.whole(call[12], "every")
            guard every >= 1 else { throw call.error("every must be ≥ 1, got \(every)") }
            let trainer: Trainer
            do {
                trainer = try Trainer(task: task, options: options, interpreter: call.interpreter)
            } catch let e as RuntimeError {
                throw call.error(e.message, hint: e.hint)
            } catch {
                throw call.error("cannot resume from \(options.resume ?? ""): \(error)")
            }
            if let resume = options.resume, let log = call.session?.runLog {
                let (tensors, state) = Checkpoint.urls(resume)
                for url in [tensors, state] { log.noteRead(shown: url.path, disk: url.path) }
            }
            let bar = ProgressBar(enabled: isatty(2) != 0)
            let start = Date()
            var evalRows = [[Value]](), evalColumns = [String]()
            trainer.onEpoch = { epoch, step in
                guard let evaluator, epoch % every == 0 else { return }
                let m = try evaluator()
                evalColumns = ["epoch", "step"] + m.map(\.0)
                evalRows.append([.number(Double(epoch)), .number(Double(step))] + m.map { .number($0.1) })
            }
            do {
                try trainer.run { bar.update($0, $1, $2) }
            } catch let failure as TrainingFailure {
                bar.finish()
                throw call.error(failure.message, hint: "lower lr, clip the gradient, or check the loss; the parameters are those of the last good step")
            } catch let e as SafetensorsError {
                bar.finish()
                throw call.error("cannot write the checkpoint: \(e)")
            } catch let e as CocoaError {
                bar.finish()
                throw call.error("cannot write the checkpoint: \(e.localizedDescription)")
            }
            bar.finish()
            call.session?.runLog?.noteFit(history: trainer.historyTable())
            return .native(NativeBox(RunObject(history: trainer.historyTable(), evals: Table(columns: evalColumns, rows: evalRows), model: call[0],
                                               loss: loss, elapsed: Date().timeIntervalSince(start), interrupted: trainer.interrupted)))
        }
    }

    /// The validated knobs.
    static func options(_ call: BuiltinCall) throws -> FitOptions {
        var o = FitOptions()
        o.epochs = try call.whole(call[3], "epochs")
        guard (1...1_000_000).contains(o.epochs) else { throw call.error("epochs must be 1…1000000, got \(o.epochs)") }
        o.batch = try call.whole(call[4], "batch")
        guard (1...1_000_000).contains(o.batch) else { throw call.error("batch must be 1…1000000, got \(o.batch)") }
        guard case .number(let lr) = call[5], lr.isFinite, lr > 0 else { throw call.error("lr must be a finite number > 0") }
        o.lr = lr
        o.optimizer = try call.choice(6, ["adamw", "adam", "sgd"] + ConvexRewardFit.optimizers)
        o.schedule = try call.choice(7, ["constant", "linear", "cosine"])
        o.warmup = try call.whole(call[8], "warmup")
        guard o.warmup >= 0 else { throw call.error("warmup must be ≥ 0, got \(o.warmup)") }
        switch call[9] {
        case .none: o.clip = nil
        case .number(let c) where c.isFinite && c > 0: o.clip = c
        default: throw call.error("clip must be none or a finite number > 0")
        }
        let seed = try call.optionalInt(10) ?? Int(call.session?.seed ?? 0)
        guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
        o.seed = UInt64(seed)
        for (i, name) in [(13, "checkpoint"), (14, "resume")] {
            switch call[i] {
            case .none: break
            case .string(let path) where !path.value.isEmpty:
                if i == 13 { o.checkpoint = path.value } else { o.resume = path.value }
            default: throw call.error("\(name) must be none or a path string")
            }
        }
        return o
    }

    static var evaluate: Builtin {
        Builtin("evaluate", [
            BuiltinParameter("model", doc: "a candidate or token policy, or a reward (reward model, ensemble, any reward)"),
            BuiltinParameter("data", doc: "a pairs dataset (of the policy's world for a policy)"),
            BuiltinParameter("beta", .number, default: .number(0.1), doc: "β of the implicit reward in log_loss and margin, > 0 (policies)"),
            BuiltinParameter("world", default: Value.none, doc: "rewards: the toy world the data's ids name, for gold agreement; none: the reward's own"),
        ], category: "training",
        doc: "Exact metrics of a candidate policy on pairs, against its reference (the policy as built), with h = (pc − rc) − (pr − rr): "
            + "accuracy = mean[h > 0], log_loss = mean −log σ(βh), margin = mean βh, kl = mean KL(π‖π_ref) over the pairs' prompts; for "
            + "a toy world gold = E_π[r*], gold_ref = E_π_ref[r*] and win_rate = P(r*(y) > r*(y′)) + ½P(=), y ~ π, y′ ~ π_ref; and the "
            + "3D-properties likelihoods (spec §7): logps/chosen, logps/rejected, logps/unseen (the log of the mass of candidates no pair shows) "
            + "with their changes from the reference, and mass/chosen, mass/rejected, mass/unseen (the total probability per prompt of "
            + "the candidates chosen in some pair, only ever rejected, in no pair; they sum to 1). Returns a record. For a token policy: "
            + "accuracy, log_loss, margin and the chosen / rejected likelihoods with their changes, from the sequence log-probs (no kl, "
            + "gold, win rate or masses). For a reward, the metrics of `RewardEvaluation`: accuracy, log_loss, ece, reliability (a "
            + "table) and, for toy-world data, gold_agreement (see the rewards section).",
        example: "let w = toy_world(seed: 1, candidates: 8)\nevaluate(candidate_policy(w), w.pairs(64))") { call in
            if case .native(let n) = call[0], let r = n.object as? RewardObject { return try RewardBuiltins.evaluate(r, call, data: 1, world: 3) }
            guard case .number(let beta) = call[2], beta.isFinite, beta > 0 else { throw call.error("beta must be a finite number > 0") }
            if let tp = TokenPolicyBuiltins.argument(call, 0) {
                let pairs = try TokenPairs(try call.dataset(1), policy: tp, call: call)
                guard pairs.count > 0 else { throw call.error("the data has no pairs") }
                let m = try TokenEvaluation.metrics(tp.policy, reference: tp.initial, pairs: pairs, beta: beta)
                return .record(RecordBox(m.map { ($0.0, Value.number($0.1)) }))
            }
            let p = try PolicyMethods.policyArgument(call, 0)
            let ids = try PolicyData.pairIds(try call.dataset(1), policy: p, call: call)
            guard !ids.isEmpty else { throw call.error("the data has no pairs") }
            let m = try Evaluation.metrics(p, ids: ids, beta: beta) { n in try p.goals(n, call: call) }
            return .record(RecordBox(m.map { ($0.0, Value.number($0.1)) }))
        }
    }
}

/// A one-line progress bar on stderr (only when it is a terminal): steps/s, ETA, current loss.
final class ProgressBar {
    let enabled: Bool
    let start = Date()
    var last = Date.distantPast
    init(enabled: Bool) { self.enabled = enabled }

    func update(_ step: Int, _ total: Int, _ loss: Double) {
        guard enabled, Date().timeIntervalSince(last) > 0.1 || step == total else { return }
        last = Date()
        let t = last.timeIntervalSince(start), rate = Double(step) / max(t, 1e-9)
        let width = 24, done = total > 0 ? width * step / total : width
        let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
        let eta = Double(total - step) / max(rate, 1e-9)
        FileHandle.standardError.write(Data("\r\(bar) \(step)/\(total) \(String(format: "%.1f", rate)) steps/s ETA \(String(format: "%.0f", eta))s loss \(String(format: "%.4g", loss))\u{1B}[K".utf8))
    }

    func finish() {
        guard enabled, last != .distantPast else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }
}
