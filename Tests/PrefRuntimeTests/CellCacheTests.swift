import Dispatch
import Foundation
import PrefLanguage
import Testing
@testable import PrefRuntime

/// `pref run --cache`: which cells re-run when code, params, data or functions change, what a
/// cached cell restores (globals, outputs, random state), and how a bad entry is survived.
// Serialized: the speed-up test times two runs, which other tests of the suite would slow.
@Suite("cell cache", .serialized) struct CellCacheTests {
    /// Three cells: data with unseeded draws, an expensive fit (gradient descent written in pref),
    /// and a report cell with a table, a plot and more unseeded draws.
    static let script = """
        # %% Data
        param steps = 60
        param lr = 0.5
        let X = randn([2000, 40])
        let y = where(X @ ones([40]) > 0, 1, -1)
        print("data {X.shape}")

        # %% Fit
        var w = zeros([40])
        fn loss() { mean(softplus(-y * (X @ w))) }
        var history = []
        for step in 0..<steps {
          let r = value_and_grad(loss, wrt: [w])
          w = w - lr * r.grads[0]
          if step % 10 == 0 { history = history + [{step, loss: item(r.value)}] }
        }
        print("final loss {item(loss()):.6f}")

        # %% Report
        table(history)
        plot(history, x: "step", y: "loss", title: "training loss")
        print(randn([3]))

        """

    /// A scratch directory with `script` as s.pref and an empty store under it.
    final class Scratch {
        let dir: String
        var store: CellCacheStore { CellCacheStore(runsRoot: dir + "/runs") }
        var path: String { dir + "/s.pref" }
        init(_ script: String) throws {
            dir = NSTemporaryDirectory() + "pref-cache-\(UInt32.random(in: 0...UInt32.max))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try write(script)
        }
        func write(_ script: String, to name: String = "s.pref") throws {
            try script.write(toFile: dir + "/" + name, atomically: true, encoding: .utf8)
        }
        deinit { try? FileManager.default.removeItem(atPath: dir) }
    }

    struct Outcome {
        var status: Int32
        var stdout: String
        var stderr: String
        var notes: String
        var seconds: Double
        var outcomes: [CellCache.Outcome?]
        var recorder: NotebookRecorder?
    }

    /// Runs the scratch script as `pref run --cache` does (a fresh session each time, as a new
    /// process would have), timing the whole run including the session's start.
    func run(_ s: Scratch, overrides: [String] = [], seed: UInt64 = 0, cache: Bool = true, cell: String? = nil) -> Outcome {
        final class Sink: @unchecked Sendable { var out = "", err = "", notes = "" }
        let sink = Sink()
        let start = DispatchTime.now().uptimeNanoseconds
        let session = Session(seed: seed, output: { sink.out += $0 }, errorOutput: { sink.err += $0 })
        let options = cache ? ScriptRunner.CacheOptions(store: s.store, verbose: true) { sink.notes += $0 } : nil
        let result = ScriptRunner(session: session).runNotebook(path: s.path, overrides: overrides, cell: cell, cache: options)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return Outcome(status: result.status, stdout: sink.out, stderr: sink.err, notes: sink.notes, seconds: seconds,
                       outcomes: result.recorder?.cache?.outcomes ?? [], recorder: result.recorder)
    }

    func cachedFlags(_ o: Outcome) -> [Bool] { o.outcomes.map { $0 == .cached } }

    func report(_ o: Outcome, _ s: Scratch, _ name: String) throws -> String {
        let recorder = try #require(o.recorder)
        try Report(recorder: recorder, status: o.status).write(to: s.dir + "/" + name)
        return try String(contentsOfFile: s.dir + "/" + name, encoding: .utf8)
    }

