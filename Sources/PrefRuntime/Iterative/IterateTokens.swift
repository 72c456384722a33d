import Foundation
import PrefCore
import PrefLanguage
import PrefLearn

/// `iterate` on a token policy: each round samples sequences autoregressively, scores them,
/// pairs them per prompt and trains with `fit`'s token-pairs task. The sequence space cannot be
/// enumerated, so the per-round measures are sampled: gold = mean r* of `samples_per_prompt` fresh
/// samples per prompt of the split, win_rate = the share of those beating (½ for ties) a sample of
/// the policy as it entered `iterate` for the same prompt, drawn with the same seed; no KL.
enum IterateTokens {
    static func run(_ call: BuiltinCall, _ tp: TokenPolicyObject, labeler: IterativeLabeler, loss: LossObject,
                    settings s: IterateBuiltin.Settings) throws -> Value {
        guard !tp.policy.isFrozen else { throw call.error("the policy is a frozen reference; it has no parameters to train", hint: "iterate the policy itself") }
        guard loss.recordForm == nil else {
            throw call.error("\(loss.name) reads a \(loss.recordForm ?? "") record; iterate trains a token policy with paired losses", hint: "use dpo(), simpo(), …")
        }
        if case .none = call[17] {} else {
            throw call.error("refit re-fits a reward model on candidates of the world; a token policy's samples are not candidates", hint: "drop refit, or iterate a candidate policy")
        }
        let offline: TokenPairs? = try {
            if case .none = call[6] { return nil }
            guard case .native(let d) = call[6], d.object is DatasetObject else { throw call.typeError(6, expected: "none or a pairs dataset of the policy's world") }
            return try TokenPairs(try call.dataset(6), policy: tp, call: call)
        }()
        let p = tp.policy, w = tp.world, n = s.samples, width = w.config.maxLength
        let start = p.frozen()
        let trainPrompts = Array(w.prompts(.train)), evalPrompts = Array(w.prompts(s.split))
        if let count = s.prompts, count > trainPrompts.count {
            throw call.error("prompts is \(count), but the policy's world has \(trainPrompts.count) train prompts", hint: "use none for every train prompt")
        }
        var rounds = [[Value]](), steps = [[String: Double]](), stepColumns = [String]()
        var reference = tp.initial
        var labelsUsed = 0, interrupted = false
        let began = Date()

        func record(round: Int, samples: Int, labels: Int, ties: Int, flipped: Int, pairs: Int, loss: Double) throws {
            let each = evalPrompts.flatMap { [Int](repeating: $0, count: n) }
            let seed = s.options.seed &+ 7_919
            let gold = try w.sequenceGold(try p.sample(prompts: each, maxLength: width, seed: seed))
            // The same seed for both: common random numbers (round 0 is exactly ½, later rounds vary less).
            let base = try w.sequenceGold(try start.sample(prompts: each, maxLength: width, seed: seed))
            let m = Double(max(each.count, 1))
            let win = zip(gold, base).reduce(0.0) { $0 + ($1.0 > $1.1 ? 1 : $1.0 == $1.1 ? 0.5 : 0) } / m
            rounds.append([round, samples, labels, ties, flipped, pairs, 0].map { .number(Double($0)) }
                + [.number(loss), .number(gold.reduce(0, +) / m), .number(win), .none])
        }
        try record(round: 0, samples: 0, labels: 0, ties: 0, flipped: 0, pairs: 0, loss: .nan)

        for round in 1...s.rounds {
            if s.lastReference { reference = p.frozen() }
            let seed = s.options.seed &+ UInt64(round) &* 1_000_003
            var rng = RandomStream(seed: s.options.seed, stream: "iterate/\(round)")
            let prompts = IterateBuiltin.subset(trainPrompts, s.prompts, rng: &rng)
            let each = prompts.flatMap { [Int](repeating: $0, count: n) }
            let sequences = try p.sample(prompts: each, maxLength: width, seed: seed)
            let scores = try self.scores(labeler, sequences, prompts: each, policy: p, initial: tp.initial, world: w, call: call)
            var chosen = [[Int]](), rejected = [[Int]](), pairPrompts = [Int](), ties = 0, flipped = 0
            for (r, x) in prompts.enumerated() {
                let rows = Array((r * n)..<((r + 1) * n))
                let made = s.pairing.pairs(rows, rows.map { scores[$0] }, rng: &rng)
                ties += made.ties
                for pair in made.pairs {
                    let flip = rng.uniform() < s.flip
                    if flip { flipped += 1 }
                    chosen.append(sequences[flip ? pair[1] : pair[0]])
                    rejected.append(sequences[flip ? pair[0] : pair[1]])
                    pairPrompts.append(x)
                }
            }
            labelsUsed += chosen.count
            let online = chosen.count
            var pairs = TokenPairs(prompts: pairPrompts, chosen: chosen, rejected: rejected)
            if let offline {
                pairs = TokenPairs(prompts: pairs.prompts + offline.prompts, chosen: pairs.chosen + offline.chosen, rejected: pairs.rejected + offline.rejected)
            }
            try IterativeRound.requirePairs(pairs.count, round: round, labeler: labeler, call)
            var options = s.options
            options.seed = seed
            let task = try TokenPairsTask(policy: TokenPolicyObject(p, world: w, initial: reference), loss: loss, pairs: pairs, interpreter: call.interpreter)
            let trained = try IterativeRound.train(task, options: options, round: round, call)
            steps += trained.steps
            stepColumns = trained.columns
            try record(round: round, samples: sequences.count, labels: online, ties: ties, flipped: flipped, pairs: pairs.count,
                       loss: trained.meanLoss)
            if trained.interrupted { interrupted = true; break }
        }
        let columns = ["round", "samples", "labels", "ties", "flipped", "pairs", "refit", "loss", "gold", "win_rate", "kl"]
        let train = Table(columns: stepColumns, rows: steps.map { h in stepColumns.map { h[$0].map(Value.number) ?? .none } })
        return .native(NativeBox(RunObject(history: Table(columns: columns, rows: rounds), evals: Table(columns: [], rows: []), model: call[0],
                                           loss: loss, label: "iterate \(loss.name) (labeler \(labeler.name), \(rounds.count - 1) rounds, token policy)",
                                           extras: [("train", .native(NativeBox(TableObject(train)))), ("labels", .number(Double(labelsUsed)))],
                                           elapsed: Date().timeIntervalSince(began), interrupted: interrupted, stepCount: steps.count)))
    }

