import Testing
@testable import PrefREPL

/// Up/Down through the history by the prefix typed before the cursor.
@Suite("History prefix search")
struct HistorySearchTests {
    let entries = ["let a = 1", "print(a)", "let b = 2", "let b = 2 + a", "b"]

    @Test func anEmptyPrefixWalksEveryEntry() {
        var search = HistorySearch(prefix: "", original: "")
        #expect(search.step(older: true, entries: entries) == "b")
        #expect(search.step(older: true, entries: entries) == "let b = 2 + a")
        #expect(search.step(older: false, entries: entries) == "b")
        // Past the newest entry the typed line comes back, then nothing further.
        #expect(search.step(older: false, entries: entries) == "")
        #expect(search.step(older: false, entries: entries) == nil)
    }

    @Test func aPrefixSkipsEntriesThatDoNotStartWithIt() {
        var search = HistorySearch(prefix: "let", original: "let")
        #expect(search.step(older: true, entries: entries) == "let b = 2 + a")
        #expect(search.step(older: true, entries: entries) == "let b = 2")
        #expect(search.step(older: true, entries: entries) == "let a = 1")
        #expect(search.step(older: true, entries: entries) == nil)
        #expect(search.step(older: false, entries: entries) == "let b = 2")
    }

    @Test func theSearchContinuesOnlyWhileItsLineIsShown() {
        var search = HistorySearch(prefix: "pr", original: "pr")
        let shown = search.step(older: true, entries: entries)
        #expect(shown == "print(a)")
        #expect(search.isContinuing(line: "print(a)"))
        #expect(!search.isContinuing(line: "print(a) + 1"))
    }
}
