/// The tokens, comments and lexical errors of one source file.
public struct LexResult: Sendable {
    /// The tokens, ending with one `.end` token.
    public var tokens: [Token]
    /// Every `# …` comment, in order.
    public var comments: [Comment]
    /// Lexical errors, in source order.
    public var diagnostics: [Diagnostic]
    /// How many of `diagnostics` were caused only by the input ending early (a string still open).
    public var endOfInputErrors: Int
    /// The length in characters of each line (index 0 is line 1), for ranges that end a line.
    var lineLengths: [Int]
}

/// Splits a source file into tokens (DESIGN.md §4; the grammar is in docs/language.md).
public func tokenize(_ file: SourceFile) -> LexResult {
    var lexer = Lexer(file: file)
    lexer.run()
    return LexResult(tokens: lexer.tokens, comments: lexer.comments, diagnostics: lexer.diagnostics,
                     endOfInputErrors: lexer.endOfInputErrors, lineLengths: lexer.lineLengths)
}

/// A byte-level scanner over the UTF-8 text. Offsets are byte offsets; locations are turned into
/// character columns only where a token starts or ends, with a fast path for ASCII lines.
struct Lexer {
    let file: SourceFile
    let bytes: [UInt8]
    var pos = 0
    var line = 1
    /// Byte offset where the current line starts.
    var lineStart = 0
    /// The first non-ASCII byte of the current line (Int.max if none seen), found lazily.
    var firstNonASCII = Int.max
    var asciiCheckedUntil = 0
    /// A byte offset on the current line before an ASCII byte, and its column.
    var columnCheckpoint = (offset: 0, column: 1)
    var lineHasToken = false
    var tokens: [Token] = []
    var comments: [Comment] = []
    var diagnostics: [Diagnostic] = []
    var endOfInputErrors = 0
    var lineLengths: [Int] = []
    /// Open brackets: newlines are not tokens while the innermost one is `(` or `[`.
    var brackets: [TokenKind] = []
    /// The end of the last line that had a token: where a statement cut short by the recovery
    /// rule in `track` ends.
    var lastNewline: SourceLocation?
    /// How many string literals enclose the current position (through interpolations).
    var stringDepth = 0
    static let maxStringDepth = 8

    init(file: SourceFile) {
        self.file = file
        self.bytes = Array(file.text.utf8)
        tokens.reserveCapacity(bytes.count / 3)
    }

    mutating func run() {
        while true {
            skipSpaces()
            guard pos < bytes.count else { break }
            switch bytes[pos] {
            case Ascii.newline:
                newline()
            case Ascii.hash:
                comment()
            default:
                guard var token = nextToken() else { continue }
                token.isAtLineStart = !lineHasToken
                lineHasToken = true
                track(&token)
                tokens.append(token)
            }
        }
        lineLengths.append(column(pos) - 1)
        // "End of input" points just after the last real token, not at the empty line after the
        // file's final newline, so the excerpt shows the code that is unfinished.
        var end = location(pos)
        if let last = tokens.last(where: { $0.kind != .newline }) {
            end = SourceLocation(line: last.range.start.line, column: last.range.start.column + last.range.length)
        }
        tokens.append(Token(kind: .end, range: SourceRange(end), text: ""))
    }

    /// Keeps the bracket stack that decides whether newlines are tokens.
    private mutating func track(_ token: inout Token) {
        let kind = token.kind
        if kind.isOpeningBracket {
            brackets.append(kind)
        } else if let opener = kind.opener {
            // A wrong closer still closes something, so one typo does not swallow every
            // following newline.
            if let i = brackets.lastIndex(of: opener) {
                brackets.removeSubrange(i...)
            } else if !brackets.isEmpty {
                brackets.removeLast()
            }
        } else if token.isAtLineStart && kind.onlyStartsStatements, let top = brackets.last, top != .leftBrace {
            // `let` and friends cannot occur inside an expression: the `(` or `[` above was never
            // closed. End the statement here so the parser reports one error and goes on.
            while let top = brackets.last, top != .leftBrace { brackets.removeLast() }
            if let at = lastNewline, tokens.last?.kind != .newline {
                tokens.append(Token(kind: .newline, range: SourceRange(at), text: "\n"))
            }
        }
    }

    private mutating func skipSpaces() {
        while pos < bytes.count {
            switch bytes[pos] {
            case Ascii.space, Ascii.tab, Ascii.carriageReturn, 0x0B, 0x0C: pos += 1
            default: return
            }
        }
    }

    private mutating func newline() {
        // "\r\n" ends the line before its "\r" (SourceFile splits on it the same way).
        let contentEnd = pos > lineStart && bytes[pos - 1] == Ascii.carriageReturn ? pos - 1 : pos
        let here = location(contentEnd)
        lineLengths.append(here.column - 1)
        if lineHasToken { lastNewline = here }
        if brackets.last.map({ $0 == .leftBrace }) ?? true, let last = tokens.last?.kind, last != .newline {
            tokens.append(Token(kind: .newline, range: SourceRange(here), text: "\n"))
        }
        pos += 1
        line += 1
        lineStart = pos
        firstNonASCII = Int.max
        asciiCheckedUntil = pos
        lineHasToken = false
    }

