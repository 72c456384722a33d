/// The result of parsing one script or REPL entry.
public struct ParseResult: Sendable {
    /// The syntax tree; statements that could not be parsed are left out of it.
    public var program: Program
    /// Lexical and syntax errors, in source order.
    public var diagnostics: [Diagnostic]
    /// True when the only problem is that the input ended too early (an open bracket, brace or
    /// string, a trailing operator, a header without its block): the REPL asks for more lines.
    public var isIncomplete: Bool
    /// Every `# …` comment, in order (for the formatter).
    public var comments: [Comment]
    /// The first node id this parse did not use: the next REPL entry starts there.
    public var nextNodeID: NodeID
}

/// Parses a script or REPL entry. Node ids are numbered from `firstNodeID`, so separately
/// parsed entries of one session never share an id.
public func parse(_ file: SourceFile, firstNodeID: NodeID = 0) -> ParseResult {
    let lexed = tokenize(file)
    var parser = Parser(file: file, lexed: lexed, firstNodeID: firstNodeID)
    let statements = parser.statements(inBlock: false)
    let program = Program(file: file, statements: statements, cells: cells(from: lexed.comments))
    let all = lexed.diagnostics + parser.diagnostics
    let endErrors = lexed.endOfInputErrors + parser.endOfInputErrors
    // Stable, so two errors at one place keep the order they were found in.
    let sorted = all.enumerated().sorted { a, b in
        let (l, r) = (a.element.range?.start, b.element.range?.start)
        if let l, let r, l != r { return l < r }
        return a.offset < b.offset
    }.map(\.element)
    return ParseResult(program: program, diagnostics: sorted, isIncomplete: !all.isEmpty && endErrors == all.count,
                       comments: lexed.comments, nextNodeID: parser.nextID)
}

/// Thrown to abandon the current statement; the diagnostic has already been recorded.
struct ParseError: Error {}

/// A recursive-descent parser with precedence climbing for binary operators. Errors throw
/// `ParseError` up to the innermost statement list, which skips to the next statement boundary
/// (panic mode), so each independent mistake is reported once.
struct Parser {
    let file: SourceFile
    var tokens: [Token]
    var index = 0
    let lineLengths: [Int]
    /// Lines with a lexical error: parse errors there are follow-ons and are not reported.
    let linesWithLexicalErrors: Set<Int>
    let lexicalErrorStarts: [SourceLocation]
    var diagnostics: [Diagnostic] = []
    var endOfInputErrors = 0
    var nextID: NodeID
    /// Nesting of expressions, blocks and patterns, bounded so deep input cannot overflow the stack.
    var depth = 0
    static let maxDepth = 100
    /// Operators and postfix operations folded into left-nested chains (`a + b + …`,
    /// `x.f().g()…`) on the path to the current expression. The parser builds a chain in a
    /// loop, but the tree it makes is as deep as the chain is long, and the resolver, the
    /// compiler and the formatter recurse over it; so chains are bounded too.
    var chainLinks = 0
    static let maxChainLinks = 1_000
    /// Set when nesting went too deep: the whole top-level statement is abandoned, silently,
    /// since inner recovery would only hit the limit again.
    var nestingExceeded = false
    /// How many blocks enclose the current statement (`param` is only allowed outside all).
    var blockDepth = 0
    /// Opening brackets consumed and not yet closed, for error recovery.
    var brackets: [Token] = []
    /// The range of the last consumed token, where spans end.
    var previousRange: SourceRange

    init(file: SourceFile, lexed: LexResult, firstNodeID: NodeID) {
        self.file = file
        self.tokens = lexed.tokens
        self.lineLengths = lexed.lineLengths
        self.lexicalErrorStarts = lexed.diagnostics.compactMap { $0.range?.start }
        self.linesWithLexicalErrors = Set(lexicalErrorStarts.map(\.line))
        self.nextID = firstNodeID
        self.previousRange = lexed.tokens.first?.range ?? SourceRange(SourceLocation(line: 1, column: 1))
    }

    // MARK: Tokens

    var kind: TokenKind { tokens[index].kind }
    var current: Token { tokens[index] }

    func peekKind(_ offset: Int = 1) -> TokenKind {
        tokens[Swift.min(index + offset, tokens.count - 1)].kind
    }

    /// Consumes the current token; the final `.end` (or `.interpolationEnd`) is never passed.
    @discardableResult
    mutating func advance() -> Token {
        let token = tokens[index]
        if token.kind != .end && token.kind != .interpolationEnd { index += 1 }
        previousRange = token.range
        return token
    }

