import Testing
@testable import PrefLanguage

/// Inputs that could break a formatter: chains and nesting at the parser's limits; and the diff that `pref fmt --check` prints.
@Suite struct FormatRobustnessTests {
    /// Formats `source`, which must parse, and checks the result is a fixed point.
    static func roundTrip(_ source: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(parse(SourceFile(path: "t.pref", text: source)).diagnostics.isEmpty, sourceLocation: sourceLocation)
        do {
            let once = try format(source, path: "t.pref")
            #expect(try format(once, path: "t.pref") == once, sourceLocation: sourceLocation)
        } catch {
            Issue.record("format threw \(error)", sourceLocation: sourceLocation)
        }
    }

    /// `terms` operands make `terms - 1` chain links; the parser allows `maxChainLinks`.
    @Test(arguments: [900, Parser.maxChainLinks + 1])
    func longOperatorChains(terms: Int) {
        Self.roundTrip("let x = " + Array(repeating: "a", count: terms).joined(separator: " + ") + "\n")
        Self.roundTrip("let y = " + Array(repeating: "a", count: terms).joined(separator: " and ") + "\n")
    }

    @Test func longPostfixAndPipeChains() {
        // Each `.f(1)[0]` is three links (member, call, index); each `|> f(1)` one, plus the call.
        Self.roundTrip("x" + String(repeating: ".f(1)[0]", count: Parser.maxChainLinks / 3) + "\n")
        Self.roundTrip("x" + String(repeating: " |> f(1)", count: Parser.maxChainLinks - 1) + "\n")
    }

    @Test func nestingAtTheParserLimit() {
        let depth = 95
        Self.roundTrip(String(repeating: "[", count: depth) + "1" + String(repeating: "]", count: depth) + "\n")
        Self.roundTrip(String(repeating: "f(", count: depth) + "1" + String(repeating: ")", count: depth) + "\n")
        Self.roundTrip(String(repeating: "(", count: depth) + "1" + String(repeating: ")", count: depth) + "\n")
        Self.roundTrip(String(repeating: "-", count: depth) + "1\n")
        Self.roundTrip(String(repeating: "if c {\n", count: 45) + "1\n" + String(repeating: "}\n", count: 45))
        Self.roundTrip("let f = " + String(repeating: "fn(x) ", count: 90) + "x\n")
        Self.roundTrip("let " + String(repeating: "[", count: 90) + "a" + String(repeating: "]", count: 90) + " = x\n")
    }

    @Test func tooDeepInputIsAnErrorNotACrash() {
        let source = String(repeating: "[", count: 500) + String(repeating: "]", count: 500) + "\n"
        #expect(throws: DiagnosticError.self) { try format(source, path: "t.pref") }
    }

    @Test func diffShowsHunksWithContext() {
        let old = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n"
        let new = "a\nb\nc\nD\ne\nf\ng\nh\ni\nj\nk\n"
        let expected = """
            --- x.pref
            +++ x.pref (formatted)
            @@ -1,10 +1,11 @@
             a
             b
             c
            -d
            +D
             e
             f
             g
             h
             i
             j
            +k

            """
        #expect(unifiedDiff(old: old, new: new, path: "x.pref") == expected)
    }

    @Test func diffSeparatesDistantChanges() {
        let old = (1...20).map { "l\($0)\n" }.joined()
        let new = (1...20).compactMap { $0 == 19 ? nil : $0 == 2 ? "L2\n" : "l\($0)\n" }.joined()
        let diff = unifiedDiff(old: old, new: new, path: "x.pref")
        #expect(diff.contains("@@ -1,5 +1,5 @@\n l1\n-l2\n+L2\n l3\n"))
        #expect(diff.contains("@@ -16,5 +16,4 @@\n l16\n l17\n l18\n-l19\n l20\n"))
    }

    @Test func diffOfEqualOrNearlyEqualTexts() {
        #expect(unifiedDiff(old: "a\n", new: "a\n", path: "x.pref") == "")
        #expect(unifiedDiff(old: "a", new: "a\n", path: "x.pref").contains("final newline"))
    }
}
