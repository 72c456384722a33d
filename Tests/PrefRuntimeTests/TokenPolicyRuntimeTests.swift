import Foundation
import Testing
import _PrefTestSupport
import PrefCore
import PrefLanguage
@testable import PrefLearn
@testable import PrefRuntime

/// `token_policy` in pref: its log-prob views agree with each other and with the model, `grad`
/// reaches its parameters, and `fit` trains it (DPO on held-out prompts, sparse_po, resume).
@Suite("token policies in pref") struct TokenPolicyRuntimeTests {
    static let setup = """
        let w = toy_world(seed: 1, view: "token", prompts: 60, test_prompts: 30, candidates: 32)
        let tp = token_policy(w, hidden: 16, seed: 2)
        let data = w.pairs(1500)
        let held = w.pairs(1000, seed: 99)

        """

    static func session() throws -> Session { try Pref.session(running: setup) }

    static func policy(_ name: String, in s: Session) throws -> TokenPolicyObject {
        let o = try Pref.object(name, as: TokenPolicyObject.self, in: s)
        return o
    }

    /// Column `name` of the history of the run `r`.
    static func column(_ name: String, in s: Session) throws -> [Double] {
        guard case .native(let box) = try Pref.eval("r", in: s), let run = box.object as? RunObject,
              let c = run.history.columns.firstIndex(of: name) else { throw Pref.Mismatch("no run with a column \(name)") }
        return run.history.rows.map { row in if case .number(let x) = row[c] { x } else { .nan } }
    }

    @Test func theLogProbViewsAgree() throws {
        let s = try Self.session()
        _ = try Pref.eval("""
            let d = w.pairs(5)
            let l = logps(tp, d)
            let t = tp.token_logps(d)
            let p = tp.pair_logps(d)

            """, in: s)
        let pairs = try Pref.tensor("p", in: s).scalars
        let chosen = try Pref.tensor("sum(t.chosen_logps, axis: 1)", in: s).scalars
        let rejected = try Pref.tensor("sum(t.rejected_logps, axis: 1)", in: s).scalars
        let rows = try Pref.numbers("l.policy_chosen_logps", in: s)
        for r in 0..<5 {
            #expect(abs(pairs[2 * r] - chosen[r]) < 1e-12 && abs(pairs[2 * r + 1] - rejected[r]) < 1e-12)
            #expect(rows[r] == pairs[2 * r])
        }
        // At the reference the policy's and the reference's log-probs coincide.
        #expect(try Pref.numbers("l.ref_chosen_logps", in: s) == rows)
        // The mask covers ℓ tokens and EOS; the lengths are the world's.
        let lengths = try Pref.tensor("t.chosen_lengths", in: s).scalars
        #expect(try Pref.tensor("sum(t.chosen_mask, axis: 1)", in: s).scalars == lengths.map { $0 + 1 })
        #expect(try Pref.numbers("l.chosen_length", in: s) == lengths)
    }

    @Test func gradReachesEveryParameter() throws {
        let s = try Self.session()
        _ = try Pref.eval("let d = w.pairs(7)\nlet g = grad(fn() sum(tp.pair_logps(d) * astype(tensor([[1.0, -0.5]]), \"f64\")), wrt: tp.parameters)\n", in: s)
        let o = try Self.policy("tp", in: s)
        // The same objective on the PrefLearn tape.
        guard case .native(let d) = try Pref.eval("d", in: s), let data = (d.object as? DatasetObject)?.dataset,
              let c = data.features["chosen_id"], let r = data.features["rejected_id"] else { throw Pref.Mismatch("no pairs") }
        let ids = c.to(.f64).scalars.map { Int($0) }, rids = r.to(.f64).scalars.map { Int($0) }
        let k = o.world.config.candidates
        let batch = try TokenBatch(prompts: ids.map { $0 / k } + rids.map { $0 / k },
                                   sequences: ids.map(o.world.tokens(of:)) + rids.map(o.world.tokens(of:)), vocabulary: o.policy.vocabulary)
        let tape = Tape()
        let seq = try o.policy.sequenceLogProbs(batch, tape: tape)
        let weights = try Tensor([Double](repeating: 1, count: 7) + [Double](repeating: -0.5, count: 7), shape: [14], dtype: .f64)
        try tape.backward(try (seq * tape.constant(weights)).sum())
        for (i, q) in o.policy.parameters.enumerated() {
            let ours = try Pref.tensor("g[\(i)]", in: s).scalars, theirs = try #require(q.grad).scalars
            #expect(ours.count == theirs.count)
            for (a, b) in zip(ours, theirs) { #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(q.name)") }
            #expect(theirs.contains { $0 != 0 }, "\(q.name) takes a gradient")
            q.zeroGrad()
        }
    }

    /// Held-out pairs: other candidates of the training prompts (32 per prompt, so few repeat).
    @Test func dpoRaisesHeldOutAccuracyAndMargin() throws {
        let s = try Self.session()
        _ = try Pref.eval("""
            let before = evaluate(tp, held)
            let r = fit(tp, data, dpo(beta: 0.5), epochs: 6, batch: 100, lr: 0.02, seed: 3, eval: held)
            let after = evaluate(tp, held)

            """, in: s)
        #expect(try Pref.number("before.accuracy", in: s) == 0)
        #expect(try Pref.number("before.margin", in: s) == 0)
        #expect(abs(try Pref.number("r.history.rows[0].loss", in: s) - log(2.0)) < 1e-12, "the first step is at the reference")
        #expect(try Pref.number("r.steps", in: s) == 90)
        #expect(try Pref.number("after.accuracy", in: s) > 0.55)
        #expect(try Pref.number("after.margin", in: s) > 0)
        #expect(try Pref.number("after.log_loss", in: s) < log(2.0))
        #expect(try Pref.number("r.eval.count", in: s) == 6)
        #expect(try Self.column("rewards/accuracies", in: s).suffix(15).reduce(0, +) / 15 > 0.5)
    }

    @Test func sparsePOTrainsWithTheExactTokenKL() throws {
        let s = try Self.session()
        _ = try Pref.eval("let r = fit(tp, data, sparse_po(beta: 0.5), epochs: 3, batch: 100, lr: 0.02, seed: 3)\nlet after = evaluate(tp, held, beta: 0.5)\n", in: s)
        let losses = try Self.column("loss", in: s)
        #expect(losses.count == 45 && losses.allSatisfy(\.isFinite))
        // At the reference u = d = 0, so the first loss is log 2 plus the constant L1 term of m^u = 1.
        #expect(losses[0] > log(2.0) && losses[0] < log(2.0) + 0.05)
        #expect(try Pref.number("after.accuracy", in: s) > 0.5)
    }

    @Test func resumingACheckpointContinuesBitIdentically() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-token-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func run(_ extra: String, epochs: Int) throws -> [UInt64] {
            let s = try Self.session()
            _ = try Pref.eval("let r = fit(tp, data, dpo(), epochs: \(epochs), batch: 200, lr: 0.02, seed: 5\(extra))\n", in: s)
            let history = try Self.column("loss", in: s) + Self.column("grad_norm", in: s)
            let o = try Self.policy("tp", in: s)
            return (history + o.policy.parameters.flatMap { $0.value.scalars }).map(\.bitPattern)
        }
        let whole = try run("", epochs: 2)
        _ = try run(", checkpoint: \"\(dir)/ck\"", epochs: 1)
        #expect(try run(", resume: \"\(dir)/ck\"", epochs: 2) == whole)
    }

