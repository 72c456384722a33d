import Testing
@testable import PrefLanguage

@Suite("parser: expressions") struct ParserTests {
    private func tree(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> String {
        ParseFixture.tree(text, sourceLocation: sourceLocation)
    }

    @Test func literalsAndNames() {
        #expect(tree("1\n1.5\n0x1F\n1_000\n1e-3\ntrue\nfalse\nnone\nx\n'a'\n\"\"") ==
                "1\n1.5\n31\n1000\n0.001\ntrue\nfalse\nnone\nx\n\"a\"\n\"\"")
    }

    @Test func precedenceTable() {
        let cases: [(String, String)] = [
            ("1 + 2 * 3", "(+ 1 (* 2 3))"),
            ("a - b - c", "(- (- a b) c)"),
            ("a / b % c @ d * e", "(* (@ (% (/ a b) c) d) e)"),
            ("a + b < c * d", "(< (+ a b) (* c d))"),
            ("a == b != c", "(!= (== a b) c)"),  // reported, see the error tests; the tree stays left-nested
            ("a <= b and c >= d or e > f", "(or (and (<= a b) (>= c d)) (> e f))"),
            ("a or b and c", "(or a (and b c))"),
            ("not a == b", "(not (== a b))"),
            ("not a and not b", "(and (not a) (not b))"),
            ("not not a", "(not (not a))"),
            ("0..n + 1", "(.. 0 (+ n 1))"),
            ("0..<n", "(..< 0 n)"),
            ("-1..5", "(.. (- 1) 5)"),
            ("a < 0..5", "(< a (.. 0 5))"),
            ("-2^2", "(- (^ 2 2))"),
            ("2^-1", "(^ 2 (- 1))"),
            ("2^3^2", "(^ 2 (^ 3 2))"),
            ("-a * b", "(* (- a) b)"),
            ("a * -b", "(* a (- b))"),
            ("+a - -b", "(- (+ a) (- b))"),
            ("x.y^2", "(^ (. x y) 2)"),
            ("(a + b) * c", "(* (+ a b) c)"),
            ("a or b |> f", "(pipe f (or a b))"),
            ("not a |> f", "(pipe f (not a))"),
        ]
        for (source, expected) in cases {
            let r = ParseFixture.result(source)
            #expect(dump(r.program) == expected, "\(source)")
        }
        // `|>` binds loosest, so its right side stops at nothing weaker: these are errors.
        #expect(!ParseFixture.result("a |> f or b").diagnostics.isEmpty)
    }

    @Test func postfix() {
        #expect(tree("f()") == "(call f)")
        #expect(tree("f(1, 2)") == "(call f 1 2)")
        #expect(tree("dpo(beta: 0.1)") == "(call dpo beta:0.1)")
        #expect(tree("f(a, b: 2, c: g(3))") == "(call f a b:2 c:(call g 3))")
        #expect(tree("f(1,)") == "(call f 1)")
        #expect(tree("r.evaluate(test).accuracy") == "(. (call (. r evaluate) test) accuracy)")
        #expect(tree("xs[0][1]") == "(index (index xs 0) 1)")
        #expect(tree("f(x)(y)") == "(call (call f x) y)")
        #expect(tree("world.policy()") == "(call (. world policy))")
    }

    @Test func rangesInIndices() {
        #expect(tree("xs[..<3]") == "(index xs (..< _ 3))")
        #expect(tree("xs[..3]") == "(index xs (.. _ 3))")
        #expect(tree("xs[2..]") == "(index xs (.. 2 _))")
        #expect(tree("xs[2..<]") == "(index xs (..< 2 _))")
        #expect(tree("xs[1..<n]") == "(index xs (..< 1 n))")
        #expect(tree("xs[i + 1..]") == "(index xs (.. (+ i 1) _))")
        #expect(tree("xs[..]") == "(index xs (.. _ _))")
        #expect(tree("xs[n - 1]") == "(index xs (- n 1))")
        // A bound may only be left out directly inside an index.
        #expect(!ParseFixture.result("let r = 2..").diagnostics.isEmpty)
        #expect(!ParseFixture.result("xs[(2..)]").diagnostics.isEmpty)
    }

