import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `merge` (issue 11 item 4): linear and SLERP interpolation of parameters.
@Suite("merge: model soups and SLERP") struct MergeTests {
    static let setup = """
        let w = toy_world(seed: 1, candidates: 8)
        let a = candidate_policy(w)
        let b = candidate_policy(w)
        let c = candidate_policy(w)
        let ra = fit(a, w.pairs(200, seed: 1), dpo(), lr: 0.05)
        let rb = fit(b, w.pairs(200, seed: 2), dpo(loss_type: "ipo"), lr: 0.05)
        let rc = fit(c, w.pairs(200, seed: 3), dpo(beta: 0.5), lr: 0.05)

        """

    @Test func linearMergesAreWeightedSumsOfParameters() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup, in: s)
        let ta = try Pref.tensor("a.parameters[0]", in: s).scalars, tb = try Pref.tensor("b.parameters[0]", in: s).scalars
        let tc = try Pref.tensor("c.parameters[0]", in: s).scalars
        let half = try Pref.tensor("merge([a, b], t: 0.3).parameters[0]", in: s).scalars
        for j in ta.indices { #expect(abs(half[j] - (0.7 * ta[j] + 0.3 * tb[j])) <= 1e-15 * max(1, abs(half[j]))) }
        let soup = try Pref.tensor("merge([a, b, c]).parameters[0]", in: s).scalars
        for j in ta.indices { #expect(abs(soup[j] - (ta[j] + tb[j] + tc[j]) / 3) <= 1e-14 * max(1, abs(soup[j]))) }
        let weighted = try Pref.tensor("merge([a, b, c], weights: [0.5, 0.25, 0.25]).parameters[0]", in: s).scalars
        for j in ta.indices { #expect(abs(weighted[j] - (0.5 * ta[j] + 0.25 * tb[j] + 0.25 * tc[j])) <= 1e-14 * max(1, abs(weighted[j]))) }
        #expect(try Pref.tensor("merge([a, b], t: 0).parameters[0]", in: s).scalars == ta)
        // The merged policy is a new model: the inputs are unchanged and it measures against a's reference.
        #expect(try Pref.tensor("a.parameters[0]", in: s).scalars == ta)
        #expect(abs(try Pref.number("mean(merge([a, b], t: 0).kl(reference(candidate_policy(w))))", in: s)
            - (try Pref.number("mean(a.kl(reference(candidate_policy(w))))", in: s))) < 1e-14)
    }

    @Test func slerpFollowsTheGreatCircle() throws {
        let x = ParameterMerge.slerp([1, 0], [0, 1], t: 0.5)
        #expect(abs(x[0] - 0.5.squareRoot()) < 1e-15 && abs(x[1] - 0.5.squareRoot()) < 1e-15)
        // Unit vectors at angle Ω stay on the unit circle at angle tΩ from the first.
        let omega = 2.0, a = [1.0, 0], b = [cos(omega), sin(omega)]
        for t in [0.0, 0.2, 0.7, 1.0] {
            let y = ParameterMerge.slerp(a, b, t: t)
            #expect(abs(y[0] - cos(t * omega)) < 1e-14 && abs(y[1] - sin(t * omega)) < 1e-14, "t = \(t): \(y)")
        }
        // Almost parallel tensors (and zero ones) fall back to the linear path.
        #expect(ParameterMerge.slerp([1, 1e-3], [1, 0], t: 0.5) == ParameterMerge.linear([[1, 1e-3], [1, 0]], weights: [0.5, 0.5]))
        #expect(ParameterMerge.slerp([0, 0], [1, 2], t: 0.25) == [0.25, 0.5])
        // Through the builtin, per parameter tensor.
        let s = Pref.session()
        _ = try Pref.eval(Self.setup, in: s)
        let ta = try Pref.tensor("a.parameters[0]", in: s).scalars, tb = try Pref.tensor("b.parameters[0]", in: s).scalars
        let m = try Pref.tensor("merge([a, b], t: 0.4, method: \"slerp\").parameters[0]", in: s).scalars
        #expect(m == ParameterMerge.slerp(ta, tb, t: 0.4))
    }

    @Test func rewardModelsMerge() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 1, candidates: 8)
            let d = w.pairs(300, seed: 1)
            let m1 = reward_model(kind: "mlp", hidden: 4, features: w, seed: 1)
            let m2 = reward_model(kind: "mlp", hidden: 4, features: w, seed: 2)
            let f = fit(m1, d, bradley_terry_loss(), lr: 0.01)
            let m = merge([m1, m2], weights: [0.25, 0.75])

            """, in: s)
        for i in 0..<3 {
            let p1 = try Pref.tensor("m1.parameters[\(i)]", in: s).scalars, p2 = try Pref.tensor("m2.parameters[\(i)]", in: s).scalars
            let pm = try Pref.tensor("m.parameters[\(i)]", in: s).scalars
            for j in p1.indices { #expect(abs(pm[j] - (0.25 * p1[j] + 0.75 * p2[j])) <= 1e-15 * max(1, abs(pm[j]))) }
        }
        #expect(try Pref.eval("m.kind", in: s).displayText == "mlp")
    }

    @Test func tokenPoliciesMerge() throws {
        let s = Pref.session()
        _ = try Pref.eval("""
            let w = toy_world(seed: 1, view: "token", candidates: 8, prompts: 20)
            let a = token_policy(w, hidden: 8, seed: 1)
            let b = token_policy(w, hidden: 8, seed: 2)
            let m = merge([a, b], t: 0.25)

            """, in: s)
        for i in 0..<5 {
            let pa = try Pref.tensor("a.parameters[\(i)]", in: s).scalars, pb = try Pref.tensor("b.parameters[\(i)]", in: s).scalars
            let pm = try Pref.tensor("m.parameters[\(i)]", in: s).scalars
            for j in pa.indices { #expect(abs(pm[j] - (0.75 * pa[j] + 0.25 * pb[j])) <= 1e-15 * max(1, abs(pm[j]))) }
        }
        let e = Pref.failure("let w = toy_world(seed: 1, view: \"token\", candidates: 8, prompts: 20)\nmerge([token_policy(w, hidden: 8), token_policy(w, hidden: 4)])")
        #expect(e?.message.contains("one architecture") == true, "\(String(describing: e))")
    }

    @Test func mismatchedModelsAreErrors() {
        let cases: [(String, String)] = [
            ("merge([a, candidate_policy(toy_world(seed: 2, candidates: 8))])", "different world"),
            ("merge([a, candidate_policy(w, kind: \"mlp\")])", "one architecture"),
            ("merge([a, reward_model(features: w)])", "not a policy"),
            ("merge([reward_model(features: w), reward_model(kind: \"mlp\", features: w)])", "another architecture"),
            ("merge([w.gold_reward, w.gold_reward])", "learned reward models"),
            ("merge([a, b, c], t: 0.5, method: \"slerp\")", "slerp merges two models"),
            ("merge([a, b], method: \"slerp\")", "slerp needs t"),
            ("merge([a, b], weights: [1])", "1 weights for 2 models"),
            ("merge([a, b], weights: [0.5, 0.5], t: 0.5)", "either t: or weights:"),
            ("merge([])", "non-empty list"),
            ("merge([1, 2])", "merge takes candidate policies, token policies or reward models"),
            ("merge([a, b], method: \"ties\")", "method"),
        ]
        for (source, message) in cases {
            let e = Pref.failure(Self.setup + source)
            #expect(e?.message.contains(message) == true, "\(source): \(String(describing: e))")
        }
    }
}

/// examples/merging.pref: interpolating two specialists traces a monotone (r1, r2) front from one
/// specialist to the other (rewarded soups).
@Suite("merging example") struct MergingExampleTests {
    @Test func interpolationTracesAFront() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("merging.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        func numbers(_ line: Substring) -> [Double] {
            line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ",;:"))) }
        }
        let front = out.split(separator: "\n").filter { $0.hasPrefix("t = ") }.map(numbers)
        try #require(front.count == 5 && front.allSatisfy { $0.count == 3 }, "\(out)")
        for (p, q) in zip(front, front.dropFirst()) {
            #expect(q[1] < p[1] && q[2] > p[2], "r1 falls and r2 rises along t: \(p) → \(q)")
        }
        let specialists = try #require(out.split(separator: "\n").first { $0.hasPrefix("specialist a") }.map(numbers), "\(out)")
        #expect(specialists.count == 4)
        #expect(abs(front[0][1] - specialists[0]) < 1e-3 && abs(front[0][2] - specialists[1]) < 1e-3)
        #expect(abs(front[4][1] - specialists[2]) < 1e-3 && abs(front[4][2] - specialists[3]) < 1e-3)
        #expect(specialists[0] > specialists[2] + 1 && specialists[3] > specialists[1] + 1, "each specialist leads on its reward")
        let mid = front[2]
        #expect(mid[1] + mid[2] > max(front[0][1] + front[0][2], front[4][1] + front[4][2]), "the soup keeps much of both: \(mid)")
    }
}
