import Foundation
import Testing
import PrefCore
import _PrefTestSupport
@testable import PrefLearn

/// Exact quantities of the toy world (spec §9): the formulas, the geometry and the shapes.
@Suite("toy world: exact quantities") struct ToyWorldTests {
    static func world(_ change: (inout ToyWorld.Config) -> Void = { _ in }) throws -> ToyWorld {
        var c = ToyWorld.Config()
        c.seed = 7
        c.prompts = 40
        c.testPrompts = 10
        c.candidates = 16
        change(&c)
        return try ToyWorld(c)
    }

    static func dot(_ a: ArraySlice<Double>, _ b: ArraySlice<Double>) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    @Test func goldFormulaOnHandComputedCandidates() throws {
        let w = try Self.world()
        let g = w.geometry, c = w.config
        // q = w*, ℓ = 4: r* = 1 − 0.4·1 − 0 = 0.6;  q = 0, ℓ = 6: r* = −0.05·(6 − 4)² = −0.2;
        // q = 2·w*, ℓ = 1: r* = 2 − 0.4·4 − 0.05·9 = −0.05.
        let q = g.goldWeights + [Double](repeating: 0, count: 6) + g.goldWeights.map { 2 * $0 }
        let v = try ToyWorld.values(q, lengths: [4, 6, 1], config: c, geometry: g)
        #expect(isClose(v.gold[0], 0.6, abs: 1e-12))
        #expect(isClose(v.gold[1], -0.2, abs: 1e-12))
        #expect(isClose(v.gold[2], -0.05, abs: 1e-12))
        // Every drawn candidate follows r* = w*·q − λ‖q‖² − c_ℓ(ℓ − ℓ*)².
        for i in stride(from: 0, to: w.gold.count, by: 37) {
            let qi = w.features[(i * 6)..<(i * 6 + 6)]
            let gap = Double(w.lengths[i]) - 4
            let expected = Self.dot(qi, g.goldWeights[...]) - 0.4 * Self.dot(qi, qi) - 0.05 * gap * gap
            #expect(isClose(w.gold[i], expected, rel: 1e-12, abs: 1e-12))
        }
    }

    @Test func groupUtilitiesAndComponentsFollowTheirFormulas() throws {
        let w = try Self.world { $0.lengthBias = 0.3; $0.annotatorLambda = 0.1 }
        let g = w.geometry, m = w.gold.count
        for i in stride(from: 0, to: m, by: 53) {
            let q = w.features[(i * 6)..<(i * 6 + 6)]
            let len = Double(w.lengths[i])
            for group in 0..<3 {
                let dir = (0..<6).map { g.goldWeights[$0] + g.groupOffsets[group * 6 + $0] }
                let u = Self.dot(q, dir[...]) - 0.1 * Self.dot(q, q) + 0.3 * len - 0.05 * (len - 4) * (len - 4)
                #expect(isClose(w.utility(.group(group), i), u, rel: 1e-12, abs: 1e-12))
            }
            for k in 0..<2 {
                #expect(isClose(w.componentRewards[k * m + i], Self.dot(q, g.componentWeights[(k * 6)..<(k * 6 + 6)]), rel: 1e-12, abs: 1e-12))
            }
        }
    }

    @Test func idealPointUtilityIsMinusTheDistance() throws {
        let w = try Self.world { $0.utility = .idealPoint }
        let g = w.geometry
        let i = 5
        let q = w.features[(i * 6)..<(i * 6 + 6)]
        let a = (0..<6).map { (g.goldWeights[$0] + g.groupOffsets[6 + $0]) / 0.8 }
        let distance = zip(q, a).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
        let len = Double(w.lengths[i])
        #expect(isClose(w.utility(.group(1), i), -distance - 0.05 * (len - 4) * (len - 4), rel: 1e-9))
    }

    @Test(arguments: [(2, -1.0), (2, 0.0), (2, 0.5), (2, 0.9), (2, 1.0), (3, -0.5), (3, 0.3), (6, 0.7)])
    func unitGoldAndComponentCosinesEqualRho(components: Int, rho: Double) throws {
        let w = try Self.world { $0.components = components; $0.rho = rho }
        let g = w.geometry
        #expect(isClose(Self.dot(g.goldWeights[...], g.goldWeights[...]), 1, rel: 1e-12))
        for i in 0..<components {
            let wi = g.componentWeights[(i * 6)..<(i * 6 + 6)]
            #expect(isClose(Self.dot(wi, wi), 1, rel: 1e-12))
            for j in 0..<i {
                #expect(isClose(Self.dot(wi, g.componentWeights[(j * 6)..<(j * 6 + 6)]), rho, abs: 1e-12))
            }
        }
        // w* is partly outside the components' span for N = 2 (Appendix A: 0.6, 0.6, 0.5).
        if components == 2, abs(rho) < 1 {
            let c1 = Self.dot(g.goldWeights[...], g.componentWeights[0..<6])
            #expect(isClose(c1, 0.6 / (0.97).squareRoot(), rel: 1e-12))
        }
    }

    @Test func groupOffsetsHaveTheDiversityNorm() throws {
        let w = try Self.world { $0.diversity = 0.8; $0.groups = 5 }
        for g in 0..<5 {
            let d = w.geometry.groupOffsets[(g * 6)..<(g * 6 + 6)]
            #expect(isClose(Self.dot(d, d).squareRoot(), 0.8, rel: 1e-12))
        }
    }

