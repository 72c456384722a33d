import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// Issue 11's data/reward-side workflows as pref builtins: eurus_rm_loss through fit, benchmark,
/// rank_agreement, explain, consistency and from_edits.
@Suite("rewards: research workflows") struct RewardWorkflowTests {
    /// The same world and pairs as the reward builtins' tests.
    static var setup: String { RewardBuiltinsTests.setup }
    static func session() throws -> Session { try RewardBuiltinsTests.session() }

    static func softplus(_ x: Double) -> Double { Swift.max(x, 0) + log1p(exp(-Swift.abs(x))) }

    @Test func eurusTrainsARewardModelThroughFit() throws {
        let s = try Self.session()
        _ = try Pref.eval("let rm = reward_model(kind: \"mlp\", hidden: 8, features: w, seed: 2)\nlet s0 = rm(d)", in: s)
        let c = try Pref.tensor("s0.chosen", in: s).scalars, r = try Pref.tensor("s0.rejected", in: s).scalars
        // The first full-batch step's loss is the formula at the initial parameters.
        let before = try Pref.number("evaluate(rm, d).accuracy", in: s)
        let expected = zip(c, r).map { Self.softplus(-($0 - $1)) + Self.softplus(-$0) + Self.softplus($1) }.reduce(0, +) / Double(c.count)
        _ = try Pref.eval("let run = fit(rm, d, eurus_rm_loss(), epochs: 60, batch: 300, lr: 0.05)", in: s)
        let losses = try Pref.tensor("run.history.loss", in: s).scalars
        #expect(abs(losses[0] - expected) < 1e-10 * expected, "\(losses[0]) vs \(expected)")
        #expect(losses.last! < 0.8 * losses[0], "\(losses.first!) → \(losses.last!)")
        // The direct term puts chosen rewards above 0 and rejected ones below on average.
        #expect(try Pref.number("mean(rm(d).chosen)", in: s) > 0)
        #expect(try Pref.number("mean(rm(d).rejected)", in: s) < 0)
        let accuracy = try Pref.number("evaluate(rm, d).accuracy", in: s)
        #expect(accuracy > 0.7 && accuracy > before + 0.15, "\(before) → \(accuracy)")
        #expect(try Pref.eval("eurus_rm_loss()", in: s).displayText == "<loss eurus_rm_loss>")
        #expect(Pref.failure(Self.setup + "fit(reward_model(features: w), w.ranked(10), eurus_rm_loss())")?.message.contains("eurus_rm_loss") == true)
    }

    @Test func benchmarkReportsAccuracyPerCategoryAndOverall() throws {
        let s = try Self.session()
        _ = try Pref.eval("let b = benchmark(w.gold_reward, t, by: \"cluster\")", in: s)
        let names = try Pref.eval("b.category", in: s)
        guard case .list(let l) = names else { Issue.record("categories: \(names)"); return }
        #expect(l.items.last?.displayText == "overall")
        let pairs = try Pref.tensor("b.pairs", in: s).scalars
        #expect(pairs.last == 200 && pairs.dropLast().reduce(0, +) == 200)
        // The gold reward agrees with itself; its accuracy is the label agreement of each slice.
        #expect(try Pref.tensor("b.gold_agreement", in: s).scalars.allSatisfy { $0 == 1 })
        let overall = try Pref.number("evaluate(w.gold_reward, t).accuracy", in: s)
        #expect(try Pref.tensor("b.accuracy", in: s).scalars.last == overall)
        let accuracies = try Pref.tensor("b.accuracy", in: s).scalars.dropLast()
        #expect(abs(try Pref.number("b.macro", in: s) - accuracies.reduce(0, +) / Double(accuracies.count)) < 1e-15)
        // A label per row: two halves.
        let halves = try Pref.tensor("benchmark(w.gold_reward, t, by: [if i < 50 { \"a\" } else { \"b\" } for i in 0..<200]).pairs", in: s).scalars
        #expect(halves == [50, 150, 200])
        #expect(Pref.failure(Self.setup + "benchmark(w.gold_reward, t, by: \"category\")")?.message.contains("no field 'category'") == true)
        #expect(Pref.failure(Self.setup + "benchmark(w.gold_reward, t, by: [1, 2])")?.message.contains("2 labels for 200 rows") == true)
    }

