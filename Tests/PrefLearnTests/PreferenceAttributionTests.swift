import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// Preference attribution's logistic regression against closed forms, and the rank correlations
/// against scipy.stats (1.15) values.
@Suite("preference attribution") struct PreferenceAttributionTests {
    @Test func oneFeatureIsTheLogitOfTheWinRate() throws {
        // d = 1 on every row, 7 wins of 10: β̂ = logit(0.7) = log(7/3), se = 1/√(n·p(1−p)) = 1/√2.1.
        let y: [Double] = [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
        let fit = try PreferenceAttribution.fit(differences: [Double](repeating: 1, count: 10), outcomes: y, features: 1)
        #expect(abs(fit.coefficients[0] - log(7.0 / 3)) < 1e-10)
        #expect(abs(fit.standardErrors[0] - 1 / 2.1.squareRoot()) < 1e-10)
        #expect(abs(fit.zScores[0] - log(7.0 / 3) * 2.1.squareRoot()) < 1e-9)
        // Two-sided p of z = 1.2279: erfc(z/√2).
        #expect(abs(fit.pValues[0] - erfc(abs(fit.zScores[0]) / 2.0.squareRoot())) < 1e-15)
        #expect(abs(fit.logLikelihood - (7 * log(0.7) + 3 * log(0.3))) < 1e-10)
    }

    @Test func orthogonalFeaturesFitSeparately() throws {
        // Rows (2, 0) win 3 of 4 and rows (0, −1) win 1 of 5: β₁ = logit(3/4)/2, β₂ = −logit(1/5);
        // the information is diagonal, I₁₁ = 4·4·p(1−p), I₂₂ = 5·1·p(1−p).
        var d = [Double](), y = [Double]()
        for k in 0..<4 { d += [2, 0]; y.append(k < 3 ? 1 : 0) }
        for k in 0..<5 { d += [0, -1]; y.append(k < 1 ? 1 : 0) }
        let fit = try PreferenceAttribution.fit(differences: d, outcomes: y, features: 2)
        #expect(abs(fit.coefficients[0] - log(3.0) / 2) < 1e-10)
        #expect(abs(fit.coefficients[1] - -log(0.25)) < 1e-10)
        #expect(abs(fit.standardErrors[0] - 1 / (16 * 0.75 * 0.25).squareRoot()) < 1e-10)
        #expect(abs(fit.standardErrors[1] - 1 / (5 * 0.2 * 0.8).squareRoot()) < 1e-10)
    }

    @Test func matchesStatsmodelsLogit() throws {
        // statsmodels 0.14 `sm.Logit(y, X).fit(tol=1e-14)` (no constant) on the same 12 rows:
        // params, bse, pvalues and llf.
        let x: [Double] = [0.5, -1.0, 1.2, 0.3, -0.7, 0.8, 2.0, -0.4, -1.5, -0.9, 0.3, 1.7,
                           1.1, -1.3, -0.2, 0.1, 0.9, 0.9, -1.1, 0.4, 1.6, 0.2, -0.4, -1.6]
        let y: [Double] = [1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 1, 1]
        let fit = try PreferenceAttribution.fit(differences: x, outcomes: y, features: 2)
        let expected = (coef: [1.5470260067654238, 0.2447019570190625], se: [0.8572590846910734, 0.7171045616380849],
                        p: [0.07113432743928201, 0.7329258558062635])
        for j in 0..<2 {
            #expect(abs(fit.coefficients[j] - expected.coef[j]) < 1e-9 * abs(expected.coef[j]))
            #expect(abs(fit.standardErrors[j] - expected.se[j]) < 1e-8 * expected.se[j])
            #expect(abs(fit.pValues[j] - expected.p[j]) < 1e-8 * expected.p[j])
        }
        #expect(abs(fit.logLikelihood - -5.63128980334419) < 1e-10)
    }

    @Test func recoversSimulatedWeightsWithinTheirIntervals() throws {
        // Bradley–Terry labels with known β: every estimate within 4 se, and the intervals cover
        // the truth at about the nominal rate over the coordinates.
        var rng = RandomStream(seed: 3, stream: "attribution")
        let beta = [0.8, -0.5, 0.0, 1.5], p = 4, n = 20000
        var d = [Double](), y = [Double]()
        for _ in 0..<n {
            let x = (0..<p).map { _ in rng.normal() }
            let z = zip(x, beta).reduce(0) { $0 + $1.0 * $1.1 }
            d += x
            y.append(rng.uniform() < 1 / (1 + exp(-z)) ? 1 : 0)
        }
        let fit = try PreferenceAttribution.fit(differences: d, outcomes: y, features: p)
        for j in 0..<p {
            #expect(abs(fit.coefficients[j] - beta[j]) < 4 * fit.standardErrors[j], "β\(j) = \(fit.coefficients[j]) ± \(fit.standardErrors[j])")
            #expect(fit.standardErrors[j] > 0.01 && fit.standardErrors[j] < 0.05)
        }
    }

    @Test func separatedAndCollinearDataFail() {
        #expect(throws: PreferenceAttribution.Failure.notConverged) {
            try PreferenceAttribution.fit(differences: [1, 2, 3], outcomes: [1, 1, 1], features: 1)
        }
        #expect(throws: PreferenceAttribution.Failure.singular) {
            try PreferenceAttribution.fit(differences: [1, 2, -1, -2, 1, 2, 1, 2], outcomes: [1, 0, 1, 1], features: 2)
        }
    }

    @Test func rankCorrelationsMatchScipy() {
        // scipy.stats.kendalltau (τ-b) and spearmanr on the same lists.
        let cases: [([Double], [Double], Double, Double)] = [
            ([0.71, 0.64, 0.80, 0.64, 0.55, 0.90], [0.55, 0.58, 0.70, 0.60, 0.58, 0.72], 0.5, 0.6029411764705883),
            ([1, 2, 3, 4, 5], [5, 6, 7, 8, 7], 0.7378647873726218, 0.8207826816681233),
            ([3, 1, 2], [1, 2, 3], -1.0 / 3, -0.5),
        ]
        for (x, y, tau, rho) in cases {
            #expect(abs(RankCorrelation.kendallTauB(x, y) - tau) < 1e-12, "\(x) \(y)")
            #expect(abs(RankCorrelation.spearmanRho(x, y) - rho) < 1e-12, "\(x) \(y)")
        }
        #expect(RankCorrelation.kendallTauB([1, 1, 1], [1, 2, 3]).isNaN)
        #expect(RankCorrelation.averageRanks([10, 20, 10, 5]) == [2.5, 4, 2.5, 1])
    }

    @Test func ratingsAgainstRankings() throws {
        // Four rated responses to one prompt (b rated twice: mean 3); rankings a ≻ b (ratings 4 > 3:
        // agree), c ≻ a (2 < 4: disagree), b ≻ d (3 = 3: tie), a ≻ e (e unrated: unmatched).
        func r(_ y: String, _ s: Double) -> RatingRow { RatingRow(prompt: .plain("x"), response: .plain(y), scores: [AspectScore("overall", s)]) }
        let ratings = Dataset(ratings: [r("a", 4), r("b", 2), r("b", 4), r("c", 2), r("d", 3)])
        func p(_ w: String, _ l: String) -> PairRow { PairRow(prompt: .plain("x"), chosen: .plain(w), rejected: .plain(l)) }
        let rankings = Dataset(pairs: [p("a", "b"), p("c", "a"), p("b", "d"), p("a", "e")])
        let c = try ratings.consistency(with: rankings)
        #expect(c == RatingRankingConsistency(pairs: 3, agree: 1, disagree: 1, ties: 1, unmatched: 1))
        #expect(abs(c.disagreement - 2.0 / 3) < 1e-15)
        #expect(c.strictDisagreement == 0.5)
        // A ranked list c > a > d gives pairs c≻a (disagree), c≻d (disagree: 2 < 3), a≻d (agree).
        let lists = Dataset(ranked: [RankedRow(prompt: .plain("x"), responses: [.plain("a"), .plain("c"), .plain("d")], ranks: [2, 1, 3])])
        #expect(try ratings.consistency(with: lists) == RatingRankingConsistency(pairs: 3, agree: 1, disagree: 2, ties: 0, unmatched: 0))
        #expect(throws: DataError.self) { try ratings.consistency(with: rankings, aspect: "helpfulness") }
    }
}