    @Test func anUnchangedScriptIsReplayedFromTheCacheAtLeast20TimesFaster() throws {
        let s = try Scratch(CellCacheTests.script.replacingOccurrences(of: "param steps = 60", with: "param steps = 2000"))
        let first = run(s)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.outcomes == [.stored, .stored, .stored], "\(first.notes)")
        let reports = try ["r1.html", "r1.md", "r1.ipynb"].map { try report(first, s, $0) }
        let second = run(s)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(cachedFlags(second) == [true, true, true], "\(second.notes)")
        #expect(second.stdout == first.stdout && second.stderr == first.stderr)
        #expect(try ["r1.html", "r1.md", "r1.ipynb"].map { try report(second, s, $0) } == reports)
        let uncached = run(s, cache: false)
        #expect(uncached.stdout == first.stdout)
        // The faster of two cached runs: the suite shares the machine with other tests.
        let third = run(s)
        #expect(third.stdout == first.stdout)
        let cached = min(second.seconds, third.seconds)
        let ratio = first.seconds / cached
        print("cell cache: first run \(first.seconds) s, cached run \(cached) s, \(ratio)x")
        #expect(first.seconds > 0.5, "the fit should take a second or more; it took \(first.seconds) s")
        #expect(ratio >= 20, "first \(first.seconds) s, cached \(cached) s")
    }

    @Test func aParamUsedOnlyInCell2ReRunsCells2And3() throws {
        let s = try Scratch(CellCacheTests.script)
        let first = run(s)
        #expect(first.status == 0, "\(first.stderr)")
        let changed = run(s, overrides: ["lr=0.3"])
        #expect(cachedFlags(changed) == [true, false, false], "\(changed.notes)")
        #expect(changed.stdout == run(s, overrides: ["lr=0.3"], cache: false).stdout)
        #expect(changed.stdout != first.stdout)
        // Both versions are kept: back to the default, everything is cached again.
        #expect(cachedFlags(run(s)) == [true, true, true])
        #expect(cachedFlags(run(s, overrides: ["lr=0.3"])) == [true, true, true])
        // A different seed changes the draws of cell 1, so everything runs.
        #expect(cachedFlags(run(s, seed: 3)) == [false, false, false])
    }

    @Test func editingCell3ReRunsOnlyCell3() throws {
        let s = try Scratch(CellCacheTests.script)
        _ = run(s)
        try s.write(CellCacheTests.script.replacingOccurrences(of: "title: \"training loss\"", with: "title: \"loss\""))
        let edited = run(s)
        #expect(cachedFlags(edited) == [true, true, false], "\(edited.notes)")
        #expect(edited.stdout == run(s, cache: false).stdout)
    }

    @Test func randomDrawsAfterACachedCellAreThoseOfAnUncachedRun() throws {
        let s = try Scratch(CellCacheTests.script)
        let plain = run(s, cache: false)
        _ = run(s)
        try s.write(CellCacheTests.script.replacingOccurrences(of: "print(randn([3]))", with: "print(randn([3]))\nprint(rand([2]))"))
        let edited = run(s)
        #expect(cachedFlags(edited) == [true, true, false])
        let expected = run(s, cache: false)
        #expect(edited.stdout == expected.stdout)
        // The draws in cell 3 follow those of cell 1, which was not run this time.
        #expect(edited.stdout.hasPrefix(plain.stdout.dropLast()))
    }

    @Test func changingAFunctionReRunsTheCellsThatCallIt() throws {
        let script = """
            # %% Helpers
            fn score(x) { x * 2 }
            let unrelated = 5

            # %% Uses it
            let a = score(21)
            print(a)

            # %% Does not
            print(unrelated + 1)

            # %% Through another function
            fn twice_score(x) { score(score(x)) }
            print(twice_score(1))

            """
        let s = try Scratch(script)
        #expect(run(s).stdout == "42\n6\n4\n")
        try s.write(script.replacingOccurrences(of: "x * 2", with: "x * 3"))
        let changed = run(s)
        #expect(changed.stdout == "63\n6\n9\n")
        // Cell 1 holds the function; cells 2 and 4 call it; cell 3 does not.
        #expect(cachedFlags(changed) == [false, false, true, false], "\(changed.notes)")
    }

    @Test func changingADataFileReRunsTheCellThatReadsIt() throws {
        let script = """
            # %% Read
            let n = len(load("rows.csv", kind: "comparisons"))
            print(n)

            # %% Constant
            print("unchanged")

            """
        let s = try Scratch(script)
        try s.write("winner,loser\na,b\nb,c\n", to: "rows.csv")
        #expect(run(s).stdout == "2\nunchanged\n")
        #expect(cachedFlags(run(s)) == [true, true])
        try s.write("winner,loser\na,b\nb,c\na,c\n", to: "rows.csv")
        let changed = run(s)
        #expect(changed.stdout == "3\nunchanged\n")
        #expect(cachedFlags(changed) == [false, true], "\(changed.notes)")
        #expect(changed.notes.contains("rows.csv changed"))
    }

    @Test func valuesTheCacheCannotStoreMakeTheirCellRunEveryTime() throws {
        let script = """
            # %% Data
            let w = toy_world(seed: 1, candidates: 4)
            let d = w.pairs(10)
            let scorers = [fn(x) x * 2]
            print(len(d), scorers[0](len(d)))

            # %% Numbers
            let n = 3
            print(n)

            # %% Writes a file
            save(plot([{x: 1, y: 2}], x: "x", y: "y"), "p.svg")

            """
        let s = try Scratch(script)
        _ = run(s)
        let again = run(s)
        #expect(cachedFlags(again) == [false, true, false])
        #expect(again.outcomes[0] == .uncached("'scorers' is a function, which the cache cannot store"))
        #expect(again.outcomes[2] == .uncached("it writes files with save"))
        #expect(again.stdout == run(s, cache: false).stdout)
        #expect(FileManager.default.fileExists(atPath: s.dir + "/p.svg"))
    }

    @Test func aFitItsRunPolicyWorldAndLossAreRestored() throws {
        let script = """
            # %% World
            let w = toy_world(seed: 1, candidates: 4)
            let pi = candidate_policy(w, kind: "mlp", hidden: 4)

            # %% Train
            let r = fit(pi, w.pairs(200), dpo(beta: 0.1) + 0.5 * simpo(beta: 2), epochs: 1, batch: 20, lr: 0.05, seed: 1)
            print("{r.steps} steps, final loss {r.history.loss[r.steps - 1]:.6f}, {r.loss.name}")

            # %% After
            # The policy trained in place is the run's model, and the world's generators go on
            # where they were.
            let test = w.pairs(50, split: "test")
            print(evaluate(pi, test).accuracy, evaluate(r.model, test).accuracy, mean(pi.kl(reference(r.model))))
            print(len(w.pairs(3).rows), r.elapsed > 0)

            """
        let s = try Scratch(script)
        let first = run(s)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.outcomes == [.stored, .stored, .stored], "\(first.notes)")
        let second = run(s)
        #expect(cachedFlags(second) == [true, true, true], "\(second.notes)")
        #expect(second.stdout == first.stdout)
        // Editing the last cell re-runs it on the restored policy, run and world.
        try s.write(script + "print(pi.kind, r.model.hidden)\n")
        let edited = run(s)
        #expect(cachedFlags(edited) == [true, true, false], "\(edited.notes)")
        #expect(edited.stdout == first.stdout + "mlp 4\n")
        // An uncached run prints the same (the elapsed time is only compared with 0).
        #expect(run(s, cache: false).stdout == edited.stdout)
    }

    @Test func aTrainedRewardModelIsRestoredWithItsParameters() throws {
        let script = """
            # %% World and reward models
            let w = toy_world(seed: 1, candidates: 4)
            let rm = reward_model(kind: "mlp", hidden: 4, features: w, seed: 2)
            let frozen = reward_model(kind: "mlp", hidden: 3, features: w, seed: 3, basis: 7)

            # %% Train
            let r = fit(rm, w.pairs(200), bradley_terry_loss(margin: 0.5), epochs: 2, batch: 50, lr: 0.05, seed: 1)
            let r2 = fit(frozen, w.pairs(100), bradley_terry_loss(), epochs: 1, batch: 50, lr: 0.05, seed: 1)
            print("{r.steps} steps, final loss {r.history.loss[r.steps - 1]:.6f}")

            # %% After
            let test = w.pairs(50, split: "test")
            print(evaluate(rm, test).accuracy, evaluate(frozen, test).log_loss, sum(rm(test).chosen))

            """
        let s = try Scratch(script)
        let first = run(s)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.outcomes == [.stored, .stored, .stored], "\(first.notes)")
        // Edit only the last cell: it re-runs on the restored, trained models.
        try s.write(script + "print(sum(frozen(test).rejected))\n")
        let edited = run(s)
        #expect(cachedFlags(edited) == [true, true, false], "\(edited.notes)")
        #expect(edited.status == 0, "\(edited.stderr)")
        let uncached = run(s, cache: false)
        #expect(edited.stdout == uncached.stdout)
        #expect(edited.stdout.hasPrefix(first.stdout) && edited.stdout.count > first.stdout.count)
    }

    @Test func aFailingCellIsNotStoredButTheCellsBeforeItAre() throws {
        let script = """
            # %% One
            let a = 2
            print(a)

            # %% Two
            let b = [1, 2][a]
            print(b)

            """
        let s = try Scratch(script)
        let failed = run(s)
        #expect(failed.status != 0 && failed.stderr.contains("out of range"), "\(failed.stderr)")
        #expect(failed.outcomes == [.stored, nil])
        try s.write(script.replacingOccurrences(of: "[a]", with: "[a - 1]"))
        let fixed = run(s)
        #expect(fixed.status == 0 && fixed.stdout == "2\n2\n")
        #expect(cachedFlags(fixed) == [true, false])
        // `--cell 1` stops after cell 1, which is then restored.
        let first = run(s, cell: "1")
        #expect(first.stdout == "2\n" && cachedFlags(first) == [true, false])
    }

    @Test func aCorruptEntryIsRunAgainWithAWarning() throws {
        let s = try Scratch(CellCacheTests.script)
        let first = run(s)
        let entries = try FileManager.default.contentsOfDirectory(atPath: s.store.directory).filter { $0.hasSuffix(".json") }
        #expect(entries.count == 3)
        for e in entries { try Data("not a cache entry".utf8).write(to: URL(fileURLWithPath: s.store.directory + "/" + e)) }
        let damaged = run(s)
        #expect(damaged.status == 0)
        #expect(damaged.stdout == first.stdout)
        #expect(cachedFlags(damaged) == [false, false, false])
        #expect(damaged.notes.contains("warning: the cache entry of cell 1 (Data) is unreadable"), "\(damaged.notes)")
        // The entries were written again.
        #expect(cachedFlags(run(s)) == [true, true, true])
        #expect(try s.store.clear() == 3)
        #expect(!FileManager.default.fileExists(atPath: s.store.directory))
        #expect(cachedFlags(run(s)) == [false, false, false])
    }

    @Test func cachedValuesRoundTripExactly() throws {
        let session = Session(output: { _ in }, errorOutput: { _ in })
        let value = try session.evaluate("""
            [1, -0.0, 0 / 0, 1 / 0, "s", none, true, {a: 1..3, b: [1, 2]}, tensor([[1, 2], [3, 4.5]], dtype: "f64"), randn([3]),
             table([{x: 1, y: "a"}]), plot([{x: 1, y: 2}, {x: 2, y: 0 / 0}], x: "x", y: "y")]
            """, path: "v.pref", displayTopLevel: false)
        let back = try CachedValue.encode(value).decode()
        #expect(back.reprText == value.reprText)
        // Through the store's JSON too: numbers are bit patterns (-0.0 and nan are above 2^63).
        let encoder = JSONEncoder()
        encoder.nonConformingFloatEncodingStrategy = CellCacheStore.nonFinite.encoding
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = CellCacheStore.nonFinite.decoding
        let json = try decoder.decode(CachedValue.self, from: try encoder.encode(CachedValue.encode(value))).decode()
        #expect(json.reprText == value.reprText)
        #expect(try CachedValue.encode(json).digest == CachedValue.encode(value).digest)
        #expect(throws: CachedValue.Unserialisable.self) { try CachedValue.encode(try session.evaluate("fn(x) x", path: "f.pref", displayTopLevel: false)) }
    }
}
