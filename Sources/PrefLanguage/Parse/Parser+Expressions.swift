/// Binding strength of binary and prefix operators, loosest first (docs/language.md, Grammar).
enum Precedence: Int, Comparable {
    case pipe = 1, or, and, not, comparison, range, additive, multiplicative, prefix

    static func < (a: Precedence, b: Precedence) -> Bool { a.rawValue < b.rawValue }

    /// The next tighter level: the minimum for a left-associative operator's right operand.
    var tighter: Precedence { Precedence(rawValue: rawValue + 1) ?? .prefix }

    /// The level of a binary operator token (`^` is handled apart: it is right-associative and
    /// binds tighter than prefix minus).
    init?(binary kind: TokenKind) {
        switch kind {
        case .pipe: self = .pipe
        case .or: self = .or
        case .and: self = .and
        case .equalEqual, .bangEqual, .less, .lessEqual, .greater, .greaterEqual: self = .comparison
        case .dotDot, .dotDotLess: self = .range
        case .plus, .minus: self = .additive
        case .star, .slash, .percent, .at: self = .multiplicative
        default: return nil
        }
    }
}

extension Parser {
    /// An expression whose operators bind at least as tightly as `minimum`. Inside an index,
    /// `openRange` lets a range end without an upper bound (`xs[2..]`).
    mutating func expression(_ minimum: Precedence = .pipe, openRange: Bool = false) throws -> Expr {
        try enter()
        defer { leave() }
        let start = current.range
        let left = try unary(minimum)
        return try binaryTail(left, from: start, minimum: minimum, openRange: openRange)
    }

    /// Precedence climbing over the binary operators that follow `left`.
    mutating func binaryTail(_ left: Expr, from start: SourceRange, minimum: Precedence,
                             openRange: Bool = false) throws -> Expr {
        var left = left
        var reportedChain = false
        var added = 0
        defer { chainLinks -= added }
        while true {
            // A line that starts with `|>` continues the pipeline above it.
            if kind == .newline && peekKind() == .pipe && minimum == .pipe { advance() }
            guard let precedence = Precedence(binary: kind), precedence >= minimum else { return left }
            let op = advance()
            skipNewlines()
            try link()
            added += 1
            switch precedence {
            case .pipe:
                let stageStart = current.range
                let stage = try expression(.or)
                left = pipe(left, into: stage, stageRange: spanToHere(stageStart))
            case .range:
                let upper = openRange && kind == .rightBracket ? nil : try expression(.additive)
                left = .range(left, upper, inclusive: op.kind == .dotDot, spanToHere(start))
                if Precedence(binary: kind) == .range && !reportedChain {
                    report("range operators cannot be chained", at: current.range,
                           hints: ["put one of the ranges in parentheses"])
                    reportedChain = true
                }
            case .comparison:
                let right = try expression(.range)
                left = .binary(binaryOperator(op.kind), left, right, opRange: op.range)
                if Precedence(binary: kind) == .comparison && !reportedChain {
                    report("comparison operators cannot be chained", at: current.range,
                           hints: ["use `a < b and b < c`"])
                    reportedChain = true
                }
            default:
                let right = try expression(precedence.tighter)
                left = .binary(binaryOperator(op.kind), left, right, opRange: op.range)
            }
        }
    }

    private func binaryOperator(_ kind: TokenKind) -> BinaryOperator {
        switch kind {
        case .plus: .add
        case .minus: .subtract
        case .star: .multiply
        case .slash: .divide
        case .percent: .remainder
        case .at: .matmul
        case .equalEqual: .equal
        case .bangEqual: .notEqual
        case .less: .less
        case .lessEqual: .lessEqual
        case .greater: .greater
        case .greaterEqual: .greaterEqual
        case .and: .and
        default: .or
        }
    }

    /// `x |> f` is `f(x)` and `x |> f(a)` is `f(x, a)`.
    private mutating func pipe(_ value: Expr, into stage: Expr, stageRange: SourceRange) -> Expr {
        let argument = Argument(label: nil, labelRange: nil, value: value)
        switch stage {
        case .call(let callee, let arguments, piped: false, let range):
            return .call(callee, [argument] + arguments, piped: true, range)
        case .name, .member:
            return .call(stage, [argument], piped: true, stageRange)
        default:
            report("the right side of '|>' must be a function name, a member or a call", at: stageRange,
                   hints: ["write x |> f or x |> f(a); the value goes in as the first argument"])
            return value
        }
    }

