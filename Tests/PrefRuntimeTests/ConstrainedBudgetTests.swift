import Foundation
import Testing
import _PrefTestSupport

/// Long native loops (constrained, proxy_points) count their work against the caller's step
/// budget, so a full-size experiment under the fuzz tests' budget stops with a located error
/// instead of running for minutes.
@Suite("constrained: step budget") struct ConstrainedBudgetTests {
    @Test func theFullExampleStopsAtTheFuzzBudget() throws {
        let source = try String(contentsOf: ExamplesTests.directory.appendingPathComponent("constrained_rlhf.pref"), encoding: .utf8)
        let outcome = FuzzRunner.run(source, workingDirectory: nil, stepLimit: FuzzTests.stepLimit, timeLimit: 60)
        #expect(outcome.exitCode == 70)
        #expect(outcome.problem == nil, "\(outcome.problem ?? "")")
        #expect(outcome.seconds < 10, "\(outcome.seconds) s of CPU")
    }

    @Test func unlimitedRunsAreNotCharged() {
        let source = """
        let w = toy_world(seed: 2, prompts: 6, test_prompts: 2, candidates: 8)
        let run = constrained(candidate_policy(w), subject_to: [w.component_rewards[0] >= 1], steps: 30)
        print(run.steps)
        """
        #expect(FuzzRunner.run(source, workingDirectory: nil, stepLimit: Int.max, timeLimit: 60).exitCode == 0)
        // 30 steps of 6·8·39 multiply-adds charge 30 steps in all: a budget of 20 stops it.
        #expect(FuzzRunner.run(source, workingDirectory: nil, stepLimit: 20, timeLimit: 60).exitCode == 70)
    }
}
