import Foundation
import Testing
import PrefCore
import PrefLanguage
import PrefLearn
@testable import PrefRuntime

/// Scoped losses (issue 11 item 5): `l.on(scope)` and `kl_to_reference()`.
@Suite("scoped feedback: l.on and kl_to_reference") struct ScopedFeedbackTests {
    static let setup = """
        let w = toy_world(seed: 1, candidates: 8, noise: 0)
        let data = w.pairs(300, seed: 1)
        let pi = candidate_policy(w, dtype: "f64")

        """

    static func run(_ fit: String) throws -> (history: [Double], theta: [Double]) {
        let s = Pref.session()
        _ = try Pref.eval(setup + "let r = \(fit)\n", in: s)
        let run = try Pref.object("r", as: RunObject.self, in: s)
        let column = try #require(run.history.columns.firstIndex(of: "loss"))
        let losses = run.history.rows.map { row -> Double in if case .number(let x) = row[column] { x } else { .nan } }
        return (losses, try Pref.tensor("pi.parameters[0]", in: s).scalars)
    }

    @Test func aScopeOfEveryPromptIsTheLossItself() throws {
        let plain = try Self.run("fit(pi, data, dpo(beta: 0.1), epochs: 2, lr: 0.05, seed: 2)")
        let all = try Self.run("fit(pi, data, dpo(beta: 0.1).on(fn(x) x >= 0), epochs: 2, lr: 0.05, seed: 2)")
        #expect(plain.history.map(\.bitPattern) == all.history.map(\.bitPattern))
        #expect(plain.theta.map(\.bitPattern) == all.theta.map(\.bitPattern))
        let none = try Self.run("fit(pi, data, dpo(beta: 0.1).on([]), epochs: 1, lr: 0.05, seed: 2)")
        #expect(none.history.allSatisfy { $0 == 0 } && none.theta.allSatisfy { $0 == 0 }, "an empty scope trains nothing")
    }

    /// Unpaired data: kto().on(every prompt) is kto(), and kl_to_reference composes with it.
    @Test func scopesOnUnpairedLosses() throws {
        let s = Pref.session(), s2 = Pref.session()
        let source = Self.setup + "let u = w.unpaired(300, seed: 1)\n"
        _ = try Pref.eval(source + "let r = fit(pi, u, kto(beta: 0.1), epochs: 2, lr: 0.05, seed: 2)\n", in: s)
        _ = try Pref.eval(source + "let r = fit(pi, u, kto(beta: 0.1).on(fn(x) x >= 0), epochs: 2, lr: 0.05, seed: 2)\n", in: s2)
        let a = try Pref.numbers("to_list(r.history.loss)", in: s), b = try Pref.numbers("to_list(r.history.loss)", in: s2)
        #expect(a.map(\.bitPattern) == b.map(\.bitPattern))
        let kl = try Pref.number("fit(pi, u, kto(beta: 0.1).on([]) + kl_to_reference(), batch: 1000, lr: 1e-15).history.loss[0]", in: s)
        let expected = try Pref.number("""
            let k = pi.kl(reference(candidate_policy(w, dtype: "f64")))
            let ps = to_list(w.lookup(u.features.completion_id).prompts)
            sum([k[p] for p in ps]) / len(ps)
            """, in: s)
        #expect(abs(kl - expected) <= 1e-10 * abs(expected), "\(kl) vs \(expected)")
    }

