import PrefCore
import PrefLanguage
import PrefLearn

/// The toy world's methods: `w.pairs(3000)`, `w.unpaired(…)`, `w.ranked(…)`, `w.ratings(…)`,
/// `w.comparisons(…)`, `w.logps(…)`, `w.joint(…)` return datasets; `w.logprobs(policy)`,
/// `w.psi()` and `w.lookup(ids)` return exact quantities. Each is a builtin declaration bound to
/// the world, so arguments are checked, defaulted and documented like any builtin's.
enum ToyWorldMethods {
    static let names = ["pairs", "joint", "unpaired", "ranked", "trees", "ratings", "comparisons", "logps", "logprobs", "psi", "lookup"]

    static func bound(_ name: String, to object: ToyWorldObject) -> Value? {
        guard let method = method(name, object) else { return nil }
        return .builtin(BuiltinBox(method))
    }

    static let count = BuiltinParameter("n", .int, doc: "the number of rows")
    static let group = BuiltinParameter("group", default: Value.none,
                                        doc: "who labels: a group 0…G−1, \"cluster\" (group c(x) mod G), \"gold\" (the gold reward); none: a random group per row")
    static let split = BuiltinParameter("split", .string, default: .str("train"), doc: "\"train\" or \"test\" prompts")
    static let seed = BuiltinParameter("seed", default: Value.none, doc: "a whole number: the same rows whatever was drawn before; none: the world's next stream")

