extension Parser {
    /// Literals, names, parenthesized expressions, lists, comprehensions, records, `if`
    /// expressions and lambdas.
    mutating func primary() throws -> Expr {
        let token = current
        switch token.kind {
        case .number:
            advance()
            return .number(token.number, token.range)
        case .string:
            return try stringLiteral()
        case .true, .false:
            advance()
            return .bool(token.kind == .true, token.range)
        case .noneKeyword:
            advance()
            return .none(token.range)
        case .identifier:
            advance()
            return .name(name(token))
        case .leftParen:
            return try parenthesized()
        case .leftBracket:
            return try listOrComprehension()
        case .leftBrace:
            return try record()
        case .if:
            return try ifExpression()
        case .fn:
            return try lambda()
        default:
            if let open = unclosedBeforeNewStatement() {
                // `(1 +` then `let b = 2`: the expression ended at the line break, and the next
                // line is a statement of its own, where parsing resumes.
                let previous = tokens[..<index].last { $0.kind != .newline } ?? current
                let closer = open.kind == .leftParen ? ")" : "]"
                throw fail("expected an expression after \(previous.quoted), found end of line",
                           at: SourceRange(SourceLocation(line: previous.range.start.line,
                                                          column: previous.range.start.column + previous.range.length)),
                           hints: ["close the '\(open.text)' at \(open.range.start) with '\(closer)', or finish the expression"])
            }
            throw expected("an expression", hints: expressionHints())
        }
    }

    /// The innermost unclosed `(` or `[` when the current token can only start a new statement
    /// on a line of its own.
    private func unclosedBeforeNewStatement() -> Token? {
        guard index > 0, current.isAtLineStart, current.kind.onlyStartsStatements,
              let open = brackets.last, open.kind == .leftParen || open.kind == .leftBracket else { return nil }
        return open
    }

    /// Hints for the common ways of writing something that is not an expression.
    private func expressionHints() -> [String] {
        let previous = index > 0 ? tokens[index - 1].kind : .end
        switch kind {
        case .dot where peekKind() == .number: return ["numbers start with a digit: write 0.5, not .5"]
        case .star where previous == .star: return ["use '^' for powers: x^2"]
        case .else: return ["'else' must follow the '}' of an 'if' block"]
        case .newline where previous == .rightParen:
            return ["a lambda's body starts on the same line: fn(x) x * 2, or fn(x) { … }"]
        case .let, .var, .param: return ["a binding is a statement, not an expression"]
        case .pipe: return ["a line starting with '|>' continues the expression on the line above"]
        default: return []
        }
    }

    private mutating func parenthesized() throws -> Expr {
        let open = openBracket()
        let inner = try expression()
        guard kind == .rightParen else {
            let hints = kind == .comma ? ["pref has no tuples; use a list: [a, b]"] : closingHint(nil, "", open)
            throw expected("')' after the expression", hints: hints)
        }
        closeBracket()
        return inner
    }

    /// `[a, b]` or `[element for pattern in sequence if condition]`.
    private mutating func listOrComprehension() throws -> Expr {
        let open = openBracket()
        var items: [Expr] = []
        if kind != .rightBracket {
            items.append(try expression())
            if kind == .for { return try comprehension(items[0], open: open) }
        }
        while kind != .rightBracket {
            guard kind == .comma else {
                throw expected("',' or ']' after list element", hints: closingHint("','", "list elements", open))
            }
            advance()
            if kind == .rightBracket { break }
            items.append(try expression())
        }
        closeBracket()
        return .list(items, spanToHere(open.range))
    }

    private mutating func comprehension(_ element: Expr, open: Token) throws -> Expr {
        advance()
        let id = makeID()
        let pattern = try self.pattern()
        guard kind == .in else { throw expected("'in' after the comprehension variable") }
        advance()
        let sequence = try expression()
        var condition: Expr?
        if kind == .if {
            advance()
            condition = try expression()
        }
        guard kind == .rightBracket else {
            throw expected("']' after the comprehension", hints: closingHint(nil, "", open))
        }
        closeBracket()
        return .comprehension(element: element, pattern: pattern, sequence: sequence, condition: condition,
                              id: id, range: spanToHere(open.range))
    }

