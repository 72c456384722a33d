import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// Sampled best-of-n of a token policy with a reward that is a known function of the tokens (the
/// sequence length): the mean best reward rises with n and matches the brute-force expectation
/// E[max of n draws] = Σ_v v·(F(v)ⁿ − F(v⁻)ⁿ) of each prompt's length distribution, estimated
/// from a separate large sample, within Monte-Carlo error; the KL is log n − (n−1)/n.
@Suite("rewards: best-of-n of token policies") struct BestOfNTokenTests {
    static let ns = [1, 2, 4, 8]

    @Test func meanBestLengthRisesAndMatchesTheBruteForceExpectation() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 3, view: "token", prompts: 6, test_prompts: 2, candidates: 4)
            let tp = token_policy(w, hidden: 8, seed: 2)
            let t = best_of_n(tp, length, n: [1, 2, 4, 8], samples: 400, split: "train", seed: 5)
            let big = tp.sample(3000, seed: 77, split: "train")

            """, in: s)
        let proxy = try Pref.tensor("tensor([row.proxy for row in t.rows], dtype: \"f64\")", in: s).scalars
        let se = try Pref.tensor("tensor([row.proxy_se for row in t.rows], dtype: \"f64\")", in: s).scalars
        let kl = try Pref.tensor("tensor([row.kl for row in t.rows], dtype: \"f64\")", in: s).scalars
        for k in 1..<proxy.count { #expect(proxy[k] > proxy[k - 1], "best-of-\(Self.ns[k]) \(proxy[k]) vs \(proxy[k - 1])") }
        for (k, n) in Self.ns.enumerated() { #expect(abs(kl[k] - (log(Double(n)) - Double(n - 1) / Double(n))) < 1e-15) }
        // Brute force from the large sample: per prompt the empirical distribution of lengths.
        let lengths = try Pref.tensor("big.lengths", in: s).scalars
        let prompts = 6, m = 3000
        for (k, n) in Self.ns.enumerated() {
            var expected = 0.0
            for p in 0..<prompts {
                let values = lengths[(p * m)..<((p + 1) * m)].sorted()
                var below = 0.0, i = 0
                while i < values.count {
                    var j = i
                    while j < values.count && values[j] == values[i] { j += 1 }
                    let upTo = Double(j) / Double(m)
                    expected += values[i] * (pow(upTo, Double(n)) - pow(below, Double(n))) / Double(prompts)
                    below = upTo
                    i = j
                }
            }
            // 4 standard errors of the best-of-n estimate plus the large sample's own error.
            #expect(abs(proxy[k] - expected) < 4 * se[k] + 0.05, "n = \(n): \(proxy[k]) ± \(se[k]) vs brute force \(expected)")
        }
    }

    @Test func recordsRepeatAndMisuseIsReported() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 3, view: "token", prompts: 4, test_prompts: 2, candidates: 4)
            let tp = token_policy(w, hidden: 8, seed: 2)
            let a = best_of_n(tp, length, n: 3, samples: 20, seed: 1)
            let b = best_of_n(tp, length, n: 3, samples: 20, seed: 1)

            """, in: s)
        #expect(try Pref.number("a.proxy", in: s) == (try Pref.number("b.proxy", in: s)))
        #expect(try Pref.eval("a.gold", in: s).reprText == "none")
        for bad in ["best_of_n(tp, length, n: 0)", "best_of_n(tp, length, n: 2, samples: 0)", "best_of_n(tp, w.gold_reward, n: 2, samples: 2)"] {
            #expect(throws: (any Error).self, "\(bad)") { try Pref.eval(bad, in: s) }
        }
    }
}
