extension Lexer {
    /// A string in double or single quotes, on one line, with escapes, `{expr}` / `{expr:spec}`
    /// interpolations (lexed into tokens here, parsed later), and `{{` / `}}` for literal braces.
    mutating func string() -> Token {
        let start = pos
        let quote = bytes[pos]
        pos += 1
        stringDepth += 1
        defer { stringDepth -= 1 }
        var segments: [StringSegment] = []
        var buffer: [UInt8] = []
        scan: while true {
            guard pos < bytes.count, bytes[pos] != Ascii.newline else {
                let q = quote == Ascii.doubleQuote ? "\"" : "'"
                error("unterminated string", range(start, pos), hints: ["close it with \(q) before the end of the line"],
                      atEnd: pos >= bytes.count)
                // The closing bracket was probably swallowed by the string: let the line end the
                // statement rather than continue it.
                if stringDepth == 1 {
                    while let top = brackets.last, top != .leftBrace { brackets.removeLast() }
                }
                break
            }
            let byte = bytes[pos]
            let next = pos + 1 < bytes.count ? bytes[pos + 1] : 0
            switch byte {
            case quote:
                pos += 1
                break scan
            case Ascii.backslash:
                escape(into: &buffer)
            case Ascii.leftBrace where next == Ascii.leftBrace, Ascii.rightBrace where next == Ascii.rightBrace:
                buffer.append(byte)
                pos += 2
            case Ascii.leftBrace:
                if !buffer.isEmpty {
                    segments.append(.text(String(decoding: buffer, as: UTF8.self)))
                    buffer.removeAll(keepingCapacity: true)
                }
                if let part = interpolation(quote: quote) { segments.append(part) }
            case Ascii.rightBrace:
                error("unmatched '}' in string", range(pos, pos + 1), hints: ["write '}}' for a literal '}'"])
                buffer.append(byte)
                pos += 1
            default:
                buffer.append(byte)
                pos += 1
            }
        }
        if !buffer.isEmpty || segments.isEmpty { segments.append(.text(String(decoding: buffer, as: UTF8.self))) }
        return Token(kind: .string, range: range(start, pos), text: text(start, pos), segments: segments)
    }

    /// `“text”` from an editor that curls quotes: one error, then a plain string, so that the
    /// rest of the line still parses.
    mutating func smartQuotedString(closer: Unicode.Scalar) -> Token {
        let start = pos
        pos += scalar(at: pos).1
        let contentStart = pos
        var contentEnd: Int?
        while pos < bytes.count, bytes[pos] != Ascii.newline {
            let (s, length) = scalar(at: pos)
            if s == closer { contentEnd = pos }
            pos += length
            if contentEnd != nil { break }
        }
        error("invalid character '\(scalar(at: start).0)'", range(start, contentStart),
              hints: ["use straight quotes (\" or ') for strings"])
        let content = text(contentStart, contentEnd ?? pos)
        return Token(kind: .string, range: range(start, pos), text: text(start, pos), segments: [.text(content)])
    }

