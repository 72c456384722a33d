/// Resolves every name to a slot before anything runs: locals and captured cells per function,
/// upvalues for closures, session globals for the top level. Reports unknown names (with "did
/// you mean"), assignment to a `let`, and `break`/`continue`/`return` outside their construct.
public final class Resolver {
    struct Binding {
        var slot: Int
        var kind: BindingKind
        var range: SourceRange
        /// A `let`/`var` statement's local: `pref check` warns when it is never read.
        var warnsUnused = false
        var used = false
    }

    /// One function being resolved (or the top level, whose own bindings are globals).
    final class Scope {
        let parent: Scope?
        let isTopLevel: Bool
        var blocks: [[String: Binding]] = [[:]]
        var layout = FunctionLayout()
        /// Upvalue index per (ancestor-relative) captured variable, keyed by name and source.
        var captureIndex: [String: Int] = [:]
        var loopDepth = 0

        init(parent: Scope?, isTopLevel: Bool) {
            self.parent = parent
            self.isTopLevel = isTopLevel
        }

        func newSlot() -> Int {
            defer { layout.frameSize += 1 }
            return layout.frameSize
        }
    }

    let file: SourceFile
    let globals: GlobalTable
    /// In the REPL a later entry may redefine a global; in a script that is an error.
    let allowsRedefinition: Bool
    var result = Resolution()
    var scope: Scope
    /// Globals this program defines, with where: a second definition elsewhere is an error.
    var declaredHere: [String: SourceRange] = [:]
    /// Duplicates already reported (hoisting and the main walk both see each definition).
    var reportedDuplicates: Set<SourceRange> = []

    public init(file: SourceFile, globals: GlobalTable, allowsRedefinition: Bool = false) {
        self.file = file
        self.globals = globals
        self.allowsRedefinition = allowsRedefinition
        self.scope = Scope(parent: nil, isTopLevel: true)
    }

    /// Resolves a whole program.
    public func resolve(_ program: Program) -> Resolution {
        hoist(program.statements, topLevel: true)
        for s in program.statements { statement(s) }
        result.topLevel = scope.layout
        // Report in source order, whatever order the walk found them in.
        result.diagnostics.sort { ($0.range?.start ?? SourceLocation(line: 0, column: 0)) < ($1.range?.start ?? SourceLocation(line: 0, column: 0)) }
        return result
    }

    func error(_ message: String, _ range: SourceRange, hint: String? = nil) {
        result.diagnostics.append(Diagnostic(.error, message, file: file, range: range, hints: hint.map { [$0] } ?? []))
    }

    /// Top-level `let`/`var`/`param`/`fn` names are declared before any body is resolved, so
    /// functions may refer to globals defined further down (they must exist by the time the
    /// function runs). Inside blocks only `fn` declarations are hoisted, for mutual recursion.
    func hoist(_ statements: [Stmt], topLevel: Bool) {
        for s in statements {
            switch s {
            case .binding(let kind, let pattern, _, _) where topLevel && scope.isTopLevel && scope.blocks.count == 1:
                for n in pattern.names { declareGlobal(n, kind: kind) }
            case .function(let f):
                if let n = f.name { declare(n, kind: .let) }
            case .importModule(let module, let isPath, let alias, let range) where scope.isTopLevel && scope.blocks.count == 1:
                if let alias { declareGlobal(alias, kind: .let) } else if !isPath {
                    declareGlobal(Name(id: -1, text: module, range: range), kind: .let)
                }
            default: break
            }
        }
    }

    func declareGlobal(_ name: Name, kind: BindingKind) {
        // Builtins, the prelude and earlier REPL entries may be shadowed; a script may not
        // define the same global twice.
        if let first = declaredHere[name.text], first != name.range, !allowsRedefinition,
           reportedDuplicates.insert(name.range).inserted {
            error("'\(name.text)' is already defined", name.range,
                  hint: "it was defined at \(first.start.line):\(first.start.column); use a different name, or 'var' and assignment")
        }
        if declaredHere[name.text] == nil { declaredHere[name.text] = name.range }
        let index = globals.declare(name.text, kind: kind)
        if name.id >= 0 { result.refs[name.id] = .global(index) }
        if !result.declaredGlobals.contains(name.text) { result.declaredGlobals.append(name.text) }
    }

