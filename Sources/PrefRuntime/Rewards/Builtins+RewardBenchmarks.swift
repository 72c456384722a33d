import PrefCore
import PrefLanguage
import PrefLearn

extension BuiltinLibrary {
    /// Reward-model objectives and benchmarks (issue 11 item 6): `eurus_rm_loss`, `benchmark`,
    /// `rank_agreement`.
    static var rewardBenchmarks: [Builtin] { [RewardBenchmarkBuiltins.eurus, RewardBenchmarkBuiltins.benchmark, RewardBenchmarkBuiltins.rankAgreement] }
}

enum RewardBenchmarkBuiltins {
    static var eurus: Builtin {
        Builtin("eurus_rm_loss", [], category: "losses",
                doc: "The Eurus reward-model objective (Yuan et al., 2024, \"Advancing LLM Reasoning Generalists with Preference Trees\"): "
                    + "ℓ = −log σ(r_c − r_r − m) − log σ(r_c) − log σ(−r_r), the Bradley–Terry term plus a direct term that pushes the "
                    + "chosen reward above 0 and the rejected one below, not only their difference. m is the data's optional margin "
                    + "(0 without one; our extension). Trains reward models with fit(rm, pairs, eurus_rm_loss()) like bradley_terry_loss.",
                example: "let run = fit(rm, w.pairs(1000), eurus_rm_loss(), epochs: 50, lr: 0.05)") { _ in
            .native(NativeBox(LossObject(.eurus)))
        }
    }

    static var benchmark: Builtin {
        Builtin("benchmark", [
            BuiltinParameter("reward", doc: "a reward (a reward model, the gold, an ensemble…)"),
            BuiltinParameter("data", .native, doc: "pairs (chosen ≻ rejected)"),
            BuiltinParameter("by", default: Value.none, doc: "a row field (\"aspect\", \"annotator\"), \"cluster\" (toy-world prompt cluster), or one label per row"),
            RewardBuiltins.worldParameter,
        ], category: "rewards",
        doc: "A reward-model benchmark in the RewardBench / RAG-RewardBench / HPS style: the accuracy (the fraction of pairs with "
            + "r(chosen) > r(rejected), ties count as wrong) per category and overall. Returns a table with columns category, pairs, "
            + "accuracy and, for toy-world pairs, gold_agreement; the last row, \"overall\", is over all pairs (micro average) and the "
            + "table's extra `macro` is the mean of the category accuracies (RAG-RewardBench's average). A benchmark file's category "
            + "column loads into the pairs' aspect field: load(path, columns: {aspect: \"category\"}), then by: \"aspect\".",
        example: "let t = benchmark(rm, w.pairs(2000, split: \"test\"), by: \"cluster\")\nt.accuracy") { call in
            let r = try RewardBuiltins.reward(call, 0)
            let d = try call.dataset(1)
            let world = try RewardBuiltins.worldArgument(call, 3) ?? r.world
            guard d.kind == .pairs || d.kind == .logps else { throw call.error("benchmark needs pairs; this dataset is \(d.kind.rawValue)", hint: "use w.pairs(n)") }
            guard d.count > 0 else { throw call.error("the data has no pairs") }
            let groups = try RowGroups.read(call, 2, data: d, world: world) ?? RowGroups.all(d.count, name: "all")
            let (c, rj) = try d.pairInputs(world: world)
            let z = try r.reward.preferenceLogits(chosen: c, rejected: rj).to(.f64).scalars
            let gold: [Double]? = try c.ids != nil ? world.map { w in
                let g = GoldReward(w)
                return try (g.rewards(c) - g.rewards(rj)).scalars
            } : nil
            guard !z.contains(where: \.isNaN) else { throw call.error("the reward's preference logits contain nan") }
            func row(_ name: String, _ rows: [Int]) throws -> [Value] {
                let e = try RewardEvaluation(logits: rows.map { z[$0] }, goldDifferences: gold.map { g in rows.map { g[$0] } })
                var out: [Value] = [.str(name), .number(Double(rows.count)), .number(e.accuracy)]
                if let a = e.goldAgreement { out.append(.number(a)) }
                return out
            }
            var rows = try zip(groups.names, groups.rows).map { try row($0, $1) }
            let macro = rows.reduce(0.0) { acc, r in if case .number(let a) = r[2] { acc + a } else { acc } } / Double(rows.count)
            rows.append(try row("overall", Array(0..<d.count)))
            let columns = ["category", "pairs", "accuracy"] + (gold != nil ? ["gold_agreement"] : [])
            return .native(NativeBox(TableObject(Table(columns: columns, rows: rows), extras: [("macro", .number(macro))])))
        }
    }

