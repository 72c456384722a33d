import Testing
@testable import PrefLanguage

@Suite("diagnostics") struct DiagnosticTests {
    @Test func rendersTheDesignFormat() {
        let file = SourceFile(path: "examples/dpo.pref", text: (1...11).map { "# line \($0)" }.joined(separator: "\n")
            + "\nlet l = dpo(chosen, rejected beta: 0.1)\n")
        let d = Diagnostic(.error, "expected ',' or ')' after argument, found 'beta'", file: file,
                           range: SourceRange(SourceLocation(line: 12, column: 30), length: 4),
                           hints: ["separate arguments with ','"])
        #expect(d.rendered() == """
            examples/dpo.pref:12:30: error: expected ',' or ')' after argument, found 'beta'
               |
            12 | let l = dpo(chosen, rejected beta: 0.1)
               |                              ^~~~
               = hint: separate arguments with ','

            """)
    }

    @Test func columnsCountCharactersAndTabsKeepAlignment() {
        let file = SourceFile(path: "x.pref", text: "\tlet λ = ?")
        let d = Diagnostic(.error, "unexpected '?'", file: file, range: SourceRange(SourceLocation(line: 1, column: 10)))
        #expect(d.rendered() == "x.pref:1:10: error: unexpected '?'\n  |\n1 | \tlet λ = ?\n  | \t        ^\n")
    }

    @Test func withoutLocationAndWithTrace() {
        let d = Diagnostic(.error, "add: shapes do not broadcast: [2] and [3]", trace: ["in f at x.pref:2:3"])
        #expect(d.rendered() == "error: add: shapes do not broadcast: [2] and [3]\n  in f at x.pref:2:3\n")
    }

    @Test func underlineIsClippedToTheLine() {
        let file = SourceFile(path: "x.pref", text: "abc\r\ndef")
        #expect(file.line(1) == "abc")
        let d = Diagnostic(.warning, "w", file: file, range: SourceRange(SourceLocation(line: 1, column: 2), length: 10))
        #expect(d.rendered().hasSuffix("1 | abc\n  |  ^~\n"))
    }
}
