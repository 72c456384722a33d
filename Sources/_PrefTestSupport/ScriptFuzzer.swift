import Foundation
import PrefRuntime

/// The fuzzer's generator: a (seed, case) pair names one script forever.
public typealias FuzzRandom = SplitMix64

/// The three families of generated scripts.
public enum FuzzKind: String, CaseIterable, Sendable {
    /// Random sequences of pref's tokens: exercises the lexer, the parser and its recovery.
    case tokens
    /// Random but mostly well-formed programs: exercises the resolver, the interpreter and builtins.
    case grammar
    /// Golden and example scripts with lines, characters or tokens deleted, duplicated, swapped or
    /// replaced: near-valid programs reach deep paths that random text never does.
    case mutation
}

/// One generated case; `(seed, index)` regenerates it exactly.
public struct FuzzCase: Sendable {
    public let index: Int
    public let kind: FuzzKind
    public let source: String
}

/// Generates fuzz scripts from a seed. Builtin names, parameter names and arities come from
/// the builtin table itself, so new builtins are fuzzed without touching this file.
public struct ScriptFuzzer: Sendable {
    public let corpus: [String]
    let builtins: [String]
    /// Builtin name → its parameters (name, required).
    let parametersOf: [String: [(String, Bool)]]
    /// Keeps out of generated scripts what used to crash the process or takes seconds: tensor
    /// sizes stay tiny and no number lies between 10^4 and 2^28 (sizes just under the 2^28
    /// limit are legal but slow); values built by loops nest at most 5,000 deep. Off
    /// (`Scripts/fuzz/run --known`), the former crashes are generated too (results beyond the
    /// size limit, values nested 100,000 deep, chains of thousands of operators), which must
    /// now all end in located diagnostics.
    public var avoidKnownCrashes = true
    /// Longest `a + a + …` or `x.f.f…` chain generated: beyond the parser's 1,000 links, which
    /// is a diagnostic.
    public var maxChain: Int { avoidKnownCrashes ? 1_200 : 5_000 }

    public init(corpus: [String], avoidKnownCrashes: Bool = true) {
        self.corpus = corpus.isEmpty ? ["print(1)"] : corpus
        self.avoidKnownCrashes = avoidKnownCrashes
        let all = BuiltinLibrary.all
        builtins = all.map(\.name) + ["map", "filter", "reduce", "zip", "enumerate", "sort_by", "group_by", "any", "all"]
        parametersOf = Dictionary(all.map { ($0.name, $0.parameters.map { ($0.name, $0.defaultValue == nil) }) }, uniquingKeysWith: { a, _ in a })
    }

    /// The golden scripts and the examples of a checkout, sorted (so the corpus order, and with
    /// it every generated case, does not depend on the file system's listing order). Examples
    /// enter at their quick size (`param quick = true`, as the examples test runs them): at full
    /// size one reproduces a figure in tens of seconds, far beyond a fuzz case's CPU budget.
    public static func corpus(repository root: URL) -> [String] {
        var paths: [String] = []
        for dir in ["Tests/Golden", "examples"] {
            let base = root.appendingPathComponent(dir)
            let found = FileManager.default.enumerator(atPath: base.path)?.compactMap { $0 as? String } ?? []
            paths += found.filter { $0.hasSuffix(".pref") }.map { base.appendingPathComponent($0).path }
        }
        return paths.sorted().compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
            .map { $0.replacingOccurrences(of: "param quick = false", with: "param quick = true") }
    }

    /// Case `index` of run `seed`: the kinds take turns so every shard gets a third of each.
    public func make(seed: UInt64, index: Int) -> FuzzCase {
        var r = FuzzRandom(seed: seed ^ (UInt64(index) &* 0xD6E8_FEB8_6659_FD93))
        _ = r.next()
        let kind = FuzzKind.allCases[index % 3]
        let source: String
        switch kind {
        case .tokens: source = tokenSoup(&r)
        case .grammar:
            var w = ProgramWriter(r: r, fuzzer: self)
            source = w.program()
        case .mutation: source = mutate(&r)
        }
        return FuzzCase(index: index, kind: kind, source: source)
    }