    static var rankAgreement: Builtin {
        Builtin("rank_agreement", [
            BuiltinParameter("scores", doc: "a record benchmark → scores: each a record model → score, a table with `key` and `value` columns, or a list/tensor in a shared model order"),
            BuiltinParameter("key", .string, default: .str("model"), doc: "tables: the column naming the model"),
            BuiltinParameter("value", .string, default: .str("accuracy"), doc: "tables: the score column"),
        ], category: "rewards",
        doc: "How much model rankings agree across benchmarks (\"The Validity of Evaluation Results\"): for every pair of benchmarks, over "
            + "the models both score, Kendall's τ-b (ties handled as scipy.stats.kendalltau) and Spearman's ρ (Pearson on average ranks, "
            + "scipy.stats.spearmanr). Returns a table with columns a, b, models, kendall_tau, spearman_rho; nan when a benchmark gives "
            + "every common model the same score. Records and tables match models by name; lists and tensors by position.",
        example: "rank_agreement({bench_a: {m1: 0.71, m2: 0.64, m3: 0.80}, bench_b: {m1: 0.55, m2: 0.58, m3: 0.70}})") { call in
            guard case .record(let rec) = call[0] else { throw call.typeError(0, expected: "a record benchmark → scores") }
            guard rec.count >= 2 else { throw call.error("rank_agreement needs at least two benchmarks, got \(rec.count)") }
            let key = call.string(1), value = call.string(2)
            let benches = try zip(rec.keys, rec.values).map { name, v in (name, try scoreMap(v, bench: name, key: key, value: value, call)) }
            var rows = [[Value]]()
            for i in 0..<benches.count {
                for j in (i + 1)..<benches.count {
                    let (a, sa) = benches[i], (b, sb) = benches[j]
                    let common = sa.order.filter { sb.scores[$0] != nil }
                    guard common.count >= 2 else {
                        throw call.error("benchmarks \(a) and \(b) share \(common.count) model\(common.count == 1 ? "" : "s"); a ranking needs at least 2")
                    }
                    let x = common.compactMap { sa.scores[$0] }, y = common.compactMap { sb.scores[$0] }
                    rows.append([.str(a), .str(b), .number(Double(common.count)),
                                 .number(RankCorrelation.kendallTauB(x, y)), .number(RankCorrelation.spearmanRho(x, y))])
                }
            }
            return .native(NativeBox(TableObject(Table(columns: ["a", "b", "models", "kendall_tau", "spearman_rho"], rows: rows))))
        }
    }

    /// One benchmark's scores by model name, in the benchmark's order.
    private static func scoreMap(_ v: Value, bench: String, key: String, value: String, _ call: BuiltinCall) throws -> (order: [String], scores: [String: Double]) {
        var order = [String](), scores = [String: Double]()
        func add(_ name: String, _ s: Value) throws {
            guard case .number(let x) = s, x.isFinite else {
                throw call.error("benchmark \(bench): the score of \(name) is \(s.displayText), not a finite number")
            }
            guard scores[name] == nil else { throw call.error("benchmark \(bench) scores \(name) twice") }
            order.append(name)
            scores[name] = x
        }
        switch v {
        case .record(let r):
            for (k, s) in zip(r.keys, r.values) { try add(k, s) }
        case .list(let l):
            for (i, s) in l.items.enumerated() { try add("#\(i)", s) }
        case .tensor(let box):
            let t = try TensorValues.tensor(box)
            guard t.rank == 1 else { throw call.error("benchmark \(bench): scores must be 1-D, not \(t.shape)") }
            for (i, x) in t.to(.f64).scalars.enumerated() { try add("#\(i)", .number(x)) }
        case .native(let n) where n.object is TableObject:
            guard let t = (n.object as? TableObject)?.table else { break }
            guard let names = t.column(key), let values = t.column(value) else {
                throw call.error("benchmark \(bench): the table needs columns '\(key)' and '\(value)'", hint: "its columns are " + t.columns.joined(separator: ", ") + "; set key: and value:")
            }
            for (k, s) in zip(names, values) {
                let name: String
                switch k {
                case .string(let str): name = str.value
                default: name = k.displayText
                }
                try add(name, s)
            }
        default:
            throw call.error("benchmark \(bench) is a \(v.typeName)", hint: "give a record model → score, a table, or a list of scores")
        }
        return (order, scores)
    }
}
