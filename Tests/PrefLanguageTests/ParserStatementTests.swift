import Testing
@testable import PrefLanguage

@Suite("parser: statements") struct ParserStatementTests {
    private func tree(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        ParseFixture.tree(text, sourceLocation: sourceLocation)
    }

    @Test func bindings() {
        #expect(tree("let x = 1 + 2 * 3") == "(let x (+ 1 (* 2 3)))")
        #expect(tree("var n = 0") == "(var n 0)")
        #expect(tree("param beta = 0.1") == "(param beta 0.1)")
    }

    @Test func destructuringPatterns() {
        #expect(tree("let [train, test] = pairs.split(0.8)") == "(let [train test] (call (. pairs split) 0.8))")
        #expect(tree("let [first, ...rest] = xs") == "(let [first ...rest] xs)")
        #expect(tree("let [...all] = xs") == "(let [...all] xs)")
        #expect(tree("let [a, [b, c],] = xs") == "(let [a [b c]] xs)")
        #expect(tree("let {loss, acc} = r") == "(let {loss acc} r)")
        #expect(tree("let {loss: l, stats: {mean, std: s}} = r") == "(let {loss:l stats:{mean std:s}} r)")
        #expect(tree("let {pair: [a, b]} = r") == "(let {pair:[a b]} r)")
        #expect(tree("for {x, y} in points { f(x, y) }") == "(for {x y} points (block (call f x y)))")
    }

    @Test func assignments() {
        #expect(tree("x = 1\nx += 2\nx -= 3\nx *= 4\nx /= 5") == "(= x 1)\n(+= x 2)\n(-= x 3)\n(*= x 4)\n(/= x 5)")
        #expect(tree("groups[k] += [x]") == "(+= (index groups k) (list x))")
        #expect(tree("r.count = r.count + 1") == "(= (. r count) (+ (. r count) 1))")
        #expect(tree("m[i][j] =\n  0") == "(= (index (index m i) j) 0)")
    }

