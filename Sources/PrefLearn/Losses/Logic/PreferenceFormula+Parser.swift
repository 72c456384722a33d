/// A syntax error in a preference formula: the message and the character offset it points at.
public struct PreferenceFormulaError: Error, Sendable, Equatable {
    public var message: String
    /// Offset, in characters, into the formula text.
    public var offset: Int
    public var hint: String?
}

/// The formula syntax of `loss_from_logic`: atoms (`win`, `lose`), `true`, `false`, parentheses,
/// and, loosest binding first, `<->` (iff), `->` (implies, right-associative), `|` (or),
/// `^` (xor), `&` (and), `!` (not). Each operator also has a word (`iff`, `implies`, `or`, `xor`,
/// `and`, `not`) and a logic symbol (↔ → ∨ ⊕ ∧ ¬).
extension PreferenceFormula {
    public static func parse(_ text: String, atoms: [String] = PreferenceFormula.pairAtoms) throws(PreferenceFormulaError) -> PreferenceFormula {
        var parser = FormulaParser(tokens: try FormulaLexer.tokens(text), atoms: atoms, end: text.count)
        let f = try parser.iff()
        if let t = parser.peek { throw PreferenceFormulaError(message: "unexpected '\(t.text)' after a complete formula", offset: t.offset, hint: "join formulas with &, |, ^, -> or <->") }
        return f
    }
}

struct FormulaToken {
    enum Kind: Equatable { case word, op(String), open, close }
    var kind: Kind
    var text: String
    var offset: Int
}

enum FormulaLexer {
    /// Operator spellings and the operator each denotes.
    static let symbols: [(String, String)] = [
        ("<->", "iff"), ("↔", "iff"), ("->", "implies"), ("→", "implies"), ("|", "or"), ("∨", "or"), ("^", "xor"), ("⊕", "xor"),
        ("&", "and"), ("∧", "and"), ("!", "not"), ("¬", "not"), ("~", "not"),
    ]
    static let words: Set = ["iff", "implies", "or", "xor", "and", "not"]

    static func tokens(_ text: String) throws(PreferenceFormulaError) -> [FormulaToken] {
        let chars = Array(text)
        var out = [FormulaToken](), i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "(" || c == ")" {
                out.append(FormulaToken(kind: c == "(" ? .open : .close, text: String(c), offset: i))
                i += 1
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" { j += 1 }
                let word = String(chars[i..<j])
                out.append(FormulaToken(kind: words.contains(word) ? .op(word) : .word, text: word, offset: i))
                i = j
                continue
            }
            if let (spelling, op) = symbols.first(where: { matches(chars, i, $0.0) }) {
                out.append(FormulaToken(kind: .op(op), text: spelling, offset: i))
                i += spelling.count
                continue
            }
            throw PreferenceFormulaError(message: "unexpected character '\(c)' in the formula", offset: i,
                                         hint: "operators: ! (not), & (and), ^ (xor), | (or), -> (implies), <-> (iff)")
        }
        return out
    }

    private static func matches(_ chars: [Character], _ i: Int, _ s: String) -> Bool {
        let s = Array(s)
        return i + s.count <= chars.count && Array(chars[i..<(i + s.count)]) == s
    }
}

/// Recursive descent, one function per precedence level.
struct FormulaParser {
    var tokens: [FormulaToken]
    var atoms: [String]
    var end: Int
    var position = 0

    init(tokens: [FormulaToken], atoms: [String], end: Int) {
        self.tokens = tokens
        self.atoms = atoms
        self.end = end
    }

    var peek: FormulaToken? { position < tokens.count ? tokens[position] : nil }

    mutating func accept(_ op: String) -> Bool {
        guard let t = peek, t.kind == .op(op) else { return false }
        position += 1
        return true
    }

    mutating func iff() throws(PreferenceFormulaError) -> PreferenceFormula {
        var f = try implies()
        while accept("iff") { f = .iff(f, try implies()) }
        return f
    }

    mutating func implies() throws(PreferenceFormulaError) -> PreferenceFormula {
        let f = try or()
        return accept("implies") ? .implies(f, try implies()) : f
    }

    mutating func or() throws(PreferenceFormulaError) -> PreferenceFormula {
        var f = try xor()
        while accept("or") { f = .or(f, try xor()) }
        return f
    }

    mutating func xor() throws(PreferenceFormulaError) -> PreferenceFormula {
        var f = try and()
        while accept("xor") { f = .xor(f, try and()) }
        return f
    }

    mutating func and() throws(PreferenceFormulaError) -> PreferenceFormula {
        var f = try unary()
        while accept("and") { f = .and(f, try unary()) }
        return f
    }

    mutating func unary() throws(PreferenceFormulaError) -> PreferenceFormula {
        accept("not") ? .not(try unary()) : try primary()
    }

    mutating func primary() throws(PreferenceFormulaError) -> PreferenceFormula {
        guard let t = peek else {
            throw PreferenceFormulaError(message: "the formula ends where an atom was expected", offset: end,
                                         hint: "atoms: \(atoms.joined(separator: ", ")), true, false")
        }
        position += 1
        switch t.kind {
        case .open:
            let f = try iff()
            guard let close = peek, close.kind == .close else {
                throw PreferenceFormulaError(message: "'(' is not closed", offset: t.offset, hint: "add the matching ')'")
            }
            position += 1
            return f
        case .word:
            if t.text == "true" || t.text == "false" { return .constant(t.text == "true") }
            guard let i = atoms.firstIndex(of: t.text) else {
                throw PreferenceFormulaError(message: "unknown atom '\(t.text)'", offset: t.offset,
                                             hint: "the atoms are \(atoms.joined(separator: " and ")) (the chosen and the rejected response is good)")
            }
            return .atom(i)
        case .close, .op:
            throw PreferenceFormulaError(message: "unexpected '\(t.text)' where an atom was expected", offset: t.offset,
                                         hint: "atoms: \(atoms.joined(separator: ", ")), true, false; ! (not) is the only prefix operator")
        }
    }
}
