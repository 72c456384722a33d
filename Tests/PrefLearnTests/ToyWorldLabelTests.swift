import Foundation
import Testing
import PrefCore
import _PrefTestSupport
@testable import PrefLearn

/// The label distributions of spec §9.3 and determinism under a seed. Tolerances are 4.5
/// binomial standard deviations, so a correct generator fails about once in 150,000 runs (and
/// the seeds are fixed, so never).
@Suite("toy world: labels") struct ToyWorldLabelTests {
    static func world(_ change: (inout ToyWorld.Config) -> Void = { _ in }) throws -> ToyWorld {
        try ToyWorldTests.world(change)
    }

    static func within(_ observed: Double, _ p: Double, n: Int) -> Bool {
        abs(observed - p) <= 4.5 * (p * (1 - p) / Double(n)).squareRoot() + 1e-9
    }

    @Test(arguments: [0.0, 0.1, 0.25, 0.5])
    func flipRateIsEpsilon(epsilon: Double) throws {
        let w = try Self.world { $0.noise = epsilon }
        var rng = RandomStream(seed: 1, stream: "test")
        let n = 20_000
        let rows = try w.pairs(n, rng: &rng)
        let rate = Double(rows.flipped.filter { $0 }.count) / Double(n)
        #expect(Self.within(rate, epsilon, n: n), "flip rate \(rate) for ε = \(epsilon)")
    }

