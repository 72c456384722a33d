import Testing
@testable import PrefLanguage

/// Before/after pairs for each layout rule of `pref fmt` (docs/language.md, Formatting). Every
/// expected text is also checked to be a fixed point, so the pairs double as idempotence tests.
@Suite struct FormatLayoutTests {
    static func check(_ input: String, _ expected: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        do {
            let once = try format(input, path: "t.pref")
            #expect(once == expected, "\n--- got\n\(once)--- expected\n\(expected)", sourceLocation: sourceLocation)
            let twice = try format(expected, path: "t.pref")
            #expect(twice == expected, "not a fixed point:\n\(twice)", sourceLocation: sourceLocation)
        } catch {
            Issue.record("format threw \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func bindingsAndOperators() {
        Self.check("let   x=1+2*3\nvar n=-x\nn+=1\nn -=2\n", "let x = 1 + 2 * 3\nvar n = -x\nn += 1\nn -= 2\n")
    }

    @Test func params() {
        Self.check("param  beta=0.1\nparam name = 'dpo'\n", "param beta = 0.1\nparam name = 'dpo'\n")
    }

    @Test func destructuring() {
        Self.check("let [a,b,...rest]=xs\nlet {name,score:s}=r\nlet [ {x}, [y] ] = z\n",
                   "let [a, b, ...rest] = xs\nlet {name, score: s} = r\nlet [{x}, [y]] = z\n")
    }

    @Test func functionDeclarationsWithDefaults() {
        Self.check("fn f(a,b:2){a+b}\nfn g( x , y : x * 2 ) {\n    x+y\n}\n",
                   "fn f(a, b: 2) { a + b }\nfn g(x, y: x * 2) {\n  x + y\n}\n")
    }

    @Test func oneLineBlocksNeedOneSimpleStatement() {
        Self.check("fn tick() { calls += 1; calls }\nfn f() { let y = 1 }\nfn g() { return 1 }\n",
                   "fn tick() {\n  calls += 1\n  calls\n}\nfn f() {\n  let y = 1\n}\nfn g() { return 1 }\n")
    }

    @Test func emptyBlocks() {
        Self.check("fn nothing() { }\nwhile f() {\n}\n", "fn nothing() {}\nwhile f() {}\n")
    }

    @Test func lambdas() {
        Self.check("let d = fn( x ) x*2\nlet k = fn(x) {x}\nlet r = fn(x) ({a: x})\nprint((fn(x) x)(3), (fn() 1) + 2)\n",
                   "let d = fn(x) x * 2\nlet k = fn(x) { x }\nlet r = fn(x) ({a: x})\nprint((fn(x) x)(3), (fn() 1) + 2)\n")
    }

    @Test func ifElseChains() {
        Self.check("let s = if x>0 {\"pos\"} else if x<0 {\"neg\"}\n  else {\"zero\"}\n",
                   "let s = if x > 0 { \"pos\" } else if x < 0 { \"neg\" } else { \"zero\" }\n")
        Self.check("let w = if c {\n  let t = 5\n  t\n} else { 0 }\n",
                   "let w = if c {\n  let t = 5\n  t\n} else {\n  0\n}\n")
    }

    @Test func loops() {
        Self.check("for [i,x] in enumerate(xs) { print(i,x) }\nwhile n<100 {\n  n+=7\n  if n>50 { break }\n  continue\n}\n",
                   "for [i, x] in enumerate(xs) { print(i, x) }\nwhile n < 100 {\n  n += 7\n  if n > 50 { break }\n  continue\n}\n")
    }

    @Test func comprehensions() {
        Self.check("print([ x*x for x in 0..<8 if x%2==1 ], [[i*j for j in 1..3] for i in 1..2])\n",
                   "print([x * x for x in 0..<8 if x % 2 == 1], [[i * j for j in 1..3] for i in 1..2])\n")
    }

    @Test func longComprehensionsBreakBeforeForAndIf() {
        let element = "{loss: run.loss, accuracy: run.evaluate(test).accuracy, kl: run.kl}"
        Self.check("let rows = [\(element) for run in all_the_runs_we_made if run.accuracy > 0.5]\n",
                   "let rows = [\n  \(element)\n  for run in all_the_runs_we_made\n  if run.accuracy > 0.5\n]\n")
    }

    @Test func recordsWithStringKeysAndShorthand() {
        Self.check("let r = { \"New York\" : 8 , b , c:{d:1} }\nlet e = { }\n",
                   "let r = {\"New York\": 8, b, c: {d: 1}}\nlet e = {}\n")
    }

    @Test func pipes() {
        Self.check("print(5|>double|>add(1), xs |> sort())\n", "print(5 |> double |> add(1), xs |> sort)\n")
        Self.check("let top = runs\n    |> filter(fn(r) r.accuracy > 0.6)\n |> sort_by(fn(r) -r.accuracy)\n",
                   "let top = runs\n  |> filter(fn(r) r.accuracy > 0.6)\n  |> sort_by(fn(r) -r.accuracy)\n")
    }

    @Test func imports() {
        Self.check("import   stats\nimport stats  as  s\nimport 'helpers.pref'  as h\n",
                   "import stats\nimport stats as s\nimport 'helpers.pref' as h\n")
    }

    @Test func cellsWithProseAreKeptExactly() {
        let source = "# %% Data\n# Prose under the marker.\n#\n#   indented prose\nlet x = 1\n\n\n#%% not a cell\n# %%   Next  \nx\n"
        Self.check(source, "# %% Data\n# Prose under the marker.\n#\n#   indented prose\nlet x = 1\n\n#%% not a cell\n# %%   Next  \nx\n")
    }

    @Test func trailingCommentsGetTwoSpaces() {
        Self.check("let x = 1 # one\nfn f() {  # opens\n  x    # body\n}   # after\n",
                   "let x = 1  # one\nfn f() {  # opens\n  x  # body\n}  # after\n")
    }

    @Test func ownLineCommentsTakeTheIndentationOfWhatFollows() {
        Self.check("fn f() {\n# before\n      let y = 1\n        # end of block\n}\n# end of file\n",
                   "fn f() {\n  # before\n  let y = 1\n  # end of block\n}\n# end of file\n")
    }

    @Test func commentsInsideMultiLineLists() {
        Self.check("let xs = [\n  1,   # one\n  # before two\n  2\n  # dangling\n]\n",
                   "let xs = [\n  1,  # one\n  # before two\n  2,\n  # dangling\n]\n")
        Self.check("f(a, # first\n  b)\n", "f(\n  a,  # first\n  b,\n)\n")
    }

    @Test func commentsAfterOperatorsAndEquals() {
        Self.check("let x = a +  # why\n  b\nlet y =\n  # the value\n  2\n",
                   "let x = a +  # why\n  b\nlet y =\n  # the value\n  2\n")
    }

    @Test func longCallsBreakOneArgumentPerLine() {
        let args = (1...8).map { "argument_number_\($0)" }
        Self.check("result = compute(\(args.joined(separator: ", ")), key: 1)\n",
                   "result = compute(\n" + args.map { "  \($0),\n" }.joined() + "  key: 1,\n)\n")
    }

    @Test func lastListArgumentHugs() {
        let items = (1...12).map { "item_\($0)" }
        Self.check("table([\(items.joined(separator: ", "))])\n", "table([\n" + items.map { "  \($0),\n" }.joined() + "])\n")
    }

    @Test func blockLambdaArgumentsHug() {
        Self.check("let r = any(xs, fn(x) { seen += [x]; x == 2 })\n",
                   "let r = any(xs, fn(x) {\n  seen += [x]\n  x == 2\n})\n")
        Self.check("grad(fn() {\n  let a = 1\n  sum(w)\n}, wrt: [w])\n", "grad(fn() {\n  let a = 1\n  sum(w)\n}, wrt: [w])\n")
    }

    @Test func longBinaryExpressionsBreakAfterOperators() {
        let terms = (1...9).map { "some_long_term_\($0)" }
        Self.check("let total = \(terms.joined(separator: " + "))\n",
                   "let total = some_long_term_1 +\n" + terms.dropFirst().map { "  \($0)" }.joined(separator: " +\n") + "\n")
    }

    @Test func blankLines() {
        Self.check("\n\n\nlet a = 1\n\n\n\nlet b = 2\nfn f() {\n\n  x\n\n  y\n\n}\n\n\n", "let a = 1\n\nlet b = 2\nfn f() {\n  x\n\n  y\n}\n")
    }

    @Test func fileEndsWithOneNewline() {
        Self.check("print(1)", "print(1)\n")
        Self.check("", "")
        Self.check("\n\n", "")
        Self.check("# only a comment", "# only a comment\n")
    }

    @Test func stringsAreKeptExactly() {
        let line = #"print("pi {x:.3f} [{name:>8}] {{braces}} \t\"q\" \u{1F600}", 'it\'s', "{d['k']}", "{ {a: 1}.a }")"#
        Self.check(line + "\n", line + "\n")
    }

    @Test func numbersKeepTheirSpelling() {
        Self.check("print(1e-3,1_000,0x1F,007,1.50,2E+2)\n", "print(1e-3, 1_000, 0x1F, 007, 1.50, 2E+2)\n")
    }

    @Test func parenthesesOnlyWhereNeededOrClearer() {
        Self.check("print(((a + b)) * c, a - (b - c), (a - b) - c, -(2 ^ 2), -2 ^ 2, (-2) ^ 2, - -3)\n",
                   "print((a + b) * c, a - (b - c), a - b - c, -(2 ^ 2), -(2 ^ 2), (-2) ^ 2, - -3)\n")
        Self.check("print(not (a and b), (not a) == b, (a < b) == c, (1..2), (x |> f).y, (a or b) and c)\n",
                   "print(not (a and b), (not a) == b, (a < b) == c, 1..2, (x |> f).y, (a or b) and c)\n")
    }

    @Test func indexingSlicesAndMembers() {
        Self.check("print(xs[ 1 ..< 3 ], xs[..2], xs[2 ..], xs[..], r . a . b [0])\nr.a[0]=1\n",
                   "print(xs[1..<3], xs[..2], xs[2..], xs[..], r.a.b[0])\nr.a[0] = 1\n")
    }

    @Test func semicolonsBecomeLines() {
        Self.check("let a = 1; let b = 2; print(a + b)   # all on one line\n",
                   "let a = 1\nlet b = 2\nprint(a + b)  # all on one line\n")
    }

    @Test func returns() {
        Self.check("fn f(x) {\n  if x { return }\n  return   x+1\n}\n", "fn f(x) {\n  if x { return }\n  return x + 1\n}\n")
    }

    @Test func windowsLineEndings() {
        Self.check("let x = 1\r\n\r\n# c\r\nprint(x)\r\n", "let x = 1\n\n# c\nprint(x)\n")
    }

    @Test func syntaxErrorsThrowAndAreNotFormatted() {
        #expect(throws: DiagnosticError.self) { try format("let x = (1 +\nprint(x)\n", path: "bad.pref") }
        #expect(throws: DiagnosticError.self) { try format("print(\"unterminated)\n", path: "bad.pref") }
    }
}