    // MARK: Vocabulary

    static let keywords = ["let", "var", "param", "fn", "if", "else", "for", "in", "while", "break", "continue",
                           "return", "import", "as", "true", "false", "none", "and", "or", "not"]
    static let operators = ["+", "-", "*", "/", "%", "^", "@", "==", "!=", "<", "<=", ">", ">=", "=", "+=", "-=", "*=",
                            "/=", "|>", ".", "..", "..<", "...", ",", ":", ";", "(", ")", "[", "]", "{", "}", "(", ")", "[", "]"]
    /// Characters outside the language, and the look-alikes its lexer has hints for.
    static let strays = ["&&", "||", "!", "|", "&", "$", "`", "?", "\\", "~", "\"", "'", "“", "”", "‘", "\u{00A0}", "\t",
                         "\r", "😀", "λ", "e\u{0301}", "\u{0000}", "\u{FEFF}", "#", "# %% cell", "#%%"]
    /// Numbers at the edges: zero, negative, non-integral, tiny, nan.
    static let edgeNumbers = ["0", "-1", "1", "2", "0.5", "-0", "1e-308", "5e-324", "(0 / 0)", "1_000", "007", "0.1", "-2.5"]
    /// Huge numbers, all ≥ 2^28 so every size check refuses them at once, and infinities.
    static let hugeNumbers = ["1e308", "-1e308", "1e9", "268435457", "4294967296", "9007199254740993", "1e18", "18446744073709551616",
                              "(1 / 0)", "(-1 / 0)", "2 ^ 1024", "0x7FFFFFFFFFFFFFFF"]
    static let numbers = edgeNumbers + hugeNumbers
    static let badNumbers = ["1.", ".5", "1e", "1e-", "0x", "0x1G", "1_", "1e999", "3rd", "0x_ff", "1__0"]
    static let formatSpecs = [".3f", ">8", "<8", "^9", "*<5", "e", "%", ",", "+", "05", ".0f", ",.2f", ".1%", "x", "", ".1000f",
                              "99999999", ">-1", "=", ".f", "z", "s", ":", "{x}", ".3f}", "^", "0<20.3e"]
    static let names = ["x", "xs", "r", "t", "s", "f", "a", "b", "i", "n", "λ", "_tmp", "naïve", "shape", "T", "dtype", "rank",
                        "value", "grads", "chosen", "beta", "undefined_name", "h", "stats"]
    static let stringLiterals = ["\"a {x} b\"", "\"{x:.3f}\"", "'{r['a']}'", "\"{ {a: 1}.a }\"", "\"\\u{1F600}\"",
                                 "\"\\u{110000}\"", "\"\\q\"", "\"{{\"", "\"}\"", "\"{\"", "\"{}\"", "\"unterminated",
                                 "\"{\"{\"{}\"}\"}\"", "\"{f(\"a\")}\"", "''", "\"\\n\\t\\0\"", "\"{1:{2}}\"", "\"{x:}\"",
                                 "\"_helpers.pref\"", "\"f64\"", "\"f32\"", "\"int\"", "\"{len(\"{\")}\""]

    func token(_ r: inout FuzzRandom) -> String {
        switch r.below(20) {
        case 0..<4: return r.pick(ScriptFuzzer.keywords)
        case 4..<9: return r.pick(ScriptFuzzer.operators)
        case 9..<12: return r.pick(builtins)
        case 12: return r.pick(ScriptFuzzer.names)
        case 13: return r.pick(ScriptFuzzer.numbers)
        case 14: return r.chance(0.5) ? r.pick(ScriptFuzzer.badNumbers) : String(r.below(10))
        case 15: return r.pick(ScriptFuzzer.stringLiterals)
        case 16, 17: return r.pick(["\n", "\n", "\r\n", "\n\n", "# comment\n", "# %% Cell\n# prose\n", ";"])
        case 18: return r.pick(ScriptFuzzer.strays)
        default: return String(r.below(10))
        }
    }

    func tokenSoup(_ r: inout FuzzRandom) -> String {
        var out = ""
        for _ in 0..<(3 + r.below(r.chance(0.2) ? 300 : 60)) {
            out += token(&r)
            if r.chance(0.8) { out += " " }
        }
        return out
    }

