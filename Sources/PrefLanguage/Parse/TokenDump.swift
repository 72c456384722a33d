/// The lexer's view of a file as text, one token a line (`pref tokens FILE`): what the editor
/// grammar (docs/editors/pref.tmLanguage.json) is checked against by Scripts/check-grammar.
/// A line is `line:column:length class text`, columns and lengths in characters; classes:
/// keyword, constant (true, false, none), word-operator (and, or, not), identifier, call (an
/// identifier before `(`), label (an identifier before `:`: a keyword argument or record key),
/// number, string (the whole literal, then its interpolations' tokens and `interpolation` /
/// `format` ranges), operator, punctuation, comment, cell (a `# %%` marker).
public enum TokenDump {
    /// Every keyword spelling, sorted.
    public static var keywords: [String] { TokenKind.keywords.keys.sorted() }

    public static func dump(_ file: SourceFile) -> String {
        let lexed = tokenize(file)
        var lines = [(SourceLocation, String)]()
        func add(_ tokens: [Token]) {
            for (i, t) in tokens.enumerated() {
                let next = i + 1 < tokens.count ? tokens[i + 1].kind : nil
                guard let cls = kind(t, next: next) else { continue }
                lines.append((t.range.start, "\(t.range.start.line):\(t.range.start.column):\(t.range.length) \(cls) \(t.text)"))
                for segment in t.segments {
                    guard case .interpolation(let inner, let format, let range) = segment else { continue }
                    lines.append((range.start, "\(range.start.line):\(range.start.column):\(range.length) interpolation"))
                    add(inner)
                    if let format { lines.append((range.start, "\(range.start.line):\(range.start.column):\(range.length) format \(format)")) }
                }
            }
        }
        add(lexed.tokens)
        for c in lexed.comments {
            let isCell = c.isOwnLine && c.text.hasPrefix("# %%")
            lines.append((SourceLocation(line: c.line, column: c.column), "\(c.line):\(c.column):\(c.text.count) \(isCell ? "cell" : "comment") \(c.text)"))
        }
        return lines.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map { $0.element.1 + "\n" }.joined()
    }

    static func kind(_ t: Token, next: TokenKind?) -> String? {
        switch t.kind {
        case .newline, .end, .interpolationEnd: return nil
        case .identifier: return next == .leftParen ? "call" : next == .colon ? "label" : "identifier"
        case .number: return "number"
        case .string: return "string"
        case .true, .false, .noneKeyword: return "constant"
        case .and, .or, .not: return "word-operator"
        case .let, .var, .param, .fn, .if, .else, .for, .in, .while, .break, .continue, .return, .import, .as: return "keyword"
        case .plus, .minus, .star, .slash, .percent, .caret, .at, .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual,
             .equal, .plusEqual, .minusEqual, .starEqual, .slashEqual, .pipe, .dotDot, .dotDotLess, .ellipsis:
            return "operator"
        case .dot, .comma, .colon, .semicolon, .leftParen, .rightParen, .leftBracket, .rightBracket, .leftBrace, .rightBrace:
            return "punctuation"
        }
    }
}