    mutating func skipNewlines() {
        while tokens[index].kind == .newline { index += 1 }
    }

    @discardableResult
    mutating func openBracket() -> Token {
        let token = advance()
        brackets.append(token)
        return token
    }

    mutating func closeBracket() {
        advance()
        if !brackets.isEmpty { brackets.removeLast() }
    }

    mutating func makeID() -> NodeID {
        defer { nextID &+= 1 }
        return nextID
    }

    mutating func name(_ token: Token) -> Name {
        Name(id: makeID(), text: token.text, range: token.range)
    }

    /// From the start of `first` to the end of `last`, or to the end of `first`'s line.
    func span(_ first: SourceRange, _ last: SourceRange) -> SourceRange {
        let start = first.start
        if last.start.line == start.line {
            return SourceRange(start, length: last.start.column + last.length - start.column)
        }
        let lineLength = start.line - 1 < lineLengths.count ? lineLengths[start.line - 1] : start.column
        return SourceRange(start, length: lineLength - start.column + 1)
    }

    /// From `first` to the last consumed token.
    func spanToHere(_ first: SourceRange) -> SourceRange { span(first, previousRange) }

    // MARK: Nesting

    mutating func enter() throws {
        depth += 1
        if depth > Self.maxDepth {
            depth -= 1
            let error = fail("expression nested too deeply", hints: ["split it up with 'let' bindings"])
            nestingExceeded = true
            throw error
        }
    }

    mutating func leave() { depth -= 1 }

    /// Counts one more link of a left-nested chain; the caller gives its links back when the
    /// chain ends (`chainLinks -= added`).
    mutating func link() throws {
        chainLinks += 1
        if chainLinks > Self.maxChainLinks {
            chainLinks -= 1
            let error = fail("expression nested too deeply",
                             hints: ["a chain of more than \(Self.maxChainLinks) operators or calls; split it up with 'let' bindings"])
            nestingExceeded = true
            throw error
        }
    }

    // MARK: Errors

    /// Records an error that does not stop parsing.
    mutating func report(_ message: String, at range: SourceRange, hints: [String] = [], atEnd: Bool = false) {
        guard !nestingExceeded, !linesWithLexicalErrors.contains(range.start.line) else { return }
        diagnostics.append(Diagnostic(.error, message, file: file, range: range, hints: hints))
        if atEnd { endOfInputErrors += 1 }
    }

    /// Records an error at the current token (or `range`) and returns the error to throw.
    mutating func fail(_ message: String, at range: SourceRange? = nil, hints: [String] = []) -> ParseError {
        let token = tokens[index]
        report(message, at: range ?? token.range, hints: hints, atEnd: range == nil && token.kind == .end)
        return ParseError()
    }

    /// "expected X, found Y" at the current token.
    mutating func expected(_ what: String, hints: [String] = []) -> ParseError {
        fail("expected \(what), found \(current.quoted)", hints: hints)
    }

    /// Skips to the end of the broken statement: a newline or `;` outside the brackets opened
    /// since `base`, a `}` that closes an enclosing block, or a line that can only start a new
    /// statement: after an unclosed `(` or `[`, or, inside a `{`, at most as indented as the
    /// broken statement (`statementColumn`).
    mutating func synchronize(bracketsAt base: Int, statementColumn: Int, inBlock: Bool) {
        var open = base < brackets.count ? brackets[base...].map(\.kind) : []
        if base < brackets.count { brackets.removeSubrange(base...) }
        while true {
            let token = tokens[index]
            switch token.kind {
            case .end, .interpolationEnd:
                return
            case .newline, .semicolon:
                // A next line starting with `|>` or `.` continues the broken statement.
                let continues = token.kind == .newline && (peekKind() == .pipe || peekKind() == .dot)
                if !open.contains(.leftBrace) && !continues { return }
            case .leftParen, .leftBracket, .leftBrace:
                open.append(token.kind)
            case .rightParen, .rightBracket, .rightBrace:
                if let opener = token.kind.opener, let i = open.lastIndex(of: opener) {
                    open.removeSubrange(i...)
                } else if token.kind == .rightBrace && inBlock {
                    // It closes the enclosing block (outside any block it is just stray).
                    return
                }
            default:
                let declaresFunction = token.kind == .fn && peekKind() == .identifier
                if token.isAtLineStart && (token.kind.onlyStartsStatements || declaresFunction)
                    && (!open.contains(.leftBrace) || token.range.start.column <= statementColumn) {
                    return
                }
            }
            advance()
        }
    }
}
