import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// Item Bradley–Terry fits against published fits of two classic data sets, shipped under
/// Tests/Golden/leaderboards/files:
/// - baseball.csv: the 1987 American League East (Agresti 2002, *Categorical Data Analysis*,
///   2nd ed., p. 438, Table 10.10; BradleyTerry2's `baseball`), one row per team, venue and result.
/// - citations.csv: citations among four statistics journals (Stigler 1994, via Agresti 2002,
///   p. 448; BradleyTerry2's `citations`), the cited journal the winner.
///
/// "Published" constants are printed by BradleyTerry2's saved test outputs
/// (hturner/BradleyTerry2, tests/baseball.Rout.save: summary() to 4 decimals, which reproduces
/// Agresti's Table 10.11; tests/BTabilities.Rout.save: BTabilities() to 7–8 decimals) and are
/// asserted to their printed precision. "Reference" constants are the full-precision output of
/// Scripts/reference/bradley_terry.py (a SciPy logistic-regression fit, independent of this
/// code) and are asserted to 1e-6.
@Suite("Bradley–Terry leaderboards") struct BradleyTerryTests {
    static func rows(_ name: String) throws -> [ComparisonRow] {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden/leaderboards/files/\(name)").path
        guard case .comparisons(let rows) = try DataLoader.load(diskPath: path, path: name, options: LoadOptions(kind: .comparisons)).dataset.rows
        else { throw DataError("not comparisons") }
        return rows
    }

    static func options(reference: String? = nil, home: Bool = false) -> BradleyTerry.Options {
        var o = BradleyTerry.Options()
        o.reference = reference
        o.home = home
        return o
    }

    static func expectClose(_ a: [Double], _ b: [Double], _ tolerance: Double, _ what: String) {
        #expect(a.count == b.count, "\(what)")
        for (x, y) in zip(a, b) { #expect(abs(x - y) <= tolerance, "\(what): \(x) vs \(y)") }
    }

    // Items sort alphabetically: Baltimore, Boston, Cleveland, Detroit, Milwaukee, New York, Toronto.
    @Test func baseballWithoutHomeAdvantage() throws {
        let fit = try BradleyTerry.fit(Self.rows("baseball.csv"), options: Self.options(reference: "Baltimore"))
        #expect(fit.items == ["Baltimore", "Boston", "Cleveland", "Detroit", "Milwaukee", "New York", "Toronto"])
        // Published: baseball.Rout.save, baseballModel1 (Agresti Table 10.11).
        Self.expectClose(fit.abilities, [0, 1.1077, 0.6839, 1.4364, 1.5814, 1.2476, 1.2945], 5e-5, "published abilities")
        Self.expectClose(fit.standardErrors, [0, 0.3339, 0.3319, 0.3396, 0.3433, 0.3359, 0.3367], 5e-5, "published se")
        #expect(abs(fit.deviance - 44.053) < 5e-4)
        // Reference: Scripts/reference/bradley_terry.py.
        Self.expectClose(fit.abilities, [0, 1.107697705378, 0.683852769158, 1.436408431811, 1.581355876660, 1.247617845140, 1.294485123911], 1e-6, "abilities")
        Self.expectClose(fit.standardErrors, [0, 0.333878206989, 0.331876672711, 0.339568506379, 0.343255981595, 0.335860922526, 0.336669401423], 1e-6, "se")
        #expect(abs(fit.logLikelihood - -172.248175994716) < 1e-6)
        #expect(abs(fit.aic - (2 * 172.248175994716 + 12)) < 1e-6)
        #expect(fit.comparisons == 273 && fit.parameters == 6 && fit.homeAdvantage == nil)
    }

    @Test func baseballWithHomeAdvantage() throws {
        let fit = try BradleyTerry.fit(Self.rows("baseball.csv"), options: Self.options(reference: "Baltimore", home: true))
        // Published: baseball.Rout.save, baseballModel2; home advantage 0.3023 (Agresti p. 438).
        Self.expectClose(fit.abilities, [0, 1.1438, 0.7047, 1.4754, 1.6196, 1.2813, 1.3271], 5e-5, "published abilities")
        Self.expectClose(fit.standardErrors, [0, 0.3378, 0.3350, 0.3446, 0.3474, 0.3404, 0.3403], 5e-5, "published se")
        #expect(abs((fit.homeAdvantage ?? 0) - 0.3023) < 5e-5 && abs((fit.homeStandardError ?? 0) - 0.1309) < 5e-5)
        #expect(abs(fit.deviance - 38.643) < 5e-4)
        // Reference: Scripts/reference/bradley_terry.py.
        Self.expectClose(fit.abilities, [0, 1.143802653303, 0.704694456905, 1.475357213592, 1.619554993585, 1.281340403282, 1.327110398078], 1e-6, "abilities")
        Self.expectClose(fit.standardErrors, [0, 0.337842535246, 0.335001717499, 0.344552212895, 0.347365683422, 0.340403721201, 0.340322567526], 1e-6, "se")
        #expect(abs((fit.homeAdvantage ?? 0) - 0.302260655529) < 1e-6 && abs((fit.homeStandardError ?? 0) - 0.130943707456) < 1e-6)
        #expect(abs(fit.logLikelihood - -169.542871452414) < 1e-6)
    }

    @Test func citationsWithReference() throws {
        let fit = try BradleyTerry.fit(Self.rows("citations.csv"), options: Self.options(reference: "Biometrika"))
        // Published: BTabilities.Rout.save, BTabilities(citeModel), to 7 and 8 decimals.
        Self.expectClose(fit.abilities, [0, -2.9490725, -0.4795698, 0.2689541], 5e-8, "published abilities")
        Self.expectClose(fit.standardErrors, [0, 0.10254534, 0.06058873, 0.07082997], 5e-9, "published se")
        // Reference: Scripts/reference/bradley_terry.py.
        Self.expectClose(fit.abilities, [0, -2.949072495783, -0.479569769744, 0.268954055820], 1e-6, "abilities")
        Self.expectClose(fit.standardErrors, [0, 0.102545335470, 0.060588729246, 0.070829965110], 1e-6, "se")
        #expect(abs(fit.logLikelihood - -1622.889808827598) < 1e-6)
    }

    @Test func citationsCentred() throws {
        let fit = try BradleyTerry.fit(Self.rows("citations.csv"), options: Self.options())
        // Published: BTabilities.Rout.save, BTabilities(mod3) under sum-to-zero contrasts.
        Self.expectClose(fit.abilities, [0.7899221, -2.1591504, 0.3103523, 1.0588761], 5e-8, "published abilities")
        Self.expectClose(fit.standardErrors, [0.04333047, 0.07257974, 0.04164102, 0.05304699], 5e-9, "published se")
        Self.expectClose(fit.abilities, [0.789922052427, -2.159150443357, 0.310352282683, 1.058876108247], 1e-6, "abilities")
        Self.expectClose(fit.standardErrors, [0.043330468705, 0.072579743538, 0.041641015537, 0.053046988208], 1e-6, "se")
        #expect(abs(fit.abilities.reduce(0, +)) < 1e-12)
    }

    @Test func halfWinTiesMatchTwoHalfRows() throws {
        // A tie is half a win each: the same likelihood as a win and a loss of weight ½.
        let tied = [ComparisonRow(winner: "a", loser: "b", count: 3), ComparisonRow(winner: "b", loser: "a", count: 1),
                    ComparisonRow(winner: "a", loser: "b", tie: true, count: 2)]
        let halves = [ComparisonRow(winner: "a", loser: "b", count: 4), ComparisonRow(winner: "b", loser: "a", count: 2)]
        let f1 = try BradleyTerry.fit(tied, options: Self.options(reference: "b"))
        let f2 = try BradleyTerry.fit(halves, options: Self.options(reference: "b"))
        #expect(abs(f1.abilities[0] - log(2)) < 1e-9 && abs(f1.abilities[0] - f2.abilities[0]) < 1e-12)
        var drop = Self.options(reference: "b")
        drop.ties = .drop
        let f3 = try BradleyTerry.fit(tied, options: drop)
        #expect(abs(f3.abilities[0] - log(3)) < 1e-9 && f3.droppedTies == 2 && f3.comparisons == 4)
    }

    @Test func disconnectedGroupsAreNamedAndAPriorFixesThem() throws {
        // {a, b} always beat {c, d}: no finite estimate.
        let rows = [ComparisonRow(winner: "a", loser: "b"), ComparisonRow(winner: "b", loser: "a"),
                    ComparisonRow(winner: "c", loser: "d"), ComparisonRow(winner: "d", loser: "c"),
                    ComparisonRow(winner: "a", loser: "c")]
        do {
            _ = try BradleyTerry.fit(rows, options: Self.options())
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("{a, b}, {c, d}"), "\(error.message)")
            #expect(error.hint?.contains("prior") == true)
        }
        var o = Self.options()
        o.prior = 0.1
        let fit = try BradleyTerry.fit(rows, options: o)
        #expect(fit.abilities[0] > fit.abilities[2] && abs(fit.abilities.reduce(0, +)) < 1e-9)
    }

