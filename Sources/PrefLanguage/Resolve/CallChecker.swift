/// Static checks for `pref check`, beyond names: calls to builtins and to functions declared in
/// the same file are checked for arity and keyword names. Nothing runs.
struct CallChecker: ExpressionWalker {
    let file: SourceFile
    let resolution: Resolution
    let interpreter: Interpreter
    /// Functions declared at the top level of the file, by global slot.
    var functions: [Int: FunctionDecl] = [:]
    var diagnostics: [Diagnostic] = []

    init(file: SourceFile, resolution: Resolution, interpreter: Interpreter) {
        self.file = file
        self.resolution = resolution
        self.interpreter = interpreter
    }

    mutating func check(_ program: Program) -> [Diagnostic] {
        for s in program.statements {
            if case .function(let f) = s, let n = f.name, case .global(let i)? = resolution.refs[n.id] { functions[i] = f }
        }
        program.statements.forEach { walk($0) }
        return diagnostics
    }

    private mutating func error(_ message: String, _ range: SourceRange, hint: String?) {
        diagnostics.append(Diagnostic(.error, message, file: file, range: range, hints: hint.map { [$0] } ?? []))
    }

    /// Checks one call's arguments against a list of parameter names and which have defaults.
    private mutating func checkCall(_ name: String, params: [String], required: Set<String>, variadic: Bool, _ args: [Argument], _ range: SourceRange) {
        let signature = "\(name)(\(params.joined(separator: ", "))\(variadic ? ", ..." : ""))"
        var given = Set<String>()
        var position = 0
        for a in args {
            if let label = a.label {
                guard params.contains(label) else {
                    let hint = Suggestion.closest(to: label, in: params).map { "did you mean '\($0)'?" } ?? "the signature is \(signature)"
                    error("unknown keyword '\(label)' for \(name)()", a.labelRange ?? range, hint: hint)
                    return
                }
                given.insert(label)
            } else if position < params.count {
                given.insert(params[position])
                position += 1
            } else if !variadic {
                error("\(name)() takes \(params.count) argument\(params.count == 1 ? "" : "s") but \(args.count) were given", range,
                      hint: "the signature is \(signature)")
                return
            }
        }
        if let missing = params.first(where: { required.contains($0) && !given.contains($0) }) {
            error("missing argument '\(missing)' for \(name)()", range, hint: "the signature is \(signature)")
        }
    }

    mutating func visitCall(callee: Expr, arguments args: [Argument], range: SourceRange) {
        guard case .name(let n) = callee, case .global(let slot)? = resolution.refs[n.id] else { return }
        if let f = functions[slot] {
            let params = f.parameters.map(\.name.text)
            checkCall(n.text, params: params, required: Set(f.parameters.filter { $0.defaultValue == nil }.map(\.name.text)), variadic: false, args, range)
        } else if slot < interpreter.globalCells.count, case .builtin(let box) = interpreter.globalCells[slot].value {
            let b = box.builtin
            checkCall(b.name, params: b.parameters.map(\.name), required: Set(b.parameters.filter { $0.defaultValue == nil }.map(\.name)),
                      variadic: b.variadic, args, range)
        }
    }

    private mutating func walk(_ s: Stmt) {
        switch s {
        case .binding(_, _, let v, _): walk(v)
        case .function(let f): walk(f)
        case .assign(let t, _, let v, _):
            walk(v)
            if case .name = t {} else { walk(t) }
        case .expression(let e): walk(e)
        case .forLoop(_, let seq, let body, _, _):
            walk(seq)
            body.statements.forEach { walk($0) }
        case .whileLoop(let c, let body, _):
            walk(c)
            body.statements.forEach { walk($0) }
        case .returnValue(let v, _): if let v { walk(v) }
        case .breakLoop, .continueLoop, .importModule: break
        }
    }

    private mutating func walk(_ f: FunctionDecl) {
        f.parameters.forEach { if let d = $0.defaultValue { walk(d) } }
        f.body.statements.forEach { walk($0) }
    }

    // The walk over expressions is ExpressionWalker's; a call is checked in visitCall.
    mutating func visitName(_ name: Name) {}
    mutating func visitBlock(_ block: Block) { block.statements.forEach { walk($0) } }
    mutating func visitFunction(_ function: FunctionDecl) { walk(function) }
    mutating func visitComprehension(pattern: Pattern, condition: Expr?, element: Expr) {
        if let condition { walk(condition) }
        walk(element)
    }
}

extension Interpreter {
    /// `pref check`: names and scopes (the resolver), then calls against the declarations of
    /// builtins and of the file's own functions. Returns every diagnostic in source order.
    public func staticCheck(_ program: Program) -> [Diagnostic] {
        let resolution = check(program)
        ensureGlobalCapacity()
        var checker = CallChecker(file: program.file, resolution: resolution, interpreter: self)
        let calls = checker.check(program)
        return (resolution.diagnostics + calls).sorted {
            ($0.range?.start ?? SourceLocation(line: 0, column: 0)) < ($1.range?.start ?? SourceLocation(line: 0, column: 0))
        }
    }
}
