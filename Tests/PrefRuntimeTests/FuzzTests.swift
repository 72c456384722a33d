import Foundation
import Testing
import _PrefTestSupport

/// The seeded fuzz test: 5,000 random, grammar-built and mutated scripts per run, in 10 shards
/// of 500 that run in parallel. Each must exit 0, 64, 65, 66 or 70 (a crash would take the
/// whole test process down), report every error as a located diagnostic and finish within a
/// second of CPU under a step budget. `Scripts/fuzz/run` runs the same for longer.
@Suite("fuzz") struct FuzzTests {
    static let seed: UInt64 = 0x5EED_F022
    static let shards = 10, casesPerShard = 500
    /// Steps (loop iterations and calls) per case, and CPU seconds. A step can be expensive (a
    /// mutated training loop calls `value_and_grad` each iteration, about 0.1 ms), so the budget
    /// is small enough that such a loop stays well inside the time limit on a slow CI machine;
    /// `Scripts/fuzz/run` uses 200,000 steps and 1 s.
    static let stepLimit = 10_000, timeLimit = 2.0
    /// While finished sessions are not freed, each case keeps about 5 MB until the process
    /// ends; 5,000 of them would need 25 GB, so the shards run this many cases instead.
    static let casesPerShardWhileSessionsLeak = 30
    static let root = GoldenRunner.root.deletingLastPathComponent().deletingLastPathComponent()
    static let fuzzer = ScriptFuzzer(corpus: ScriptFuzzer.corpus(repository: root))
    static let sessionsAreFreed = FuzzRunner.sessionsAreFreed()

    /// Reported problems, matched by a piece of the failure message: they are recorded as known
    /// issues (visible in the output, not failing the run) until fixed. Remove an entry with
    /// its fix.
    static let knownIssues: [String: String] = [:]

    @Test(arguments: 0..<shards)
    func shard(_ shard: Int) {
        let count = FuzzTests.sessionsAreFreed ? FuzzTests.casesPerShard : FuzzTests.casesPerShardWhileSessionsLeak
        let indices = Array(stride(from: shard, to: FuzzTests.shards * count, by: FuzzTests.shards))
        let summary = FuzzRunner.onLargeStack {
            FuzzRunner.run(FuzzTests.fuzzer, seed: FuzzTests.seed, indices: indices, workingDirectory: GoldenRunner.root.path,
                           stepLimit: FuzzTests.stepLimit, timeLimit: FuzzTests.timeLimit)
        }
        #expect(summary.cases == count)
        for f in summary.failures {
            let message = Comment(rawValue: "fuzz case \(f.index) (\(f.kind), seed \(FuzzTests.seed)): \(f.problem)\n--- script\n\(f.source)\n---")
            if let known = FuzzTests.knownIssues.first(where: { f.problem.contains($0.key) }) {
                withKnownIssue(Comment(rawValue: known.value), isIntermittent: true) { Issue.record(message) }
            } else {
                Issue.record(message)
            }
        }
    }

    @Test func sessionsAreFreed() {
        withKnownIssue("a Session's interpreter is never freed: compiled closures capture it strongly", isIntermittent: true) {
            #expect(FuzzTests.sessionsAreFreed, "the fuzz shards run \(FuzzTests.casesPerShardWhileSessionsLeak) cases each instead of \(FuzzTests.casesPerShard)")
        }
    }

    @Test func generationIsDeterministicAndMixed() {
        let a = (0..<30).map { FuzzTests.fuzzer.make(seed: 7, index: $0) }
        let b = (0..<30).map { FuzzTests.fuzzer.make(seed: 7, index: $0) }
        #expect(a.map(\.source) == b.map(\.source))
        #expect(Set(a.map(\.kind)) == Set(FuzzKind.allCases))
        #expect(FuzzTests.fuzzer.make(seed: 8, index: 1).source != a[1].source)
        #expect(FuzzTests.fuzzer.corpus.count >= 30)
    }

    @Test func theCheckerCatchesUnlocatedErrors() {
        let located = "modules/fuzz.pref:1:7: error: bad\n  |\n1 | print(x)\n  |       ^\n  = hint: h\n  in f at modules/fuzz.pref:1:1\n"
        #expect(FuzzRunner.run("print(1 + )", workingDirectory: nil).problem == nil)
        #expect(FuzzRunner.run("print(\"a\" - 1)", workingDirectory: nil).exitCode == 70)
        #expect(FuzzRunner.diagnosticProblem(located, source: "print(x)") == nil)
        #expect(FuzzRunner.diagnosticProblem("error: no location\n", source: "x") != nil)
        #expect(FuzzRunner.diagnosticProblem("modules/fuzz.pref: error: no line\n", source: "x") != nil)
        #expect(FuzzRunner.diagnosticProblem("modules/fuzz.pref:9:1: error: past the end\n", source: "x") != nil)
        #expect(FuzzRunner.diagnosticProblem(located + "oops\n", source: "print(x)") != nil)
    }
}