    @Test func cyclicTermIsSkewSymmetric() throws {
        let w = try Self.world { $0.kappa = 2 }
        for (a, b) in [(0, 1), (3, 9), (17, 200), (5, 5)] {
            #expect(isClose(w.cyclic(a, b), -w.cyclic(b, a), abs: 1e-15))
            #expect(isClose(w.preferenceLogit(a, b, judge: .group(0)), -w.preferenceLogit(b, a, judge: .group(0)), abs: 1e-12))
            let (ua, va) = w.style(a), (ub, vb) = w.style(b)
            #expect(isClose(ua * ua + va * va, 1, rel: 1e-12))
            #expect(isClose(w.cyclic(a, b), ua * vb - va * ub, abs: 1e-15))
        }
        #expect(w.cyclic(4, 4) == 0)
    }

    @Test func shapesAndRanges() throws {
        let w = try Self.world()
        let m = 50 * 16
        #expect(w.features.count == m * 6)
        #expect(w.promptFeatures.count == 50 * 4)
        #expect(w.gold.count == m && w.lengths.count == m && w.styleAngles.count == m)
        #expect(w.utilities.count == 3 * m && w.componentRewards.count == 2 * m)
        #expect(w.lengths.allSatisfy { (1...8).contains($0) })
        #expect(Set(w.lengths).count == 8)
        #expect(w.clusters.count == 50 && Set(w.clusters[0..<40]) == [0, 1, 2])
        #expect(w.tokens.isEmpty)
        #expect(w.gradeThresholds.count == 4 && w.gradeThresholds == w.gradeThresholds.sorted())
        #expect(w.prompts(.train) == 0..<40 && w.prompts(.test) == 40..<50)
    }

    @Test func tokenViewFeaturesAreMeanEmbeddingsPlusNoise() throws {
        let w = try Self.world { $0.view = .token; $0.candidates = 64 }
        let e = w.geometry.tokenEmbeddings
        var residual = [Double]()
        for i in 0..<w.gold.count {
            let t = w.tokens(of: i)
            #expect(t.count == w.lengths[i] && t.allSatisfy { (0..<16).contains($0) })
            for j in 0..<6 {
                let mean = t.reduce(0.0) { $0 + e[$1 * 6 + j] } / Double(t.count)
                residual.append(w.features[i * 6 + j] - mean)
            }
        }
        let sd = (residual.reduce(0) { $0 + $1 * $1 } / Double(residual.count)).squareRoot()
        #expect(abs(sd - 0.3) < 0.01, "residual sd \(sd)")
        // The sentiment tokens are ±s·w*; the others carry no w* component.
        #expect(isClose(Self.dot(e[0..<6], w.geometry.goldWeights[...]), 2, rel: 1e-12))
        #expect(isClose(Self.dot(e[6..<12], w.geometry.goldWeights[...]), -2, rel: 1e-12))
        #expect(abs(Self.dot(e[18..<24], w.geometry.goldWeights[...])) < 1e-12)
        #expect(w.step(ofPosition: 0) == 0 && w.step(ofPosition: 3) == 1)
    }

    @Test func logProbabilitiesAreExact() throws {
        let w = try Self.world()
        let uniform = try w.logProbabilities(.uniform, split: .train)
        #expect(uniform.allSatisfy { isClose($0, -log(16.0)) })
        let theta = [0.5, -1, 0.2, 0, 1, 0.3]
        let lp = try w.logProbabilities(.logLinear(theta), split: .test)
        for p in 0..<10 {
            let row = lp[(p * 16)..<(p * 16 + 16)]
            #expect(isClose(row.reduce(0) { $0 + exp($1) }, 1, rel: 1e-12))
            // Log-ratios between candidates are differences of θ·q.
            let i = (40 + p) * 16
            let s0 = Self.dot(w.features[(i * 6)..<(i * 6 + 6)], theta[...])
            let s1 = Self.dot(w.features[((i + 1) * 6)..<((i + 1) * 6 + 6)], theta[...])
            #expect(isClose(row[row.startIndex + 1] - row[row.startIndex], s1 - s0, rel: 1e-9, abs: 1e-12))
        }
        #expect(w.psiDim == 39 && w.psi(3).count == 39)
        let full = try w.logProbabilities(.logLinear([Double](repeating: 0, count: 39)), split: .train)
        #expect(full.allSatisfy { isClose($0, -log(16.0), rel: 1e-12) })
    }
}

@Suite("toy world: medians") struct ToyWorldMedianTests {
    @Test(arguments: [1, 2, 3, 8, 63, 64])
    func selectionMediansEqualSortedMedians(k: Int) {
        var rng = RandomStream(seed: UInt64(k), stream: "median")
        var values = (0..<(5 * k)).map { _ in rng.normal() }
        values[0] = values[1]  // ties
        let got = ToyWorld.medians(values, rows: 5, k: k)
        for r in 0..<5 {
            let b = values[(r * k)..<((r + 1) * k)].sorted()
            let expected = k % 2 == 1 ? b[b.startIndex + k / 2] : (b[b.startIndex + k / 2 - 1] + b[b.startIndex + k / 2]) / 2
            #expect(got[r] == expected)
        }
    }
}
