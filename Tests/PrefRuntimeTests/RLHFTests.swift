import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `rlhf` and `overoptimization` from pref (issue 8 items 1–2): the reward kinds agree, seeds fix
/// runs, Ctrl-C returns the partial run, knobs are checked.
@Suite("rlhf") struct RLHFTests {
    static let setup = """
        let w = toy_world(seed: 1, prompts: 20, candidates: 16)
        let proxy = w.gold_reward + 0.3 * length

        """

    @Test func aRewardItsTensorAndAFunctionGiveTheSameRun() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup, in: s)
        let a = try Pref.tensor("rlhf(candidate_policy(w), proxy, steps: 4).history[\"reward\"]", in: s).scalars
        let b = try Pref.tensor("rlhf(candidate_policy(w), score(proxy, w), steps: 4).history[\"reward\"]", in: s).scalars
        let c = try Pref.tensor("rlhf(candidate_policy(w), fn(c) score(w.gold_reward, w) + 0.3 * c.length, steps: 4).history[\"reward\"]", in: s).scalars
        #expect(a.count == 4 && a == b)
        for (x, y) in zip(a, c) { #expect(abs(x - y) <= 1e-12 * max(1, abs(x))) }
        // The gold column is the world's r*: with the gold as reward, reward == gold.
        let g = try Pref.tensor("rlhf(candidate_policy(w), w.gold_reward, steps: 3).history[\"gold\"]", in: s).scalars
        let r = try Pref.tensor("rlhf(candidate_policy(w), w.gold_reward, steps: 3).history[\"reward\"]", in: s).scalars
        #expect(g == r)
    }

    @Test func sampledRunsRepeatForASeed() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup, in: s)
        let run = "rlhf(candidate_policy(w), proxy, algo: \"grpo\", exact: false, samples: 4, steps: 5, seed: 7).history[\"kl_est\"]"
        #expect(try Pref.tensor(run, in: s).scalars == Pref.tensor(run, in: s).scalars)
    }

    @Test func theInterruptFlagStopsAtTheEndOfAStep() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let pi = candidate_policy(w)\n", in: s)
        nonisolated(unsafe) let flag = s.interpreter.interruptFlag
        let setter = Thread { Thread.sleep(forTimeInterval: 0.2); flag.pointee = 1 }
        setter.start()
        _ = try Pref.eval("let r = rlhf(pi, proxy, steps: 10000000, lr: 0.01)\n", in: s)
        #expect(try Pref.eval("r.interrupted", in: s).reprText == "true")
        let steps = try Pref.number("r.steps", in: s)
        #expect(steps >= 1 && steps < 10_000_000)
        #expect(flag.pointee == 0)
        #expect(try Pref.tensor("pi.parameters[0]", in: s).scalars.allSatisfy { $0.isFinite })
    }

    @Test func knobsAreValidated() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let pi = candidate_policy(w)\n", in: s)
        for bad in ["kl: -1", "algo: \"a2c\"", "samples: 0", "steps: 0", "lr: 0", "seed: -1", "kl_estimator: \"k4\"", "clip: 0",
                    "epochs: 0", "entropy: -1", "optimizer: \"lion\"", "split: \"dev\"", "gold: 3"] {
            #expect(throws: (any Error).self, "\(bad)") { try Pref.eval("rlhf(pi, proxy, steps: 1, \(bad))", in: s) }
        }
        #expect(throws: (any Error).self) { try Pref.eval("rlhf(reference(pi), proxy)", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("rlhf(pi, fn(c) 1)", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("rlhf(pi, toy_world(seed: 2, candidates: 16).gold_reward)", in: s) }
        for bad in ["method: \"dpo\"", "n: []", "n: [0]", "steps: 0, method: \"rl\"", "policy: 1", "proxy: []"] {
            #expect(throws: (any Error).self, "\(bad)") { try Pref.eval("overoptimization(w, proxy: proxy, \(bad))".replacingOccurrences(of: "proxy: proxy, proxy: []", with: "proxy: []"), in: s) }
        }
    }
}
