import Testing
@testable import PrefREPL

/// When the REPL asks for continuation lines: exactly when the parser says the input ended too
/// early.
@Suite("Incomplete input")
struct EntryCompletenessTests {
    @Test(arguments: ["[1, 2,", "f(1", "{", "let r = {a: 1,", "\"abc", "1 +", "x |>", "fn f(x)", "fn f(x) {",
                      "if x > 1 {", "for i in 0..<3 {", "while true {\n  x += 1", "let x ="])
    func incomplete(_ text: String) {
        #expect(EntryCompleteness.needsMoreInput(text))
    }

    @Test(arguments: ["1 + 2", "fn f(x) { x }", "let x = [1,\n 2]", "", "   ", ":help", "?map", ":type [1,",
                      "print(\"a\")", "1 +* 2", ")", "let = 3"])
    func complete(_ text: String) {
        #expect(!EntryCompleteness.needsMoreInput(text))
    }

    @Test func promptsInPastedTranscriptsAreRemoved() {
        let pasted = "pref> fn f(x) {\n  ...   x + 1\n  ... }\npref> f(2)"
        #expect(EntryCompleteness.strippingPrompts(pasted) == "fn f(x) {\n  x + 1\n}\nf(2)")
    }

    @Test func codeWithoutPromptsIsLeftAlone() {
        let code = "let [a, b] = [1, 2]\n  ... not a prompt here"
        #expect(EntryCompleteness.strippingPrompts(code) == code)
    }
}
