import Foundation
import PrefRuntime
import Testing
@testable import PrefREPL

/// Tab completion given a session, a line and a cursor: what the candidates are and what Tab
/// inserts.
@Suite("Completion")
struct CompletionTests {
    /// A session with a few bindings of each kind.
    static func session() throws -> Session {
        let s = Session(output: { _ in }, errorOutput: { _ in })
        try s.evaluate("""
            let learning_rate = 0.1
            let learned = 2
            let run = {config: {beta: 0.1, batch_size: 32}, name: "a"}
            fn scale(x, factor: 2, offset: 0) { x * factor + offset }
            """, path: "<test>", displayTopLevel: false, allowsRedefinition: true)
        return s
    }

    func complete(_ line: String, cursor: Int? = nil) throws -> Completions {
        Completer.complete(session: try Self.session(), line: line, cursor: cursor ?? line.count)
    }

    @Test func aUniqueNameIsCompletedWhole() throws {
        let c = try complete("print(learning")
        #expect(c.candidates == ["learning_rate"])
        #expect(c.insertion == "_rate")
    }

    @Test func severalNamesInsertTheirCommonPrefix() throws {
        let c = try complete("lear")
        #expect(c.candidates == ["learned", "learning_rate"])
        #expect(c.insertion == "n")
    }

    @Test func builtinsPreludeFunctionsAndKeywordsAreOffered() throws {
        #expect(try complete("sor").candidates.contains("sort_by"))  // prelude
        #expect(try complete("sor").candidates.contains("sort"))     // builtin
        #expect(try complete("whi").candidates == ["while"])
    }

    @Test func theCursorMayBeMidLine() throws {
        let c = try complete("lear + 1", cursor: 4)
        #expect(c.word == "lear")
        #expect(c.insertion == "n")
    }

    @Test func membersOfRecordsFollowChains() throws {
        #expect(try complete("run.").candidates == ["config", "name"])
        #expect(try complete("run.config.ba").candidates == ["batch_size"])
        #expect(try complete("f(run.config.be").insertion == "ta")
    }

    @Test func membersOfUnknownOrComputedValuesAreNotGuessed() throws {
        #expect(try complete("nothing_here.a").candidates.isEmpty)
        #expect(try complete("f(x).a").candidates.isEmpty)
        #expect(try complete("1.5").candidates.isEmpty)
    }

    @Test func keywordArgumentsOfUserFunctionsAndBuiltins() throws {
        #expect(try complete("scale(3, fac").candidates == ["factor: "])
        // Labels already given are not offered again; the word may be empty.
        #expect(try complete("scale(3, factor: 2, ").candidates == ["offset: "])
        let builtin = try #require(BuiltinDocs.lookup("randn")?.parameters.first?.name)
        #expect(try complete("randn(").candidates.contains(builtin + ": "))
    }

    @Test func namesAreOfferedInsideACallWhenNoKeywordArgumentFits() throws {
        #expect(try complete("scale(lear").candidates == ["learned", "learning_rate"])
    }

    @Test func filePathsInsideStrings() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pref-completion-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data().write(to: dir.appendingPathComponent("data/prefs.jsonl"))
        let c = Completer.complete(session: try Self.session(), line: "load(\"\(dir.path)/da", cursor: 200)
        #expect(c.candidates == ["\(dir.path)/data/"])
        let file = Completer.complete(session: try Self.session(), line: "load('\(dir.path)/data/p", cursor: 200)
        #expect(file.insertion == "refs.jsonl")
    }

    @Test func interpolationsAreCode() throws {
        #expect(try complete("print(\"rate {learning").candidates == ["learning_rate"])
    }

    @Test func commentsAndEmptyWordsCompleteNothing() throws {
        #expect(try complete("1 + 2 # lear").candidates.isEmpty)
        #expect(try complete("").candidates.isEmpty)
    }
}
