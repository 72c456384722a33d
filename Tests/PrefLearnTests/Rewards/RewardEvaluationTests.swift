import Foundation
import Testing
import PrefCore
@testable import PrefLearn
import _PrefTestSupport

/// Reward evaluation metrics worked by hand.
@Suite("reward evaluation") struct RewardEvaluationTests {
    @Test func closedForms() throws {
        let z = [2.0, -1.0, 0.5, 0.0]
        let gold = [1.0, 0.5, -3.0, 2.0]
        let e = try RewardEvaluation(logits: z, goldDifferences: gold)
        #expect(e.accuracy == 0.5)
        let sigma = { (x: Double) in 1 / (1 + exp(-x)) }
        #expect(isClose(e.logLoss, z.map { -log(sigma($0)) }.reduce(0, +) / 4, rel: 1e-12))
        // Agreement: signs (+,+) yes, (−,+) no, (+,−) no, z = 0 counts ½.
        #expect(e.goldAgreement == 1.5 / 4)
        // ECE by hand: both orientations of each pair in 10 bins.
        var bins = [[(Double, Double)]](repeating: [], count: 10)
        for x in z { for (p, o) in [(sigma(x), 1.0), (1 - sigma(x), 0.0)] { bins[min(Int(p * 10), 9)].append((p, o)) } }
        var ece = 0.0
        for b in bins where !b.isEmpty {
            let conf = b.map(\.0).reduce(0, +) / Double(b.count), freq = b.map(\.1).reduce(0, +) / Double(b.count)
            ece += Double(b.count) / 8 * abs(freq - conf)
        }
        #expect(isClose(e.ece, ece, rel: 1e-12))
        #expect(e.bins.map(\.count).reduce(0, +) == 8)
        #expect(e.bins[5].count == 2 && e.bins[4].count == 0 && e.bins[3].count == 1)   // σ(0) = 0.5 twice to bin 5; 1 − σ(0.5) ≈ 0.38 to bin 3
    }

    @Test func errors() {
        #expect(throws: TensorError.self) { try RewardEvaluation(logits: []) }
        #expect(throws: TensorError.self) { try RewardEvaluation(logits: [.nan]) }
        #expect(throws: TensorError.self) { try RewardEvaluation(logits: [1], goldDifferences: [1, 2]) }
    }
}