    private static func method(_ name: String, _ o: ToyWorldObject) -> Builtin? {
        let w = o.world
        func make(_ params: [BuiltinParameter], _ doc: String, _ body: @escaping (BuiltinCall, inout RandomStream) throws -> Value) -> Builtin {
            Builtin(name, params, category: "toy world", doc: doc) { call in
                let seedIndex = params.firstIndex { $0.name == "seed" }!
                var rng = o.stream(name, seed: try call.optionalInt(seedIndex))
                return try body(call, &rng)
            }
        }
        switch name {
        case "pairs":
            return make([count, group, split, BuiltinParameter("scores", .string, default: .str("none"), doc: "score_chosen/score_rejected: \"none\", \"gold\", \"judge\" (gold + N(0, σ_judge²)), \"grade\" (the gold's grade 0…grades−1) or \"judge_grade\" (the grade of gold + N(0, σ_judge²))"), seed,
                         BuiltinParameter("top", default: Value.none, doc: "draw both candidates among the prompt's `top` best by gold (2…K: small gaps among good responses); none: among all K"),
                         BuiltinParameter("by", .string, default: .str("annotator"), doc: "who picks the chosen response: \"annotator\" (the label model above) or \"score\" (the higher of the two scores, a tie by a fair coin; annotator \"judge\"), as in UltraFeedback")],
                        "Pairs: two distinct candidates of a random prompt, P(a ≻ b) = σ((u(a) − u(b))/τ + κ(u_a v_b − v_a u_b)), then flipped with probability ε; "
                        + "or, with by: \"score\", the one with the higher score chosen.") { call, rng in
                let top = try call.optionalInt(5)
                if let top, !(2...w.config.candidates).contains(top) {
                    throw call.error("top must be 2…\(w.config.candidates) (the candidates per prompt), got \(top)")
                }
                let rows = try w.pairs(try call.whole(call[0], "n"), labeller: try labeller(call, 1, w), split: try splitArg(call, 2), top: top, rng: &rng)
                let scores = ToyWorld.PairScores(rawValue: try call.choice(3, ToyWorld.PairScores.allCases.map(\.rawValue))) ?? .none
                let byScore = try call.choice(6, ["annotator", "score"]) == "score"
                if byScore, scores == .none {
                    throw call.error("by: \"score\" orients pairs by their scores, and scores is \"none\"", hint: "e.g. scores: \"judge_grade\", by: \"score\"")
                }
                let data = try w.dataset(rows, scores: scores, rng: &rng)
                guard byScore else { return DatasetObject.value(data) }
                do throws(DataError) { return DatasetObject.value(try w.orientedByScore(data, rng: &rng)) } catch { throw call.dataError(error) }
            }
        case "joint":
            return make([count, group, split, seed], "Joint (DOVE) pairs: responses to two different prompts compared by absolute utility.") { call, rng in
                let rows = try w.jointPairs(try call.whole(call[0], "n"), labeller: try labeller(call, 1, w), split: try splitArg(call, 2), rng: &rng)
                return DatasetObject.value(try w.dataset(rows, rng: &rng))
            }
        case "unpaired":
            return make([count, group, split, seed], "Unpaired labels: desirable with probability σ((u(y) − median)/τ), the median over the prompt's candidates; flipped with probability ε.") { call, rng in
                let rows = try w.unpaired(try call.whole(call[0], "n"), labeller: try labeller(call, 1, w), split: try splitArg(call, 2), rng: &rng)
                return DatasetObject.value(try w.dataset(rows))
            }
        case "ranked":
            return make([count, BuiltinParameter("size", .int, default: .number(4), doc: "responses per list"),
                         BuiltinParameter("by", .string, default: .str("annotator"), doc: "\"annotator\" (Plackett–Luce ranks), \"judge\" or \"grade\" (scores)"),
                         group, split, seed], "Ranked lists of distinct candidates of one prompt.") { call, rng in
                let by = ToyWorld.RankingSource(rawValue: try call.choice(2, ToyWorld.RankingSource.allCases.map(\.rawValue))) ?? .annotator
                let rows = try w.ranked(try call.whole(call[0], "n"), size: try call.whole(call[1], "size"), by: by,
                                        labeller: try labeller(call, 3, w), split: try splitArg(call, 4), rng: &rng)
                return DatasetObject.value(try w.dataset(rows, rng: &rng))
            }
        case "trees":
            return make([count, BuiltinParameter("size", default: Value.none, doc: "leaves per list, 2…branches; none: the whole tree"),
                         BuiltinParameter("by", .string, default: .str("annotator"), doc: "\"annotator\" (Plackett–Luce ranks), \"judge\" or \"grade\" (scores)"),
                         group, split, seed],
                        "Ranked lists of the leaves of one random preference tree (a toy_world(view: \"token\", branches: b) world; spec §6.10's toy): "
                        + "siblings share every step but the last, so their order is decided by the divergent step. Ranked like w.ranked.") { call, rng in
                let by = ToyWorld.RankingSource(rawValue: try call.choice(2, ToyWorld.RankingSource.allCases.map(\.rawValue))) ?? .annotator
                guard w.config.branches > 0 else {
                    throw call.error("the world has no trees", hint: "toy_world(view: \"token\", branches: 4)")
                }
                let size = try call.optionalInt(1) ?? w.config.branches
                let rows = try w.ranked(try call.whole(call[0], "n"), size: size, by: by, labeller: try labeller(call, 3, w),
                                        split: try splitArg(call, 4), tree: true, rng: &rng)
                return DatasetObject.value(try w.dataset(rows, rng: &rng))
            }
        case "ratings":
            return make([count, BuiltinParameter("grade", .string, default: .str("quantized"), doc: "quality: \"quantized\" gold grade or \"judge\" score"), split, seed],
                        "Ratings: aspect quality (gold grade or judge score) and r1…rN (component rewards + judge noise).") { call, rng in
                let grading = ToyWorld.Grading(rawValue: try call.choice(1, ToyWorld.Grading.allCases.map(\.rawValue))) ?? .quantized
                return DatasetObject.value(try w.dataset(try w.ratings(try call.whole(call[0], "n"), grading: grading, split: try splitArg(call, 2), rng: &rng)))
            }
        case "comparisons":
            return make([count, BuiltinParameter("tie", .number, default: .number(0), doc: "a tie when |u(a) − u(b)| is below this"), group, split, seed],
                        "Arena comparisons between responses, aggregated with counts.") { call, rng in
                let rows = try w.comparisons(try call.whole(call[0], "n"), tie: call.number(1), labeller: try labeller(call, 2, w),
                                             split: try splitArg(call, 3), rng: &rng)
                return DatasetObject.value(w.dataset(rows))
            }
        case "logps":
            return make([count, BuiltinParameter("policy", doc: "θ (d_q or psi_dim numbers) of π ∝ exp(θ·ψ), a [P, K] tensor of logits, or \"uniform\""),
                         BuiltinParameter("reference", default: .str("uniform"), doc: "the reference, given like policy"), group, split, seed],
                        "Pairs with exact log π(y|x) of chosen and rejected under a policy and a reference over the candidates.") { call, rng in
                let s = try splitArg(call, 4)
                let rows = try w.logps(try call.whole(call[0], "n"), policy: try policy(call, 1, w), reference: try policy(call, 2, w),
                                       labeller: try labeller(call, 3, w), split: s, rng: &rng)
                return DatasetObject.value(try w.dataset(rows))
            }
        case "logprobs":
            return Builtin(name, [BuiltinParameter("policy", doc: "as in logps"), split], category: "toy world",
                           doc: "log π(k|x) of every candidate, [P, K]: a log-softmax over each prompt's candidates.") { call in
                let s = try splitArg(call, 1)
                let lp = try w.logProbabilities(try policy(call, 0, w), split: s)
                return TensorValues.wrap(try Tensor(lp, shape: [w.prompts(s).count, w.config.candidates]))
            }
        case "psi":
            return Builtin(name, [split], category: "toy world", doc: "ψ(x, k) = [q, ℓ, onehot(ℓ), x ⊗ q] of every candidate, [P, K, psi_dim].") { call in
                let s = try splitArg(call, 0), range = w.prompts(s), k = w.config.candidates
                guard range.count * k * w.psiDim <= Shape.maxElements else {
                    throw call.error("ψ of \(range.count * k) candidates × \(w.psiDim) is more than \(Shape.maxElements) numbers",
                                     hint: "use a world with fewer prompts or candidates")
                }
                let values = (range.lowerBound * k..<range.upperBound * k).flatMap { w.psi($0) }
                return TensorValues.wrap(try Tensor(values, shape: [range.count, k, w.psiDim]))
            }
        case "lookup":
            return Builtin(name, [BuiltinParameter("ids", doc: "candidate ids (a dataset's chosen_id, rejected_id… features)")], category: "toy world",
                           doc: "Exact quantities of candidates by id: a record of gold, lengths, prompts, clusters, features, utilities [G, n] and components [N, n].") { call in
                try lookup(call, w)
            }
        default:
            return nil
        }
    }
}