    /// With τ → 0 the annotator (here: the gold) always prefers the better candidate, so the
    /// agreement with the gold is 1 − ε; at τ = 1 it is the mean of the rows' probabilities.
    @Test(arguments: [(0.001, 0.0), (0.001, 0.25), (1.0, 0.0), (1.0, 0.25)])
    func agreementWithGoldFollowsTauAndEpsilon(tau: Double, epsilon: Double) throws {
        let w = try Self.world { $0.noise = epsilon; $0.temperature = tau }
        var rng = RandomStream(seed: 2, stream: "test")
        let n = 20_000
        let rows = try w.pairs(n, labeller: .gold, rng: &rng)
        let agree = (0..<n).filter { w.gold[rows.chosen[$0]] > w.gold[rows.rejected[$0]] }.count
        let expected = rows.probability.indices.reduce(0.0) { sum, i in
            let p = rows.probability[i]
            return sum + (w.gold[rows.chosen[i]] > w.gold[rows.rejected[i]] ? p : 1 - p)
        } / Double(n)
        let rate = Double(agree) / Double(n)
        #expect(Self.within(rate, expected, n: n), "agreement \(rate), expected \(expected)")
        if tau < 0.01 { #expect(abs(expected - (1 - epsilon)) < 0.01) }
    }

    @Test func lengthBiasRaisesChosenLengths() throws {
        func gap(_ bias: Double) throws -> Double {
            let w = try Self.world { $0.lengthBias = bias }
            var rng = RandomStream(seed: 3, stream: "test")
            let rows = try w.pairs(10_000, rng: &rng)
            let diff = zip(rows.chosen, rows.rejected).reduce(0) { $0 + w.lengths[$1.0] - w.lengths[$1.1] }
            return Double(diff) / Double(rows.count)
        }
        let none = try gap(0), biased = try gap(0.5)
        #expect(biased > none + 0.5, "mean chosen − rejected length: \(none) without bias, \(biased) with b_len = 0.5")
    }

    /// Counts triples a, b, c of one prompt with P(a≻b), P(b≻c), P(c≻a) all above ½.
    static func intransitiveTriples(_ w: ToyWorld, prompt p: Int) -> Int {
        let r = w.candidateRange(prompt: p)
        var count = 0
        for a in r { for b in r where b != a { for c in r where c != a && c != b {
            if w.preferenceLogit(a, b, judge: .group(0)) > 0, w.preferenceLogit(b, c, judge: .group(0)) > 0,
               w.preferenceLogit(c, a, judge: .group(0)) > 0 { count += 1 }
        } } }
        return count
    }

    @Test func kappaProducesIntransitiveTriples() throws {
        let transitive = try Self.world()
        let cyclic = try Self.world { $0.kappa = 3 }
        #expect(Self.intransitiveTriples(transitive, prompt: 0) == 0)
        #expect(Self.intransitiveTriples(cyclic, prompt: 0) > 0)
    }

    @Test func unpairedDesirabilityIsAboutHalf() throws {
        let w = try Self.world()
        var rng = RandomStream(seed: 4, stream: "test")
        let n = 20_000
        let rows = try w.unpaired(n, rng: &rng)
        let rate = Double(rows.desirable.filter { $0 }.count) / Double(n)
        #expect(abs(rate - 0.5) < 0.03, "desirable fraction \(rate)")
        // Desirable responses have higher utility than undesirable ones on average.
        let u = rows.candidate.indices.map { w.utility(.group(rows.annotator[$0]), rows.candidate[$0]) }
        var good = [Double](), bad = [Double]()
        for (x, d) in zip(u, rows.desirable) { if d { good.append(x) } else { bad.append(x) } }
        let goodMean = good.reduce(0, +) / Double(good.count), badMean = bad.reduce(0, +) / Double(bad.count)
        #expect(goodMean > badMean + 0.5)
    }

    @Test func sameSeedSameWorldAndRows() throws {
        let a = try Self.world(), b = try Self.world()
        #expect(a.features == b.features && a.gold == b.gold && a.clusters == b.clusters)
        var r1 = RandomStream(seed: 5, stream: "x"), r2 = RandomStream(seed: 5, stream: "x")
        #expect(try a.pairs(500, rng: &r1) == b.pairs(500, rng: &r2))
        #expect(try a.ranked(50, rng: &r1) == b.ranked(50, rng: &r2))
        let c = try Self.world { $0.seed = 8 }
        #expect(a.features != c.features)
        var r3 = RandomStream(seed: 5, stream: "x"), r4 = RandomStream(seed: 6, stream: "x")
        #expect(try a.pairs(500, rng: &r3) != a.pairs(500, rng: &r4))
    }

    @Test func changingCandidatesKeepsPromptsAndGeometry() throws {
        let a = try Self.world(), b = try Self.world { $0.candidates = 32 }
        #expect(a.promptFeatures == b.promptFeatures && a.geometry.goldWeights == b.geometry.goldWeights)
    }

    @Test func rankedRatingsComparisonsAndLogps() throws {
        let w = try Self.world()
        var rng = RandomStream(seed: 6, stream: "test")
        let judged = try w.ranked(200, size: 5, by: .judge, rng: &rng)
        #expect(judged.candidates.allSatisfy { Set($0).count == 5 && Set($0.map { $0 / 16 }).count == 1 })
        #expect(judged.scores!.allSatisfy { $0 == $0.sorted(by: >) })
        let graded = try w.ranked(2000, size: 4, by: .grade, rng: &rng)
        let grades = graded.scores!.flatMap { $0 }
        for level in 0..<5 { #expect(abs(Double(grades.filter { $0 == Double(level) }.count) / 8000 - 0.2) < 0.05) }
        let ratings = try w.ratings(100, rng: &rng)
        #expect(ratings.aspects == ["quality", "r1", "r2"] && ratings.scores.allSatisfy { $0.count == 100 })
        let arena = try w.comparisons(3000, tie: 0.1, rng: &rng)
        #expect(arena.count.reduce(0, +) == 3000 && arena.tie.contains(true))
        let lp = try w.logps(100, policy: .logLinear([1, 0, 0, 0, 0, 0]), rng: &rng)
        #expect(lp.referenceChosen.allSatisfy { isClose($0, -log(16.0)) } && lp.policyChosen.allSatisfy { $0 < 0 })
        let joint = try w.jointPairs(500, rng: &rng)
        #expect((0..<500).allSatisfy { joint.chosen[$0] / 16 != joint.rejected[$0] / 16 })
    }

    @Test func badKnobsAreErrorsWithHints() throws {
        func message(_ change: (inout ToyWorld.Config) -> Void) -> String {
            do { _ = try Self.world(change); return "" } catch { return "\(error)" }
        }
        #expect(message { $0.rho = 1.5 }.contains("rho must be in [-1, 1]"))
        #expect(message { $0.components = 3; $0.rho = -0.6 }.contains("ρ ≥ −1/(N−1)"))
        #expect(message { $0.candidates = 1 }.contains("candidates must be between 2"))
        #expect(message { $0.prompts = -3 }.contains("prompts must be between 1"))
        #expect(message { $0.noise = 0.7 }.contains("noise must be in [0, 0.5]"))
        #expect(message { $0.temperature = 0 }.contains("temperature"))
        #expect(message { $0.candidates = 1 << 20; $0.prompts = 100 }.contains("more than"))
        let w = try Self.world()
        var rng = RandomStream(seed: 0)
        #expect(throws: TensorError.self) { try w.pairs(-1, rng: &rng) }
        #expect(throws: TensorError.self) { try w.pairs(10, labeller: .group(3), rng: &rng) }
        #expect(throws: TensorError.self) { try w.ranked(10, size: 17, rng: &rng) }
        #expect(throws: TensorError.self) { try w.logps(10, policy: .logLinear([1, 2]), rng: &rng) }
    }
}
