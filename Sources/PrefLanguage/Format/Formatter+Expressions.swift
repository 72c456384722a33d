/// Binding strength for printing, loosest first; an operand printed where a tighter level is
/// required gets parentheses. Level 0 is a lambda with an expression body, which takes
/// everything after it (`fn(x) x + 1`), so it is parenthesized wherever it is an operand.
enum PrintLevel {
    static let lambda = 0, pipe = 1, or = 2, and = 3, not = 4, comparison = 5, range = 6
    static let additive = 7, multiplicative = 8, prefix = 9, power = 10, postfix = 11, primary = 12

    static func of(_ op: BinaryOperator) -> Int {
        switch op {
        case .or: or
        case .and: and
        case .equal, .notEqual, .less, .lessEqual, .greater, .greaterEqual: comparison
        case .add, .subtract: additive
        case .multiply, .divide, .remainder, .matmul: multiplicative
        case .power: power
        }
    }
}

extension Formatter {
    /// An expression, in parentheses when its level is looser than `minimum`.
    func expression(_ e: Expr, _ minimum: Int = PrintLevel.lambda) -> Doc {
        let doc = unparenthesized(e)
        return level(e) < minimum ? .parenthesized(doc) : doc
    }

    func level(_ e: Expr) -> Int {
        switch e {
        case .call(_, _, true, _): return PrintLevel.pipe
        case .call, .member, .index: return PrintLevel.postfix
        case .binary(let op, _, _, _): return PrintLevel.of(op)
        case .unary(let op, _, _): return op == .not ? PrintLevel.not : PrintLevel.prefix
        case .range: return PrintLevel.range
        case .function(let decl): return hasBlockBody(decl) ? PrintLevel.primary : PrintLevel.lambda
        default: return PrintLevel.primary
        }
    }

    private func unparenthesized(_ e: Expr) -> Doc {
        switch e {
        case .number(let value, let range):
            return .text(tokenText(at: range.start, kind: .number) ?? ASTDump.number(value))
        case .string(_, let range):
            // Exactly as written: quotes, escapes, interpolations and format specs.
            return .text(tokenText(at: range.start, kind: .string) ?? "\"\"")
        case .bool(let value, _):
            return .text(value ? "true" : "false")
        case .none:
            return .text("none")
        case .name(let n):
            return .text(n.text)
        case .list(let items, let range):
            return sequence(open: "[", close: "]", count: items.count, end: closing(range.start),
                            start: { self.start(items[$0]) }, element: { self.expression(items[$0]) })
        case .record(let fields, let range):
            return sequence(open: "{", close: "}", count: fields.count, end: closing(range.start),
                            start: { fields[$0].keyRange.start }, element: { self.field(fields[$0]) })
        case .comprehension(let element, let target, let sequence, let condition, _, let range):
            return comprehension(element, target, sequence, condition, end: closing(range.start))
        case .unary(let op, let operand, _):
            if op == .not {
                let isNot = if case .unary(.not, _, _) = operand { true } else { false }
                return .concat([.text("not "), expression(operand, isNot ? PrintLevel.not : PrintLevel.comparison)])
            }
            switch operand {
            case .unary(.negate, _, _), .unary(.plus, _, _):
                // `- -x`, not `--x`.
                return .concat([.text(op.rawValue + " "), expression(operand, PrintLevel.prefix)])
            case .binary(.power, _, _, _):
                // `-(2 ^ 2)`: the reader need not remember that `^` binds tighter than `-`.
                return .concat([.text(op.rawValue), .parenthesized(expression(operand))])
            default:
                return .concat([.text(op.rawValue), expression(operand, PrintLevel.prefix)])
            }
        case .binary(.power, let base, let exponent, _):
            return .concat([expression(base, PrintLevel.postfix), .text(" ^ "), expression(exponent, PrintLevel.prefix)])
        case .binary:
            return binaryChain(e)
        case .range(let lower, let upper, let inclusive, _):
            return .concat([lower.map { expression($0, PrintLevel.additive) } ?? .empty, .text(inclusive ? ".." : "..<"),
                            upper.map { expression($0, PrintLevel.additive) } ?? .empty])
        case .call(_, _, true, _):
            return pipeline(e)
        case .call, .member, .index:
            return postfixChain(e)
        case .ifElse:
            return ifChain(e)
        case .block(let b):
            return .group(block(b).doc)
        case .function(let decl):
            return lambda(decl)
        }
    }

    func hasBlockBody(_ decl: FunctionDecl) -> Bool {
        tokenIndex[decl.body.range.start].map { tokens[$0].kind == .leftBrace } ?? true
    }

