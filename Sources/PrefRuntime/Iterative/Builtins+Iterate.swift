import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Iterative (online) preference learning (issue 11 item 1): `iterate`.
    static var iterative: [Builtin] { [IterateBuiltin.builtin] }
}

/// `iterate`: rounds of sample → label → pair → train on a candidate policy. One round is
/// iterative DPO's (Xiong et al. 2024, "Iterative Preference Learning from Human Feedback";
/// Dong et al. 2024, "RLHF Workflow"): n samples per prompt from the current policy, scored by
/// the labeler, best-vs-worst (or all, or a random) pair per prompt, then `fit`'s trainer on
/// those pairs with a fresh optimizer. Self-rewarding / self-annotation (Yuan et al. 2024; Kim et
/// al. 2025) is `labeler: "self"`; verifier labels (PLUM, CodeDPO) are a function labeler;
/// offline data mixed into every round follows "Understanding Alignment in Multimodal LLMs"
/// (Amirloo et al. 2024).
enum IterateBuiltin {
    static let parameters: [BuiltinParameter] = [
        BuiltinParameter("policy", doc: "a candidate policy over a toy world, or a token policy (sampled sequences; sampled measures), trained in place"),
        BuiltinParameter("labeler", doc: "who scores the samples: \"gold\" (r*), \"self\" (β(log π − log π_ref) of the current policy), a reward (reward model, ensemble, w.gold_reward, reward algebra) or a function of a [n] tensor of candidate ids returning n scores (a verifier)"),
        BuiltinParameter("loss", doc: "a paired loss (dpo(beta: 0.1), dpo(label_smoothing: 0.1), robust_dpo(…), ipo, a composite…)"),
        BuiltinParameter("rounds", .int, default: .number(3), doc: "rounds of sample → label → train, 1…1000"),
        BuiltinParameter("samples_per_prompt", .int, default: .number(4), doc: "responses sampled per prompt and round, 2…1024"),
        BuiltinParameter("pairs", .string, default: .str("best_worst"), doc: "\"best_worst\" (one pair per prompt: highest vs lowest score), \"all\" (every pair of samples with different scores) or \"random\" (one random pair of samples)"),
        BuiltinParameter("mix_offline", default: Value.none, doc: "a pairs dataset of the policy's world added to every round's pairs; none: online pairs only"),
        BuiltinParameter("reference", .string, default: .str("fixed"), doc: "\"fixed\" (the policy as built, as fit uses) or \"last\" (the policy at the start of each round)"),
        BuiltinParameter("prompts", default: Value.none, doc: "train prompts sampled per round (without replacement); none: every train prompt"),
        BuiltinParameter("flip", .number, default: .number(0), doc: "label noise: the probability, 0…0.5, that each pair's preference is flipped after labelling"),
        BuiltinParameter("self_beta", .number, default: .number(0.1), doc: "β of the self-annotation reward β(log π − log π_ref), > 0"),
        BuiltinParameter("epochs", .int, default: .number(1), doc: "passes over each round's pairs, ≥ 1"),
        BuiltinParameter("batch", .int, default: .number(64), doc: "pairs per step, ≥ 1"),
        BuiltinParameter("lr", .number, default: .number(1e-3), doc: "learning rate of each round's optimizer, finite and > 0"),
        BuiltinParameter("optimizer", .string, default: .str("adamw"), doc: "\"adamw\", \"adam\" or \"sgd\""),
        BuiltinParameter("seed", default: Value.none, doc: "a whole number ≥ 0 for sampling, pairing, flips and shuffling; none: the session seed"),
        BuiltinParameter("split", .string, default: .str("test"), doc: "the prompts the per-round gold, win rate and KL are measured on: \"test\" or \"train\""),
        BuiltinParameter("refit", default: Value.none, doc: "IterComp: a reward-model labeler is re-fitted each round, before labelling, on this many new pairs of the round's samples labelled by the world's gold annotator (plus those of earlier rounds), trained in place; none: the labeler stays fixed"),
        BuiltinParameter("refit_lr", .number, default: .number(0.01), doc: "the learning rate of the reward model's re-fit (Adam-W, epochs as the policy's)"),
    ]

