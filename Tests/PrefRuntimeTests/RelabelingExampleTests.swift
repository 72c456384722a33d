import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// E17, reward-augmented relabelling (examples/relabeling.pref): relabelled DPO at g = 4 pushes the
/// top-graded rejected responses down less than DPO and the goal steers quality at its ends; on
/// gold DPO is ahead with the full data, in every world and at matched KL (the paper's gold claim
/// does not hold in this toy; see the header), and in quick mode the two are within seed noise.
@Suite("relabeling example") struct RelabelingExampleTests {
    /// The example's output lines, quick or full.
    static func run(quick: Bool) throws -> [String] {
        guard quick else {
            var out = "", err = ""
            let session = Session(output: { out += $0 }, errorOutput: { err += $0 })
            let path = ExamplesTests.directory.appendingPathComponent("relabeling.pref").path
            guard ScriptRunner(session: session).run(path: path, overrides: ["quick=false"]) == 0 else { throw Pref.Mismatch(err) }
            return out.split(separator: "\n").map(String.init)
        }
        return try GalleryExamplesTests.run("relabeling.pref")
    }

    /// What holds in every world: both beat the reference, DPO pushes the top-graded rejected
    /// responses down and relabelled DPO less, and g = 4 is the best goal, g = 0 the worst.
    static func checkShape(_ lines: [String], world: Int) throws {
        let gold = try GalleryExamplesTests.numbers(lines, "world \(world): gold reference")
        let byGoal = try GalleryExamplesTests.numbers(lines, "world \(world): relabelled gold by goal 0 / 1 / 2 / 3 / 4:")
        let kept = try GalleryExamplesTests.numbers(lines, "world \(world): high-quality rejected (")
        guard gold.count == 6, byGoal.count == 5, kept.count == 4 else { throw Pref.Mismatch("\(lines)") }
        let (reference, dpo, relabelled) = (gold[0], gold[1], gold[4])
        #expect(dpo > reference + 0.5 && relabelled > reference + 0.5, "world \(world): \(gold)")
        #expect(byGoal[4] == relabelled && byGoal[4] == byGoal.max() && byGoal[0] == byGoal.min(), "world \(world): \(byGoal)")
        // kept: the top-graded rejected pairs, all pairs, then mean Δlog π(y_l) under DPO and relabelled DPO.
        #expect(kept[0] > 0.25 * kept[1], "world \(world): \(kept)")
        #expect(kept[2] < -1, "DPO pushes the top-graded rejected responses down: \(kept)")
        #expect(kept[3] > kept[2] + 0.3, "relabelled DPO pushes them down less: \(kept)")
    }

    @Test func quickModeKeepsTheGoodRejectedResponses() throws {
        let lines = try Self.run(quick: true)
        try Self.checkShape(lines, world: 6)
        // Gold: within seed noise of each other in quick mode (500 pairs); no ordering is claimed.
    }

    /// Full mode (2000 pairs, 6 epochs, worlds 1, 2, 6): the shape above in every world, DPO ahead on
    /// gold, and DPO after 2 epochs already at least as good as relabelled after 6 at no more KL.
    @Test func fullModeDPOIsAheadOnGold() throws {
        let lines = try Self.run(quick: false)
        for world in [1, 2, 6] {
            try Self.checkShape(lines, world: world)
            let end = try GalleryExamplesTests.numbers(lines, "world \(world): gold reference")
            let two = try GalleryExamplesTests.numbers(lines, "world \(world): after 2 epochs:")
            guard end.count == 6, two.count == 4 else { throw Pref.Mismatch("\(lines)") }
            let (dpo, relabelled, relabelledKL) = (end[1], end[4], end[5])
            #expect(dpo > relabelled + 0.1, "world \(world): dpo \(dpo) vs relabelled \(relabelled)")
            // two: DPO gold, KL, relabelled gold, KL after 2 epochs.
            #expect(two[0] > relabelled && two[1] <= relabelledKL + 0.05, "world \(world): dpo after 2 epochs \(two) vs relabelled \(end)")
        }
    }
}
