import Testing
@testable import PrefRuntime

/// E17's TPO part (examples/tpo.pref, Liao et al. ICLR 2025) in quick mode: on annotator-ranked
/// preference trees the list losses beat DPO on sampled pairs at equal compute; TPO's adaptive
/// step weights only tie the list loss without them (shared steps already cancel between siblings
/// under uniform weights) and drive the listed responses' log-ratios down faster (the weights
/// reward pushing the shared prefix down; in full mode this costs TPO its lead, see the header).
@Suite("tpo example") struct TPOExampleTests {
    @Test func listLossesBeatSampledPairsAndTPOOnlyTiesTheUnweightedList() throws {
        let lines = try GalleryExamplesTests.run("tpo.pref")
        func run(_ name: String) throws -> (probability: Double, gold: Double, reward: Double) {
            let n = try GalleryExamplesTests.numbers(lines, "\(name): best leaf probability")
            guard n.count == 3 else { throw Pref.Mismatch("\(name): \(n)") }
            return (n[0], n[1], n[2])
        }
        let before = try run("before training"), dpo = try run("dpo on sampled pairs")
        let list = try run("list loss without step weights"), tpo = try run("tpo")
        // Four leaves: an untrained policy is near 1/4.
        #expect(abs(before.probability - 0.25) < 0.05, "\(before)")
        #expect(dpo.probability > before.probability + 0.05, "\(dpo) vs \(before)")
        #expect(list.probability > dpo.probability + 0.02, "\(list) vs \(dpo)")
        #expect(tpo.probability > dpo.probability + 0.02, "\(tpo) vs \(dpo)")
        #expect(abs(tpo.probability - list.probability) < 0.02, "\(tpo) vs \(list)")
        #expect(list.gold > dpo.gold && tpo.gold > dpo.gold, "\(list), \(tpo) vs \(dpo)")
        #expect(tpo.reward < list.reward - 0.05 && list.reward < 0, "the drift: \(tpo) vs \(list)")
        let gold = try GalleryExamplesTests.numbers(lines, "best leaf gold")
        #expect(gold.count == 2 && tpo.gold < gold[0] && tpo.gold > gold[1], "\(gold)")
    }
}
