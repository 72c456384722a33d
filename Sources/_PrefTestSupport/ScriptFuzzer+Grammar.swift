import Foundation

/// Writes random programs that mostly parse and resolve: names come from the scopes in force,
/// assignments go to `var`s, `break` and `return` mostly sit in loops and functions, calls get
/// about the right number of arguments. Each rule is broken now and then, so the front end's
/// errors stay covered too; the point is to get past it into the interpreter and the builtins.
struct ProgramWriter {
    var r: FuzzRandom
    let fuzzer: ScriptFuzzer
    var scopes: [[String]] = [[]]
    var mutable: Set<String> = []
    /// User functions: name → (required, total) parameter counts.
    var functions: [String: (Int, Int)] = [:]
    var counter = 0, loops = 0, bodies = 0
    /// Expression nodes left: keeps programs small and generation time linear.
    var budget = 150
    /// Writing one statement into a golden script, whose numbers a later mutation may make huge
    /// (a builder loop's bound among them: see `builder`).
    var spliced = false

    static let prologue: [(String, String, Bool)] = [
        ("x", "let x = 3", false), ("xs", "var xs = [1, 2, 3]", true), ("r", "let r = {a: 1, b: \"two\"}", false),
        ("t", "var t = tensor([[1, 2], [3, 4]], dtype: \"f64\")", true), ("s", "let s = \"héllo\"", false),
        ("f", "fn f(a, b: 2) { a + b }", false),
    ]
    static let binaryOps = ["+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "and", "or", "..", "..<", "+", "*"]
    static let members = ["shape", "T", "dtype", "rank", "a", "b", "value", "grads", "missing", "len", "mean"]

    /// Names in scope ("x" when there are none: a statement spliced into a golden script).
    var visible: [String] {
        let names = scopes.flatMap { $0 }
        return names.isEmpty ? ["x"] : names
    }

    mutating func program() -> String {
        var out: [String] = []
        for (name, line, isVar) in ProgramWriter.prologue where r.chance(0.85) {
            out.append(line)
            declare(name, isVar: isVar)
            if name == "f" { functions["f"] = (1, 2) }
        }
        if scopes[0].isEmpty { out.append("var x = 1"); declare("x", isVar: true) }
        for _ in 0..<(1 + r.below(8)) { out.append(statement(depth: 0)) }
        return out.joined(separator: r.chance(0.9) ? "\n" : "; ")
    }

    mutating func newName() -> String {
        counter += 1
        return "v\(counter)"
    }

    mutating func declare(_ name: String, isVar: Bool = false) {
        scopes[scopes.count - 1].append(name)
        if isVar { mutable.insert(name) }
    }

    mutating func block(_ d: Int, binding: [String] = []) -> String {
        scopes.append(binding)
        defer { scopes.removeLast() }
        return (0...r.below(3)).map { _ in statement(depth: d) }.joined(separator: "\n")
    }

    mutating func statement(depth: Int) -> String {
        let d = depth + 1
        switch r.below(depth > 2 ? 8 : 17) {
        case 0, 1: return "print(\(args(d)))"
        case 2:
            let n = newName(), e = expr(d), kind = depth == 0 && r.chance(0.2) ? "param" : r.pick(["let", "var"])
            defer { declare(n, isVar: kind == "var") }
            return "\(kind) \(n) = \(e)"
        case 3:
            let a = newName(), b = newName(), e = r.chance(0.5) ? expr(d) : r.pick(["xs", "[1, 2]", "r", "{a: 1, b: 2}", "[]"])
            defer { declare(a); declare(b) }
            return r.chance(0.5) ? "let [\(a), ...\(b)] = \(e)" : "let {a: \(a), b: \(b)} = \(e)"
        case 4: return "\(target(d)) \(r.pick(["=", "+=", "-=", "*=", "/="])) \(expr(d))"
        case 5: return expr(d)
        case 6:
            if loops > 0, r.chance(0.9) { return r.pick(["break", "continue"]) }
            if bodies > 0, r.chance(0.9) { return r.chance(0.3) ? "return" : "return \(expr(d))" }
            return r.chance(0.1) ? r.pick(["break", "continue", "return"]) : "print(\(expr(d)))"
        case 7: return "assert(\(expr(d)), \"checked\")"
        case 8, 9:
            let name = newName(), ps = params(d)
            functions[name] = (ps.filter { !$0.contains(":") }.count, ps.count)
            declare(name)
            bodies += 1
            defer { bodies -= 1 }
            return "fn \(name)(\(ps.joined(separator: ", "))) {\n\(block(d, binding: ps.map { String($0.prefix { $0 != ":" }) }))\n}"
        case 10, 11:
            let n = newName(), seq = sequence(d)
            loops += 1
            defer { loops -= 1 }
            return "for \(n) in \(seq) {\n\(block(d, binding: [n]))\n}"
        case 12:
            let i = newName()
            loops += 1
            defer { loops -= 1 }
            return "var \(i) = 0\nwhile \(i) < \(r.below(6)) {\n\(i) += 1\n\(block(d, binding: [i]))\n}"
        case 13: return "if \(expr(d)) {\n\(block(d))\n} else {\n\(block(d))\n}"
        case 14 where depth == 0 || r.chance(0.1):
            return r.pick(["import stats", "import stats as st", "import \"_helpers.pref\" as h", "import nothing_here", "import prelude"])
        case 15 where r.chance(0.3) && !(spliced && fuzzer.avoidKnownCrashes): return builder()
        case 16 where !fuzzer.avoidKnownCrashes && r.chance(0.2): return knownCrash()
        default: return "show(\(expr(d)))"
        }
    }

    mutating func target(_ d: Int) -> String {
        let vars = visible.filter { mutable.contains($0) }
        let n = vars.isEmpty || r.chance(0.05) ? r.pick(visible) : r.pick(vars)
        switch r.below(4) {
        case 0, 1: return n
        case 2: return "\(n)[\(index(d))]"
        default: return "\(n).\(r.pick(ProgramWriter.members))"
        }
    }

    /// Parameters; the defaulted ones last (the rule is broken 5% of the time).
    mutating func params(_ d: Int) -> [String] {
        let n = r.below(4), firstDefault = r.chance(0.05) ? 0 : r.below(n + 1)
        return (0..<n).map { i in i >= firstDefault ? "p\(i): \(expr(d))" : "p\(r.chance(0.03) ? 0 : i)" }
    }

    mutating func args(_ d: Int) -> String {
        (0..<r.below(4)).map { _ in expr(d) }.joined(separator: ", ")
    }

    mutating func sequence(_ d: Int) -> String {
        switch r.below(5) {
        case 0: return "0..<\(r.below(6))"
        case 1: return "[\(args(d))]"
        case 2: return r.pick(["s", "r", "t", "xs", "\"ab\"", "{p: 1, q: 2}", "0..<(0 / 0)", "-3..0"].filter { $0.count > 2 || visible.contains($0) })
        default: return expr(d)
        }
    }

    mutating func atom() -> String {
        switch r.below(12) {
        case 0, 1, 2: return String(r.below(10))
        case 3: return r.pick(["0.5", "-2", "1.5e-3", "100"])
        case 4: return r.pick(ScriptFuzzer.numbers)
        case 5: return r.pick(["true", "false", "none", "[]", "{}"])
        case 6:
            let name = r.pick(visible)
            return "\"v={\(name)} {\(name):\(r.pick(ScriptFuzzer.formatSpecs))} {{lit}}\""
        case 7: return r.chance(0.1) ? r.pick(ScriptFuzzer.names) : r.pick(fuzzer.builtins)
        default: return r.pick(visible)
        }
    }

    mutating func expr(_ d: Int) -> String {
        budget -= 1
        if budget <= 0 || d > 6 || r.chance(0.3) { return atom() }
        let e = d + 1
        switch r.below(24) {
        case 0, 1, 2:
            // Mostly parenthesised: comparisons and ranges do not chain, and `|>` binds loosest.
            let s = "\(expr(e)) \(r.pick(ProgramWriter.binaryOps)) \(expr(e))"
            return r.chance(0.6) ? "(\(s))" : s
        case 3: return r.chance(0.8) ? "(\(r.pick(["-", "not ", "+"]))\(expr(e)))" : "\(r.pick(["-", "not ", "+"]))\(expr(e))"
        case 4: return "(\(expr(e)))"
        case 5: return "[\(args(e))]"
        case 6: return "{a: \(expr(e)), b: \(expr(e))\(r.chance(0.03) ? ", a: 1" : "")}"
        case 7:
            let n = newName(), seq = sequence(e)
            scopes.append([n])
            defer { scopes.removeLast() }
            return "[\(expr(e)) for \(n) in \(seq)\(r.chance(0.3) ? " if \(expr(e))" : "")]"
        case 8, 9, 10: return call(e)
        case 11:
            // Sorted: a dictionary's order changes from one process to the next.
            guard !functions.isEmpty else { return call(e) }
            let name = r.pick(functions.keys.sorted()), (required, total) = functions[name]!
            return "\(name)(\((0..<(required + r.below(total - required + 2))).map { _ in expr(e) }.joined(separator: ", ")))"
        case 12:
            let ps = params(e)
            scopes.append(ps.map { String($0.prefix { $0 != ":" }) })
            defer { scopes.removeLast() }
            return "fn(\(ps.joined(separator: ", "))) (\(expr(e)))"
        case 13: return "\(expr(e))[\(index(e))]"
        case 14: return "\(expr(e)).\(r.pick(ProgramWriter.members))"
        case 15: return "(if \(expr(e)) { \(expr(e)) } else { \(expr(e)) })"
        case 16: return "(\(expr(e)) |> \(r.pick(fuzzer.builtins + functions.keys.sorted())))"
        case 17, 18, 19: return tensor(e)
        case 20 where r.chance(0.15): return deep()
        case 21 where r.chance(0.15): return chain()
        default: return "\(r.below(5)) \(r.pick(["..", "..<"])) \(r.below(5))"
        }
    }

    /// Indices and slices, in range and out of it.
    mutating func index(_ d: Int) -> String {
        switch r.below(6) {
        case 0: return "\(r.below(4))..<\(r.below(4))"
        case 1: return r.pick(["..", "..<2", "1..", "-1", "-100", "0.5", "(0 / 0)"] + ScriptFuzzer.hugeNumbers)
        default: return r.chance(0.5) ? String(r.below(4)) : expr(d)
        }
    }

    /// A call of a builtin with arguments that mostly have the right kind, chosen by the
    /// parameter's name, plus the odd extra, missing or misspelt argument.
    mutating func call(_ d: Int) -> String {
        let name = r.pick(fuzzer.builtins)
        let params = fuzzer.parametersOf[name] ?? [("xs", true), ("f", true)]
        let required = params.filter(\.1).count
        let count = r.chance(0.85) ? required + r.below(params.count - required + 1) : max(0, required + r.below(3) - 1)
        var args: [String] = [], labelled = false
        for i in 0..<count {
            let p = i < params.count ? params[i].0 : r.pick(["extra", "bta", "axis"])
            labelled = labelled || (i > 0 && r.chance(0.3))
            args.append(labelled ? "\(p): \(argument(p, d))" : argument(p, d))
        }
        return "\(name)(\(args.joined(separator: ", ")))"
    }

    mutating func argument(_ p: String, _ d: Int) -> String {
        switch p {
        case "shape": return shape()
        case "axis", "axes", "n", "num", "seed", "digits", "depth", "start", "stop", "step", "lo", "hi":
            return r.chance(0.9) ? r.pick(["0", "1", "-1", "2", "3", "5", "-3"]) : r.pick(ScriptFuzzer.hugeNumbers + ["0.5", "(0 / 0)"])
        case "dtype": return r.pick(["\"f32\"", "\"f64\"", "\"int\"", "3"])
        case "f", "key", "pred", "function", "fn": return r.pick(["fn(x) x", "fn(x) x * 2", "fn() sum(t * t)", "len", "fn(a, b) a + b", "print"])
        case "wrt": return r.pick(["[t]", "[t, t]", "[]", "t", "[tensor([1, 2])]"])
        case "t", "a", "b", "x", "y", "data", "cond", "condition", "indices", "value": return r.chance(0.6) ? tensor(d + 1) : expr(d)
        default: return expr(d)
        }
    }

    mutating func shape() -> String {
        let dims = (0..<r.below(5)).map { _ in r.chance(0.93) ? String(r.below(5)) : r.pick(["-1", "2.5", "1e9", "(0 / 0)", "268435457", "-5"]) }
        return "[\(dims.joined(separator: ", "))]"
    }

    /// Tensor values with random (often mismatched) shapes, and operations on them. Sizes stay
    /// tiny: the core allocates whatever a broadcast or a matmul asks for.
    mutating func tensor(_ d: Int) -> String {
        budget -= 1
        let e = d + 1, base = visible.contains("t") ? "t" : "eye(2)"
        switch r.below(budget <= 0 || d > 6 ? 5 : 9) {
        case 0: return base
        case 1: return "\(r.pick(["zeros", "ones", "randn", "rand"]))(\(shape())\(r.chance(0.3) ? ", dtype: \"f64\"" : ""))"
        case 2: return "tensor(\(nested(r.below(3), width: 1 + r.below(3))))"
        case 3: return "\(r.pick(["arange", "eye"]))(\(r.below(6)))"
        case 4: return "reshape(arange(\(r.below(13))), \(shape()))"
        case 5: return "\(tensor(e)) \(r.pick(["+", "-", "*", "/", "@", "==", ">", "^"])) \(r.chance(0.7) ? tensor(e) : atom())"
        case 6: return "\(r.pick(["sum", "mean", "max", "softmax", "log_softmax", "logsumexp", "argmax"]))(\(tensor(e)), axis: \(r.pick(["0", "1", "-1", "3", "-9"])))"
        case 7: return "\(r.pick(["grad", "value_and_grad"]))(fn() sum(\(tensor(e)) * \(base)), wrt: [\(base)])"
        default: return "\(r.pick(["exp", "log", "sqrt", "relu", "sigmoid", "tanh", "abs", "transpose", "to_list", "detach"]))(\(tensor(e)))"
        }
    }

    /// Nested list literal; sometimes ragged, sometimes with a non-number inside.
    mutating func nested(_ rank: Int, width: Int) -> String {
        if rank == 0 { return r.chance(0.95) ? String(r.below(9)) : r.pick(["\"a\"", "none", "[]", "(0 / 0)", "1e308"]) }
        let n = r.chance(0.1) ? width + 1 : width
        return "[" + (0..<n).map { _ in nested(rank - 1, width: width) }.joined(separator: ", ") + "]"
    }

    /// Values nested deeper than any literal could be (a loop wraps a value n times), then shown,
    /// compared or released; and closures calling closures n deep.
    mutating func builder() -> String {
        let v = newName(), i = newName(), n = r.pick(fuzzer.avoidKnownCrashes ? [3, 100, 1000, 5000] : [3, 1000, 100_000])
        let wrap = r.pick(["[\(v)]", "{a: \(v)}", "[1, \(v)]"])
        let use = r.pick(["print(len(str(\(v))))", "print(\(v) == \(v))", "\(v) = 0", "show(\(v))", "print(len(\(v)))", ""])
        if r.chance(0.3) {
            return "var \(v) = fn() 1\nfor \(i) in 0..<\(n) {\nlet g = \(v)\n\(v) = fn() g()\n}\nprint(\(v)())"
        }
        return "var \(v) = \(r.pick(["[]", "{}", "0"]))\nfor \(i) in 0..<\(n) { \(v) = \(wrap) }\n\(use)"
    }

    /// One of the formerly reported crashes (only with `avoidKnownCrashes` off, because some are
    /// slow): each must now end in a diagnostic or run to completion.
    mutating func knownCrash() -> String {
        // Sizes whose allocation fails at once: one that the system might grant would swap.
        let big = r.pick(["1e6", "3e6", "1e7"])
        switch r.below(4) {
        case 0:
            let n = r.pick(["[]", "{}"])
            return "var d = \(n)\nfor i in 0..<100000 { d = \(n == "[]" ? "[d]" : "{a: d}") }\n\(r.pick(["d = 0", "print(len(str(d)))", "print(d == d)"]))"
        case 1: return "print(len(\"x\" * 9e7 * \(r.pick(["1e5", "9e7", "1e7"]))))"
        case 2: return r.chance(0.5) ? "print(shape(zeros([\(big), 1]) + ones([1, \(big)])))" : "print(shape(zeros([\(big), 0]) @ zeros([0, \(big)])))"
        default: return "print(" + String(repeating: "1 + ", count: 3000 + r.below(5000)) + "1)"
        }
    }

    /// Nesting at and beyond the parser's limit of about 100 levels.
    mutating func deep() -> String {
        let n = r.pick([10, 50, 98, 99, 100, 101, 150, 1000])
        func rep(_ s: String) -> String { String(repeating: s, count: n) }
        switch r.below(8) {
        case 0: return rep("(") + "1" + rep(")")
        case 1: return rep("[") + "1" + rep("]")
        case 2: return rep("- ") + "1"
        case 3: return rep("not ") + "true"
        case 4: return rep("2 ^ ") + "1"
        case 5: return rep("(if true { ") + "1" + rep(" })")
        case 6: return rep("{a: ") + "1" + rep("}")
        default: return (0..<r.below(6)).reduce("1") { s, _ in "\"{[\(s)]}\"" }
        }
    }

    /// Long left-leaning chains, up to and beyond the parser's limit on chain links.
    mutating func chain() -> String {
        let n = 1 + r.below(fuzzer.maxChain)
        func rep(_ s: String) -> String { String(repeating: s, count: n) }
        switch r.below(7) {
        case 0: return "1" + rep(" + 1")
        case 1: return "{a: 1}" + rep(".a")
        case 2: return "1" + rep(" |> str")
        case 3: return "[1]" + rep("[0]")
        case 4: return "fn() 1" + rep("()")
        case 5: return "true" + rep(" and true")
        default: return "\"s\"" + rep(" + \"s\"")
        }
    }
}