    static var builtin: Builtin {
        Builtin("iterate", parameters, category: "training",
                doc: "Iterative (online) preference learning: each round samples samples_per_prompt responses per prompt from the current "
                    + "policy, scores them with the labeler, builds pairs (best vs worst, all, or random; equal scores make no pair), optionally "
                    + "flips each label with probability flip and adds the mix_offline pairs, then trains with fit's trainer (a fresh optimizer "
                    + "per round; the reference is the policy as built, or the policy at the start of the round with reference: \"last\"). "
                    + "Covers iterative / online DPO (Xiong et al. 2024; Dong et al. 2024), self-rewarding and self-annotation (labeler: \"self\", "
                    + "Yuan et al. 2024; Kim et al. 2025 — pair it with a noise-aware loss such as dpo(label_smoothing: ε)), verifier labels (a "
                    + "function labeler: PLUM, CodeDPO) and offline/online mixing (Amirloo et al. 2024). Returns a run: r.history has one row per "
                    + "round (round 0 is the start): round, samples, labels (pairs labelled this round), ties, flipped, pairs (trained on, with "
                    + "offline), refit (annotator pairs the reward-model labeler was re-fitted on, IterComp), loss (mean over the round's steps) and, on a toy world, gold = E_π[r*], win_rate against the policy as it "
                    + "entered iterate and kl to it, over the split's prompts; r.train is every step's history (with its round), r.steps the "
                    + "optimizer steps, r.model the policy, r.labels the total labels used.",
                example: "let w = toy_world(seed: 1, candidates: 8)\nlet pi = candidate_policy(w)\n"
                    + "let r = iterate(pi, labeler: \"gold\", loss: dpo(beta: 0.1), rounds: 2, lr: 0.05)\nr.history") { call in
            try run(call)
        }
    }

    /// The validated arguments besides policy, labeler and loss.
    struct Settings {
        var rounds = 3, samples = 4, prompts: Int?
        var pairing = IterativePairing.bestWorst
        var lastReference = false
        var flip = 0.0
        var options = FitOptions()
        var split = ToyWorld.Split.test
    }

    static func settings(_ call: BuiltinCall) throws -> Settings {
        var s = Settings()
        s.rounds = try call.whole(call[3], "rounds")
        guard (1...1000).contains(s.rounds) else { throw call.error("rounds must be 1…1000, got \(s.rounds)") }
        s.samples = try call.whole(call[4], "samples_per_prompt")
        guard (2...1024).contains(s.samples) else {
            throw call.error("samples_per_prompt must be 2…1024, got \(s.samples)", hint: "a pair needs at least two samples of a prompt")
        }
        s.pairing = IterativePairing(rawValue: try call.choice(5, IterativePairing.allCases.map(\.rawValue))) ?? .bestWorst
        s.lastReference = try call.choice(7, ["fixed", "last"]) == "last"
        s.prompts = try call.optionalInt(8)
        if let n = s.prompts, n < 1 { throw call.error("prompts must be ≥ 1 or none, got \(n)") }
        guard case .number(let flip) = call[9], (0...0.5).contains(flip) else { throw call.error("flip must be a number in 0…0.5") }
        s.flip = flip
        s.options.epochs = try call.whole(call[11], "epochs")
        guard (1...100_000).contains(s.options.epochs) else { throw call.error("epochs must be 1…100000, got \(s.options.epochs)") }
        s.options.batch = try call.whole(call[12], "batch")
        guard (1...1_000_000).contains(s.options.batch) else { throw call.error("batch must be 1…1000000, got \(s.options.batch)") }
        guard case .number(let lr) = call[13], lr.isFinite, lr > 0 else { throw call.error("lr must be a finite number > 0") }
        s.options.lr = lr
        s.options.optimizer = try call.choice(14, ["adamw", "adam", "sgd"])
        let seed = try call.optionalInt(15) ?? Int(call.session?.seed ?? 0)
        guard seed >= 0 else { throw call.error("seed must be a whole number ≥ 0, got \(seed)") }
        s.options.seed = UInt64(seed)
        s.split = ToyWorld.Split(rawValue: try call.choice(16, ToyWorld.Split.allCases.map(\.rawValue))) ?? .test
        return s
    }

