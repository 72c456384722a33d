import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// Constrained RLHF end to end on a small toy world (spec §1.3–1.5): μ meets its lower bounds,
/// All-PPO's penalties grow past its upper bounds,
/// ξ tracks its equalities, the multipliers react to violations, NM-PPO stays within its step
/// budget, and the surface fit and proxy points behave.
@Suite("constrained trainer") struct ConstrainedTrainerTests {
    static func setup(rho: Double = 0.5) throws -> (CandidatePolicy, CandidatePolicy, [Int], [Tensor], Tensor) {
        var c = ToyWorld.Config()
        c.seed = 5
        c.prompts = 12
        c.testPrompts = 2
        c.candidates = 16
        c.rho = rho
        c.lambda = 0.25
        c.lengthCost = 0
        let w = try ToyWorld(c)
        let policy = try CandidatePolicy(.loglinear, source: try w.candidateFeatures(), seed: 0)
        let prompts = policy.prompts(.train)
        let inputs = try RewardInputs(world: w, split: .train)
        let components = try (0..<2).map { i in try ComponentReward(w, index: i).rewards(inputs).reshaped([12, 16]) }
        let gold = try GoldReward(w).rewards(inputs).reshaped([12, 16])
        return (policy, policy.frozen(), prompts, components, gold)
    }

    static func trainer(_ kind: ConstrainedKind, thresholds: [Double], relations: [RewardConstraint.Relation] = [.atLeast, .atLeast],
                        samples: Int? = nil) throws -> ConstrainedTrainer {
        let (policy, reference, prompts, components, gold) = try setup()
        var config = PolicyGradientConfig()
        config.beta = 0
        let core = try PolicyGradientTrainer(policy: policy, reference: reference, prompts: prompts, rewards: components[0], gold: gold,
                                             config: config, optimizer: try SGD(policy.parameters, learningRate: 0.3), seed: 1)
        return try ConstrainedTrainer(core: core, kind: kind, components: components, relations: relations, thresholds: thresholds,
                                      beta: 0.2, squash: true, learningRate: 0.1, momentum: 0.1, maxGradNorm: nil,
                                      violationSamples: samples, seed: 1)
    }

    @Test func muMeetsItsLowerBoundsAndXiTracksItsEqualities() throws {
        let mu = try Self.trainer(.mu, thresholds: [0.8, 0.6])
        var reports = [ConstrainedTrainer.Report]()
        for _ in 0..<300 { reports.append(try mu.step()) }
        let v = try mu.streams().values
        // Gradient descent–ascent oscillates around the bounds (spec §1.3 step 7): within 5%.
        #expect(v[0] >= 0.8 * 0.95 && v[1] >= 0.6 * 0.95, "\(v)")
        // Below the bounds at the start, so both multipliers grew from σ(≈0) = 0.5 first.
        #expect(reports[20].multipliers.allSatisfy { $0 > 0.5 })
        let xi = try Self.trainer(.xi, thresholds: [0.8, 0.6], relations: [.equal, .equal])
        for _ in 0..<300 { _ = try xi.step() }
        let u = try xi.streams().values
        #expect(abs(u[0] - 0.8) < 0.05 && abs(u[1] - 0.6) < 0.05, "\(u)")
        // The KL objective keeps ξ closer to the reference than μ's overshoot needs.
        #expect(try xi.streams().kl > 0)
    }

    @Test func allStaysBelowItsUpperBounds() throws {
        let all = try Self.trainer(.all, thresholds: [0.8, 0.6], relations: [.atMost, .atMost])
        var last: ConstrainedTrainer.Report? = nil
        for _ in 0..<300 { last = try all.step() }
        let v = try all.streams().values
        // Over a bound, its penalty grows; under it, it shrinks.
        let report = try #require(last)
        #expect(report.violations.contains { $0 > 0 })
        #expect(try all.step().multipliers.enumerated().allSatisfy { i, m in (m > report.multipliers[i]) == (report.violations[i] > 0) })
        #expect(v[0] > 0.3 && v[1] > 0.2, "\(v)")
    }

