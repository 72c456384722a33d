import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// Rewards as pref values: scoring, algebra, evaluation, fit and checkpoints, ensembles.
@Suite("rewards: builtins") struct RewardBuiltinsTests {
    static let setup = """
        let w = toy_world(seed: 4, candidates: 16, prompts: 30, test_prompts: 10, noise: 0.1)
        let d = w.pairs(300, group: "gold", seed: 1)
        let t = w.pairs(200, group: "gold", split: "test", seed: 2)

        """

    static func session() throws -> Session { try Pref.session(running: setup) }

    @Test func goldAndLengthMatchTheWorld() throws {
        let s = try Self.session()
        #expect(try Pref.number("max(abs(w.gold_reward(w) - astype(w.gold, \"f64\")))", in: s) < 1e-5)   // w.gold is f32
        #expect(try Pref.number("max(abs(length(w) - astype(w.lengths, \"f64\")))", in: s) == 0)
        #expect(try Pref.number("max(abs(w.gold_reward(w.test) - astype(w.test.gold, \"f64\")))", in: s) < 1e-5)
        // A linear model scores q·w exactly on a feature tensor.
        _ = try Pref.eval("let rm = reward_model(features: 6, seed: 3)\nlet q = tensor([[1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 0, 1]], dtype: \"f64\")", in: s)
        let weights = try Pref.tensor("rm.parameters[0]", in: s).scalars
        let r = try Pref.tensor("rm(q)", in: s).scalars
        #expect(abs(r[0] - zip([1.0, 2, 3, 4, 5, 6], weights).reduce(0) { $0 + $1.0 * $1.1 }) < 1e-12)
        #expect(abs(r[1] - weights[5]) < 1e-12)
    }

    @Test func algebraAndExtremaArePerCandidate() throws {
        let s = try Self.session()
        _ = try Pref.eval("let g = w.gold_reward\nlet a = 0.5 * g - 0.25 * length + 2\nlet b = (g - 3) / 2", in: s)
        let g = try Pref.tensor("g(w.test)", in: s).scalars, l = try Pref.tensor("length(w.test)", in: s).scalars
        let a = try Pref.tensor("a(w.test)", in: s).scalars, b = try Pref.tensor("b(w.test)", in: s).scalars
        for i in g.indices {
            #expect(abs(a[i] - (0.5 * g[i] - 0.25 * l[i] + 2)) < 1e-12)
            #expect(abs(b[i] - (g[i] - 3) / 2) < 1e-12)
        }
        #expect(try Pref.tensor("min(g, length, a)(w.test)", in: s).scalars == g.indices.map { Swift.min(g[$0], l[$0], a[$0]) })
        #expect(try Pref.tensor("max(g, length)(w.test)", in: s).scalars == g.indices.map { Swift.max(g[$0], l[$0]) })
        #expect(try Pref.number("if type(a) == \"reward\" { 1 } else { 0 }", in: s) == 1)
        #expect(throws: (any Error).self) { try Pref.eval("g * g", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("g / 0", in: s) }
    }

    @Test func evaluateOfTheGoldAgreesWithItself() throws {
        let s = try Self.session()
        #expect(try Pref.number("evaluate(w.gold_reward, t).gold_agreement", in: s) == 1)
        // Accuracy against the noisy labels is the fraction of pairs whose label follows the gold.
        let chosen = try Pref.tensor("w.gold_reward(t).chosen", in: s).scalars, rejected = try Pref.tensor("w.gold_reward(t).rejected", in: s).scalars
        let accuracy = Double(zip(chosen, rejected).filter { $0 > $1 }.count) / Double(chosen.count)
        #expect(try Pref.number("evaluate(w.gold_reward, t).accuracy", in: s) == accuracy)
        let logLoss = zip(chosen, rejected).map { log1p(exp(-($0 - $1))) }.reduce(0, +) / Double(chosen.count)
        #expect(abs(try Pref.number("evaluate(w.gold_reward, t).log_loss", in: s) - logLoss) < 1e-10 * logLoss)
    }