    @Test func pipes() {
        #expect(tree("x |> f") == "(pipe f x)")
        #expect(tree("x |> f(a)") == "(pipe f x a)")
        #expect(tree("x |> f(a, k: 1) |> g") == "(pipe g (pipe f x a k:1))")
        #expect(tree("x |> m.f(a)") == "(pipe (. m f) x a)")
        #expect(tree("x |> m.f") == "(pipe (. m f) x)")
        #expect(tree("a + b |> show") == "(pipe show (+ a b))")
        #expect(tree("let y = data\n  |> filter(fn(r) r.ok)\n  |> map(f)\nshow(y)") ==
                "(let y (pipe map (pipe filter data (fn (r) (block (. r ok)))) f))\n(call show y)")
        #expect(tree("xs |>\n  sum") == "(pipe sum xs)")
    }

    @Test func pipedCallsKeepTheirCallSite() {
        let r = ParseFixture.result("x\n  |> f(a)")
        guard case .expression(.call(_, let arguments, piped: true, let range))? = r.program.statements.first else {
            Issue.record("expected a piped call")
            return
        }
        #expect(arguments.count == 2)
        #expect(range == SourceRange(SourceLocation(line: 2, column: 6), length: 4))
    }

    @Test func lists() {
        #expect(tree("[]") == "(list)")
        #expect(tree("[1, 2, 3]") == "(list 1 2 3)")
        #expect(tree("[1, [2, 3],]") == "(list 1 (list 2 3))")
        #expect(tree("[\n  1,\n  2,\n]") == "(list 1 2)")
    }

    @Test func comprehensions() {
        #expect(tree("[x * 2 for x in xs]") == "(comp (* x 2) x xs)")
        #expect(tree("[f(x) for x in xs if p(x)]") == "(comp (call f x) x xs (if (call p x)))")
        #expect(tree("[[i, x] for [i, x] in enumerate(xs) if i > 0 and x != none]") ==
                "(comp (list i x) [i x] (call enumerate xs) (if (and (> i 0) (!= x none))))")
        #expect(tree("[r.loss\n  for r in runs\n  if r.ok]") == "(comp (. r loss) r runs (if (. r ok)))")
        #expect(tree("[{loss: r.loss, kl: r.kl} for r in runs]") ==
                "(comp (record (loss (. r loss)) (kl (. r kl))) r runs)")
    }

    @Test func records() {
        #expect(tree("{}") == "(record)")
        #expect(tree("{a: 1, \"New York\": 2, b}") == "(record (a 1) (\"New York\" 2) (b b))")
        #expect(tree("{a: 1,}") == "(record (a 1))")
        #expect(tree("{\n  a: 1,\n  b:\n    2\n}") == "(record (a 1) (b 2))")
        #expect(tree("{a: {b: [1]}}.a.b") == "(. (. (record (a (record (b (list 1))))) a) b)")
    }

    @Test func ifExpressions() {
        #expect(tree("if a { 1 }") == "(if a (block 1))")
        #expect(tree("let y = if a { 1 } else { 2 }") == "(let y (if a (block 1) (block 2)))")
        #expect(tree("let y = if a { 1 } else if b { 2 } else if c { 3 } else { 4 }") ==
                "(let y (if a (block 1) (if b (block 2) (if c (block 3) (block 4)))))")
        #expect(tree("if a {\n  1\n}\nelse {\n  2\n}") == "(if a (block 1) (block 2))")
        #expect(tree("if a { 1 } else { 2 } + 3") == "(+ (if a (block 1) (block 2)) 3)")
        #expect(tree("if x\n{ f() }") == "(if x (block (call f)))")
    }

    @Test func lambdas() {
        #expect(tree("fn(x) x * 2") == "(fn (x) (block (* x 2)))")
        #expect(tree("fn() 1") == "(fn () (block 1))")
        #expect(tree("fn(a, b: 2) {\n  let c = a + b\n  c\n}") == "(fn (a b:2) (block (let c (+ a b)) c))")
        #expect(tree("map(xs, fn(x) { x + 1 })") == "(call map xs (fn (x) (block (+ x 1))))")
        #expect(tree("reduce(xs, fn(a, b) a + b, 0)") == "(call reduce xs (fn (a b) (block (+ a b))) 0)")
        #expect(tree("fn(x) { x }(3)") == "(call (fn (x) (block x)) 3)")
    }

    @Test func stringInterpolation() {
        #expect(tree(#""x = {x}""#) == #"(str "x = " (interp x))"#)
        #expect(tree(#""{x:.3f}""#) == #"(str (interp x ".3f"))"#)
        #expect(tree(#""{r.a + 1:>8}|""#) == #"(str (interp (+ (. r a) 1) ">8") "|")"#)
        #expect(tree(#""{{literal}}""#) == #""{literal}""#)
        #expect(tree(#""{f(a, k: 1)} and {xs[1..]}""#) == #"(str (interp (call f a k:1)) " and " (interp (index xs (.. 1 _))))"#)
        #expect(tree(#""{ {a: 1}.a }""#) == #"(str (interp (. (record (a 1)) a)))"#)
        #expect(tree(#"'{"quoted"}'"#) == #"(str (interp "quoted"))"#)
    }

    @Test func newlinesAfterOperatorsContinueTheExpression() {
        #expect(tree("let x = 1 +\n  2 *\n  3") == "(let x (+ 1 (* 2 3)))")
        #expect(tree("let ok = a and\n  b") == "(let ok (and a b))")
        #expect(tree("let x =\n  5") == "(let x 5)")
        #expect(tree("let y = f(\n  1,\n  k:\n    2\n)") == "(let y (call f 1 k:2))")
        #expect(tree("let v = x\n  .f()\n  .g") == "(let v (. (call (. x f)) g))")
        // Without an operator at the end of the line, the newline ends the statement.
        #expect(tree("a\n-b") == "a\n(- b)")
    }

    @Test func nodeIDsAreFreshAndStartWhereAsked() {
        let r = parse(ParseFixture.file("let x = fn(a) a\nx(1)"), firstNodeID: 100)
        guard case .binding(_, .name(let x), .function(let f), _) = r.program.statements[0],
              case .expression(.call(.name(let use), _, _, _)) = r.program.statements[1] else {
            Issue.record("unexpected tree")
            return
        }
        let ids = [x.id, f.id, f.parameters[0].name.id, f.body.id, use.id]
        #expect(Set(ids).count == ids.count)
        #expect(ids.allSatisfy { $0 >= 100 && $0 < r.nextNodeID })
        #expect(r.nextNodeID == 106)
        let next = parse(ParseFixture.file("y"), firstNodeID: r.nextNodeID)
        #expect(next.nextNodeID == r.nextNodeID + 1)
    }
}
