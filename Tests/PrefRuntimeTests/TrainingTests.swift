import Foundation
import Testing
import PrefCore
import PrefLanguage
@testable import PrefRuntime

/// `fit` and `evaluate` on candidate policies of a toy world (issue 6 items 6–7).
@Suite("training: fit and evaluate") struct TrainingTests {
    static let setup = """
        let w = toy_world(seed: 1, candidates: 8)
        let data = w.pairs(600)

        """

    /// The history rows and the parameters after a run, as numbers.
    static func run(_ fit: String, in s: Session, before: () -> Void = {}) throws -> (history: [Double], parameters: [Double]) {
        _ = try Pref.eval(setup + "let pi = candidate_policy(w)\n", in: s)
        before()
        _ = try Pref.eval("let r = \(fit)\n", in: s)
        let run = try Pref.object("r", as: RunObject.self, in: s)
        let history = run.history.rows.flatMap { row in row.map { v -> Double in if case .number(let x) = v { x } else { .nan } } }
        let theta = try Pref.tensor("r.model.parameters[0]", in: s).scalars
        return (history, theta)
    }

    /// A fresh directory for checkpoints.
    static func temporaryDirectory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-fit-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func sameSeedGivesBitIdenticalHistoryAndParameters() throws {
        let fit = "fit(pi, data, dpo(beta: 0.1), epochs: 2, batch: 64, lr: 0.05, seed: 7, clip: 1, schedule: \"cosine\", warmup: 3)"
        let a = try Self.run(fit, in: Pref.session()), b = try Self.run(fit, in: Pref.session())
        #expect(a.history.count == 20 * 12)
        #expect(a.history.map(\.bitPattern) == b.history.map(\.bitPattern))
        #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
        let c = try Self.run(fit.replacingOccurrences(of: "seed: 7", with: "seed: 8"), in: Pref.session())
        #expect(c.history != a.history, "another seed shuffles differently")
    }