    @Test func rankAgreementMatchesScipy() throws {
        // scipy.stats.kendalltau / spearmanr of [0.71, 0.64, 0.80, 0.64, 0.55, 0.90] and
        // [0.55, 0.58, 0.70, 0.60, 0.58, 0.72]: τ-b = 0.5, ρ = 0.6029411764705883.
        let src = """
            let a = {m1: 0.71, m2: 0.64, m3: 0.80, m4: 0.64, m5: 0.55, m6: 0.90}
            let b = {m6: 0.72, m5: 0.58, m4: 0.60, m3: 0.70, m2: 0.58, m1: 0.55, extra: 0.1}
            let c = table([{model: "m1", accuracy: 0.9}, {model: "m2", accuracy: 0.1}, {model: "m3", accuracy: 0.5}])
            let r = rank_agreement({a: a, b: b, c: c})

            """
        let s = Pref.session()
        _ = try Pref.eval(src, in: s)
        let tau = try Pref.tensor("r.kendall_tau", in: s).scalars, rho = try Pref.tensor("r.spearman_rho", in: s).scalars
        #expect(try Pref.tensor("r.models", in: s).scalars == [6, 3, 3])
        #expect(abs(tau[0] - 0.5) < 1e-12 && abs(rho[0] - 0.6029411764705883) < 1e-12)
        // a vs c on m1, m2, m3: (0.71, 0.64, 0.80) vs (0.9, 0.1, 0.5): τ = 1/3, ρ = 0.5.
        #expect(abs(tau[1] - 1.0 / 3) < 1e-12 && abs(rho[1] - 0.5) < 1e-12)
        #expect(Pref.failure("rank_agreement({a: {m: 1}})")?.message.contains("at least two") == true)
        #expect(Pref.failure("rank_agreement({a: {m: 1, n: 2}, b: {x: 1, y: 2}})")?.message.contains("share 0 models") == true)
    }

