import PrefLanguage

/// The names a piece of code reads and assigns, found by walking its syntax. Scopes are
/// ignored on purpose: a local that shadows a global counts as a use of the global, which can
/// only make the cell cache re-run a cell it could have reused, never reuse a stale one.
struct NameWalk {
    var uses: Set<String> = []
    var assigns: Set<String> = []

    mutating func statement(_ s: Stmt) {
        switch s {
        case .binding(_, _, let value, _): expression(value)
        case .function(let f): function(f)
        case .assign(let target, _, let value, _):
            expression(value)
            // `x[i] = v` and `x.f = v` read x too (they change part of it).
            if let base = NameWalk.base(target) {
                assigns.insert(base)
                uses.insert(base)
            }
            if case .index(_, let index, _) = target { expression(index) }
        case .expression(let e): expression(e)
        case .forLoop(_, let sequence, let body, _, _):
            expression(sequence)
            block(body)
        case .whileLoop(let condition, let body, _):
            expression(condition)
            block(body)
        case .returnValue(let value, _): if let value { expression(value) }
        case .breakLoop, .continueLoop, .importModule: break
        }
    }

    mutating func block(_ b: Block) {
        for s in b.statements { statement(s) }
    }

    mutating func function(_ f: FunctionDecl) {
        for p in f.parameters { if let d = p.defaultValue { expression(d) } }
        block(f.body)
    }

    mutating func expression(_ e: Expr) {
        switch e {
        case .number, .bool, .none: break
        case .string(let parts, _):
            for case .interpolation(let inner, _) in parts { expression(inner) }
        case .name(let n): uses.insert(n.text)
        case .list(let items, _): items.forEach { expression($0) }
        case .record(let fields, _): fields.forEach { expression($0.value) }
        case .comprehension(let element, _, let sequence, let condition, _, _):
            expression(sequence)
            if let condition { expression(condition) }
            expression(element)
        case .unary(_, let x, _): expression(x)
        case .binary(_, let l, let r, _):
            expression(l)
            expression(r)
        case .range(let lo, let hi, _, _):
            if let lo { expression(lo) }
            if let hi { expression(hi) }
        case .call(let callee, let args, _, _):
            expression(callee)
            args.forEach { expression($0.value) }
        case .member(let base, _, _): expression(base)
        case .index(let base, let index, _):
            expression(base)
            expression(index)
        case .ifElse(let condition, let then, let otherwise, _):
            expression(condition)
            block(then)
            switch otherwise {
            case .block(let b)?: block(b)
            case .elseIf(let x)?: expression(x)
            case nil: break
            }
        case .block(let b): block(b)
        case .function(let f): function(f)
        }
    }

    /// The variable an assignment target changes: `x`, `x[i]`, `x.f[j]` → x.
    static func base(_ target: Expr) -> String? {
        switch target {
        case .name(let n): return n.text
        case .index(let b, _, _), .member(let b, _, _): return base(b)
        default: return nil
        }
    }
}
