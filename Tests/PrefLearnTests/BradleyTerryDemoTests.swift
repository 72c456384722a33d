import Testing
import PrefCore
@testable import PrefLearn

@Suite("Bradley-Terry demo") struct BradleyTerryDemoTests {
    @Test func lossFallsAndTheHiddenWeightsAreRecovered() throws {
        let r = try BradleyTerryDemo.run(pairs: 3000, dim: 8, epochs: 6, seed: 3)
        #expect(r.losses.count == 6)
        // Starts at log 2 (w = 0) and must fall every epoch early on.
        #expect(r.losses[0] < 0.6931472)
        #expect(r.losses[5] < r.losses[0])
        #expect(r.cosine > 0.95, "cosine \(r.cosine)")
        // Held-out accuracy within a few points of the Bayes rate of the generating model.
        #expect(r.testAccuracy > r.bayesAccuracy - 0.05, "\(r.testAccuracy) vs Bayes \(r.bayesAccuracy)")
    }

    @Test func sameSeedSameRun() throws {
        let a = try BradleyTerryDemo.run(pairs: 500, dim: 4, epochs: 2, seed: 9)
        let b = try BradleyTerryDemo.run(pairs: 500, dim: 4, epochs: 2, seed: 9)
        #expect(a.losses == b.losses)
        #expect(a.cosine == b.cosine)
    }
}
