/// Builds the `Doc` of a parsed program. The tree gives the structure; the tokens give what the
/// tree does not keep (number and string spellings, bracket positions); the comments are
/// placed as the tree is walked in source order: before each statement, list element,
/// argument or operand, every comment that comes before it in the source and is not placed yet
/// is emitted there, so no comment can be lost or reordered.
final class Formatter {
    static let width = 100

    let file: SourceFile
    let tokens: [Token]
    /// The index of the token that starts at a location.
    let tokenIndex: [SourceLocation: Int]
    /// The index of the bracket that closes (or opens) the bracket at an index.
    let partner: [Int: Int]
    let comments: [Comment]
    /// The first comment not placed yet.
    var nextComment = 0
    /// Set when the tree and the tokens disagree (a formatter bug): `format` then refuses.
    var failure: String?

    init(file: SourceFile, comments: [Comment]) {
        self.file = file
        self.comments = comments
        let tokens = tokenize(file).tokens
        self.tokens = tokens
        var index: [SourceLocation: Int] = [:]
        var partner: [Int: Int] = [:]
        var open: [Int] = []
        for (i, token) in tokens.enumerated() {
            index[token.range.start] = i
            if token.kind.isOpeningBracket {
                open.append(i)
            } else if let opener = token.kind.opener, let last = open.last, tokens[last].kind == opener {
                open.removeLast()
                partner[last] = i
                partner[i] = last
            }
        }
        self.tokenIndex = index
        self.partner = partner
    }

    /// Past every comment: the end of the file.
    static let endOfFile = SourceLocation(line: Int.max, column: Int.max)

    // MARK: Tokens

    /// The source text of the token at `location` (a number's or string's exact spelling).
    func tokenText(at location: SourceLocation, kind: TokenKind) -> String? {
        guard let i = tokenIndex[location], tokens[i].kind == kind else {
            failure = failure ?? "no \(kind) token at \(location)"
            return nil
        }
        return tokens[i].text
    }

    /// Where the bracket that closes the one at `location` is.
    func closing(_ location: SourceLocation) -> SourceLocation? {
        guard let i = tokenIndex[location], let j = partner[i] else { return nil }
        return tokens[j].range.start
    }

    /// The closing `)` of a call or parameter list whose first item starts at `first`: the
    /// outermost of the `(` tokens right before it (inner ones group the item itself).
    func closingParen(beforeFirstItemAt first: SourceLocation) -> SourceLocation? {
        guard var i = tokenIndex[first] else { return nil }
        var open: Int?
        while i > 0 && tokens[i - 1].kind == .leftParen {
            i -= 1
            open = i
        }
        guard let open, let close = partner[open] else { return nil }
        return tokens[close].range.start
    }

    /// The token after the one at `location`.
    func token(after location: SourceLocation) -> Token? {
        guard let i = tokenIndex[location], i + 1 < tokens.count else { return nil }
        return tokens[i + 1]
    }

    /// True when the `|>` before the pipe stage starting at `location` begins its line.
    func pipeStartsLine(stageAt location: SourceLocation) -> Bool {
        guard var i = tokenIndex[location] else { return false }
        while i > 0 && tokens[i - 1].kind == .leftParen { i -= 1 }
        return i > 0 && tokens[i - 1].kind == .pipe && tokens[i - 1].isAtLineStart
    }

    // MARK: Positions

    /// Where an expression's first token is (an operator's range is its left operand's).
    func start(_ expression: Expr) -> SourceLocation {
        var e = expression
        while true {
            switch e {
            case .binary(_, let left, _, _): e = left
            case .member(let base, _, _): e = base
            case .call(_, let args, true, _) where !args.isEmpty: e = args[0].value
            default: return e.range.start
            }
        }
    }

    func start(_ statement: Stmt) -> SourceLocation {
        if case .expression(let e) = statement { return start(e) }
        return statement.range.start
    }

    func start(_ argument: Argument) -> SourceLocation {
        argument.labelRange?.start ?? start(argument.value)
    }

    /// True when source line `line - 1` is blank, so a blank line separated `line` from what
    /// came before it.
    func blankLineBefore(_ line: Int) -> Bool {
        line >= 2 && file.line(line - 1).allSatisfy { $0 == " " || $0 == "\t" || $0 == "\r" }
    }

    // MARK: Comments

    private func location(_ c: Comment) -> SourceLocation { SourceLocation(line: c.line, column: c.column) }

    /// The next comment, if it comes before `bound` and ends a line of code (`x = 1  # why`),
    /// as a trailing comment. Only one: a line has room for one comment, and any others
    /// (from places that have no room for one) go on lines of their own at the next place.
    func takeTrailing(before bound: SourceLocation?) -> Doc {
        guard let bound, nextComment < comments.count else { return .empty }
        let c = comments[nextComment]
        guard !c.isOwnLine, location(c) < bound else { return .empty }
        nextComment += 1
        return .concat([.lineSuffix(c.text), .breakParent])
    }

    /// Every comment before `bound` not placed yet, to be printed on lines of their own.
    func takeComments(before bound: SourceLocation?) -> [Comment] {
        guard let bound else { return [] }
        var taken: [Comment] = []
        while nextComment < comments.count, location(comments[nextComment]) < bound {
            taken.append(comments[nextComment])
            nextComment += 1
        }
        return taken
    }

    /// True when a comment not placed yet comes before `bound`.
    func hasComment(before bound: SourceLocation?) -> Bool {
        guard let bound, nextComment < comments.count else { return false }
        return location(comments[nextComment]) < bound
    }

    /// A place where the layout may break the line (`line`), with the comments that come before
    /// `bound`: trailing ones stay at the end of the line before, the others get lines of their
    /// own after it. Any comment breaks the enclosing groups.
    func breakPoint(_ line: Doc, before bound: SourceLocation) -> Doc {
        let trailing = takeTrailing(before: bound)
        let own = takeComments(before: bound)
        if trailing.isEmpty && own.isEmpty { return line }
        var parts = [trailing, line]
        for c in own { parts += [.text(c.text), .hardline] }
        parts.append(.breakParent)
        return .concat(parts)
    }
}