    @Test func strongComponentsOfAChainAndACycle() {
        let chain = WinGraph(items: 3, wins: [(0, 1), (1, 2)]).components()
        #expect(chain == [[0], [1], [2]])
        let cycle = WinGraph(items: 4, wins: [(0, 1), (1, 2), (2, 0), (3, 0)]).components()
        #expect(cycle == [[0, 1, 2], [3]])
    }

    @Test func bootstrapIntervalsCoverTheEstimateAndRepeatWithTheSeed() throws {
        let counts = try PairedCounts(Self.rows("citations.csv"))
        let request = BradleyTerry.BootstrapRequest(replicates: 200, random: RandomStream(seed: 3, stream: "bootstrap"))
        let a = try BradleyTerry.fit(counts, options: Self.options(reference: "Biometrika"), bootstrap: request)
        let b = try BradleyTerry.fit(counts, options: Self.options(reference: "Biometrika"), bootstrap: request)
        let ci = try #require(a.bootstrap)
        #expect(ci.lower == b.bootstrap?.lower && ci.failures == 0)
        for i in 1..<4 {
            #expect(ci.lower[i] < a.abilities[i] && a.abilities[i] < ci.upper[i])
            // The percentile interval's width is close to ±1.96 standard errors.
            #expect(abs((ci.upper[i] - ci.lower[i]) / (2 * 1.96 * a.standardErrors[i]) - 1) < 0.25)
        }
        #expect(ci.lower[0] == 0 && ci.upper[0] == 0)
    }

    @Test func rowErrorsAreReported() {
        #expect(throws: DataError.self) { try PairedCounts([ComparisonRow(winner: "a", loser: "a")]) }
        #expect(throws: DataError.self) { try PairedCounts([ComparisonRow(winner: "a", loser: "b", home: "c")]) }
        #expect(throws: DataError.self) { try BradleyTerry.fit([ComparisonRow(winner: "a", loser: "b"), ComparisonRow(winner: "b", loser: "a")], options: Self.options(home: true)) }
        #expect(throws: DataError.self) { try BradleyTerry.fit([ComparisonRow(winner: "a", loser: "b"), ComparisonRow(winner: "b", loser: "a")], options: Self.options(reference: "z")) }
    }
}
