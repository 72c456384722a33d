/// Byte constants and classes for the scanner.
enum Ascii {
    static let newline = UInt8(ascii: "\n")
    static let carriageReturn = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let hash = UInt8(ascii: "#")
    static let equal = UInt8(ascii: "=")
    static let doubleQuote = UInt8(ascii: "\"")
    static let singleQuote = UInt8(ascii: "'")
    static let backslash = UInt8(ascii: "\\")
    static let leftBrace = UInt8(ascii: "{")
    static let rightBrace = UInt8(ascii: "}")
    static let colon = UInt8(ascii: ":")
    static let underscore = UInt8(ascii: "_")

    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == underscore
    }

    /// The value of a hexadecimal digit, or nil.
    static func hexValue(_ b: UInt8) -> UInt32? {
        switch b {
        case 0x30...0x39: UInt32(b - 0x30)
        case 0x61...0x66: UInt32(b - 0x61 + 10)
        case 0x41...0x46: UInt32(b - 0x41 + 10)
        default: nil
        }
    }
}

extension Lexer {
    // MARK: Locations

    /// The 1-based character column of a byte offset on the current line.
    mutating func column(_ offset: Int) -> Int {
        // Find non-ASCII bytes lazily: most lines have none, and then columns are byte offsets.
        while asciiCheckedUntil < offset && firstNonASCII == Int.max {
            if bytes[asciiCheckedUntil] >= 0x80 { firstNonASCII = asciiCheckedUntil }
            asciiCheckedUntil += 1
        }
        if offset <= firstNonASCII { return offset - lineStart + 1 }
        // Count on from the last checkpoint. A checkpoint sits before an ASCII byte, where a
        // character always begins, so counting the pieces separately gives the same total.
        if offset < columnCheckpoint.offset || columnCheckpoint.offset < lineStart {
            columnCheckpoint = (lineStart, 1)
        }
        let column = columnCheckpoint.column
            + String(decoding: bytes[columnCheckpoint.offset..<offset], as: UTF8.self).count
        if offset < bytes.count && bytes[offset] < 0x80 { columnCheckpoint = (offset, column) }
        return column
    }

    mutating func location(_ offset: Int) -> SourceLocation {
        SourceLocation(line: line, column: column(offset))
    }

    /// The range of the bytes `start..<end` on the current line.
    mutating func range(_ start: Int, _ end: Int) -> SourceRange {
        let first = column(start)
        return SourceRange(SourceLocation(line: line, column: first), length: column(end) - first)
    }

    func text(_ start: Int, _ end: Int) -> String {
        String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The Unicode scalar starting at byte `i`, and its length in bytes.
    func scalar(at i: Int) -> (Unicode.Scalar, Int) {
        let b0 = bytes[i]
        let length = b0 < 0x80 ? 1 : b0 < 0xE0 ? 2 : b0 < 0xF0 ? 3 : 4
        guard i + length <= bytes.count else { return ("\u{FFFD}", 1) }
        var value = length == 1 ? UInt32(b0) : UInt32(b0) & (0xFF >> (length + 1))
        for k in 1..<max(1, length) { value = value << 6 | UInt32(bytes[i + k] & 0x3F) }
        return (Unicode.Scalar(value) ?? "\u{FFFD}", length)
    }

    // MARK: Character classes

    /// Letters of any script start a name; so does `_`.
    static func isIdentifierStart(_ value: UInt32) -> Bool {
        guard let s = Unicode.Scalar(value) else { return false }
        if value < 0x80 { return Ascii.isIdentifierStart(UInt8(value)) }
        switch s.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .letterNumber:
            return true
        default:
            return false
        }
    }

    /// After the first character, names may also contain digits and combining marks.
    static func isIdentifierContinue(_ s: Unicode.Scalar) -> Bool {
        if isIdentifierStart(s.value) { return true }
        switch s.properties.generalCategory {
        case .decimalNumber, .nonspacingMark, .spacingMark, .connectorPunctuation: return true
        default: return false
        }
    }

    /// True when a token (or whitespace, a newline or a comment) can start at byte `i`.
    func startsSomethingValid(at i: Int) -> Bool {
        let byte = bytes[i]
        if byte >= 0x80 { return Self.isIdentifierStart(scalar(at: i).0.value) }
        if Ascii.isDigit(byte) || Ascii.isIdentifierStart(byte) { return true }
        switch byte {
        case Ascii.space, Ascii.tab, Ascii.carriageReturn, Ascii.newline, Ascii.hash, 0x0B, 0x0C,
             Ascii.doubleQuote, Ascii.singleQuote:
            return true
        default:
            return punctuation(at: i) != nil
        }
    }

    /// Reports a run of characters that start no token, with a hint for the usual suspects.
    mutating func invalidCharacters() {
        let start = pos
        repeat {
            pos += scalar(at: pos).1
        } while pos < bytes.count && !startsSomethingValid(at: pos)
        let run = text(start, pos)
        let (first, _) = scalar(at: start)
        let shown = first.properties.isWhitespace || first.value < 0x20 || first.value == 0x7F
            ? "U+" + String(first.value, radix: 16, uppercase: true).leftPadded(to: 4)
            : "'\(first)'"
        let hint: String? = switch run {
        case "&&", "&": "use 'and' for logical and"
        case "||": "use 'or' for logical or"
        case "|": "use '|>' to pipe a value into a function"
        case "!": "use 'not' for negation"
        default:
            first.properties.isWhitespace ? "only spaces and tabs may separate tokens"
                : "\u{201C}\u{201D}\u{2018}\u{2019}".unicodeScalars.contains(first) ? "use straight quotes (\" or ') for strings"
                : first.value >= 0x80 ? "names may contain letters, digits and '_'" : nil
        }
        error("invalid character \(shown)", range(start, pos), hints: hint.map { [$0] } ?? [])
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
