import Foundation
import Testing
import PrefLanguage
@testable import PrefRuntime

/// E17, reward-augmented relabelling (examples/relabeling.pref, quick mode): DPO destroys the
/// log-probability of high-quality rejected responses and relabelled DPO at g = 4 keeps it; the goal
/// steers quality; in quick mode relabelled DPO is also ahead on gold (full mode: not; see the header).
@Suite("relabeling example") struct RelabelingExampleTests {
    @Test func relabellingKeepsTheGoodRejectedResponses() throws {
        let lines = try GalleryExamplesTests.run("relabeling.pref")
        let gold = try GalleryExamplesTests.numbers(lines, "world 6: gold reference")
        let byGoal = try GalleryExamplesTests.numbers(lines, "world 6: relabelled gold by goal 0 / 2 / 4:")
        let kept = try GalleryExamplesTests.numbers(lines, "world 6: high-quality rejected (")
        guard gold.count == 4, byGoal.count == 3, kept.count == 3 else { throw Pref.Mismatch("\(lines)") }
        let (reference, dpo, relabelled) = (gold[0], gold[1], gold[3])
        #expect(dpo > reference + 0.5 && relabelled > reference + 0.5, "\(gold)")
        #expect(relabelled >= dpo, "quick mode: relabelled \(relabelled) vs dpo \(dpo)")
        #expect(byGoal[0] < byGoal[1] && byGoal[1] < byGoal[2] && byGoal[2] == relabelled, "\(byGoal)")
        // kept: the pair count, then mean Δlog π(y_l) under DPO and relabelled DPO.
        #expect(kept[0] > 100, "\(kept)")
        #expect(kept[1] < -2, "DPO pushes the good rejected responses down: \(kept)")
        #expect(kept[2] > -1 && kept[2] > kept[1] + 2, "relabelled DPO keeps them: \(kept)")
    }
}