    private mutating func comment() {
        let start = pos
        while pos < bytes.count && bytes[pos] != Ascii.newline { pos += 1 }
        var end = pos
        if end > start && bytes[end - 1] == Ascii.carriageReturn { end -= 1 }
        comments.append(Comment(text: text(start, end), line: line, column: column(start), isOwnLine: !lineHasToken))
    }

    /// Lexes one token at `pos` (not whitespace, a newline or `#`); nil after an invalid character.
    mutating func nextToken() -> Token? {
        let start = pos
        let byte = bytes[pos]
        if Ascii.isDigit(byte) { return number() }
        if Ascii.isIdentifierStart(byte) { return identifier() }
        if byte == Ascii.doubleQuote || byte == Ascii.singleQuote { return string() }
        if byte >= 0x80 {
            let (s, _) = scalar(at: pos)
            if Self.isIdentifierStart(s.value) { return identifier() }
            if s == "\u{201C}" || s == "\u{2018}" { return smartQuotedString(closer: s == "\u{201C}" ? "\u{201D}" : "\u{2019}") }
            invalidCharacters()
            return nil
        }
        guard let (kind, length) = punctuation(at: pos) else {
            invalidCharacters()
            return nil
        }
        pos += length
        return Token(kind: kind, range: range(start, pos), text: text(start, pos))
    }

    private mutating func identifier() -> Token {
        let start = pos
        while pos < bytes.count {
            let byte = bytes[pos]
            if byte < 0x80 {
                guard Ascii.isIdentifierStart(byte) || Ascii.isDigit(byte) else { break }
                pos += 1
            } else {
                let (s, length) = scalar(at: pos)
                guard Self.isIdentifierContinue(s) else { break }
                pos += length
            }
        }
        let name = text(start, pos)
        return Token(kind: TokenKind.keyword(name) ?? .identifier, range: range(start, pos), text: name)
    }

    /// Operators and punctuation, longest match first.
    func punctuation(at i: Int) -> (TokenKind, Int)? {
        let next = i + 1 < bytes.count ? bytes[i + 1] : 0
        let equals = next == Ascii.equal
        switch bytes[i] {
        case UInt8(ascii: "+"): return equals ? (.plusEqual, 2) : (.plus, 1)
        case UInt8(ascii: "-"): return equals ? (.minusEqual, 2) : (.minus, 1)
        case UInt8(ascii: "*"): return equals ? (.starEqual, 2) : (.star, 1)
        case UInt8(ascii: "/"): return equals ? (.slashEqual, 2) : (.slash, 1)
        case UInt8(ascii: "="): return equals ? (.equalEqual, 2) : (.equal, 1)
        case UInt8(ascii: "<"): return equals ? (.lessEqual, 2) : (.less, 1)
        case UInt8(ascii: ">"): return equals ? (.greaterEqual, 2) : (.greater, 1)
        case UInt8(ascii: "!"): return equals ? (.bangEqual, 2) : nil
        case UInt8(ascii: "|"): return next == UInt8(ascii: ">") ? (.pipe, 2) : nil
        case UInt8(ascii: "%"): return (.percent, 1)
        case UInt8(ascii: "^"): return (.caret, 1)
        case UInt8(ascii: "@"): return (.at, 1)
        case UInt8(ascii: ","): return (.comma, 1)
        case UInt8(ascii: ":"): return (.colon, 1)
        case UInt8(ascii: ";"): return (.semicolon, 1)
        case UInt8(ascii: "("): return (.leftParen, 1)
        case UInt8(ascii: ")"): return (.rightParen, 1)
        case UInt8(ascii: "["): return (.leftBracket, 1)
        case UInt8(ascii: "]"): return (.rightBracket, 1)
        case UInt8(ascii: "{"): return (.leftBrace, 1)
        case UInt8(ascii: "}"): return (.rightBrace, 1)
        case UInt8(ascii: "."):
            guard next == UInt8(ascii: ".") else { return (.dot, 1) }
            let third = i + 2 < bytes.count ? bytes[i + 2] : 0
            if third == UInt8(ascii: "<") { return (.dotDotLess, 3) }
            if third == UInt8(ascii: ".") { return (.ellipsis, 3) }
            return (.dotDot, 2)
        default: return nil
        }
    }

    // MARK: Reporting

    mutating func error(_ message: String, _ range: SourceRange, hints: [String] = [], atEnd: Bool = false) {
        diagnostics.append(Diagnostic(.error, message, file: file, range: range, hints: hints))
        if atEnd { endOfInputErrors += 1 }
    }
}
