extension Parser {
    /// `name`, `[p, p, ...rest]` or `{field, field: pattern}`.
    mutating func pattern() throws -> Pattern {
        try enter()
        defer { leave() }
        switch kind {
        case .identifier:
            return .name(name(advance()))
        case .leftBracket:
            return try listPattern()
        case .leftBrace:
            return try recordPattern()
        default:
            throw expected("a name or a destructuring pattern", hints: keywordHint())
        }
    }

    private mutating func listPattern() throws -> Pattern {
        let open = openBracket()
        var elements: [Pattern] = []
        var rest: Name?
        while kind != .rightBracket {
            if kind == .ellipsis {
                advance()
                guard kind == .identifier else { throw expected("a name after '...'") }
                rest = name(advance())
                if kind == .comma {
                    advance()
                }
                guard kind == .rightBracket else {
                    if kind == .end || kind == .newline { throw expected("']' after the rest pattern") }
                    throw fail("the rest pattern must come last", at: rest?.range,
                               hints: ["write [first, ...others]"])
                }
                break
            }
            elements.append(try pattern())
            if kind == .comma {
                advance()
            } else if kind != .rightBracket {
                throw expected("',' or ']' in list pattern", hints: closingHint("','", "names", open))
            }
        }
        closeBracket()
        return .list(elements, rest: rest, range: spanToHere(open.range))
    }

    private mutating func recordPattern() throws -> Pattern {
        let open = openBracket()
        skipNewlines()
        var fields: [(field: String, fieldRange: SourceRange, pattern: Pattern)] = []
        while kind != .rightBrace {
            guard kind == .identifier else {
                throw expected("a field name in record pattern", hints: keywordHint())
            }
            let field = advance()
            let inner: Pattern
            if kind == .colon {
                advance()
                skipNewlines()
                inner = try pattern()
            } else {
                inner = .name(name(field))
            }
            fields.append((field: field.text, fieldRange: field.range, pattern: inner))
            skipNewlines()
            if kind == .comma {
                advance()
                skipNewlines()
            } else if kind != .rightBrace {
                throw expected("',' or '}' in record pattern", hints: closingHint("','", "fields", open))
            }
        }
        closeBracket()
        return .record(fields, range: spanToHere(open.range))
    }

    /// `(a, b: default, …)`: once a parameter has a default, the ones after it need one too.
    mutating func parameterList() throws -> [Parameter] {
        guard kind == .leftParen else { throw expected("'(' to start the parameter list") }
        let open = openBracket()
        var parameters: [Parameter] = []
        var firstDefault: Name?
        var names: Set<String> = []
        while kind != .rightParen {
            guard kind == .identifier else {
                throw expected("a parameter name", hints: keywordHint())
            }
            let parameterName = name(advance())
            var defaultValue: Expr?
            if kind == .colon {
                advance()
                defaultValue = try expression()
            } else if kind == .equal {
                throw expected("',' or ')' after parameter", hints: ["write a default value as 'name: value'"])
            }
            if !names.insert(parameterName.text).inserted {
                report("duplicate parameter '\(parameterName.text)'", at: parameterName.range)
            }
            if defaultValue == nil, let firstDefault {
                report("parameter '\(parameterName.text)' without a default follows one with a default",
                       at: parameterName.range,
                       hints: ["give '\(parameterName.text)' a default, or move it before '\(firstDefault.text)'"])
            }
            if defaultValue != nil && firstDefault == nil { firstDefault = parameterName }
            parameters.append(Parameter(name: parameterName, defaultValue: defaultValue))
            if kind == .comma {
                advance()
            } else if kind != .rightParen {
                throw expected("',' or ')' after parameter", hints: closingHint("','", "parameters", open))
            }
        }
        closeBracket()
        return parameters
    }

    /// A hint when a keyword stands where a name should.
    func keywordHint() -> [String] {
        switch kind {
        case .identifier, .number, .string, .newline, .end, .interpolationEnd: []
        default:
            current.text.first?.isLetter == true ? ["'\(current.text)' is a keyword and cannot be a name"] : []
        }
    }
}