    @Test func dpoRaisesTheGoldWinRateAboveTheReference() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + """
            let pi = candidate_policy(w)
            let before = evaluate(pi, data)
            let r = fit(pi, data, dpo(), epochs: 3, lr: 0.05, seed: 1, eval: data)
            let after = evaluate(r.model, data)

            """, in: s)
        let before = try Pref.number("before.win_rate", in: s)
        #expect(abs(before - 0.5) < 1e-12)
        #expect(try Pref.number("after.win_rate", in: s) > 0.6)
        #expect(try Pref.number("after.gold - after.gold_ref", in: s) > 0)
        #expect(try Pref.number("after.accuracy", in: s) > 0.6)
        #expect(try Pref.number("after.kl", in: s) > 0)
        #expect(try Pref.number("r.eval.count", in: s) == 3)
        #expect(try Pref.number("r.steps", in: s) == 30)
        let first = try Pref.number("r.history.rows[0].loss", in: s)
        #expect(abs(first - log(2.0)) < 1e-12, "the first step is at the reference")
        #expect(try Pref.number("r.history.rows[29].lr", in: s) == 0.05)
        #expect(try Pref.eval("r.interrupted", in: s).reprText == "false")
    }

    @Test func aNonFiniteLossStopsWithTheStepAndKeepsTheLastGoodParameters() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let pi = candidate_policy(w)\n", in: s)
        let boom = "loss(\"boom\", fn(b) -log_sigmoid(b.chosen_logratio - b.rejected_logratio) + 0 * log(4 + b.chosen_logratio))"
        do {
            _ = try Pref.eval("fit(pi, data, dpo() + \(boom), epochs: 5, lr: 0.5, seed: 1)", in: s)
            Issue.record("expected the NaN guard to stop training")
        } catch {
            let text = "\(error)"
            #expect(text.contains("step ") && text.contains("term 2 (boom)"), "\(text)")
            #expect(!text.contains("step 1:"), "the loss is finite at the start: \(text)")
        }
        let theta = try Pref.tensor("pi.parameters[0]", in: s).scalars
        #expect(theta.allSatisfy { $0.isFinite } && theta.contains { $0 != 0 })
    }

    @Test(arguments: ["dpo()", "loss(\"mine\", fn(b) -log_sigmoid(0.1 * (b.chosen_logratio - b.rejected_logratio)))"])
    func theInterruptFlagStopsAtTheEndOfAStepAndReturnsThePartialRun(_ loss: String) throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let pi = candidate_policy(w)\n", in: s)
        nonisolated(unsafe) let flag = s.interpreter.interruptFlag
        let setter = Thread { Thread.sleep(forTimeInterval: 0.2); flag.pointee = 1 }
        setter.start()
        _ = try Pref.eval("let r = fit(pi, data, \(loss), epochs: 100000, batch: 8, lr: 0.01, seed: 1)\n", in: s)
        #expect(try Pref.eval("r.interrupted", in: s).reprText == "true")
        let steps = try Pref.number("r.steps", in: s)
        #expect(steps >= 1 && steps < 100000 * 75)
        #expect(flag.pointee == 0)
        #expect(try Pref.tensor("pi.parameters[0]", in: s).scalars.allSatisfy { $0.isFinite })
    }

    @Test func knobsAreValidated() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let pi = candidate_policy(w)\n", in: s)
        for bad in ["epochs: 0", "batch: 0", "lr: -1", "optimizer: \"adagrad\"", "schedule: \"step\"", "warmup: -1", "clip: 0", "seed: -1", "every: 0"] {
            #expect(throws: (any Error).self, "\(bad)") { try Pref.eval("fit(pi, data, dpo(), \(bad))", in: s) }
        }
        #expect(throws: (any Error).self) { try Pref.eval("fit(reference(pi), data, dpo())", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("fit(pi, data, kto())", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("fit(pi, toy_world(seed: 2, candidates: 8).pairs(10), dpo())", in: s) }
        #expect(throws: (any Error).self) { try Pref.eval("evaluate(pi, data, beta: 0)", in: s) }
        do {
            _ = try Pref.eval("fit(pi, data, dpo(), checkpoint: \"/nonexistent-pref-dir/ck\")", in: s)
            Issue.record("expected a checkpoint write error")
        } catch {
            #expect("\(error)".contains("checkpoint"), "\(error)")
        }
    }

    @Test func optimizersAndSchedulesTrain() throws {
        for opt in ["sgd", "adam", "adamw"] {
            for sched in ["constant", "linear"] {
                let s = Pref.session()
                let r = try Self.run("fit(pi, data, dpo(), lr: 0.1, optimizer: \"\(opt)\", schedule: \"\(sched)\", seed: 2)", in: s)
                #expect(r.history.allSatisfy { $0.isFinite })
                #expect(r.parameters.contains { $0 != 0 })
            }
        }
    }

    @Test func resumingACheckpointContinuesBitIdentically() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = "batch: 64, lr: 0.05, seed: 5, clip: 0.5"
        let whole = try Self.run("fit(pi, data, dpo(), epochs: 2, \(args))", in: Pref.session())
        let s = Pref.session()
        _ = try Self.run("fit(pi, data, dpo(), epochs: 1, \(args), checkpoint: \"\(dir)/ck\")", in: s)
        #expect(FileManager.default.fileExists(atPath: "\(dir)/ck.safetensors") && FileManager.default.fileExists(atPath: "\(dir)/ck.json"))
        let resumed = try Self.run("fit(pi, data, dpo(), epochs: 2, \(args), resume: \"\(dir)/ck\")", in: Pref.session())
        #expect(resumed.history.count == whole.history.count)
        #expect(resumed.history.map(\.bitPattern) == whole.history.map(\.bitPattern))
        #expect(resumed.parameters.map(\.bitPattern) == whole.parameters.map(\.bitPattern))
        #expect(throws: (any Error).self) { try Self.run("fit(pi, data, dpo(), epochs: 2, batch: 32, seed: 5, resume: \"\(dir)/ck\")", in: Pref.session()) }
        #expect(throws: (any Error).self) { try Self.run("fit(pi, data, dpo(), resume: \"\(dir)/missing\")", in: Pref.session()) }
    }

    @Test func anInterruptedRunResumesFromItsCheckpointBitIdentically() throws {
        let dir = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let args = "epochs: 30, batch: 8, lr: 0.01, seed: 4"
        let whole = try Self.run("fit(pi, data, dpo(), \(args))", in: Pref.session())
        let s = Pref.session()
        nonisolated(unsafe) let flag = s.interpreter.interruptFlag
        let setter = Thread { Thread.sleep(forTimeInterval: 0.15); flag.pointee = 1 }
        let partial = try Self.run("fit(pi, data, dpo(), \(args), checkpoint: \"\(dir)/ck\")", in: s) { setter.start() }
        #expect(partial.history.count < whole.history.count, "the run was interrupted")
        let resumed = try Self.run("fit(pi, data, dpo(), \(args), resume: \"\(dir)/ck\")", in: Pref.session())
        #expect(resumed.history.map(\.bitPattern) == whole.history.map(\.bitPattern))
        #expect(resumed.parameters.map(\.bitPattern) == whole.parameters.map(\.bitPattern))
    }

    @Test func evaluateAtTheReferenceIsNeutral() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + "let e = evaluate(candidate_policy(w, kind: \"mlp\", seed: 3), data, beta: 0.5)\n", in: s)
        #expect(try Pref.number("e.accuracy", in: s) == 0)
        #expect(abs(try Pref.number("e.log_loss", in: s) - log(2.0)) < 1e-12)
        #expect(try Pref.number("e.kl", in: s) == 0)
        #expect(abs(try Pref.number("e.win_rate", in: s) - 0.5) < 1e-12)
        #expect(try Pref.number("e.gold - e.gold_ref", in: s) == 0)
        #expect(try Pref.number("e.pairs", in: s) == 600)
        #expect(try Pref.number("e['logps/unseen_change']", in: s) == 0)
    }

    @Test func anMLPPolicyTrainsInF32() throws {
        let s = Pref.session()
        _ = try Pref.eval(Self.setup + """
            let pi = candidate_policy(w, kind: "mlp", hidden: 8, dtype: "f32", seed: 2)
            let r = fit(pi, data, dpo(), epochs: 2, lr: 0.05, seed: 1)
            let e = evaluate(pi, data)

            """, in: s)
        #expect(try Pref.number("r.steps", in: s) == 20)
        #expect(try Pref.number("e.win_rate", in: s) > 0.5)
    }
}