    /// `not x` (when allowed at this level), prefix `-x` / `+x`, or a power.
    mutating func unary(_ minimum: Precedence) throws -> Expr {
        switch kind {
        case .not:
            guard minimum <= .not else {
                throw expected("an expression", hints: ["put 'not …' in parentheses here"])
            }
            try enter()
            defer { leave() }
            let op = advance()
            skipNewlines()
            // `not not x` is allowed; otherwise `not` applies to a whole comparison.
            let operand = kind == .not ? try unary(.not) : try expression(.comparison)
            return .unary(.not, operand, spanToHere(op.range))
        case .minus, .plus:
            try enter()
            defer { leave() }
            let op = advance()
            skipNewlines()
            let operand = try unary(.prefix)
            return .unary(op.kind == .minus ? .negate : .plus, operand, spanToHere(op.range))
        default:
            return try power()
        }
    }

    /// `base ^ exponent`: right-associative, and the exponent may have a sign (`2^-1`).
    private mutating func power() throws -> Expr {
        let base = try postfix()
        guard kind == .caret else { return base }
        try enter()
        defer { leave() }
        let op = advance()
        skipNewlines()
        let exponent = try unary(.prefix)
        return .binary(.power, base, exponent, opRange: op.range)
    }

    /// A primary followed by calls `(…)`, indexing `[…]` and members `.name`.
    private mutating func postfix() throws -> Expr {
        let start = current.range
        var expr = try primary()
        var added = 0
        defer { chainLinks -= added }
        while true {
            if kind == .leftParen || kind == .leftBracket || kind == .dot {
                try link()
                added += 1
            }
            switch kind {
            case .leftParen:
                expr = try call(expr, from: start)
            case .leftBracket:
                expr = try index(expr, from: start)
            case .dot:
                advance()
                guard kind == .identifier else {
                    let hints = kind == .number ? ["use x[0] for an element of a list"] : []
                    throw expected("a member name after '.'", hints: hints)
                }
                let member = advance()
                expr = .member(expr, member.text, nameRange: member.range)
            case .newline where peekKind() == .dot:
                // A line starting with `.name` continues a chain of members.
                advance()
            default:
                return expr
            }
        }
    }

    /// `callee(positional…, label: value…)`
    private mutating func call(_ callee: Expr, from start: SourceRange) throws -> Expr {
        let open = openBracket()
        var arguments: [Argument] = []
        var firstLabel: Token?
        var misplaced: SourceRange?
        while kind != .rightParen {
            let argumentStart = current.range
            if kind == .identifier && peekKind() == .colon {
                let label = advance()
                advance()
                let value = try expression()
                arguments.append(Argument(label: label.text, labelRange: label.range, value: value))
                firstLabel = firstLabel ?? label
            } else {
                let value = try expression()
                if firstLabel != nil && misplaced == nil { misplaced = spanToHere(argumentStart) }
                arguments.append(Argument(label: nil, labelRange: nil, value: value))
            }
            guard kind == .comma || kind == .rightParen else {
                let hints = kind == .equal ? ["write a keyword argument as 'name: value'"]
                    : closingHint("','", "arguments", open)
                throw expected("',' or ')' after argument", hints: hints)
            }
            if kind == .comma { advance() }
        }
        // Reported once the list is known to be well formed: a missing ',' (`f(a: 1 b)`) is
        // the real mistake there.
        if let misplaced, let firstLabel {
            report("positional argument after keyword argument", at: misplaced,
                   hints: ["put positional arguments before '\(firstLabel.text): …'"])
        }
        closeBracket()
        return .call(callee, arguments, piped: false, spanToHere(start))
    }

    /// `base[i]`, or a slice `base[a..<b]` where either bound may be left out.
    private mutating func index(_ base: Expr, from start: SourceRange) throws -> Expr {
        let open = openBracket()
        let argument: Expr
        if kind == .dotDot || kind == .dotDotLess {
            let op = advance()
            let upper = kind == .rightBracket ? nil : try expression(.additive)
            argument = .range(nil, upper, inclusive: op.kind == .dotDot, spanToHere(op.range))
        } else {
            argument = try expression(openRange: true)
        }
        guard kind == .rightBracket else {
            throw expected("']' after the index", hints: closingHint(nil, "", open))
        }
        closeBracket()
        return .index(base, argument, spanToHere(start))
    }

    /// The hint for a missing separator or closing bracket: where the bracket opened when the
    /// input or line ended, else how to separate the items (if they are items).
    func closingHint(_ separator: String?, _ items: String, _ open: Token) -> [String] {
        let closer = open.kind == .leftParen ? ")" : open.kind == .leftBracket ? "]" : "}"
        // At the end of input, or where a new statement clearly begins, the bracket is unclosed.
        if kind == .end || kind == .newline || kind == .interpolationEnd
            || (current.isAtLineStart && (current.kind.onlyStartsStatements || (kind == .fn && peekKind() == .identifier))) {
            return ["close the '\(open.text)' at \(open.range.start) with '\(closer)'"]
        }
        return separator.map { ["separate \(items) with \($0)"] } ?? []
    }
}
