/// Compiles a resolved program once into Swift closures that run over the interpreter's value
/// stack (design D1 of interpreter-performance.md). A frame is a base pointer; slot 0 holds the
/// running function; locals live in fixed slots decided by the resolver.
typealias Frame = UnsafeMutablePointer<Value>
typealias Code = (Frame) throws -> Value
typealias StmtCode = (Frame) throws -> Void

final class Compiler {
    unowned let interp: Interpreter
    let file: SourceFile
    let resolution: Resolution
    /// The layout of the function being compiled (cell slots decide how locals are accessed).
    var layout: FunctionLayout
    /// Top-level expression statements are shown, as a notebook would.
    let displayTopLevel: Bool
    var atTopLevel = true

    init(interp: Interpreter, file: SourceFile, resolution: Resolution, displayTopLevel: Bool) {
        self.interp = interp
        self.file = file
        self.resolution = resolution
        self.layout = resolution.topLevel
        self.displayTopLevel = displayTopLevel
    }

    func error(_ message: String, _ range: SourceRange, hint: String? = nil) -> RuntimeError {
        RuntimeError(message, hint: hint, file: file, range: range)
    }

    // MARK: Statement sequences

    /// Folds statements into one closure, compiling each one where it is used: never an array
    /// of closures, because a closure read out of an array is called through reabstraction
    /// thunks (interpreter-performance.md, item 3).
    func sequence(_ statements: ArraySlice<Stmt>) -> StmtCode {
        switch statements.count {
        case 0: return { _ in }
        case 1: return statement(statements[statements.startIndex])
        default:
            let mid = statements.startIndex + statements.count / 2
            let a = sequence(statements[..<mid]), b = sequence(statements[mid...])
            let hot = self.interp.hot
            return { fp in
                try a(fp)
                if hot.pointee.signal != .none { return }
                try b(fp)
            }
        }
    }

    /// A block as an expression: its value is the last statement's when that is an expression.
    func block(_ b: Block) -> Code {
        guard let last = b.statements.last else { return { _ in .none } }
        let wasTop = atTopLevel
        atTopLevel = false
        defer { atTopLevel = wasTop }
        if case .expression(let e) = last {
            let head = sequence(b.statements.dropLast())
            let value = expression(e)
            if b.statements.count == 1 { return value }
            let hot = self.interp.hot
            return { fp in
                try head(fp)
                if hot.pointee.signal != .none { return .none }
                return try value(fp)
            }
        }
        let all = sequence(b.statements[...])
        return { fp in
            try all(fp)
            return .none
        }
    }

    /// The whole program as one closure over the top-level frame.
    func program(_ p: Program) -> StmtCode {
        sequence(p.statements[...])
    }

    // MARK: Variables

    func read(_ name: Name) -> Code {
        guard let ref = resolution.refs[name.id] else {
            let e = error("unknown name '\(name.text)'", name.range)
            return { _ in throw e }
        }
        return read(ref, name)
    }

    func read(_ ref: VarRef, _ name: Name) -> Code {
        switch ref {
        case .local(let slot) where layout.cellSlots.contains(slot):
            return { fp in
                if case .cell(let c) = fp[slot] { return c.value }
                return fp[slot]
            }
        case .local(let slot):
            return { fp in fp[slot] }
        case .upvalue(let i):
            return { fp in
                guard case .function(let f) = fp[0] else { return .none }
                return f.captures[i].value
            }
        case .global(let i):
            let cell = interp.globalCells[i]
            let e = error("'\(name.text)' is used before it is defined", name.range, hint: "move its definition above this use")
            return { _ in
                let v = cell.value
                if case .undefined = v { throw e }
                return v
            }
        }
    }

    /// Stores into a variable; `declare` creates a fresh cell for a captured local (each loop
    /// iteration's closures see their own variable).
    func write(_ ref: VarRef, declare: Bool) -> (Frame, Value) -> Void {
        switch ref {
        case .local(let slot) where layout.cellSlots.contains(slot):
            if declare { return { fp, v in fp[slot] = .cell(CellBox(v)) } }
            return { fp, v in
                if case .cell(let c) = fp[slot] { c.value = v } else { fp[slot] = .cell(CellBox(v)) }
            }
        case .local(let slot):
            return { fp, v in fp[slot] = v }
        case .upvalue(let i):
            return { fp, v in
                if case .function(let f) = fp[0] { f.captures[i].value = v }
            }
        case .global(let i):
            let cell = interp.globalCells[i]
            return { _, v in cell.value = v }
        }
    }
}