    private mutating func escape(into buffer: inout [UInt8]) {
        let start = pos
        pos += 1
        // A backslash at the end of the line: the string loop reports the missing quote.
        guard pos < bytes.count, bytes[pos] != Ascii.newline else { return }
        let c = bytes[pos]
        let simple: UInt8? = switch c {
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "t"): 0x09
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "0"): 0
        case Ascii.backslash, Ascii.doubleQuote, Ascii.singleQuote, Ascii.leftBrace, Ascii.rightBrace: c
        default: nil
        }
        if let simple {
            buffer.append(simple)
            pos += 1
        } else if c == UInt8(ascii: "u") {
            unicodeEscape(from: start, into: &buffer)
        } else {
            let (s, length) = scalar(at: pos)
            pos += length
            error("invalid escape sequence '\\\(s)'", range(start, pos),
                  hints: ["valid escapes are \\n \\t \\r \\0 \\\\ \\\" \\' \\{ \\} and \\u{1F600}"])
            buffer.append(contentsOf: bytes[(start + 1)..<pos])
        }
    }

    /// `\u{1F600}`: one to eight hexadecimal digits naming a Unicode scalar. A bad escape is
    /// skipped up to its `}` so that its braces are not taken for an interpolation.
    private mutating func unicodeEscape(from start: Int, into buffer: inout [UInt8]) {
        pos += 1
        let hint = "write a unicode escape as \\u{1F600}, with 1 to 8 hexadecimal digits"
        guard pos < bytes.count, bytes[pos] == Ascii.leftBrace else {
            error("invalid unicode escape", range(start, pos), hints: [hint])
            return
        }
        let digitsStart = pos + 1
        var end = digitsStart
        while end < bytes.count, bytes[end] != Ascii.rightBrace, bytes[end] != Ascii.newline,
              bytes[end] != Ascii.doubleQuote, bytes[end] != Ascii.singleQuote {
            end += 1
        }
        let closed = end < bytes.count && bytes[end] == Ascii.rightBrace
        pos = closed ? end + 1 : end
        let digits = bytes[digitsStart..<end]
        guard closed, (1...8).contains(digits.count), digits.allSatisfy({ Ascii.hexValue($0) != nil }) else {
            error("invalid unicode escape", range(start, pos), hints: [hint])
            return
        }
        let value = digits.reduce(UInt32(0)) { $0 << 4 | (Ascii.hexValue($1) ?? 0) }
        guard let s = Unicode.Scalar(value) else {
            error("invalid unicode scalar U+\(String(value, radix: 16, uppercase: true)) in escape", range(start, pos),
                  hints: ["surrogates (D800 to DFFF) and values above 10FFFF are not characters"])
            return
        }
        buffer.append(contentsOf: Array(String(Character(s)).utf8))
    }

    /// After `{` in a string: the tokens up to the matching `}` (or `:` and a format spec).
    /// Returns nil when there is nothing to parse; errors are reported here, except a missing
    /// closing quote, which the string reports.
    private mutating func interpolation(quote: UInt8) -> StringSegment? {
        let open = pos
        pos += 1
        let unterminatedHint = "close it with '}', or write '{{' for a literal '{'"
        if stringDepth > Self.maxStringDepth {
            error("string interpolation nested too deeply", range(open, pos), hints: ["use 'let' for the inner strings"])
            while pos < bytes.count, bytes[pos] != quote, bytes[pos] != Ascii.newline { pos += 1 }
            return nil
        }
        var tokens: [Token] = []
        var depth = 0
        var format: String?
        var end = pos
        while true {
            while pos < bytes.count, bytes[pos] == Ascii.space || bytes[pos] == Ascii.tab { pos += 1 }
            guard pos < bytes.count, bytes[pos] != Ascii.newline else { return nil }
            let byte = bytes[pos]
            if depth == 0 && byte == quote {
                if let (innerEnd, resume) = nestedSameQuoteString(at: pos, quote: quote) {
                    // `"a {"b"} c"`: one error for the inner string, and the outer one goes on
                    // after the interpolation's `}`.
                    let other = quote == Ascii.doubleQuote ? "'" : "\""
                    error("a string inside an interpolation cannot use the quote of the string around it",
                          range(pos, innerEnd), hints: ["write the inner string with \(other) quotes, or bind it to a variable first"])
                    pos = resume
                    return nil
                }
                error("unterminated interpolation", range(open, open + 1), hints: [unterminatedHint])
                return nil
            }
            if depth == 0 && byte == Ascii.rightBrace {
                end = pos
                pos += 1
                break
            }
            if depth == 0 && byte == Ascii.colon {
                end = pos
                pos += 1
                let specStart = pos
                while pos < bytes.count, bytes[pos] != Ascii.rightBrace, bytes[pos] != quote, bytes[pos] != Ascii.newline {
                    pos += 1
                }
                guard pos < bytes.count, bytes[pos] != Ascii.newline else { return nil }
                guard bytes[pos] == Ascii.rightBrace else {
                    error("unterminated interpolation", range(open, open + 1), hints: [unterminatedHint])
                    return nil
                }
                format = text(specStart, pos)
                pos += 1
                break
            }
            if byte == Ascii.hash {
                error("invalid character '#'", range(pos, pos + 1), hints: ["comments cannot appear inside a string"])
                pos += 1
                continue
            }
            guard let token = nextToken() else { continue }
            if token.kind.isOpeningBracket {
                depth += 1
            } else if token.kind.isClosingBracket {
                depth = max(0, depth - 1)
            }
            tokens.append(token)
        }
        if tokens.isEmpty {
            error("empty interpolation", range(open, pos), hints: ["write '{{' and '}}' for literal braces"])
            return nil
        }
        tokens.append(Token(kind: .interpolationEnd, range: range(end, end + 1), text: format == nil ? "}" : ":"))
        return .interpolation(tokens: tokens, format: format, range: range(open, pos))
    }

    /// When the `quote` at `start` opens a string inside an interpolation (`{"b"}` in a
    /// `"…"` string), the end of that inner string and the position after the interpolation's
    /// `}`, provided the outer string still closes on the same line; nil otherwise.
    private func nestedSameQuoteString(at start: Int, quote: UInt8) -> (innerEnd: Int, resume: Int)? {
        func closingQuote(after p: Int) -> Int? {
            var i = p
            while i < bytes.count, bytes[i] != Ascii.newline {
                if bytes[i] == Ascii.backslash { i += 2; continue }
                if bytes[i] == quote { return i }
                i += 1
            }
            return nil
        }
        guard let innerClose = closingQuote(after: start + 1) else { return nil }
        var i = innerClose + 1
        var depth = 0
        while i < bytes.count, bytes[i] != Ascii.newline {
            switch bytes[i] {
            case quote:
                // Another inner string: skip it whole.
                guard let close = closingQuote(after: i + 1) else { return nil }
                i = close
            case Ascii.leftBrace, UInt8(ascii: "("), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: ")"), UInt8(ascii: "]"): depth = max(0, depth - 1)
            case Ascii.rightBrace:
                if depth == 0 { return closingQuote(after: i + 1) == nil ? nil : (innerClose + 1, i + 1) }
                depth -= 1
            default: break
            }
            i += 1
        }
        return nil
    }
}
