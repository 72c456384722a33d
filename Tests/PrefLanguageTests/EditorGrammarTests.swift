import Foundation
import Testing
@testable import PrefLanguage

/// docs/editors/pref.tmLanguage.json against the lexer, without Node or Python (the full check,
/// token by token over the golden scripts and examples, is Scripts/check-grammar).
@Suite("editor grammar") struct EditorGrammarTests {
    static var grammarURL: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("docs/editors/pref.tmLanguage.json")
    }

    static func grammar() throws -> [String: Any] {
        let data = try Data(contentsOf: grammarURL)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Every match/begin/end regex in the grammar, recursively.
    static func regexes(_ node: Any) -> [String] {
        if let d = node as? [String: Any] {
            return ["match", "begin", "end"].compactMap { d[$0] as? String } + d.values.flatMap(regexes)
        }
        if let a = node as? [Any] { return a.flatMap(regexes) }
        return []
    }

    @Test func keywordsAreTheLexersKeywords() throws {
        let g = try Self.grammar()
        #expect(g["scopeName"] as? String == "source.pref")
        #expect(g["fileTypes"] as? [String] == ["pref"])
        // The words of the \b(a|b|…)\b alternations of the keyword, constant and word-operator rules.
        let repo = try #require(g["repository"] as? [String: Any])
        let rules = ["keyword", "constant", "word-operator"].compactMap { repo[$0] }
        var words = Set<String>()
        for rx in rules.flatMap(Self.regexes) {
            guard rx.hasPrefix("\\b("), rx.hasSuffix(")\\b") else { continue }
            words.formUnion(rx.dropFirst(3).dropLast(3).split(separator: "|").map(String.init))
        }
        #expect(words.sorted() == TokenDump.keywords, "grammar \(words.sorted()) vs lexer \(TokenDump.keywords)")
        #expect(TokenDump.keywords.count == 20)
    }

    @Test func includesResolveAndRegexesCompile() throws {
        let g = try Self.grammar()
        let repo = try #require(g["repository"] as? [String: Any])
        func includes(_ node: Any) -> [String] {
            if let d = node as? [String: Any] { return (d["include"] as? String).map { [$0] } ?? [] + d.values.flatMap(includes) }
            if let a = node as? [Any] { return a.flatMap(includes) }
            return []
        }
        let refs = includes(g)
        #expect(refs.count > 20)
        for ref in refs { #expect(ref == "$self" || repo[String(ref.dropFirst())] != nil, "unresolved include \(ref)") }
        let all = Self.regexes(g)
        #expect(all.count > 30)
        for rx in all { #expect((try? NSRegularExpression(pattern: rx)) != nil, "does not compile: \(rx)") }
    }

    @Test func tokenDumpClassifiesEveryKind() {
        let source = """
            # %% Cell
            param n = 3  # note
            let r = f(x, beta: 0.1) |> g
            print("a\\n{r.x:.2f}", not true)

            """
        let dump = TokenDump.dump(SourceFile(path: "t.pref", text: source))
        #expect(dump == """
            1:1:9 cell # %% Cell
            2:1:5 keyword param
            2:7:1 identifier n
            2:9:1 operator =
            2:11:1 number 3
            2:14:6 comment # note
            3:1:3 keyword let
            3:5:1 identifier r
            3:7:1 operator =
            3:9:1 call f
            3:10:1 punctuation (
            3:11:1 identifier x
            3:12:1 punctuation ,
            3:14:4 label beta
            3:18:1 punctuation :
            3:20:3 number 0.1
            3:23:1 punctuation )
            3:25:2 operator |>
            3:28:1 identifier g
            4:1:5 call print
            4:6:1 punctuation (
            4:7:14 string "a\\n{r.x:.2f}"
            4:11:9 interpolation
            4:11:9 format .2f
            4:12:1 identifier r
            4:13:1 punctuation .
            4:14:1 identifier x
            4:21:1 punctuation ,
            4:23:3 word-operator not
            4:27:4 constant true
            4:31:1 punctuation )

            """)
    }
}
