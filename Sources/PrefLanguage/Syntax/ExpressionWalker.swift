/// The one walk over an expression's parts, in evaluation order, shared by every pass that
/// needs it (the resolver, `pref check`'s call checks; the cell cache's read and write sets in
/// PrefRuntime). A pass says what
/// a name, a nested block, a function and a comprehension's scope mean to it; when the syntax
/// grows an expression, `walk` is the switch to extend.
public protocol ExpressionWalker {
    /// A name read.
    mutating func visitName(_ name: Name)
    /// A block in an expression (`if`, `{ … }`).
    mutating func visitBlock(_ block: Block)
    /// A function literal or declaration.
    mutating func visitFunction(_ function: FunctionDecl)
    /// A comprehension's pattern, condition and element, after its sequence was walked: they
    /// see the pattern's names (the resolver opens a scope; `walk` them).
    mutating func visitComprehension(pattern: Pattern, condition: Expr?, element: Expr)
    /// A call, before its callee and arguments are walked (`pref check` checks the arguments).
    mutating func visitCall(callee: Expr, arguments: [Argument], range: SourceRange)
}

extension ExpressionWalker {
    public mutating func visitCall(callee: Expr, arguments: [Argument], range: SourceRange) {}

    public mutating func walk(_ e: Expr) {
        switch e {
        case .number, .bool, .none: break
        case .string(let parts, _):
            for case .interpolation(let inner, _) in parts { walk(inner) }
        case .name(let n): visitName(n)
        case .list(let items, _): for item in items { walk(item) }
        case .record(let fields, _): for field in fields { walk(field.value) }
        case .comprehension(let element, let pattern, let sequence, let condition, _, _):
            walk(sequence)
            visitComprehension(pattern: pattern, condition: condition, element: element)
        case .unary(_, let x, _): walk(x)
        case .binary(_, let l, let r, _):
            walk(l)
            walk(r)
        case .range(let lo, let hi, _, _):
            if let lo { walk(lo) }
            if let hi { walk(hi) }
        case .call(let callee, let args, _, let range):
            visitCall(callee: callee, arguments: args, range: range)
            walk(callee)
            for arg in args { walk(arg.value) }
        case .member(let base, _, _): walk(base)
        case .index(let base, let index, _):
            walk(base)
            walk(index)
        case .ifElse(let condition, let then, let otherwise, _):
            walk(condition)
            visitBlock(then)
            switch otherwise {
            case .block(let b)?: visitBlock(b)
            case .elseIf(let x)?: walk(x)
            case nil: break
            }
        case .block(let b): visitBlock(b)
        case .function(let f): visitFunction(f)
        }
    }
}
