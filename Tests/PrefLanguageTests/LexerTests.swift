import Testing
@testable import PrefLanguage

@Suite("lexer") struct LexerTests {
    private func lex(_ text: String) -> LexResult { tokenize(ParseFixture.file(text)) }

    @Test func keywordsOperatorsAndPunctuation() {
        let kinds = ParseFixture.kinds("let var param fn if else for in while break continue return import as true false none and or not")
        #expect(kinds == [.let, .var, .param, .fn, .if, .else, .for, .in, .while, .break, .continue, .return,
                          .import, .as, .true, .false, .noneKeyword, .and, .or, .not, .end])
        #expect(ParseFixture.kinds("+ - * / % ^ @ == != < <= > >= = += -= *= /= |> . .. ..< ... , : ; ( ) [ ] { }") == [
            .plus, .minus, .star, .slash, .percent, .caret, .at, .equalEqual, .bangEqual, .less, .lessEqual,
            .greater, .greaterEqual, .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual, .pipe, .dot,
            .dotDot, .dotDotLess, .ellipsis, .comma, .colon, .semicolon, .leftParen, .rightParen,
            .leftBracket, .rightBracket, .leftBrace, .rightBrace, .end,
        ])
        #expect(ParseFixture.kinds("a<=b") == [.identifier, .lessEqual, .identifier, .end])
        #expect(ParseFixture.kinds("0..<n") == [.number, .dotDotLess, .identifier, .end])
    }

    @Test func numbers() {
        let values = lex("12 1.5 1e-3 2E+2 1_000 0x1F 0X_ff 007 1..5").tokens.filter { $0.kind == .number }.map(\.number)
        #expect(values == [12, 1.5, 0.001, 200, 1000, 31, 255, 7, 1, 5])
        #expect(lex("12 1.5 1e-3 1_000 0x1F").diagnostics.isEmpty)
        // `.5` is a dot and a number; `1.` is a number and a dot; `x.0` is a member error for the parser.
        #expect(ParseFixture.kinds(".5") == [.dot, .number, .end])
        #expect(ParseFixture.kinds("1.x") == [.number, .dot, .identifier, .end])
        #expect(lex("1e999").diagnostics.map(\.message) == ["number '1e999' is too large"])
        #expect(lex("1_ 2e 0x 3ab").diagnostics.map(\.message)
                == ["malformed number '1_'", "malformed number '2e'", "malformed number '0x'", "malformed number '3ab'"])
    }

    @Test func identifiersMayBeUnicodeLetters() {
        let tokens = lex("λ ß_2 naïve 東京 _x").tokens.dropLast()
        #expect(tokens.map(\.kind) == Array(repeating: .identifier, count: 5))
        #expect(tokens.map(\.text) == ["λ", "ß_2", "naïve", "東京", "_x"])
        #expect(tokens.map(\.range.start.column) == [1, 3, 7, 13, 16])
        #expect(tokens.map(\.range.length) == [1, 3, 5, 2, 2])
    }

    @Test func columnsAndLengthsCountCharacters() {
        // The emoji is one character but four bytes; "é" written as e + U+0301 is one character.
        let r = lex("let s = \"😀 e\u{301}\" + λ\nlet t = 1")
        let tokens = r.tokens
        #expect(tokens[3].kind == .string)
        #expect(tokens[3].range == SourceRange(SourceLocation(line: 1, column: 9), length: 5))
        #expect(tokens[4].range.start.column == 15)
        #expect(tokens[5].text == "λ")
        #expect(tokens[5].range == SourceRange(SourceLocation(line: 1, column: 17), length: 1))
        #expect(tokens[6].kind == .newline)
        #expect(tokens[7].range.start == SourceLocation(line: 2, column: 1))
        #expect(r.lineLengths == [17, 9])
    }

    @Test func stringsAndEscapes() {
        let r = lex(#"'a\n\t\\\"\'\{\}\u{1F600}' "it's" 'say "hi"'"#)
        #expect(r.diagnostics.isEmpty)
        let texts = r.tokens.filter { $0.kind == .string }.map { token -> String in
            guard case .text(let s)? = token.segments.first else { return "?" }
            return s
        }
        #expect(texts == ["a\n\t\\\"'{}😀", "it's", "say \"hi\""])
    }

    @Test func interpolationsAreLexedIntoTokens() {
        let r = lex(#""x = {x:.3f}, {r.a + 1:>8} {{literal}} {f("a", {b: 2})}""#)
        #expect(r.diagnostics.isEmpty)
        let segments = r.tokens[0].segments
        #expect(segments.count == 6)
        guard case .interpolation(let tokens, let format, let range) = segments[1] else {
            Issue.record("expected an interpolation")
            return
        }
        #expect(tokens.map(\.kind) == [.identifier, .interpolationEnd])
        #expect(format == ".3f")
        #expect(range == SourceRange(SourceLocation(line: 1, column: 6), length: 7))
        if case .interpolation(let tokens, let format, _) = segments[3] {
            #expect(tokens.map(\.kind) == [.identifier, .dot, .identifier, .plus, .number, .interpolationEnd])
            #expect(tokens[2].range.start.column == 18)
            #expect(format == ">8")
        }
        if case .text(let text) = segments[4] { #expect(text == " {literal} ") }
        if case .interpolation(let tokens, let format, _) = segments[5] {
            #expect(tokens.count == 11)
            #expect(format == nil)
        }
    }

    @Test func newlinesAreTokensExceptInsideParenthesesAndBrackets() {
        #expect(ParseFixture.kinds("a\n\n\nb") == [.identifier, .newline, .identifier, .end])
        #expect(ParseFixture.kinds("f(a,\n b)\n[1,\n2]") == [
            .identifier, .leftParen, .identifier, .comma, .identifier, .rightParen, .newline,
            .leftBracket, .number, .comma, .number, .rightBracket, .end,
        ])
        #expect(ParseFixture.kinds("{\na\n}") == [.leftBrace, .newline, .identifier, .newline, .rightBrace, .end])
        // Inside a brace inside parentheses, newlines count again.
        #expect(ParseFixture.kinds("f({\na})") == [.identifier, .leftParen, .leftBrace, .newline, .identifier,
                                                   .rightBrace, .rightParen, .end])
        // A statement keyword at the start of a line ends an unclosed parenthesis.
        #expect(ParseFixture.kinds("f(a\nlet b") == [.identifier, .leftParen, .identifier, .newline, .let, .identifier, .end])
        #expect(ParseFixture.kinds("\n\n# only\n") == [.end])
    }

    @Test func commentsAreKeptAside() {
        let r = lex("# head\nlet x = 1  # trailing\n  # indented\r\nx")
        #expect(r.comments == [
            Comment(text: "# head", line: 1, column: 1, isOwnLine: true),
            Comment(text: "# trailing", line: 2, column: 12, isOwnLine: false),
            Comment(text: "# indented", line: 3, column: 3, isOwnLine: true),
        ])
        #expect(r.tokens.map(\.kind) == [.let, .identifier, .equal, .number, .newline, .identifier, .end])
    }

    @Test func cellsCollectTheProseRightUnderTheirMarker() {
        let text = """
            # %% Data
            # Prose comments right under a cell marker
            # become the cell's text.
            #
            # Still prose.
            param beta = 0.1   # not prose
            # not prose either: not directly under the marker
            #%% not a marker
            # %%
            let x = 1
            # %% Train and compare   \n\
            # one line
            """
        let cells = ParseFixture.result(text).program.cells
        #expect(cells == [
            Cell(title: "Data", line: 1, prose: ["Prose comments right under a cell marker", "become the cell's text.", "", "Still prose."]),
            Cell(title: "", line: 9, prose: []),
            Cell(title: "Train and compare", line: 11, prose: ["one line"]),
        ])
    }

    @Test func lexicalErrorsAreLocated() {
        let r = lex("let a = $b\n'open\n\"\\q\" 1e+ \"}\" \"{}\"")
        #expect(r.diagnostics.map { "\($0.range?.start ?? SourceLocation(line: 0, column: 0)) \($0.message)" } == [
            "1:9 invalid character '$'",
            "2:1 unterminated string",
            "3:2 invalid escape sequence '\\q'",
            "3:6 malformed number '1e+'",
            "3:11 unmatched '}' in string",
            "3:15 empty interpolation",
        ])
        #expect(r.endOfInputErrors == 0)
        #expect(lex("\"abc").endOfInputErrors == 1)
    }

    @Test func deeplyNestedInterpolationIsAnErrorNotACrash() {
        let text = String(repeating: "\"{f(", count: 30) + "1" + String(repeating: ")}\"", count: 30)
        let r = lex(text)
        #expect(r.diagnostics.contains { $0.message == "string interpolation nested too deeply" })
    }
}
