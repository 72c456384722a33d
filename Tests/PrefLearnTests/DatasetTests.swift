import PrefCore
import PrefLearn
import Testing

/// The dataset model: selecting rows keeps rows, origins and features in step.
@Suite("dataset model") struct DatasetTests {
    static func pairs(_ n: Int) throws -> Dataset {
        let rows = (0..<n).map { PairRow(prompt: .plain("p\($0)"), chosen: .plain("c\($0)"), rejected: .plain("r\($0)")) }
        let chosen = try Tensor((0..<(n * 2)).map(Double.init), shape: [n, 2])
        return Dataset(.pairs(rows), provenance: Provenance(source: "x.jsonl", lines: Array(1...n)),
                       features: FeatureSet([("chosen", chosen)]))
    }

    @Test func selectingKeepsRowsOriginsAndFeaturesTogether() throws {
        let d = try Self.pairs(4).selecting([3, 1, 1])
        guard case .pairs(let rows) = d.rows else { Issue.record("kind changed"); return }
        #expect(rows.map(\.chosen) == [.plain("c3"), .plain("c1"), .plain("c1")])
        #expect(d.provenance.location(ofRow: 0) == "x.jsonl:4")
        #expect(d.features["chosen"]?.scalars == [6, 7, 2, 3, 2, 3])
    }

    @Test func concatenationRenumbersSources() throws {
        let d = try Dataset.concatenating([try Self.pairs(2), Dataset(pairs: [PairRow(chosen: .plain("a"), rejected: .plain("b"))])])
        #expect(d.count == 3)
        #expect(d.provenance.location(ofRow: 1) == "x.jsonl:2")
        #expect(d.provenance.location(ofRow: 2) == nil)
        #expect(d.features.isEmpty)
        #expect(throws: DataError.self) { try Dataset.concatenating([Dataset(empty: .pairs), Dataset(empty: .logps)]) }
    }

    @Test func rankedOrderPrefersRanksThenScores() {
        let r = RankedRow(responses: [.plain("a"), .plain("b"), .plain("c")], scores: [0.1, 0.9, 0.5])
        #expect(r.order == [1, 2, 0])
        let q = RankedRow(responses: [.plain("a"), .plain("b")], ranks: [2, 1])
        #expect(q.order == [1, 0])
    }

    @Test func chatTextFlattensContents() {
        let t = PrefText.chat([ChatMessage(role: "user", content: "hi"), ChatMessage(role: "assistant", content: "yo")])
        #expect(t.flattened == "hi\nyo")
        #expect(t.length == 5)
        #expect(PrefText.plain("x").prefixed(by: .plain("p ")) == .plain("p x"))
    }
}