    /// True when the printed expression would start with `{` (a record literal).
    func startsWithRecord(_ expression: Expr) -> Bool {
        var e = expression
        while true {
            switch e {
            case .record: return true
            case .binary(_, let left, _, _): e = left
            case .member(let base, _, _), .index(let base, _, _): if level(base) < PrintLevel.postfix { return false }; e = base
            case .call(_, let args, true, _) where !args.isEmpty: e = args[0].value
            case .call(let callee, _, false, _): if level(callee) < PrintLevel.postfix { return false }; e = callee
            case .range(let lower?, _, _, _): e = lower
            default: return false
            }
        }
    }

    private func field(_ field: (key: String, keyRange: SourceRange, value: Expr)) -> Doc {
        let key = tokenIndex[field.keyRange.start].map { tokens[$0].text } ?? field.key
        if case .name(let n) = field.value, n.range == field.keyRange { return .text(key) }
        return .concat([.text(key + ": "), expression(field.value)])
    }

    /// `a + b - c`: a run of operators of one level, broken after the operators when too long.
    private func binaryChain(_ e: Expr) -> Doc {
        guard case .binary(let op, _, _, _) = e else { return expression(e) }
        let chainLevel = PrintLevel.of(op)
        var operands: [(BinaryOperator, Expr)] = []
        var left = e
        // Left-nested chains are walked in a loop (they can be long); comparisons do not chain.
        while case .binary(let o, let l, let r, _) = left, PrintLevel.of(o) == chainLevel, o != .power {
            operands.append((o, r))
            left = l
            if chainLevel == PrintLevel.comparison { break }
        }
        let leftMinimum = chainLevel == PrintLevel.comparison ? chainLevel + 1 : chainLevel
        // Built in source order, so that each comment is placed where it was.
        let first = expression(left, leftMinimum)
        var rest: [Doc] = []
        for (o, right) in operands.reversed() {
            rest += [.text(" " + o.rawValue), breakPoint(.line, before: start(right)), expression(right, chainLevel + 1)]
        }
        return .group(.concat([first, .indent(.concat(rest))]))
    }

    /// `x |> f(a) |> g`: one stage per line when it does not fit, or when the source already
    /// had a stage at the start of a line.
    private func pipeline(_ e: Expr) -> Doc {
        var stages: [(callee: Expr, arguments: ArraySlice<Argument>)] = []
        var value = e
        while case .call(let callee, let args, true, _) = value, let first = args.first {
            stages.append((callee, args.dropFirst()))
            value = first.value
        }
        var brokenInSource = false
        var rest: [Doc] = []
        let head = expression(value, PrintLevel.pipe)
        for stage in stages.reversed() {
            let begin = start(stage.callee)
            brokenInSource = brokenInSource || pipeStartsLine(stageAt: begin)
            rest += [breakPoint(.line, before: begin), .text("|> "), expression(stage.callee, PrintLevel.postfix)]
            if !stage.arguments.isEmpty {
                rest.append(arguments(Array(stage.arguments)))
            } else if !isNameOrMember(stage.callee) {
                // `x |> f` needs no parentheses, but `x |> make(1)()` does.
                rest.append(.text("()"))
            }
        }
        return .group(.concat([head, .indent(.concat(rest))]), shouldBreak: brokenInSource)
    }

    private func isNameOrMember(_ e: Expr) -> Bool {
        switch e {
        case .name: true
        case .member: true
        default: false
        }
    }

    /// `base.member(args)[index]…`, walked in a loop since such chains can be long.
    private func postfixChain(_ e: Expr) -> Doc {
        var suffixes: [Expr] = []
        var base = e
        loop: while true {
            switch base {
            case .member(let b, _, _), .index(let b, _, _), .call(let b, _, false, _):
                suffixes.append(base)
                base = b
            default:
                break loop
            }
        }
        var parts = [expression(base, PrintLevel.postfix)]
        for suffix in suffixes.reversed() {
            switch suffix {
            case .member(_, let name, _): parts.append(.text("." + name))
            case .index(_, let index, _): parts += [.text("["), expression(index), .text("]")]
            case .call(_, let args, _, _): parts.append(arguments(args))
            default: break
            }
        }
        return .concat(parts)
    }

    /// `if a { … } else if b { … } else { … }`: the blocks of a chain break together.
    private func ifChain(_ e: Expr) -> Doc {
        var parts: [Doc] = []
        var current = e
        while case .ifElse(let condition, let then, let otherwise, _) = current {
            parts += [.text("if "), expression(condition), .text(" "), block(then).doc]
            switch otherwise {
            case .block(let b)?:
                parts += [.text(" else "), block(b).doc]
            case .elseIf(let next)?:
                parts.append(.text(" else "))
                guard case .ifElse = next else {
                    parts.append(expression(next))
                    break
                }
                current = next
                continue
            case nil:
                break
            }
            break
        }
        return .group(.concat(parts))
    }
}