    @Test func tpoTrainsOnRankedListsFromItsClosedFormStart() throws {
        let s = try Self.session()
        _ = try Pref.eval("let r = fit(tp, w.ranked(200, size: 4), tpo(beta: 0.5), epochs: 4, batch: 25, lr: 0.02, seed: 3)\nlet after = evaluate(tp, held)\n", in: s)
        let losses = try Self.column("loss", in: s)
        // At the reference every R = 0: each list of distinct ψ = 3, 2, 1, 0 loses Σ_{ψi>ψj} (ψi − ψj) log 2 = 10 log 2.
        #expect(abs(losses[0] - 10 * log(2.0)) < 1e-12)
        #expect(losses.count == 32 && losses.suffix(8).reduce(0, +) / 8 < losses[0])
        #expect(try Pref.number("after.accuracy", in: s) > 0.5)
        #expect(try Pref.number("after.margin", in: s) > 0)
    }

    /// The step log-ratios (summed or mean over the step's tokens, as step_reward says) against the
    /// per-token log-probs, and their gradient by finite differences.
    @Test(arguments: ["sum", "mean"]) func tpoStepLogRatiosFollowTheirDefinition(_ reward: String) throws {
        let s = try Self.session()
        _ = try Pref.eval("let moved = fit(tp, data, dpo(), batch: 500, lr: 0.05, seed: 1)\nlet l = tpo(step_weights: \"uniform\", step_reward: \"\(reward)\")\n", in: s)
        let o = try Self.policy("tp", in: s)
        let loss = try Pref.object("l", as: LossObject.self, in: s)
        let lists = [[0, 1, 2], [64, 70, 95]]
        let task = TokenTreeTask(policy: o, loss: loss, lists: lists, labels: [[2, 1, 0], [0, 2, 1]], interpreter: s.interpreter)
        let tape = Tape()
        let (r, weights) = try task.steps([0, 1], on: tape)
        let values = try r.value().scalars, st = o.world.config.stepTokens, steps = r.shape.dims[2]
        let ids = lists.flatMap { $0 }, k = o.world.config.candidates
        for (row, id) in ids.enumerated() {
            let seq = o.world.tokens(of: id)
            let b = try TokenBatch(prompts: [id / k], sequences: [seq], vocabulary: o.policy.vocabulary)
            let lp = try o.policy.evaluate { t throws(TensorError) in try o.policy.tokenLogProbs(b, tape: t) }.scalars
            let lr = try o.initial.evaluate { t throws(TensorError) in try o.initial.tokenLogProbs(b, tape: t) }.scalars
            for j in 0..<steps {
                let positions = (j * st)..<max(j * st, min((j + 1) * st, seq.count))
                let total = positions.reduce(0.0) { $0 + lp[$1] - lr[$1] }
                let expected = positions.isEmpty ? 0 : reward == "sum" ? total : total / Double(positions.count)
                #expect(abs(values[row * steps + j] - expected) < 1e-12, "sequence \(row) step \(j)")
                #expect(weights[row * steps + j] == (positions.isEmpty ? 0 : 1))
            }
        }
        // ∂(Σ c·r)/∂b₂ against central differences.
        let c = (0..<values.count).map { Double($0 % 5) - 1.7 }
        try tape.backward(try (r * tape.constant(try Tensor(c, shape: r.shape, dtype: .f64))).sum())
        let b2 = o.policy.parameters[4], grad = try #require(b2.grad).scalars
        func objective() throws -> Double {
            let v = try task.steps([0, 1], on: Tape()).0.value().scalars
            return zip(v, c).reduce(0) { $0 + $1.0 * $1.1 }
        }
        for (i, fd) in try numericGradient(of: b2, objective).enumerated() {
            #expect(abs(fd - grad[i]) < 1e-7, "b2[\(i)]")
        }
        for q in o.policy.parameters { q.zeroGrad() }
    }
}