    /// Scores of sampled sequences: the sequence gold, a reward of their q features and lengths,
    /// a function of a sample-like record {prompts, tokens, lengths}, or the implicit reward
    /// β(log π(y|x) − log π_ref(y|x)) against the policy as built.
    static func scores(_ labeler: IterativeLabeler, _ sequences: [[Int]], prompts: [Int], policy p: TokenPolicy, initial: TokenPolicy,
                       world w: ToyWorld, call: BuiltinCall) throws -> [Double] {
        let out: [Double]
        switch labeler {
        case .gold:
            out = try w.sequenceGold(sequences)
        case .reward(let r):
            let q = try Tensor(try w.sequenceFeatures(sequences), shape: [sequences.count, w.config.featureDim], dtype: .f64)
            out = try r.reward.rewards(try RewardInputs(features: q, lengths: sequences.map { Double($0.count) })).to(.f64).scalars
        case .function(let f):
            let width = max(sequences.map(\.count).max() ?? 0, 1)
            var tokens = [Double](repeating: -1, count: sequences.count * width)
            for (r, s) in sequences.enumerated() { for (t, y) in s.enumerated() { tokens[r * width + t] = Double(y) } }
            let arg = Value.record(RecordBox([
                ("prompts", TensorValues.wrap(Tensor(prompts.map(Double.init), dtype: .f64))),
                ("tokens", TensorValues.wrap(try Tensor(tokens, shape: [sequences.count, width], dtype: .f64))),
                ("lengths", TensorValues.wrap(Tensor(sequences.map { Double($0.count) }, dtype: .f64))),
            ]))
            let v = try call.interpreter.call(f, [arg])
            let t: Tensor
            do { t = try TensorLiteral.tensor(v, dtype: .f64, op: call.builtin.name) } catch {
                throw call.error("the labeler function must return a tensor or list of numbers, got \(v.typeName)",
                                 hint: "return one score per sampled sequence (rows of s.tokens)")
            }
            guard t.count == sequences.count else {
                throw call.error("the labeler function returned \(t.count) scores for \(sequences.count) sequences", hint: "return one score per sequence, in order")
            }
            out = t.to(.f64).scalars
        case .selfReward(let beta):
            let batch = try TokenBatch(prompts: prompts, sequences: sequences, vocabulary: p.vocabulary)
            let lp = try p.evaluate { t throws(TensorError) in try p.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
            let lr = try initial.evaluate { t throws(TensorError) in try initial.sequenceLogProbs(batch, tape: t) }.to(.f64).scalars
            out = zip(lp, lr).map { beta * ($0 - $1) }
        }
        if let bad = out.firstIndex(where: { !$0.isFinite }) {
            throw call.error("the labeler gave a non-finite score (\(Value.format(number: out[bad]))) to sequence \(bad)", hint: "labels must be finite numbers")
        }
        return out
    }
}