    /// `{a: 1, "New York": 2, b}`; newlines inside the braces are insignificant.
    private mutating func record() throws -> Expr {
        let open = openBracket()
        skipNewlines()
        var fields: [(key: String, keyRange: SourceRange, value: Expr)] = []
        var seen: Set<String> = []
        while kind != .rightBrace {
            let key = current
            let text: String
            switch key.kind {
            case .identifier:
                text = key.text
            case .string:
                guard case .text(let plain)? = key.segments.first, key.segments.count == 1 else {
                    throw fail("a record key cannot contain interpolation", at: key.range)
                }
                text = plain
            default:
                let statementLike = key.kind.onlyStartsStatements || key.kind == .for || key.kind == .if
                throw expected("a field name or '}'", hints: statementLike
                    ? ["'{' here starts a record; a block can only follow 'if', 'else', 'for', 'while' or 'fn'"]
                    : closingHint(nil, "", open))
            }
            advance()
            skipNewlines()
            let value: Expr
            if kind == .colon {
                advance()
                skipNewlines()
                value = try expression()
            } else if key.kind == .identifier {
                value = .name(name(key))
            } else {
                throw expected("':' after the key \(key.text)", hints: ["a quoted key needs a value: {\(key.text): 1}"])
            }
            if !seen.insert(text).inserted {
                report("duplicate field '\(text)' in record", at: key.range)
            }
            fields.append((key: text, keyRange: key.range, value: value))
            let fieldEnd = index
            skipNewlines()
            if kind == .comma {
                advance()
                skipNewlines()
            } else if kind != .rightBrace && (kind == .end || (index > fieldEnd && !startsField())) {
                // `let r = {a: 1` and then a line that is no field: the brace was never closed.
                // One error at the brace; the record ends here and parsing resumes on that line.
                report("'{' is not closed", at: open.range,
                       hints: ["end the record with '}' after its last field, on line \(tokens[fieldEnd - 1].range.start.line)"])
                index = fieldEnd
                if !brackets.isEmpty { brackets.removeLast() }
                return .record(fields, spanToHere(open.range))
            } else if kind != .rightBrace {
                let hints = kind == .equal ? ["write a field as 'name: value'"] : closingHint("','", "fields", open)
                throw expected("',' or '}' after record field", hints: hints)
            }
        }
        closeBracket()
        return .record(fields, spanToHere(open.range))
    }

    /// Whether the current token begins a record field (`name: …`, `"key": …`, or a shorthand
    /// `name` alone on its line), as it does when only the ',' before it is missing.
    private func startsField() -> Bool {
        switch (kind, peekKind()) {
        case (.identifier, .colon), (.string, .colon): return true
        case (.identifier, .comma), (.identifier, .rightBrace), (.identifier, .newline): return true
        default: return false
        }
    }

    /// `if cond { … } else if cond { … } else { … }`; `else` may start the next line.
    mutating func ifExpression() throws -> Expr {
        let keyword = advance()
        let condition = try expression()
        let then = try blockAfterHeader("'if'")
        var elseBranch: ElseBranch?
        if kind == .newline && peekKind() == .else { advance() }
        if kind == .else {
            advance()
            skipNewlines()
            if kind == .if {
                // Each `else if` nests one level deeper in the tree, so it counts as nesting.
                try enter()
                defer { leave() }
                elseBranch = .elseIf(try ifExpression())
            } else if kind == .leftBrace {
                elseBranch = .block(try block())
            } else {
                throw expected("'{' or 'if' after 'else'")
            }
        }
        return .ifElse(condition: condition, then: then, else: elseBranch, spanToHere(keyword.range))
    }

    /// `fn(params) expr` or `fn(params) { … }`.
    private mutating func lambda() throws -> Expr {
        let keyword = advance()
        if kind == .identifier {
            throw fail("a named function can only be declared as a statement", at: current.range,
                       hints: ["write fn(…) … for a function value, or declare fn \(current.text)(…) { … } on its own line"])
        }
        let id = makeID()
        let parameters = try parameterList()
        let body: Block
        if kind == .leftBrace {
            body = try block()
        } else {
            let start = current.range
            let blockID = makeID()
            let value = try expression()
            body = Block(id: blockID, statements: [.expression(value)], range: spanToHere(start))
        }
        return .function(FunctionDecl(id: id, name: nil, parameters: parameters, body: body,
                                      range: spanToHere(keyword.range)))
    }

    /// A string token's text pieces and interpolations, each parsed as an expression.
    private mutating func stringLiteral() throws -> Expr {
        let token = advance()
        var parts: [StringPart] = []
        for segment in token.segments {
            switch segment {
            case .text(let text):
                parts.append(.text(text))
            case .interpolation(let inner, let format, _):
                parts.append(.interpolation(try interpolated(inner), format: format))
            }
        }
        return .string(parts, token.range)
    }

    /// Parses an interpolation's tokens in place of the file's, then switches back.
    private mutating func interpolated(_ inner: [Token]) throws -> Expr {
        // The lexer ends every interpolation with `.interpolationEnd`; never index an empty list.
        guard inner.last?.kind == .interpolationEnd else { return .none(previousRange) }
        let saved = (tokens, index, brackets, previousRange)
        tokens = inner
        index = 0
        brackets = []
        defer { (tokens, index, brackets, previousRange) = saved }
        let value = try expression()
        guard kind == .interpolationEnd else {
            throw expected("'}' to end the interpolation")
        }
        return value
    }
}
