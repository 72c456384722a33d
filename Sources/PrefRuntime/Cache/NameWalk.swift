import PrefLanguage

/// The names a piece of code reads and assigns, found by walking its syntax. Scopes are
/// ignored on purpose: a local that shadows a global counts as a use of the global, which can
/// only make the cell cache re-run a cell it could have reused, never reuse a stale one.
struct NameWalk: ExpressionWalker {
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

    mutating func expression(_ e: Expr) { walk(e) }

    /// The variable an assignment target changes: `x`, `x[i]`, `x.f[j]` → x.
    static func base(_ target: Expr) -> String? {
        switch target {
        case .name(let n): return n.text
        case .index(let b, _, _), .member(let b, _, _): return base(b)
        default: return nil
        }
    }
}

/// The shared expression walk (PrefLanguage's `ExpressionWalker`), scopes ignored as above.
extension NameWalk {
    mutating func visitName(_ name: Name) { uses.insert(name.text) }
    mutating func visitBlock(_ b: Block) { block(b) }
    mutating func visitFunction(_ f: FunctionDecl) { function(f) }
    mutating func visitComprehension(pattern: Pattern, condition: Expr?, element: Expr) {
        if let condition { walk(condition) }
        walk(element)
    }
}
