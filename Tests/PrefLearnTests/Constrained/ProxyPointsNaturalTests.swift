import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// The natural-gradient sweep of proxy points (spec §1.5.1; Kakade 2001, Cen et al. 2022): from
/// π_0 = π_ref each run's checkpoints are the closed-form tilts
///     log π_t = log π_ref + c_t·(a·r) − log Z,   c_t = tη (β = 0),   c_t = (1 − (1 − ηβ)^t)/β (β > 0),
/// i.e. the least-KL policies the constrained methods converge to.
@Suite("proxy points: natural sweep") struct ProxyPointsNaturalTests {
    /// mean_x Σ_k π_t(k|x) f(k) for the tilt c·(a·r) of the uniform reference.
    static func tiltMeans(_ components: [Tensor], _ gold: Tensor, weights a: [Double], c: Double) -> [Double] {
        let (n, k) = (gold.shape[0], gold.shape[1])
        let r = components.map { $0.to(.f64).scalars }, g = gold.to(.f64).scalars
        var sums = [Double](repeating: 0, count: r.count + 1)
        for x in 0..<n {
            let s = (0..<k).map { j in c * zip(a, r).reduce(0) { $0 + $1.0 * $1.1[x * k + j] } }
            let top = s.max() ?? 0
            let e = s.map { exp($0 - top) }
            let z = e.reduce(0, +)
            for j in 0..<k {
                for i in r.indices { sums[i] += e[j] / z * r[i][x * k + j] }
                sums[r.count] += e[j] / z * g[x * k + j]
            }
        }
        return sums.map { $0 / Double(n) }
    }

    @Test(arguments: [0.0, 0.5]) func checkpointsAreTheClosedFormTilts(beta: Double) throws {
        let (policy, reference, prompts, components, gold) = try ConstrainedTrainerTests.setup()
        var search = ProxyPointSearch()
        search.steps = 12
        search.divisions = 4
        search.learningRate = 0.25
        search.beta = beta
        let r = try search.run(policy: policy, reference: reference, prompts: prompts, components: components, evaluation: gold)
        #expect(r.checkpoints.count == 5 * 13)
        for cp in r.checkpoints where cp.step % 4 == 0 {
            let eta = search.learningRate, t = Double(cp.step)
            let c = beta == 0 ? t * eta : (1 - pow(1 - eta * beta, t)) / beta
            let want = Self.tiltMeans(components, gold, weights: cp.weights, c: c)
            for (got, w) in zip(cp.values + [cp.eval], want) { #expect(abs(got - w) <= 1e-10 * max(1, abs(w)), "run \(cp.run) step \(cp.step)") }
        }
        #expect(policy.parameters[0].value.scalars.allSatisfy { $0 == 0 })
    }

    @Test func theStepNeedsLrTimesKlAtMostOne() throws {
        let (policy, reference, prompts, components, gold) = try ConstrainedTrainerTests.setup()
        var search = ProxyPointSearch()
        search.learningRate = 0.5
        search.beta = 3
        #expect(throws: TensorError.self) {
            _ = try search.run(policy: policy, reference: reference, prompts: prompts, components: components, evaluation: gold)
        }
    }

    /// The vanilla gradient sweep (algo: "pg") still runs, moves the rewards and restores the policy.
    @Test func gradientSweepStillRestoresThePolicy() throws {
        let (policy, reference, prompts, components, gold) = try ConstrainedTrainerTests.setup()
        var search = ProxyPointSearch()
        search.algorithm = .gradient
        search.steps = 20
        search.divisions = 2
        let r = try search.run(policy: policy, reference: reference, prompts: prompts, components: components, evaluation: gold)
        #expect(r.checkpoints.count == 3 * 21)
        #expect(policy.parameters[0].value.scalars.allSatisfy { $0 == 0 })
        for i in 0..<2 { #expect(r.maxima[i] > r.initial[i] + 0.5) }
    }
}
