import Testing
@testable import PrefLanguage

/// Random and mutated input must never crash or hang the front end, and every diagnostic must
/// point inside the file.
@Suite("parser: fuzz") struct ParserFuzzTests {
    static let script = """
        # %% Data
        # Prose under the marker.
        param beta = 0.1
        let world = toy_world(prompts: 256, candidates: 8, dim: 16, seed: 1)
        let [train, test, ...rest] = world.pairs(n: 4000, noise: 0.1).split(0.8)
        let {loss, acc: a} = {loss: 1, acc: 0.5, "New York": 2}
        fn margin_hinge(b, margin: 1.0) {
          relu(margin - beta * (b.chosen_logratio - b.rejected_logratio))
        }
        let losses = [dpo(beta: beta), ipo(beta: beta), loss("margin_hinge", margin_hinge)]
        let runs = [fit(world.policy(), train, l, epochs: 3) for l in losses if l != none]
        var total = 0
        for i in 0..<len(runs) { total += runs[i].kl; if i > 2 { break } else { continue } }
        while total > 1e-3 and not done { total /= 2 }
        let s = "λ = {total:.3f} 😀 {runs[1..].count:>8} {{x}} \\u{1F600}\\n"
        let f = fn(x) -2^x |> abs
        data
          |> filter(fn(r) { r.ok })
          |> show
        import "helpers.pref" as h
        """

    static let vocabulary = [
        "let", "var", "param", "fn", "if", "else", "for", "in", "while", "break", "continue", "return",
        "import", "as", "true", "false", "none", "and", "or", "not", "x", "f", "λ", "1", "2.5", "1e-3",
        "0x1F", "+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "=", "+=", "|>", ".",
        "..", "..<", "...", ",", ":", ";", "(", ")", "[", "]", "{", "}", "\n", "\n", " ", "\"s {x} t\"",
        "'q'", "\"{", "}\"", "# c\n", "# %% T\n", "$", "😀", "\"", "\\", "e\u{301}", "\r\n", "\t",
    ]

    static func check(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let file = SourceFile(path: "fuzz.pref", text: text)
        let start = ContinuousClock.now
        let result = parse(file, firstNodeID: 7)
        let elapsed = ContinuousClock.now - start
        _ = dump(result.program)
        #expect(elapsed < .seconds(2), "slow parse: \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(result.nextNodeID >= 7, sourceLocation: sourceLocation)
        #expect(result.program.cells.allSatisfy { $0.line >= 1 && $0.line <= file.lines.count })
        for d in result.diagnostics {
            guard let range = d.range else {
                Issue.record("diagnostic without a range: \(d.message)", sourceLocation: sourceLocation)
                continue
            }
            let line = range.start.line
            let width = file.line(line).count
            let inside = line >= 1 && line <= file.lines.count && range.start.column >= 1
                && range.start.column + range.length - 1 <= width + 1
            #expect(inside, "\(d.message) at \(range.start) len \(range.length) in \(text.debugDescription)",
                    sourceLocation: sourceLocation)
            #expect(d.severity == .error && d.message.first?.isUppercase != true && d.message.last != ".")
        }
    }

    @Test func theScriptIsValid() {
        let r = ParseFixture.result(Self.script)
        #expect(r.diagnostics.isEmpty, "\(r.diagnostics.map { $0.rendered() }.joined())")
    }

    @Test func tokenSoup() {
        var random = FuzzGenerator(seed: 0x5EED)
        for _ in 0..<1000 {
            let count = Int.random(in: 1...60, using: &random)
            let soup = (0..<count).map { _ in Self.vocabulary.randomElement(using: &random) ?? "" }
            Self.check(soup.joined(separator: Bool.random(using: &random) ? " " : ""))
        }
    }

    @Test func mutationsOfAValidScript() {
        var random = FuzzGenerator(seed: 0xF00D)
        let original = Array(Self.script)
        for _ in 0..<1000 {
            var chars = original
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                guard !chars.isEmpty else { break }
                let i = Int.random(in: 0..<chars.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: chars.removeSubrange(i...)
                case 1: chars.removeSubrange(i..<min(chars.count, i + Int.random(in: 1...8, using: &random)))
                case 2: chars.insert(contentsOf: chars[i..<min(chars.count, i + Int.random(in: 1...8, using: &random))], at: i)
                case 3 where i + 1 < chars.count: chars.swapAt(i, i + 1)
                default: chars.insert(contentsOf: Array(Self.vocabulary.randomElement(using: &random) ?? "x"), at: i)
                }
            }
            Self.check(String(chars))
        }
    }

    @Test func pathologicalInputs() {
        for text in ["\u{301}", "\"\u{301}", "x\u{301}\u{301}", "\r", "\r\r\n", "\u{0}", "\"{\"{\"{", "{{{{", "}}}}",
                     "((((", "))))", "\"\\", "\"\\u{", "'\\u{110000}'", "# %%", "fn", "fn(", "x[", "x.", "..", "...",
                     String(repeating: "\"{f(", count: 40), String(repeating: "[", count: 5000), String(repeating: "else ", count: 500)] {
            Self.check(text)
        }
    }
}
