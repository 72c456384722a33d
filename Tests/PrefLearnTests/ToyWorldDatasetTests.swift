import Testing
import PrefCore
import _PrefTestSupport
@testable import PrefLearn

/// Toy rows as datasets: kinds, texts, features and ids that stay with their rows.
@Suite("toy world: datasets") struct ToyWorldDatasetTests {
    @Test func pairsCarryFeaturesAndIds() throws {
        let w = try ToyWorldTests.world()
        var rng = RandomStream(seed: 1, stream: "t")
        let rows = try w.pairs(100, rng: &rng)
        let d = try w.dataset(rows, scores: .gold, rng: &rng)
        #expect(d.kind == .pairs && d.count == 100)
        #expect(d.features.names == ["chosen", "rejected", "prompt", "chosen_id", "rejected_id"])
        #expect(d.features["chosen"]?.shape == [100, 6] && d.features["prompt"]?.shape == [100, 4])
        guard case .pairs(let ps) = d.rows else { Issue.record("not pairs"); return }
        let ids = d.features["chosen_id"]!.scalars.map { Int($0) }
        #expect(ids == rows.chosen)
        #expect(ps[0].scoreChosen == w.gold[rows.chosen[0]])
        #expect(ps[0].chosen == .plain("p\(rows.chosen[0] / 16)-c\(rows.chosen[0] % 16)"))
        // Selecting rows keeps ids with their rows.
        let picked = try d.selecting([7, 3])
        #expect(picked.features["chosen_id"]!.scalars.map { Int($0) } == [rows.chosen[7], rows.chosen[3]])
    }

    @Test func rankedRowsShowRandomOrderWithConsistentRanks() throws {
        let w = try ToyWorldTests.world()
        var rng = RandomStream(seed: 2, stream: "t")
        let rows = try w.ranked(50, size: 4, rng: &rng)
        let d = try w.dataset(rows, rng: &rng)
        guard case .ranked(let rs) = d.rows else { Issue.record("not ranked"); return }
        let ids = d.features["responses_id"]!.scalars.map { Int($0) }
        for (r, row) in rs.enumerated() {
            let shown = Array(ids[(r * 4)..<(r * 4 + 4)])
            #expect(row.order.map { shown[$0] } == rows.candidates[r])
        }
        #expect(d.features["responses"]?.shape == [50, 4, 6])
    }

    @Test func everyKindConverts() throws {
        let w = try ToyWorldTests.world { $0.view = .token }
        var rng = RandomStream(seed: 3, stream: "t")
        #expect(try w.dataset(w.unpaired(10, rng: &rng)).kind == .unpaired)
        #expect(try w.dataset(w.ratings(10, grading: .judge, rng: &rng)).kind == .ratings)
        #expect(w.dataset(try w.comparisons(10, rng: &rng)).kind == .comparisons)
        #expect(try w.dataset(w.logps(10, policy: .uniform, rng: &rng)).kind == .logps)
        let joint = try w.dataset(w.jointPairs(10, rng: &rng), rng: &rng)
        #expect(joint.features["chosen_prompt"] != nil && joint.features["prompt"] == nil)
        guard case .unpaired(let us) = try w.dataset(w.unpaired(1, rng: &rng)).rows else { return }
        #expect(us[0].completion.flattened.hasPrefix("t"))
    }
}