    @Test func functionDeclarations() {
        #expect(tree("fn f() { 1 }") == "(fn f () (block 1))")
        #expect(tree("fn margin_hinge(b, margin: 1.0) {\n  relu(margin - beta * b.x)\n}") ==
                "(fn margin_hinge (b margin:1) (block (call relu (- margin (* beta (. b x))))))")
        #expect(tree("fn f(\n  a,\n  b: 2,\n) {\n}") == "(fn f (a b:2) (block))")
        #expect(tree("fn f(x)\n{\n  return x\n}") == "(fn f (x) (block (return x)))")
    }

    @Test func loopsAndControl() {
        #expect(tree("for x in xs { show(x) }") == "(for x xs (block (call show x)))")
        #expect(tree("for i in 0..<n {\n  if i > 2 { break }\n  continue\n}") ==
                "(for i (..< 0 n) (block (if (> i 2) (block (break))) (continue)))")
        #expect(tree("while n > 0 { n -= 1 }") == "(while (> n 0) (block (-= n 1)))")
        #expect(tree("fn f(x) {\n  if x { return }\n  return x + 1\n}") ==
                "(fn f (x) (block (if x (block (return))) (return (+ x 1))))")
        #expect(tree("fn g() { return }") == "(fn g () (block (return)))")
        #expect(tree("fn h() { return; 1 }") == "(fn h () (block (return) 1))")
    }

    @Test func imports() {
        #expect(tree("import losses") == "(import losses)")
        #expect(tree("import losses as l") == "(import losses as l)")
        #expect(tree("import \"helpers.pref\" as h") == "(import \"helpers.pref\" as h)")
        #expect(tree("import 'lib/more.pref' as more") == "(import \"lib/more.pref\" as more)")
    }

    @Test func separatorsAndBlankLines() {
        #expect(tree("a = 1; b = 2;c") == "(= a 1)\n(= b 2)\nc")
        #expect(tree("\n\n  a\n\n\n  # note\n  b\n\n") == "a\nb")
        #expect(tree(";;a;;") == "a")
        #expect(tree("if a { b; c }") == "(if a (block b c))")
        #expect(tree("if a {\n\n  b\n\n}") == "(if a (block b))")
        #expect(tree("") == "")
        #expect(tree("a\r\nb\r\n") == "a\nb")
    }

    @Test func designExample() {
        let text = """
            # %% Data
            # Prose comments right under a cell marker become the cell's text in reports.
            param beta = 0.1                            # overridable: pref run x.pref --set beta=0.3
            let world = toy_world(prompts: 256, candidates: 8, dim: 16, seed: 1)
            let [train, test] = world.pairs(n: 4000, noise: 0.1).split(0.8)

            # %% A loss of our own
            fn margin_hinge(b, margin: 1.0) {
              relu(margin - beta * (b.chosen_logratio - b.rejected_logratio))
            }
            let losses = [dpo(beta: beta), ipo(beta: beta), loss("margin_hinge", margin_hinge)]

            # %% Train and compare
            let runs = [fit(world.policy(), train, l, epochs: 3, seed: 1) for l in losses]
            table([{loss: r.loss, acc: r.evaluate(test).accuracy, kl: r.kl} for r in runs])
            plot(runs, y: "loss", title: "training loss")
            """
        let r = ParseFixture.result(text)
        #expect(r.diagnostics.isEmpty)
        #expect(dump(r.program) == """
            (param beta 0.1)
            (let world (call toy_world prompts:256 candidates:8 dim:16 seed:1))
            (let [train test] (call (. (call (. world pairs) n:4000 noise:0.1) split) 0.8))
            (fn margin_hinge (b margin:1) (block (call relu (- margin (* beta (- (. b chosen_logratio) (. b rejected_logratio)))))))
            (let losses (list (call dpo beta:beta) (call ipo beta:beta) (call loss "margin_hinge" margin_hinge)))
            (let runs (comp (call fit (call (. world policy)) train l epochs:3 seed:1) l losses))
            (call table (comp (record (loss (. r loss)) (acc (. (call (. r evaluate) test) accuracy)) (kl (. r kl))) r runs))
            (call plot runs y:"loss" title:"training loss")
            """)
        #expect(r.program.cells.map(\.title) == ["Data", "A loss of our own", "Train and compare"])
        #expect(r.program.cells[0].prose == ["Prose comments right under a cell marker become the cell's text in reports."])
        #expect(r.program.cells.map(\.line) == [1, 7, 13])
        #expect(r.comments.count == 5)
    }

    @Test func statementRanges() {
        let r = ParseFixture.result("let x = f(1,\n  2)\nfn g(a) {\n  a\n}\nx += 1")
        let ranges = r.program.statements.map(\.range)
        #expect(ranges == [
            SourceRange(SourceLocation(line: 1, column: 1), length: 12),
            SourceRange(SourceLocation(line: 3, column: 1), length: 9),
            SourceRange(SourceLocation(line: 6, column: 1), length: 6),
        ])
    }

    @Test func stdlibPreludeStyleCode() {
        let text = """
            fn reduce(xs, f, initial) {
              var acc = initial
              for x in xs { acc = f(acc, x) }
              acc
            }
            fn group_by(xs, key) {
              var groups = {}
              for x in xs {
                let k = str(key(x))
                if has(groups, k) { groups[k] += [x] } else { groups[k] = [x] }
              }
              groups
            }
            """
        #expect(tree(text) == """
            (fn reduce (xs f initial) (block (var acc initial) (for x xs (block (= acc (call f acc x)))) acc))
            (fn group_by (xs key) (block (var groups (record)) (for x xs (block (let k (call str (call key x))) \
            (if (call has groups k) (block (+= (index groups k) (list x))) (block (= (index groups k) (list x)))))) groups))
            """)
    }
}
