/// What a token is. Keywords and punctuation each get their own case so the parser can compare
/// kinds without looking at text.
public enum TokenKind: UInt8, Sendable, Hashable {
    case identifier, number, string
    /// A significant line break (one token for a run of blank and comment lines).
    case newline
    /// The end of the input.
    case end
    /// The end of an interpolation's tokens inside a string (the closing `}` or the `:` of a spec).
    case interpolationEnd

    // Keywords.
    case `let`, `var`, param, fn, `if`, `else`, `for`, `in`, `while`, `break`, `continue`, `return`
    case `import`, `as`, `true`, `false`, noneKeyword, and, or, not

    // Operators and punctuation.
    case plus, minus, star, slash, percent, caret, at
    case equalEqual, bangEqual, less, lessEqual, greater, greaterEqual
    case equal, plusEqual, minusEqual, starEqual, slashEqual
    case pipe, dot, dotDot, dotDotLess, ellipsis
    case comma, colon, semicolon
    case leftParen, rightParen, leftBracket, rightBracket, leftBrace, rightBrace

    /// The keyword spelled `text`, if it is one.
    static func keyword(_ text: String) -> TokenKind? { keywords[text] }

    static let keywords: [String: TokenKind] = [
        "let": .let, "var": .var, "param": .param, "fn": .fn, "if": .if, "else": .else, "for": .for,
        "in": .in, "while": .while, "break": .break, "continue": .continue, "return": .return,
        "import": .import, "as": .as, "true": .true, "false": .false, "none": .noneKeyword, "and": .and,
        "or": .or, "not": .not,
    ]

    /// True for the keywords that can only begin a statement; the lexer and the parser's error
    /// recovery use them to find where a statement with an unclosed bracket must have ended.
    var onlyStartsStatements: Bool {
        switch self {
        case .let, .var, .param, .import, .while, .break, .continue, .return: true
        default: false
        }
    }

    var isOpeningBracket: Bool { self == .leftParen || self == .leftBracket || self == .leftBrace }

    var isClosingBracket: Bool { self == .rightParen || self == .rightBracket || self == .rightBrace }

    /// The opening bracket that a closing bracket closes.
    var opener: TokenKind? {
        switch self {
        case .rightParen: .leftParen
        case .rightBracket: .leftBracket
        case .rightBrace: .leftBrace
        default: nil
        }
    }
}

/// A piece of a string literal as the lexer found it.
public enum StringSegment: Sendable {
    case text(String)
    /// `{expr}` or `{expr:spec}`: the expression's tokens (ending with `.interpolationEnd`),
    /// the format spec if there was a `:`, and the range of the whole `{…}`.
    case interpolation(tokens: [Token], format: String?, range: SourceRange)
}

/// One token with its place in the source.
public struct Token: Sendable {
    public var kind: TokenKind
    /// Where the token is; its length counts characters.
    public var range: SourceRange
    /// The source text of the token (identifiers: the name; strings: the whole literal).
    public var text: String
    /// The value of a number token.
    public var number: Double
    /// The pieces of a string token.
    public var segments: [StringSegment]
    /// True when the token is the first on its line (error recovery uses this).
    public var isAtLineStart: Bool

    /// A token; `number` and `segments` only matter for number and string tokens.
    public init(kind: TokenKind, range: SourceRange, text: String, number: Double = 0,
                segments: [StringSegment] = [], isAtLineStart: Bool = false) {
        self.kind = kind
        self.range = range
        self.text = text
        self.number = number
        self.segments = segments
        self.isAtLineStart = isAtLineStart
    }

    /// How a message names this token: `'beta'`, `')'`, "a string", "end of line", "end of input".
    var quoted: String {
        switch kind {
        case .newline: "end of line"
        case .end: "end of input"
        case .string: "a string"
        default: "'\(text)'"
        }
    }
}

/// A `# …` comment: not a token, but kept for the formatter and for notebook cells.
public struct Comment: Sendable, Equatable {
    /// The comment's text from `#` to the end of the line (without the line break).
    public var text: String
    /// Where the `#` is (1-based line and character column).
    public var line: Int
    public var column: Int
    /// True when nothing but whitespace precedes the comment on its line.
    public var isOwnLine: Bool

    /// A comment starting at `line`:`column`.
    public init(text: String, line: Int, column: Int, isOwnLine: Bool) {
        self.text = text
        self.line = line
        self.column = column
        self.isOwnLine = isOwnLine
    }
}