    /// The scoped loss is the mean over the in-scope examples of the batch: with one batch of
    /// every row, DPO on the scope's rows alone gives the same first loss.
    @Test func theScopedLossIsTheMeanOverTheScope() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + """
            let prompts = w.lookup(data.features.chosen_id).prompts
            let keep = to_list(prompts < 120)
            let c = to_list(data.features.chosen_id)
            let j = to_list(data.features.rejected_id)
            let rows = [i for i in 0..<len(keep) if keep[i] == 1]
            let sub = candidate_pairs(pi, [c[i] for i in rows], [j[i] for i in rows])
            fit(pi, w.pairs(8, seed: 4), dpo(), lr: 0.05, epochs: 3)
            let a = fit(candidate_policy(w, dtype: "f64"), sub, dpo(beta: 0.1), batch: 1000, lr: 1e-15).history.loss[0]

            """, in: s)
        // Train pi off its reference first so the losses are not log 2 everywhere.
        let scoped = try Pref.number("fit(pi, data, dpo(beta: 0.1).on(fn(x) x < 120), batch: 1000, lr: 1e-15).history.loss[0]", in: s)
        let direct = try Pref.number("fit(pi, sub, dpo(beta: 0.1), batch: 1000, lr: 1e-15).history.loss[0]", in: s)
        #expect(abs(scoped - direct) <= 1e-10 * abs(direct), "\(scoped) vs \(direct)")
        #expect(try Pref.number("a", in: s) > 0)
    }

    /// kl_to_reference's value is the exact KL of each example's prompt (pi.kl), and its tape
    /// gradient matches central finite differences.
    @Test func klToReferenceMatchesTheExactKLAndFiniteDifferences() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "fit(pi, w.pairs(200, seed: 3), dpo(), lr: 0.1, epochs: 2)\n", in: s)
        let value = try Pref.number("fit(pi, data, kl_to_reference(), batch: 1000, lr: 1e-12).history.loss[0]", in: s)
        let expected = try Pref.number("""
            let kl = pi.kl(reference(candidate_policy(w, dtype: "f64")))
            let ps = to_list(w.lookup(data.features.chosen_id).prompts)
            sum([kl[p] for p in ps]) / len(ps)
            """, in: s)
        #expect(abs(value - expected) <= 1e-10 * abs(expected), "\(value) vs \(expected)")

        let o = try Pref.object("pi", as: PolicyObject.self, in: s)
        let c = try Pref.numbers("to_list(data.features.chosen_id)", in: s), r = try Pref.numbers("to_list(data.features.rejected_id)", in: s)
        let ids = zip(c, r).map { [Int($0), Int($1)] }
        let task = try CandidatePairsTask(policy: o, loss: LossObject(.klToReference), ids: ids, interpreter: s.interpreter)
        let rows = Array(0..<40)
        let theta = o.policy.parameters[0]
        func loss() throws -> Double { try task.value(of: task.loss, rows: rows) }
        let tape = Tape()
        let step = try task.record(rows, on: tape)
        try tape.backward(step.loss)
        let grad = try #require(theta.grad).to(.f64).scalars
        let h = 1e-6
        for j in [0, 3, 7, theta.value.count - 1] {
            var plus = theta.value.to(.f64).scalars, minus = plus
            plus[j] += h; minus[j] -= h
            let original = theta.value
            theta.value = try Tensor(plus, shape: original.shape, dtype: .f64)
            let lp = try loss()
            theta.value = try Tensor(minus, shape: original.shape, dtype: .f64)
            let lm = try loss()
            theta.value = original
            let fd = (lp - lm) / (2 * h)
            #expect(abs(fd - grad[j]) <= 1e-6 * max(1, abs(fd)), "θ[\(j)]: tape \(grad[j]), finite difference \(fd)")
        }
    }

    @Test func scopesOutsideACandidatePolicyAndBadScopesAreErrors() {
        let cases: [(String, String)] = [
            ("inspect(dpo().on([0]), logps(pi, data))", "only a candidate policy's training batches"),
            ("inspect(kl_to_reference(), logps(pi, data))", "only a candidate policy's training batches"),
            ("fit(pi, data, dpo().on(fn(x) [1]))", "returned 1 values"),
            ("fit(pi, data, dpo().on(fn(x) x * 2))", "a scope is bools or 0/1"),
            ("fit(pi, data, dpo().on(fn(x) \"all\"))", "must return bools"),
            ("dpo().on(3)", "must be a function"),
            ("fit(pi, data, dpo().on([0.5]))", "not a prompt index"),
            ("dpo().on([0]).on([1])", "scoped already"),
        ]
        for (source, message) in cases {
            let e = Pref.failure(Self.setup + source)
            #expect(e?.message.contains(message) == true, "\(source): \(String(describing: e))")
        }
    }
}

/// examples/scoped_feedback.pref: C3PO changes the in-scope cluster while the others stay near
/// the reference; plain DPO on the same feedback moves every cluster.
@Suite("scoped feedback example") struct ScopedFeedbackExampleTests {
    @Test func scopedChangesItsClusterAndKeepsTheOthers() throws {
        var out = "", err = ""
        let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
        let path = ExamplesTests.directory.appendingPathComponent("scoped_feedback.pref").path
        #expect(ScriptRunner(session: session).run(path: path, overrides: ["quick=true"]) == 0, "\(err)")
        /// [cluster-0 gain, cluster-0 KL, others' gain, others' KL] from "name: cluster 0: r1 gain a, KL b; other clusters: r1 gain c, KL d".
        func numbers(_ name: String) -> [Double] {
            guard let line = out.split(separator: "\n").first(where: { $0.hasPrefix(name + ":") }) else { return [] }
            return line.split(separator: " ").compactMap { Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ",;"))) }
        }
        let plain = numbers("plain dpo"), scoped = numbers("scoped")
        try #require(plain.count == 4 && scoped.count == 4, "\(out)")
        #expect(plain[0] > 1, "plain DPO follows the feedback in cluster 0: \(plain)")
        #expect(plain[3] > 1, "and moves the other clusters too: \(plain)")
        #expect(scoped[0] > 0.5 * plain[0], "scoped keeps most of the in-scope gain: \(scoped) vs \(plain)")
        #expect(scoped[3] < 0.2 * plain[3], "scoped leaves the other clusters near the reference: \(scoped) vs \(plain)")
    }
}