    @Test func fitTrainsARewardModelAndResumesBitIdentically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-rm-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func run(_ extra: String, epochs: Int, _ s: Session) throws -> [Double] {
            _ = try Pref.eval("let rm = reward_model(kind: \"mlp\", hidden: 8, features: w, seed: 2)\nlet r = fit(rm, d, bradley_terry_loss(), epochs: \(epochs), batch: 50, lr: 0.02, seed: 3\(extra))", in: s)
            return try Pref.tensor("rm.parameters[0]", in: s).scalars + Pref.tensor("rm.parameters[2]", in: s).scalars
        }
        let s = try Self.session()
        let before = try Pref.number("evaluate(reward_model(kind: \"mlp\", hidden: 8, features: w, seed: 2), t).log_loss", in: s)
        let whole = try run("", epochs: 4, s)
        #expect(try Pref.number("r.steps", in: s) == 24)
        #expect(try Pref.number("evaluate(rm, t).log_loss", in: s) < before)
        let partial = try Self.session()
        _ = try run(", checkpoint: \"\(dir)/ck\"", epochs: 2, partial)
        let resumed = try run(", resume: \"\(dir)/ck\"", epochs: 4, try Self.session())
        #expect(resumed.map(\.bitPattern) == whole.map(\.bitPattern))
    }

    @Test func ensemblesCombineTrainedMembers() throws {
        let s = try Self.session()
        _ = try Pref.eval("let ms = train_ensemble(reward_model(kind: \"mlp\", hidden: 4, features: w, seed: 5), d, n: 3, epochs: 20, lr: 0.05)", in: s)
        let r = try (0..<3).map { try Pref.tensor("ms[\($0)](w.test)", in: s).scalars }
        #expect(r[0] != r[1] && r[1] != r[2], "members differ by seed")
        let mean = try Pref.tensor("ensemble(ms)(w.test)", in: s).scalars
        let uwo = try Pref.tensor("ensemble(ms, combine: \"uwo\", lambda: 2)(w.test)", in: s).scalars
        let wco = try Pref.tensor("ensemble(ms, combine: \"wco\")(w.test)", in: s).scalars
        for i in mean.indices {
            let m = (r[0][i] + r[1][i] + r[2][i]) / 3
            let v = ((r[0][i] - m) * (r[0][i] - m) + (r[1][i] - m) * (r[1][i] - m) + (r[2][i] - m) * (r[2][i] - m)) / 3
            #expect(abs(mean[i] - m) < 1e-12 * Swift.max(1, abs(m)))
            #expect(abs(uwo[i] - (m - 2 * v)) < 1e-12 * Swift.max(1, abs(m)))
            #expect(wco[i] == Swift.min(r[0][i], r[1][i], r[2][i]))
        }
        // Standardised members have mean 0 and standard deviation 1 over the given candidates.
        let z = try Pref.tensor("ensemble([ms[0]], standardize: w.test)(w.test)", in: s).scalars
        let zm = z.reduce(0, +) / Double(z.count)
        #expect(abs(zm) < 1e-12 && abs(z.map { $0 * $0 }.reduce(0, +) / Double(z.count) - 1) < 1e-12)
    }

    @Test func bestOfNOfTheGoldRisesAndMatchesItsBound() throws {
        let s = try Self.session()
        _ = try Pref.eval("let b = best_of_n(w, w.gold_reward, n: [1, 2, 8, 16])", in: s)
        let rows = try Pref.eval("[[r.n, r.kl, r.gold, r.proxy] for r in b.rows]", in: s)
        guard case .list(let l) = rows else { throw Pref.Mismatch("not a list") }
        let values = l.items.map { v -> [Double] in
            guard case .list(let r) = v else { return [] }
            return r.items.map { if case .number(let x) = $0 { x } else { .nan } }
        }
        #expect(values[0][1] == 0)
        for (a, b) in zip(values, values.dropFirst()) { #expect(b[2] > a[2] && b[1] > a[1]) }
        for v in values {
            #expect(v[1] <= log(v[0]) - (v[0] - 1) / v[0] + 1e-12)
            #expect(v[2] == v[3], "the proxy is the gold")
        }
        // The uniform sampler and a fresh log-linear policy (uniform) agree.
        let viaPolicy = try Pref.number("best_of_n(candidate_policy(w), w.gold_reward, n: 8).gold", in: s)
        #expect(abs(viaPolicy - values[2][2]) < 1e-10 * abs(viaPolicy))
    }
}
