import Foundation
import Testing
import PrefCore
@testable import PrefLearn

/// Plackett–Luce leaderboards: 60 partial rankings of 6 fruits (Tests/Golden/leaderboards/files/
/// rankings.jsonl, synthetic) against the SciPy fit of Scripts/reference/plackett_luce.py to 1e-6,
/// and the reduction to Bradley–Terry when every ranking has two items.
@Suite("Plackett–Luce leaderboards") struct PlackettLuceTests {
    static func rankings() throws -> (items: [String], rankings: [[Int]]) {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Golden/leaderboards/files/rankings.jsonl").path
        guard case .ranked(let rows) = try DataLoader.load(diskPath: path, path: "rankings.jsonl", options: LoadOptions(kind: .ranked)).dataset.rows
        else { throw DataError("not ranked") }
        return try PlackettLuce.rankings(rows)
    }

    @Test func partialRankingsMatchTheReferenceFit() throws {
        let (items, rankings) = try Self.rankings()
        var o = BradleyTerry.Options()
        o.reference = "apple"
        let fit = try PlackettLuce.fit(items: items, rankings: rankings, options: o)
        #expect(items == ["apple", "banana", "cherry", "date", "elder", "fig"])
        // Reference: Scripts/reference/plackett_luce.py.
        let abilities = [0, -0.419536149403, -1.384815119928, -1.585361660169, -1.968248756335, -2.572742799472]
        let se = [0, 0.419977336944, 0.446741273445, 0.444950376117, 0.466511186564, 0.503153233514]
        for i in items.indices {
            #expect(abs(fit.abilities[i] - abilities[i]) < 1e-6 && abs(fit.standardErrors[i] - se[i]) < 1e-6, "\(items[i])")
        }
        #expect(abs(fit.logLikelihood - -83.508943862960) < 1e-6)
        #expect(abs(fit.deviance - 2 * 83.508943862960) < 1e-6 && fit.comparisons == 60)
    }

    @Test func rankingsOfTwoAreBradleyTerry() throws {
        let pairs: [(String, String)] = [("a", "b"), ("a", "b"), ("b", "a"), ("b", "c"), ("c", "a"), ("c", "b"), ("a", "c")]
        let rows = pairs.map { RankedRow(responses: [.plain($0.0), .plain($0.1)], ranks: [1, 2]) }
        let (items, rankings) = try PlackettLuce.rankings(rows)
        let pl = try PlackettLuce.fit(items: items, rankings: rankings, options: BradleyTerry.Options())
        let bt = try BradleyTerry.fit(pairs.map { ComparisonRow(winner: $0.0, loser: $0.1) }, options: BradleyTerry.Options())
        for i in 0..<3 {
            #expect(abs(pl.abilities[i] - bt.abilities[i]) < 1e-9 && abs(pl.standardErrors[i] - bt.standardErrors[i]) < 1e-9)
        }
        #expect(abs(pl.logLikelihood - bt.logLikelihood) < 1e-9)
    }

    @Test func badRankingsAreReported() {
        #expect(throws: DataError.self) { try PlackettLuce.rankings([RankedRow(responses: [.plain("a")], ranks: [1])]) }
        #expect(throws: DataError.self) { try PlackettLuce.rankings([RankedRow(responses: [.plain("a"), .plain("b")], ranks: [1, 1])]) }
        #expect(throws: DataError.self) { try PlackettLuce.rankings([RankedRow(responses: [.plain("a"), .plain("a")], ranks: [1, 2])]) }
        // a is always first: no finite estimate, and the groups are named.
        let rows = [RankedRow(responses: [.plain("a"), .plain("b"), .plain("c")], ranks: [1, 2, 3]),
                    RankedRow(responses: [.plain("a"), .plain("c"), .plain("b")], ranks: [1, 2, 3])]
        do {
            let (items, rankings) = try PlackettLuce.rankings(rows)
            _ = try PlackettLuce.fit(items: items, rankings: rankings, options: BradleyTerry.Options())
            Issue.record("expected an error")
        } catch {
            #expect(error.message.contains("{a}, {b, c}"), "\(error.message)")
        }
    }

    @Test func bootstrapResamplesRankings() throws {
        let (items, rankings) = try Self.rankings()
        let request = BradleyTerry.BootstrapRequest(replicates: 100, random: RandomStream(seed: 1, stream: "bootstrap"))
        let fit = try PlackettLuce.fit(items: items, rankings: rankings, options: BradleyTerry.Options(), bootstrap: request)
        let ci = try #require(fit.bootstrap)
        for i in items.indices { #expect(ci.lower[i] < fit.abilities[i] && fit.abilities[i] < ci.upper[i]) }
    }
}
