import Testing
@testable import PrefLanguage

@Suite("parser: errors") struct ParserErrorTests {
    @Test(arguments: 0..<ParserErrorCases.rendered.count) func rendersExactly(_ i: Int) {
        let (source, expected) = ParserErrorCases.rendered[i]
        let r = ParseFixture.result(source)
        #expect(r.diagnostics.map { $0.rendered() }.joined() == expected)
        #expect(r.diagnostics.allSatisfy { $0.severity == .error && $0.file != nil && $0.range != nil })
        // Only the cases that stop at the end of the input ask the REPL for more.
        #expect(r.isIncomplete == (source.hasSuffix("g(") || source.hasSuffix("'abc")))
    }

    @Test func independentErrorsAreEachReportedOnce() {
        let text = """
            let a = f(1 2)
            let b = [1, 2]
            let c = {x: 1,, y: 2}
            let d = 3
            fn g(x) {
              let e = x +* 2
              e
            }
            let h = g(d)
            """
        let r = ParseFixture.result(text)
        #expect(r.diagnostics.map(\.message) == [
            "expected ',' or ')' after argument, found '2'",
            "expected a field name or '}', found ','",
            "expected an expression, found '*'",
        ])
        #expect(r.diagnostics.compactMap { $0.range?.start.line } == [1, 3, 6])
        // The good statements around the bad ones are kept.
        #expect(dump(r.program) == "(let b (list 1 2))\n(let d 3)\n(fn g (x) (block e))\n(let h (call g d))")
        #expect(!r.isIncomplete)
    }

    @Test func anUnclosedBracketDoesNotSwallowTheRest() {
        let r = ParseFixture.result("let a = f(1,\n  2\nlet b = [1 2]\nlet c = 3\nwhile c > 0 { c -= 1")
        #expect(r.diagnostics.map(\.message) == [
            "expected ',' or ')' after argument, found end of line",
            "expected ',' or ']' after list element, found '2'",
            "expected '}' to close the block, found end of input",
        ])
        #expect(r.diagnostics[0].range?.start == SourceLocation(line: 2, column: 4))
        #expect(r.diagnostics[0].hints == ["close the '(' at 1:10 with ')'"])
        #expect(dump(r.program) == "(let c 3)")
    }

    @Test func lexicalErrorsDoNotCascade() {
        let r = ParseFixture.result("let a = ?\nlet b = f(\"oops)\nlet c = 1")
        #expect(r.diagnostics.map(\.message) == ["invalid character '?'", "unterminated string"])
        #expect(dump(r.program) == "(let c 1)")
    }

    @Test(arguments: ["f(1,", "[1, 2", "\"abc", "x +", "fn f(x)", "if x", "{a: 1,", "fn f(x) {\n  let y = 1",
                      "let x =", "for x in xs", "while true", "xs |>", "let [a, b", "f(a, k:", "if a { 1 } else",
                      "\"{x", "let s = f(\"abc"])
    func incompleteInput(_ source: String) {
        let r = ParseFixture.result(source)
        #expect(!r.diagnostics.isEmpty)
        #expect(r.isIncomplete, "\(source)")
    }

    @Test(arguments: ["f(1))", "f(1)", "let x = 1", "", "x + * 2", "let = 3", "\"abc\n", "fn f(x) { } }",
                      "if a { 1 } else else", "f(1, ?"])
    func completeOrWrongInput(_ source: String) {
        #expect(!ParseFixture.result(source).isIncomplete, "\(source)")
    }

    @Test func aDanglingOperatorBeforeAStatementResumesThere() {
        let r = ParseFixture.result("let a = (1 +\nlet b = 2\nprint(b)")
        #expect(r.diagnostics.map(\.message) == ["expected an expression after '+', found end of line"])
        #expect(r.diagnostics.first?.hints == ["close the '(' at 1:9 with ')', or finish the expression"])
        #expect(dump(r.program).contains("(let b 2)"))
        #expect(dump(r.program).contains("(call print b)"))
    }

    @Test func anUnclosedRecordIsOneErrorAtItsBrace() {
        let r = ParseFixture.result("let r = {a: 1, b: 2\nlet c = r.a\nprint(c)")
        #expect(r.diagnostics.map(\.message) == ["'{' is not closed"])
        #expect(r.diagnostics.first?.range?.start.column == 9)
        #expect(dump(r.program).contains("(let c"))
        // A missing ',' between fields on separate lines is still reported as such.
        let comma = ParseFixture.result("let q = {\n  a: 1\n  b: 2\n}")
        #expect(comma.diagnostics.map(\.message) == ["expected ',' or '}' after record field, found 'b'"])
    }

    @Test func aSameQuoteStringInAnInterpolationIsOneError() {
        for text in ["print(\"a {\"b\"} c\")", "print('a {'b' + 'c'} d')"] {
            let r = ParseFixture.result(text + "\nlet ok = 1")
            #expect(r.diagnostics.map(\.message) == ["a string inside an interpolation cannot use the quote of the string around it"], "\(text)")
            #expect(dump(r.program).hasSuffix("(let ok 1)"))
        }
        // Inside brackets the same quote is fine.
        #expect(ParseFixture.result("print(\"x {f(\"a\", \"b\")} y\")").diagnostics.isEmpty)
    }

    @Test func deepNestingIsADiagnosticNotACrash() {
        let cases = [
            String(repeating: "(", count: 200) + "1" + String(repeating: ")", count: 200),
            String(repeating: "[", count: 200) + String(repeating: "]", count: 200),
            String(repeating: "f(", count: 200) + String(repeating: ")", count: 200),
            String(repeating: "{a: ", count: 200) + "1" + String(repeating: "}", count: 200),
            String(repeating: "-", count: 1000) + "1",
            String(repeating: "not ", count: 1000) + "x",
            String(repeating: "2^", count: 1000) + "2",
            String(repeating: "if x {", count: 200) + String(repeating: "}", count: 200),
            String(repeating: "for x in y {", count: 200) + String(repeating: "}", count: 200),
            "let " + String(repeating: "[", count: 200) + "a" + String(repeating: "]", count: 200) + " = 1",
            "x = 1" + String(repeating: " else if x { 1 }", count: 300),
            "if x { 1 }" + String(repeating: " else if x { 1 }", count: 300),
            // Left-nested chains are built in a loop but make trees as deep as they are long.
            Array(repeating: "1", count: 30_000).joined(separator: " + "),
            "x" + String(repeating: ".f()", count: 600),
            Array(repeating: "1", count: 600).joined(separator: "+") + " * ("
                + Array(repeating: "1", count: 600).joined(separator: "+") + ")",
        ]
        for text in cases {
            let r = ParseFixture.result(text + "\nlet ok = 1")
            #expect(r.diagnostics.count == 1, "\(text.prefix(20)): \(r.diagnostics.map(\.message))")
            #expect(r.diagnostics.first?.message == "expression nested too deeply" || text.hasPrefix("x = 1"))
            #expect(dump(r.program).hasSuffix("(let ok 1)"))
        }
        // Moderate nesting is fine.
        let ok = String(repeating: "(", count: 60) + "1" + String(repeating: ")", count: 60)
        #expect(ParseFixture.result(ok).diagnostics.isEmpty)
        let chain = Array(repeating: "1", count: Parser.maxChainLinks + 1).joined(separator: " + ")
        #expect(ParseFixture.result(chain).diagnostics.isEmpty)
        // Separate chains do not add up: only the ones on one path through the tree.
        let siblings = "[" + Array(repeating: chain, count: 3).joined(separator: ", ") + "]"
        #expect(ParseFixture.result(siblings).diagnostics.isEmpty)
    }
}