    static func run(_ call: BuiltinCall) throws -> Value {
        guard case .number(let selfBeta) = call[10], selfBeta.isFinite, selfBeta > 0 else { throw call.error("self_beta must be a finite number > 0") }
        let labeler = try IterativeLabeler.read(call, 1, beta: selfBeta)
        guard case .native(let n) = call[2], let loss = n.object as? LossObject else {
            throw call.typeError(2, expected: "a paired loss", hint: "e.g. dpo(beta: 0.1)")
        }
        guard !loss.isUnpaired, loss.recordForm == nil else {
            throw call.error("\(loss.name) is not a paired loss; iterate trains on the pairs it builds", hint: "use dpo(), ipo, cdpo (dpo(label_smoothing: …)) or another paired loss")
        }
        let s = try settings(call)
        if let tp = TokenPolicyBuiltins.argument(call, 0) { return try IterateTokens.run(call, tp, labeler: labeler, loss: loss, settings: s) }
        let o = try PolicyMethods.policyArgument(call, 0)
        guard !o.policy.isFrozen else { throw call.error("the policy is a frozen reference; it has no parameters to train", hint: "iterate the policy itself") }
        var refit: IterativeRefit? = try {
            guard let n = try call.optionalInt(17) else { return nil }
            guard (1...1_000_000).contains(n) else { throw call.error("refit must be 1…1000000 pairs or none, got \(n)") }
            guard case .number(let lr) = call[18], lr.isFinite, lr > 0 else { throw call.error("refit_lr must be a finite number > 0") }
            return try IterativeRefit(labeler: labeler, count: n, lr: lr, call: call)
        }()
        let offline: [[Int]] = try {
            if case .none = call[6] { return [] }
            guard case .native(let d) = call[6], d.object is DatasetObject else {
                throw call.typeError(6, expected: "none or a pairs dataset of the policy's world")
            }
            return try PolicyData.pairIds(try call.dataset(6), policy: o, call: call)
        }()
        let p = o.policy
        let start = p.frozen()
        let trainPrompts = p.prompts(.train), evalPrompts = p.prompts(s.split)
        guard trainPrompts.count > 0 else { throw call.error("the policy's world has no train prompts") }
        if let n = s.prompts, n > trainPrompts.count {
            throw call.error("prompts is \(n), but the policy's world has \(trainPrompts.count) train prompts", hint: "use none for every train prompt")
        }
        var rounds = [[Value]](), steps = [[String: Double]]()
        var stepColumns = [String]()
        var reference = o.initial
        var labelsUsed = 0
        var interrupted = false
        let began = Date()

        func record(round: Int, samples: Int, labels: Int, ties: Int, flipped: Int, pairs: Int, refitted: Int, loss: Double) throws {
            let m = try IterativeMeasures.measure(p, start: start, prompts: evalPrompts)
            rounds.append([round, samples, labels, ties, flipped, pairs, refitted].map { .number(Double($0)) }
                + [.number(loss)] + (m.map { [.number($0.gold), .number($0.winRate), .number($0.kl)] } ?? [Value.none, .none, .none]))
        }
        try record(round: 0, samples: 0, labels: 0, ties: 0, flipped: 0, pairs: 0, refitted: 0, loss: .nan)

        for round in 1...s.rounds {
            if s.lastReference { reference = p.frozen() }
            let seed = s.options.seed &+ UInt64(round) &* 1_000_003
            var rng = RandomStream(seed: s.options.seed, stream: "iterate/\(round)")
            let prompts = subset(trainPrompts, s.prompts, rng: &rng)
            let drawn = try p.sample(s.samples, prompts: prompts, seed: seed)
            let flat = drawn.flatMap { $0 }
            var refitted = 0
            if var r = refit {
                do {
                    refitted = try r.refit(drawn, options: s.options, round: round, interpreter: call.interpreter)
                } catch let failure as TrainingFailure {
                    throw call.error("round \(round): re-fitting the reward model: \(failure.message)", hint: "lower refit_lr")
                }
                refit = r
            }
            let scores = try labeler.scores(flat, policy: p, reference: o.initial, world: o.world, call: call)
            var pairs = [[Int]](), ties = 0, flipped = 0
            for (r, ids) in drawn.enumerated() {
                let made = s.pairing.pairs(ids, Array(scores[(r * s.samples)..<((r + 1) * s.samples)]), rng: &rng)
                ties += made.ties
                for pair in made.pairs {
                    // One uniform per pair whatever flip is, so runs differing only in flip
                    // flip nested subsets of the same pairs.
                    if rng.uniform() < s.flip { pairs.append([pair[1], pair[0]]); flipped += 1 } else { pairs.append(pair) }
                }
            }
            labelsUsed += pairs.count
            let online = pairs.count
            pairs += offline
            try IterativeRound.requirePairs(pairs.count, round: round, labeler: labeler, call)
            var options = s.options
            options.seed = seed
            let roundPolicy = PolicyObject(p, world: o.world, initial: reference)
            let task = try CandidatePairsTask(policy: roundPolicy, loss: loss, ids: pairs, interpreter: call.interpreter)
            let trained = try IterativeRound.train(task, options: options, round: round, call)
            steps += trained.steps
            stepColumns = trained.columns
            try record(round: round, samples: flat.count, labels: online, ties: ties, flipped: flipped, pairs: pairs.count, refitted: refitted,
                       loss: trained.meanLoss)
            if trained.interrupted { interrupted = true; break }
        }
        let columns = ["round", "samples", "labels", "ties", "flipped", "pairs", "refit", "loss", "gold", "win_rate", "kl"]
        let train = Table(columns: stepColumns, rows: steps.map { h in stepColumns.map { h[$0].map(Value.number) ?? .none } })
        return .native(NativeBox(RunObject(history: Table(columns: columns, rows: rounds), evals: Table(columns: [], rows: []), model: call[0],
                                           loss: loss, label: "iterate \(loss.name) (labeler \(labeler.name), \(rounds.count - 1) rounds)",
                                           extras: [("train", .native(NativeBox(TableObject(train)))), ("labels", .number(Double(labelsUsed)))],
                                           elapsed: Date().timeIntervalSince(began), interrupted: interrupted, stepCount: steps.count)))
    }

    /// `count` of `prompts` drawn without replacement (a partial Fisher–Yates shuffle), in
    /// increasing order; all of them when count is nil or not smaller.
    static func subset(_ prompts: [Int], _ count: Int?, rng: inout RandomStream) -> [Int] {
        guard let count, count < prompts.count else { return prompts }
        var a = prompts
        for i in 0..<count {
            let j = i + rng.uniformInt(below: a.count - i)
            a.swapAt(i, j)
        }
        return Array(a[0..<count]).sorted()
    }
}
