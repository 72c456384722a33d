/// The resolver's walk over statements and expressions.
extension Resolver {
    func statement(_ s: Stmt) {
        switch s {
        case .binding(let kind, let pattern, let value, _):
            expression(value)
            if kind == .param && !(scope.isTopLevel && scope.blocks.count == 1) {
                error("'param' is only allowed at the top level of a script", s.range, hint: "use 'let' inside blocks and functions")
            }
            bind(pattern, kind: kind, warnsUnused: true)
        case .function(let f):
            if let n = f.name { declare(n, kind: .let) }
            function(f)
        case .assign(let target, _, let value, _):
            expression(value)
            assignTarget(target)
        case .expression(let e):
            expression(e)
        case .forLoop(let pattern, let sequence, let body, _, _):
            expression(sequence)
            withBlock {
                bind(pattern, kind: .let)
                scope.loopDepth += 1
                block(body)
                scope.loopDepth -= 1
            }
        case .whileLoop(let condition, let body, _):
            expression(condition)
            scope.loopDepth += 1
            block(body)
            scope.loopDepth -= 1
        case .breakLoop(let r):
            if scope.loopDepth == 0 { error("'break' outside a loop", r) }
        case .continueLoop(let r):
            if scope.loopDepth == 0 { error("'continue' outside a loop", r) }
        case .returnValue(let value, let r):
            if let value { expression(value) }
            if scope.isTopLevel { error("'return' outside a function", r, hint: "a script's last expression is displayed; no return is needed") }
            scope.layout.hasReturn = true
        case .importModule(let module, let isPath, let alias, let range):
            if !(scope.isTopLevel && scope.blocks.count == 1) {
                error("'import' is only allowed at the top level", range)
            } else if let alias {
                declare(alias, kind: .let)
            } else if !isPath {
                declare(Name(id: -1, text: module, range: range), kind: .let)
            }
        }
    }

    func bind(_ pattern: Pattern, kind: BindingKind, warnsUnused: Bool = false) {
        for n in pattern.names { declare(n, kind: kind, warnsUnused: warnsUnused) }
    }

    func assignTarget(_ target: Expr) {
        switch target {
        case .name(let n):
            guard let (ref, kind, isBuiltin) = lookup(n.text) else {
                let hint = Suggestion.closest(to: n.text, in: visibleNames()).map { "did you mean '\($0)'?" } ?? "declare it first with 'var \(n.text) = …'"
                error("unknown name '\(n.text)'", n.range, hint: hint)
                return
            }
            result.refs[n.id] = ref
            if isBuiltin {
                error("cannot assign to builtin '\(n.text)'", n.range, hint: "declare your own with 'var \(n.text) = …'")
            } else if kind == .let || kind == .param {
                error("cannot assign to '\(n.text)': it is a \(kind == .param ? "param" : "let") constant", n.range,
                      hint: "declare it with 'var' to make it mutable")
            }
        case .index(let base, let index, _):
            assignTarget(base)
            expression(index)
        case .member(let base, _, _):
            assignTarget(base)
        default:
            error("cannot assign to this expression", target.range)
        }
    }

    func block(_ b: Block) {
        withBlock {
            hoist(b.statements, topLevel: false)
            for s in b.statements { statement(s) }
        }
    }

    func function(_ f: FunctionDecl) {
        let outer = scope
        scope = Scope(parent: outer, isTopLevel: false)
        for p in f.parameters {
            // Defaults are evaluated at call time in the callee, after the parameters before them.
            if let d = p.defaultValue { expression(d) }
            declare(p.name, kind: .var)
            if case .local(let slot) = result.refs[p.name.id] { scope.layout.parameterSlots.append(slot) }
        }
        block(f.body)
        result.functions[f.id] = scope.layout
        scope = outer
    }

    /// An expression, through the shared walk (`ExpressionWalker`).
    func expression(_ e: Expr) {
        // A class: the walk's `mutating` only copies the reference.
        var walker = self
        walker.walk(e)
    }
}

/// What the shared expression walk's parts mean to the resolver: names resolve, blocks and
/// functions open scopes, a comprehension's pattern is bound in a block of its own.
extension Resolver: ExpressionWalker {
    public func visitName(_ name: Name) { use(name) }
    public func visitBlock(_ b: Block) { block(b) }
    public func visitFunction(_ f: FunctionDecl) { function(f) }
    public func visitComprehension(pattern: Pattern, condition: Expr?, element: Expr) {
        withBlock {
            bind(pattern, kind: .let)
            if let condition { expression(condition) }
            expression(element)
        }
    }
}