    @Test func explainRecoversTheGoldWeights() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 2)
            let e = explain(w.pairs(3000, group: "gold", seed: 3), features: ["q1", "q2", "q3", "q4", "q5", "q6", "q_norm2", "length_dev2"], world: w)

            """, in: s)
        let coef = try Pref.tensor("e.coef", in: s).scalars, se = try Pref.tensor("e.se", in: s).scalars
        let truth = try Pref.tensor("w.w_star", in: s).to(.f64).scalars + [-0.4, -0.05]
        for j in 0..<8 { #expect(abs(coef[j] - truth[j]) < 4 * se[j], "feature \(j): \(coef[j]) ± \(se[j]) vs \(truth[j])") }
        let lower = try Pref.tensor("e.lower", in: s).scalars, z = try Pref.tensor("e.z", in: s).scalars
        for j in 0..<8 {
            #expect(abs(lower[j] - (coef[j] - 1.959963984540054 * se[j])) < 1e-12)
            #expect(abs(z[j] - coef[j] / se[j]) < 1e-12)
        }
        #expect(try Pref.eval("type(e.plot)", in: s).displayText == "plot")
        // A record of difference tensors gives the same fit as the names.
        let viaRecord = try Pref.number("""
            let p = w.pairs(3000, group: "gold", seed: 3)
            let diff = transpose(p.features.chosen - p.features.rejected)
            explain(p, features: {a: diff[0], b: diff[1]}).coef[1]
            """, in: s)
        let viaNames = try Pref.number("explain(w.pairs(3000, group: \"gold\", seed: 3), features: [\"q1\", \"q2\"]).coef[1]", in: s)
        #expect(abs(viaRecord - viaNames) < 1e-6)
        #expect(Pref.failure("let w = toy_world(seed: 2)\nexplain(w.pairs(100), features: [\"bogus\"])")?.message.contains("unknown property 'bogus'") == true)
        #expect(Pref.failure("let w = toy_world(seed: 2)\nexplain(w.pairs(100), features: [\"q9\"])")?.message.contains("q1…q6") == true)
        #expect(Pref.failure("let w = toy_world(seed: 2)\nlet p = w.pairs(100)\nlet x = transpose(p.features.chosen)[0]\nexplain(p, features: {a: x, b: 2 * x})")?.message.contains("collinear") == true)
        #expect(Pref.failure("let w = toy_world(seed: 2)\nexplain(w.pairs(5), features: [\"q1\", \"q2\", \"q3\", \"q4\", \"q5\", \"q6\"])")?.message.contains("5 pairs for 6 features") == true)
    }

    @Test func consistencyCountsAgreementsBetweenProtocols() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 1, prompts: 3, test_prompts: 1, candidates: 4, clusters: 1)
            let r = w.ratings(60, grade: "judge", seed: 1)
            let k = w.ranked(20, size: 3, group: "gold", seed: 2)
            let c = consistency(r, k, aspect: "quality")

            """, in: s)
        let pairs = try Pref.number("c.pairs", in: s), agree = try Pref.number("c.agree", in: s)
        let disagree = try Pref.number("c.disagree", in: s), ties = try Pref.number("c.ties", in: s)
        #expect(pairs == 60 && agree + disagree + ties == pairs)   // 20 lists × 3 pairs, every candidate rated
        #expect(agree > disagree)
        #expect(try Pref.number("c.disagreement", in: s) == (disagree + ties) / pairs)
        #expect(Pref.failure("let w = toy_world(seed: 1)\nconsistency(w.pairs(10), w.pairs(10))")?.message.contains("needs ratings rows") == true)
    }

    @Test func fromEditsMakesEditedOverOriginalPairs() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let shown = tensor([[1, 2], [3, 4], [5, 6]], dtype: "f64")
            let edited = tensor([[1.5, 2], [3, 4], [5, 7]], dtype: "f64")
            let p = from_edits(shown, edited, prompts: ["a", "b", "c"])
            let q = from_edits(["x", "y"], ["x!", "y"])

            """, in: s)
        #expect(try Pref.number("len(p)", in: s) == 2)   // the unchanged row makes no pair
        #expect(try Pref.tensor("p.features.chosen", in: s).scalars == [1.5, 2, 5, 7])
        #expect(try Pref.tensor("p.features.rejected", in: s).scalars == [1, 2, 5, 6])
        #expect(try Pref.eval("p[1].prompt", in: s).displayText == "c")
        #expect(try Pref.eval("q[0].chosen", in: s).displayText == "x!" && Pref.number("len(q)", in: s) == 1)
        #expect(Pref.failure("from_edits(tensor([[1, 2]]), tensor([[1, 2, 3]]))")?.message.contains("shape") == true)
        #expect(Pref.failure("from_edits([\"a\"], tensor([[1, 2]]))")?.message.contains("both") == true)
    }

    @Test func routeSpendsTheBudgetOnThePairsThePredictorFlags() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 6, candidates: 32)
            let pool = w.pairs(400, seed: 1)
            let human = {reward: w.gold_reward, cost: 1}
            let judge = {reward: w.gold_reward + 2 * length, cost: 0.1}
            let r = route(pool, sources: {human: human, judge: judge}, budget: 100, by: ["length"], seed_size: 40)
            let one = route(pool, sources: {judge: judge}, budget: 40)

            """, in: s)
        // Seed: 40 × (1 + 0.1) = 44; the other 360 by the judge: 36; the remaining 20 buy
        // ⌊20 / 0.9⌋ = 22 switches to the human at 0.9 each: 62 human labels for 99.8.
        #expect(try Pref.number("r.labels.human", in: s) == 62 && Pref.number("r.labels.judge", in: s) == 338)
        #expect(abs(try Pref.number("r.cost", in: s) - 99.8) < 1e-9)
        // A noiseless human labels by the gold: every pair it labelled is oriented as the gold orders it.
        let humanRows = try Pref.number("len([x for x in r.data if x.annotator == \"human\"])", in: s)
        #expect(humanRows == 62)
        #expect(try Pref.number("evaluate(w.gold_reward, r.data.filter(fn(x) x.annotator == \"human\")).accuracy", in: s) == 1)
        // The judge errs only where its length bias outweighs the gold gap; the predictor learns that
        // |Δlength| predicts disagreement.
        #expect(try Pref.number("r.predictor.coef[1]", in: s) > 0)
        // The chosen ids follow the orientation: the judge-only data agree with the judge's reward.
        #expect(try Pref.number("evaluate(w.gold_reward + 2 * length, one.data).accuracy", in: s) == 1)
        #expect(Pref.failure("let w = toy_world(seed: 6)\nroute(w.pairs(10), sources: {j: {reward: w.gold_reward, cost: 1}}, budget: 5)")?.message.contains("over the budget") == true)
        #expect(Pref.failure("let w = toy_world(seed: 6)\nroute(w.pairs(10), sources: {a: {reward: w.gold_reward, cost: 1}, b: {reward: length, cost: 1}}, budget: 50)")?.message.contains("cost the same") == true)
        #expect(Pref.failure("let w = toy_world(seed: 6)\nroute(w.pairs(10), sources: {a: {reward: w.gold_reward, cost: 1, nosie: 0.1}}, budget: 50)")?.message.contains("unknown field 'nosie'") == true)
    }

    /// flip_labels swaps the toy-world ids with the features (it used to leave chosen_id and
    /// rejected_id in place, so rewards that look candidates up refused the flipped data).
    @Test func flippedToyPairsKeepTheirIdsWithTheirFeatures() throws {
        let s = try Self.session()
        _ = try Pref.eval("let f = flip_labels(t, 1, seed: 1)", in: s)
        let before = try Pref.number("evaluate(w.gold_reward, t).accuracy", in: s)
        #expect(abs(try Pref.number("evaluate(w.gold_reward, f).accuracy", in: s) - (1 - before)) < 1e-12)
        #expect(try Pref.number("max(abs(t.features.chosen_id - f.features.rejected_id))", in: s) == 0)
        #expect(try Pref.number("max(abs(t.features.chosen - f.features.rejected))", in: s) == 0)
    }
}
