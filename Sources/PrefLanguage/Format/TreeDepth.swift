/// The depth of a syntax tree, measured without recursion: the parser bounds nesting by
/// brackets, but not left-nested chains such as `a + b + …` or `x.f().g()…`, so code that
/// recurses over the tree (ASTDump) first asks how deep it would go.
enum TreeDepth {
    private enum Node {
        case statement(Stmt)
        case expression(Expr)
        case block(Block)
        case pattern(Pattern)
        case function(FunctionDecl)
    }

    /// The number of levels below and including `statement`.
    static func of(_ statement: Stmt) -> Int {
        var deepest = 0
        var pending: [(Node, Int)] = [(.statement(statement), 1)]
        while let (node, depth) = pending.popLast() {
            deepest = max(deepest, depth)
            for child in children(node) { pending.append((child, depth + 1)) }
        }
        return deepest
    }

    private static func children(_ node: Node) -> [Node] {
        switch node {
        case .statement(let s): statementChildren(s)
        case .expression(let e): expressionChildren(e)
        case .block(let b): b.statements.map(Node.statement)
        case .function(let f): f.parameters.compactMap { $0.defaultValue.map(Node.expression) } + [.block(f.body)]
        case .pattern(let p): patternChildren(p)
        }
    }

    private static func statementChildren(_ s: Stmt) -> [Node] {
        switch s {
        case .binding(_, let p, let e, _): [.pattern(p), .expression(e)]
        case .function(let f): [.function(f)]
        case .assign(let t, _, let e, _): [.expression(t), .expression(e)]
        case .expression(let e): [.expression(e)]
        case .forLoop(let p, let e, let b, _, _): [.pattern(p), .expression(e), .block(b)]
        case .whileLoop(let e, let b, _): [.expression(e), .block(b)]
        case .returnValue(let e?, _): [.expression(e)]
        case .returnValue(nil, _), .breakLoop, .continueLoop, .importModule: []
        }
    }

    private static func expressionChildren(_ e: Expr) -> [Node] {
        switch e {
        case .number, .bool, .none, .name: return []
        case .string(let parts, _):
            return parts.compactMap { part in
                if case .interpolation(let inner, _) = part { return .expression(inner) }
                return nil
            }
        case .list(let items, _): return items.map(Node.expression)
        case .record(let fields, _): return fields.map { .expression($0.value) }
        case .comprehension(let element, let p, let sequence, let condition, _, _):
            return [.expression(element), .pattern(p), .expression(sequence)] + (condition.map { [.expression($0)] } ?? [])
        case .unary(_, let operand, _): return [.expression(operand)]
        case .binary(_, let l, let r, _): return [.expression(l), .expression(r)]
        case .range(let lo, let hi, _, _): return [lo, hi].compactMap { $0.map(Node.expression) }
        case .call(let callee, let args, _, _): return [.expression(callee)] + args.map { .expression($0.value) }
        case .member(let base, _, _): return [.expression(base)]
        case .index(let base, let i, _): return [.expression(base), .expression(i)]
        case .ifElse(let c, let then, let otherwise, _):
            var nodes: [Node] = [.expression(c), .block(then)]
            switch otherwise {
            case .block(let b)?: nodes.append(.block(b))
            case .elseIf(let next)?: nodes.append(.expression(next))
            case nil: break
            }
            return nodes
        case .block(let b): return [.block(b)]
        case .function(let f): return [.function(f)]
        }
    }

    private static func patternChildren(_ p: Pattern) -> [Node] {
        switch p {
        case .name: []
        case .list(let elements, _, _): elements.map(Node.pattern)
        case .record(let fields, _): fields.map { .pattern($0.pattern) }
        }
    }
}
