extension Parser {
    /// Statements separated by newlines or `;`, up to the end of input or, in a block, a `}`.
    /// This is where a broken statement is abandoned and parsing resumes.
    mutating func statements(inBlock: Bool) -> [Stmt] {
        var result: [Stmt] = []
        while true {
            while kind == .newline || kind == .semicolon { advance() }
            if kind == .end || kind == .interpolationEnd { break }
            if kind == .rightBrace {
                if inBlock { break }
                report("unexpected '}'", at: current.range, hints: ["there is no '{' for it to close"])
                advance()
                continue
            }
            let start = index
            let base = brackets.count
            let column = current.range.start.column
            do {
                result.append(try statement())
                switch kind {
                case .newline, .semicolon, .rightBrace, .end, .interpolationEnd: break
                case .rightParen, .rightBracket:
                    let opener = kind == .rightParen ? "(" : "["
                    throw fail("unexpected '\(current.text)'", hints: ["there is no '\(opener)' for it to close"])
                default:
                    throw expected("newline or ';' after statement",
                                   hints: ["put each statement on its own line, or separate them with ';'"])
                }
            } catch {
                if nestingExceeded {
                    if inBlock { break }
                    nestingExceeded = false
                }
                synchronize(bracketsAt: base, statementColumn: column, inBlock: inBlock)
                // Every pass consumes something, so recovery always terminates.
                if index == start { advance() }
            }
        }
        return result
    }

    mutating func statement() throws -> Stmt {
        switch kind {
        case .let, .var, .param: return try binding()
        case .fn where peekKind() == .identifier: return .function(try functionDeclaration())
        case .for: return try forLoop()
        case .while: return try whileLoop()
        case .break: return .breakLoop(advance().range)
        case .continue: return .continueLoop(advance().range)
        case .return: return try returnStatement()
        case .import: return try importStatement()
        default: return try assignmentOrExpression()
        }
    }

    /// `let|var|param pattern = expr`
    private mutating func binding() throws -> Stmt {
        let keyword = advance()
        let bindingKind: BindingKind = keyword.kind == .let ? .let : keyword.kind == .var ? .var : .param
        let pattern = try self.pattern()
        if bindingKind == .param {
            if blockDepth > 0 {
                report("'param' is only allowed at the top level of a script", at: keyword.range,
                       hints: ["use 'let' inside functions and blocks"])
            } else if !pattern.isSingleName {
                report("a 'param' binds a single name", at: pattern.range, hints: ["write param name = value"])
            }
        }
        guard kind == .equal else {
            throw expected("'=' after the name in a '\(keyword.text)' binding",
                           hints: ["give it a value: \(keyword.text) x = …"])
        }
        advance()
        skipNewlines()
        let value = try expression()
        return .binding(bindingKind, pattern, value, spanToHere(keyword.range))
    }

    /// `fn name(params) { body }`
    mutating func functionDeclaration() throws -> FunctionDecl {
        let keyword = advance()
        let id = makeID()
        let fnName = name(advance())
        let parameters = try parameterList()
        skipNewlines()
        guard kind == .leftBrace else {
            throw expected("'{' to start the body of '\(fnName.text)'",
                           hints: ["a named function has a block body: fn \(fnName.text)(…) { … }"])
        }
        let body = try block()
        return FunctionDecl(id: id, name: fnName, parameters: parameters, body: body, range: spanToHere(keyword.range))
    }

    /// `for pattern in expr { … }`
    private mutating func forLoop() throws -> Stmt {
        let keyword = advance()
        let id = makeID()
        let pattern = try self.pattern()
        guard kind == .in else { throw expected("'in' after the loop variable") }
        advance()
        skipNewlines()
        let sequence = try expression()
        let body = try blockAfterHeader("loop")
        return .forLoop(pattern, sequence, body, id: id, spanToHere(keyword.range))
    }

    /// `while expr { … }`
    private mutating func whileLoop() throws -> Stmt {
        let keyword = advance()
        let condition = try expression()
        let body = try blockAfterHeader("loop")
        return .whileLoop(condition, body, spanToHere(keyword.range))
    }

    /// The block after an `if`, `for` or `while` header (it may start on the next line).
    mutating func blockAfterHeader(_ what: String) throws -> Block {
        skipNewlines()
        guard kind == .leftBrace else {
            let hints = kind == .equal ? ["use '==' to compare"] : ["the \(what) body is a block: { … }"]
            throw expected("'{' to start the \(what) body", hints: hints)
        }
        return try block()
    }

    /// `return` or `return expr`.
    private mutating func returnStatement() throws -> Stmt {
        let keyword = advance()
        switch kind {
        case .newline, .semicolon, .rightBrace, .end, .interpolationEnd:
            return .returnValue(nil, keyword.range)
        default:
            let value = try expression()
            return .returnValue(value, spanToHere(keyword.range))
        }
    }

    /// `import name [as alias]` or `import "path.pref" as alias`.
    private mutating func importStatement() throws -> Stmt {
        let keyword = advance()
        let module: String
        let isPath: Bool
        let moduleRange = current.range
        switch kind {
        case .identifier:
            module = advance().text
            isPath = false
        case .string:
            let token = advance()
            guard case .text(let path)? = token.segments.first, token.segments.count == 1 else {
                throw fail("an import path cannot contain interpolation", at: token.range)
            }
            module = path
            isPath = true
        default:
            throw expected("a module name or a file path after 'import'",
                           hints: ["write import losses, or import \"helpers.pref\" as helpers"])
        }
        var alias: Name?
        if kind == .as {
            advance()
            guard kind == .identifier else { throw expected("a name after 'as'") }
            alias = name(advance())
        } else if isPath {
            switch kind {
            case .newline, .semicolon, .rightBrace, .end: break
            default: throw expected("'as' after the file path", hints: ["write import \(Value.quote(module)) as name"])
            }
            report("a file import needs a name", at: moduleRange,
                   hints: ["write import \(Value.quote(module)) as name"])
        }
        return .importModule(module: module, isPath: isPath, alias: alias, spanToHere(keyword.range))
    }

    /// `target op value`, or an expression statement.
    private mutating func assignmentOrExpression() throws -> Stmt {
        let start = current.range
        let target = try expression()
        let op: AssignOperator
        switch kind {
        case .equal: op = .assign
        case .plusEqual: op = .add
        case .minusEqual: op = .subtract
        case .starEqual: op = .multiply
        case .slashEqual: op = .divide
        default: return .expression(target)
        }
        let targetRange = spanToHere(start)
        advance()
        switch target {
        case .name, .index, .member: break
        default:
            report("cannot assign to this expression", at: targetRange,
                   hints: ["assign to a name, an element x[i] or a field r.field"])
        }
        skipNewlines()
        let value = try expression()
        return .assign(target, op, value, spanToHere(start))
    }

    /// `{ statements }`; the current token is the `{`.
    mutating func block() throws -> Block {
        try enter()
        defer { leave() }
        let open = openBracket()
        let id = makeID()
        blockDepth += 1
        let body = statements(inBlock: true)
        blockDepth -= 1
        if nestingExceeded { throw ParseError() }
        guard kind == .rightBrace else {
            // An unterminated string in the block probably swallowed its `}`: already reported.
            if kind == .end, lexicalErrorStarts.contains(where: { $0 > open.range.start }) { throw ParseError() }
            throw expected("'}' to close the block", hints: ["the block opened at \(open.range.start)"])
        }
        closeBracket()
        return Block(id: id, statements: body, range: spanToHere(open.range))
    }
}

extension Pattern {
    fileprivate var isSingleName: Bool {
        if case .name = self { return true }
        return false
    }
}
