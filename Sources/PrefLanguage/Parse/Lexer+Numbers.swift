extension Lexer {
    /// `12`, `1_000`, `1.5`, `1e-3`, `0x1F`. A number starts with a digit (`.5` is not one); a
    /// fraction needs a digit after the point, so `1..5` is a range and `x.0` is not a number.
    mutating func number() -> Token {
        let start = pos
        var value = 0.0
        var problem: String?
        let isHex = bytes[pos] == UInt8(ascii: "0") && pos + 1 < bytes.count && bytes[pos + 1] | 0x20 == UInt8(ascii: "x")
        if isHex {
            pos += 2
            var digits = 0
            while pos < bytes.count, bytes[pos] == Ascii.underscore || Ascii.hexValue(bytes[pos]) != nil {
                if let d = Ascii.hexValue(bytes[pos]) {
                    value = value * 16 + Double(d)
                    digits += 1
                }
                pos += 1
            }
            if digits == 0 { problem = "a hexadecimal number needs digits, as in 0x1F" }
        } else {
            skipDigits()
            if pos + 1 < bytes.count, bytes[pos] == UInt8(ascii: "."), Ascii.isDigit(bytes[pos + 1]) {
                pos += 1
                skipDigits()
            }
            if pos < bytes.count, bytes[pos] | 0x20 == UInt8(ascii: "e") {
                pos += 1
                if pos < bytes.count, bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
                if pos < bytes.count, Ascii.isDigit(bytes[pos]) {
                    skipDigits()
                } else {
                    problem = "an exponent needs digits, as in 1e-3"
                }
            }
        }
        // Letters glued to a number (`12abc`, `0x1G`) make the whole word malformed.
        if pos < bytes.count, startsNameCharacter(at: pos) {
            while pos < bytes.count, startsNameCharacter(at: pos) { pos += scalar(at: pos).1 }
            problem = problem ?? "a name cannot start with a digit"
        }
        let literal = text(start, pos)
        if problem == nil, literal.hasSuffix("_") { problem = "'_' may only separate digits" }
        if problem == nil, !isHex {
            value = Double(literal.filter { $0 != "_" }) ?? .nan
        }
        let place = range(start, pos)
        if let problem {
            error("malformed number '\(literal)'", place, hints: [problem])
            value = 0
        } else if !value.isFinite {
            error("number '\(literal)' is too large", place, hints: ["the largest number is about 1.8e308"])
            value = 0
        }
        return Token(kind: .number, range: place, text: literal, number: value)
    }

    private mutating func skipDigits() {
        while pos < bytes.count, Ascii.isDigit(bytes[pos]) || bytes[pos] == Ascii.underscore { pos += 1 }
    }

    private func startsNameCharacter(at i: Int) -> Bool {
        let b = bytes[i]
        if b < 0x80 { return Ascii.isIdentifierStart(b) || Ascii.isDigit(b) }
        return Self.isIdentifierContinue(scalar(at: i).0)
    }
}
