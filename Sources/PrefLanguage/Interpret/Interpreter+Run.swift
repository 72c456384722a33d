import PrefCore

/// Problems found before running (syntax, names): all of them, in source order.
public struct DiagnosticError: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}

/// How an `import` is satisfied; the runtime's module loader implements it.
public protocol ModuleLoader: AnyObject {
    /// The module's value (usually a record of its definitions) for `import name` or
    /// `import "path.pref"` written in `file`.
    func load(module: String, isPath: Bool, from file: SourceFile) throws -> Value
}

extension Interpreter {
    /// Resolves, compiles and runs a parsed program at the top level.
    ///
    /// - Parameters:
    ///   - displayTopLevel: show the value of each top-level expression statement (scripts and the REPL).
    ///   - allowsRedefinition: a global may be defined again (the REPL).
    /// - Returns: the value of the last statement when it is an expression (for the REPL).
    ///
    /// While it runs, `interruptFlag` is the thread's interrupt flag for tensor kernels
    /// (`Interruption`), so a long op stops between chunks as a loop stops between iterations.
    @discardableResult
    public func run(_ program: Program, displayTopLevel: Bool = true, allowsRedefinition: Bool = false) throws -> Value {
        do {
            return try Interruption.withFlag(interruptFlag) { try runInstalled(program, displayTopLevel: displayTopLevel, allowsRedefinition: allowsRedefinition) }
        } catch let e as Interrupted {
            // Seen by an op rather than by a tick, which clears it itself.
            interruptFlag.pointee = 0
            throw e
        }
    }

    private func runInstalled(_ program: Program, displayTopLevel: Bool, allowsRedefinition: Bool) throws -> Value {
        let resolution = check(program, allowsRedefinition: allowsRedefinition)
        let errors = resolution.diagnostics.filter { $0.severity == .error }
        if !errors.isEmpty { throw DiagnosticError(errors) }
        ensureGlobalCapacity()
        let compiler = Compiler(interp: self, file: program.file, resolution: resolution, displayTopLevel: displayTopLevel)
        var statements = program.statements
        // The last expression's value is returned rather than displayed, so a REPL can echo it.
        var last: Code? = nil
        if !displayTopLevel, case .expression(let e)? = statements.last {
            last = compiler.expression(e)
            statements.removeLast()
        }
        // The hook belongs to this program only: modules it imports run without it.
        let hook = willRunTopLevelStatement, skips = skipsTopLevelStatement
        willRunTopLevelStatement = nil
        skipsTopLevelStatement = nil
        defer {
            willRunTopLevelStatement = hook
            skipsTopLevelStatement = skips
        }
        let body = hook.map { Interpreter.announced(statements, compiler: compiler, hook: $0, skips: skips) } ?? compiler.sequence(statements[...])
        let size = resolution.topLevel.frameSize
        guard top + size <= stackCapacity || growStack(to: top + size) else { throw RuntimeError("the program needs too many local variables") }
        let base = stack + top
        top += size
        defer {
            for i in 0..<size { base[i] = .none }
            top -= size
        }
        do {
            try body(base)
            signal = .none
            return try last?(base) ?? .none
        } catch {
            resetStackAbove(base)
            throw error
        }
    }

    /// The top-level statements one by one, each announced to `hook` before it runs (a
    /// notebook run's cell boundaries), stopping as `sequence` does when a statement signals.
    private static func announced(_ statements: [Stmt], compiler: Compiler, hook: @escaping (SourceRange) throws -> Void,
                                  skips: ((SourceRange) -> Bool)?) -> StmtCode {
        let steps = statements.map { ($0.range, compiler.statement($0)) }
        let hot = compiler.interp.hot
        return { fp in
            for (range, code) in steps {
                try hook(range)
                if let skips, skips(range) { continue }
                try code(fp)
                if hot.pointee.signal != .none { return }
            }
        }
    }

    /// Resolves without running (for `pref check` and for `run`).
    public func check(_ program: Program, allowsRedefinition: Bool = false) -> Resolution {
        Resolver(file: program.file, globals: globals, allowsRedefinition: allowsRedefinition).resolve(program)
    }

    /// After an error deep in a call chain, the frames above the top-level frame are cleared so
    /// stale references do not keep values alive.
    func resetStackAbove(_ base: Frame) {
        let start = base - stack
        for i in start..<top { stack[i] = .none }
        depth = 0
        signal = .none
        returnValue = .none
    }
}