    // MARK: Mutation

    /// Splits text into tokens that join back to it exactly (whitespace and strings included),
    /// so token-level edits keep the rest of the script byte for byte.
    static func lex(_ text: String) -> [String] {
        var out: [String] = []
        let cs = Array(text)
        var i = 0
        while i < cs.count {
            let c = cs[i]
            var j = i + 1
            if c.isLetter || c == "_" {
                while j < cs.count && (cs[j].isLetter || cs[j].isNumber || cs[j] == "_") { j += 1 }
            } else if c.isNumber {
                while j < cs.count && (cs[j].isNumber || cs[j].isLetter || cs[j] == "_"
                                       || (cs[j] == "." && j + 1 < cs.count && cs[j + 1].isNumber)) { j += 1 }
            } else if c == "\"" || c == "'" {
                while j < cs.count && cs[j] != c && cs[j] != "\n" { j += cs[j] == "\\" ? 2 : 1 }
                j = min(j + 1, cs.count)
            } else if c == " " {
                while j < cs.count && cs[j] == " " { j += 1 }
            } else if j < cs.count, ["==", "!=", "<=", ">=", "+=", "-=", "*=", "/=", "|>", ".."].contains(String([c, cs[j]])) {
                j += 1
            }
            out.append(String(cs[i..<j]))
            i = j
        }
        return out
    }

    func mutate(_ r: inout FuzzRandom) -> String {
        var text = r.pick(corpus)
        for _ in 0..<(1 + r.below(r.chance(0.2) ? 8 : 3)) { text = mutateOnce(text, &r) }
        return text
    }

    func mutateOnce(_ text: String, _ r: inout FuzzRandom) -> String {
        var lines = text.components(separatedBy: "\n")
        var toks = ScriptFuzzer.lex(text)
        let words = toks.indices.filter { toks[$0].first.map { $0.isLetter || $0 == "_" } ?? false }
        let numbers = toks.indices.filter { toks[$0].first?.isNumber ?? false }
        let li = r.below(lines.count), lj = r.below(lines.count), ti = r.below(toks.count), tj = r.below(toks.count)
        switch r.below(14) {
        case 0: lines.remove(at: li)
        case 1: lines.insert(lines[li], at: lj)
        case 2: lines.swapAt(li, lj)
        case 3:
            var w = ProgramWriter(r: r, fuzzer: self, spliced: true)
            lines.insert(w.statement(depth: 1), at: lj)
            r = w.r
        case 4: return String(text.prefix(r.below(text.count + 1)))
        case 5, 6:
            var cs = Array(text)
            guard !cs.isEmpty else { return token(&r) }
            let at = r.below(cs.count)
            switch r.below(3) {
            case 0: cs.removeSubrange(at..<min(cs.count, at + 1 + r.below(4)))
            case 1: cs.insert(cs[at], at: at)
            default: cs.insert(contentsOf: Array(r.chance(0.5) ? r.pick(ScriptFuzzer.strays) : token(&r)), at: at)
            }
            return String(cs)
        case 7 where !toks.isEmpty: toks.remove(at: ti); return toks.joined()
        case 8 where !toks.isEmpty: toks.insert(toks[ti], at: tj); return toks.joined()
        case 9 where !toks.isEmpty: toks.swapAt(ti, tj); return toks.joined()
        case 10, 11:
            guard !numbers.isEmpty else { return text }
            toks[r.pick(numbers)] = r.pick(ScriptFuzzer.numbers + ["3", "10"])
            return toks.joined()
        case 12 where !words.isEmpty:
            let other = r.chance(0.5) && words.count > 1 ? toks[r.pick(words)] : r.chance(0.5) ? r.pick(builtins) : r.pick(ScriptFuzzer.keywords + ScriptFuzzer.names)
            toks[r.pick(words)] = other
            return toks.joined()
        case 13 where !toks.isEmpty: toks[ti] = token(&r); return toks.joined()
        default: return text + "\n" + token(&r)
        }
        return lines.joined(separator: "\n")
    }
}

