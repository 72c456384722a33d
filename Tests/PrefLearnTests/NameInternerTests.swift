import Testing
@testable import PrefLearn

/// `NameInterner`, which maps the names of a million comparisons to ids for `PairedCounts`.
@Suite("name interner")
struct NameInternerTests {
    @Test func idsAreFirstSeenOrderAcrossGrowth() {
        var interner = NameInterner()
        let names = (0..<5000).map { "item\($0)" } + ["", "é", "a,b", String(repeating: "x", count: 100)]
        for (i, name) in names.enumerated() { #expect(interner.id(name) == i) }
        for (i, name) in names.enumerated().reversed() { #expect(interner.id(name) == i) }
        #expect(interner.names == names)
    }

    @Test func countsAggregateByNameThroughTheInterner() throws {
        let rows = (0..<3000).map { ComparisonRow(winner: "n\($0 % 97)", loser: "n\(($0 * 7 + 1) % 97)") }.filter { $0.winner != $0.loser }
        let counts = try PairedCounts(rows)
        #expect(counts.items == Set(rows.flatMap { [$0.winner, $0.loser] }).sorted())
        #expect(counts.winsFirst.reduce(0, +) + counts.winsSecond.reduce(0, +) == Double(rows.count))
    }
}