    /// Declares a binding in the innermost scope: a global at the top level's outermost block,
    /// a frame slot everywhere else.
    func declare(_ name: Name, kind: BindingKind, warnsUnused: Bool = false) {
        if scope.isTopLevel && scope.blocks.count == 1 {
            if let e = globals.lookup(name.text), declaredHere[name.text] == name.range {
                result.refs[name.id] = .global(e.index)
            } else {
                declareGlobal(name, kind: kind)
            }
            return
        }
        if let existing = scope.blocks[scope.blocks.count - 1][name.text] {
            if existing.range != name.range {
                error("'\(name.text)' is already defined in this block", name.range, hint: "use a different name, or 'var' and assignment")
            }
            result.refs[name.id] = .local(existing.slot)
            return
        }
        let b = Binding(slot: scope.newSlot(), kind: kind, range: name.range, warnsUnused: warnsUnused)
        scope.blocks[scope.blocks.count - 1][name.text] = b
        result.refs[name.id] = .local(b.slot)
    }

    /// Finds a name for reading or writing; nil when it is unknown.
    func lookup(_ name: String) -> (VarRef, BindingKind?, Bool)? {
        if let (ref, kind) = lookup(name, in: scope) { return (ref, kind, false) }
        if let e = globals.lookup(name) { return (.global(e.index), e.kind, e.isBuiltin) }
        return nil
    }

    private func lookup(_ name: String, in s: Scope) -> (VarRef, BindingKind)? {
        for k in stride(from: s.blocks.count - 1, through: 0, by: -1) {
            if let b = s.blocks[k][name] {
                s.blocks[k][name]?.used = true
                return (.local(b.slot), b.kind)
            }
        }
        guard let parent = s.parent, let (outer, kind) = lookup(name, in: parent) else { return nil }
        // A variable of an enclosing function: capture it (Lua-style upvalues).
        let source: CaptureSource
        switch outer {
        case .local(let slot):
            parent.layout.cellSlots.insert(slot)
            source = .local(slot)
        case .upvalue(let i): source = .upvalue(i)
        case .global: return (outer, kind)
        }
        let key = "\(name)#\(source)"
        if let i = s.captureIndex[key] { return (.upvalue(i), kind) }
        s.layout.captures.append(source)
        s.captureIndex[key] = s.layout.captures.count - 1
        return (.upvalue(s.layout.captures.count - 1), kind)
    }

    /// Every name visible here, for "did you mean".
    func visibleNames() -> [String] {
        var names = Set(globals.names)
        var s: Scope? = scope
        while let cur = s {
            for b in cur.blocks { names.formUnion(b.keys) }
            s = cur.parent
        }
        return Array(names)
    }

    func use(_ name: Name) {
        if let (ref, _, _) = lookup(name.text) {
            result.refs[name.id] = ref
            return
        }
        let hint = Suggestion.closest(to: name.text, in: visibleNames()).map { "did you mean '\($0)'?" }
        error("unknown name '\(name.text)'", name.range, hint: hint)
    }

    func withBlock(_ body: () -> Void) {
        scope.blocks.append([:])
        body()
        let block = scope.blocks.removeLast()
        for (name, b) in block where b.warnsUnused && !b.used && !name.hasPrefix("_") {
            result.diagnostics.append(Diagnostic(.warning, "'\(name)' is never used", file: file, range: b.range,
                                                 hints: ["remove it, or start its name with '_' to keep it"]))
        }
    }
}

extension Pattern {
    /// The names a pattern binds, in order.
    public var names: [Name] {
        switch self {
        case .name(let n): return [n]
        case .list(let ps, let rest, _): return ps.flatMap(\.names) + (rest.map { [$0] } ?? [])
        case .record(let fields, _): return fields.flatMap { $0.pattern.names }
        }
    }
}