    @Test func sampledViolationsAreDeterministicForASeed() throws {
        let a = try Self.trainer(.mu, thresholds: [0.8, 0.6], samples: 4), b = try Self.trainer(.mu, thresholds: [0.8, 0.6], samples: 4)
        let ra = try (0..<5).map { _ in try a.step().violations }, rb = try (0..<5).map { _ in try b.step().violations }
        #expect(ra == rb)
        #expect(ra[0] != (try Self.trainer(.mu, thresholds: [0.8, 0.6]).step().violations))
    }

    @Test func nmppoKeepsItsStepBudget() throws {
        let xi = try Self.trainer(.xi, thresholds: [1.2, 1.0], relations: [.equal, .equal])
        let lower = try xi.streams().values
        var steps = 0
        var search = ThresholdSearch(budget: 10)
        search.nelderMead.maxIterations = 3
        let outcome = try search.run(xi, lower: lower, upper: [1.2, 1.0], totalSteps: 200, seed: 3) { _, _ in steps += 1; return true }
        #expect(steps == 200)
        let r = try #require(outcome.result)
        #expect(r.iterations <= 3 && r.log.count >= 3)
        #expect(outcome.best == r.point && xi.thresholds == r.point)
        // Every θ tried lies in the box the initial simplex was drawn from, or was reached from it by NM's moves.
        #expect(r.path[0].simplex.allSatisfy { p in (0..<2).allSatisfy { p[$0] >= lower[$0] && p[$0] <= [1.2, 1.0][$0] } })
        // A budget too small for the initial simplex stops inside it, keeping the best θ evaluated.
        var tight = 0
        let cut = try search.run(try Self.trainer(.xi, thresholds: [1.2, 1.0], relations: [.equal, .equal]), lower: lower, upper: [1.2, 1.0],
                                 totalSteps: 15, seed: 3) { _, _ in tight += 1; return true }
        #expect(tight == 15 && cut.result?.converged == false)
    }

    @Test func surfaceFitRecoversAPolynomial() throws {
        var rng = RandomStream(seed: 1, stream: "test")
        let x = (0..<40).map { _ in [rng.normal(), rng.normal()] }
        let y = x.map { 1 - ($0[0] - 0.3) * ($0[0] - 0.3) - 2 * ($0[1] + 0.2) * ($0[1] + 0.2) + 0.5 * $0[0] * $0[1] }
        let fit = try SurfaceFit(points: x, values: y, degree: 2)
        for p in x.prefix(5) { #expect(abs(fit(p) - (1 - (p[0] - 0.3) * (p[0] - 0.3) - 2 * (p[1] + 0.2) * (p[1] + 0.2) + 0.5 * p[0] * p[1])) < 1e-6) }
        #expect(SurfaceFit.monomials(2, 2).count == 6 && SurfaceFit.monomials(3, 3).count == 20)
        #expect(ProxyPointSearch.lattice(2, 10).count == 11 && ProxyPointSearch.lattice(3, 4).count == 15)
        #expect(ProxyPointSearch.lattice(2, 2) == [[1, 0], [0.5, 0.5], [0, 1]])
    }

    @Test func proxyPointsRestoreThePolicy() throws {
        let (policy, reference, prompts, components, gold) = try Self.setup()
        var search = ProxyPointSearch()
        search.steps = 40
        search.divisions = 2
        search.degree = 2
        let r = try search.run(policy: policy, reference: reference, prompts: prompts, components: components, evaluation: gold)
        #expect(r.checkpoints.count == 3 * 41)
        #expect(policy.parameters[0].value.scalars.allSatisfy { $0 == 0 })
        // Optimising r_i alone raises it far above the start; the maxima bound the independent points.
        for i in 0..<2 { #expect(r.maxima[i] > r.initial[i] + 0.5 && r.independent[i] <= r.maxima[i]) }
        #expect(r.checkpoints.contains { $0.values == r.joint })
    }
}
