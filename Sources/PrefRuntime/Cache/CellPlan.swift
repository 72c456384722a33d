import PrefLanguage

/// What the cell cache knows about a script before running it: for each cell the globals it
/// reads (also through the functions it calls, transitively through their bodies) and writes,
/// and which of its statements re-run even when the cell is cached.
///
/// Statements that re-run: `fn` definitions (and `let f = fn …`), `param`s and imports. They are
/// cheap, their values (closures, modules) cannot be stored, and re-running a param makes it
/// take this run's `--set` value.
struct CellPlan {
    struct Cell {
        /// Globals of the script the cell reads, sorted (its key lists their versions).
        var reads: [String] = []
        /// Globals the cell defines or assigns (also inside functions it calls).
        var writes: Set<String> = []
        /// Names that re-running statements define: not stored, made again.
        var remade: Set<String> = []
        /// The statements that run in a cached cell, by range.
        var rerun: Set<SourceRange> = []
        /// Why the cell must run every time: it writes files (`save`), which a restored cell
        /// would not (nil when it has no such effect).
        var sideEffect: String?
    }

    /// Builtins whose effect lies outside the interpreter.
    static let fileWriters = ["save"]

    var cells: [Cell]
    /// Each top-level function's (or param's) version: its syntax, so that editing a function
    /// changes the key of every cell that calls it. Line moves do not count.
    var staticVersions: [String: String] = [:]
    /// The script's params in order, with their default's syntax.
    var paramDefaults: [String: String] = [:]

    init(program: Program, notebook: Notebook) {
        var globals = Set<String>()
        var functions = [String: NameWalk]()
        for s in program.statements {
            switch s {
            case .binding(let kind, let pattern, let value, _):
                for n in pattern.names { globals.insert(n.text) }
                if case .name(let n) = pattern, case .function(let f) = value {
                    var w = NameWalk()
                    w.function(f)
                    functions[n.text] = w
                    staticVersions[n.text] = "fn " + dump(value)
                }
                if kind == .param, case .name(let n) = pattern { paramDefaults[n.text] = dump(value) }
            case .function(let f):
                guard let n = f.name else { continue }
                globals.insert(n.text)
                var w = NameWalk()
                w.function(f)
                functions[n.text] = w
                staticVersions[n.text] = "fn " + dump(.function(f))
            case .importModule(let module, let isPath, let alias, _):
                if let alias { globals.insert(alias.text) } else if !isPath { globals.insert(module) }
            default: break
            }
        }
        var cells = Array(repeating: Cell(), count: notebook.cells.count)
        var walks = Array(repeating: NameWalk(), count: notebook.cells.count)
        for s in program.statements {
            guard let i = notebook.cellIndex(containing: s.range.start.line) else { continue }
            walks[i].statement(s)
            switch s {
            case .binding(let kind, let pattern, let value, _):
                let names = pattern.names.map(\.text)
                cells[i].writes.formUnion(names)
                if kind == .param || CellPlan.isFunction(value) {
                    cells[i].rerun.insert(s.range)
                    cells[i].remade.formUnion(names)
                }
            case .function(let f):
                cells[i].rerun.insert(s.range)
                if let n = f.name {
                    cells[i].writes.insert(n.text)
                    cells[i].remade.insert(n.text)
                }
            case .importModule(let module, let isPath, let alias, _):
                cells[i].rerun.insert(s.range)
                if let name = alias?.text ?? (isPath ? nil : module) {
                    cells[i].writes.insert(name)
                    cells[i].remade.insert(name)
                }
            default: break
            }
        }
        for i in cells.indices {
            // The functions the cell calls, and the functions they call…
            var uses = walks[i].uses, assigns = walks[i].assigns
            var pending = Array(uses.filter { functions[$0] != nil })
            var seen = Set(pending)
            while let f = pending.popLast() {
                guard let w = functions[f] else { continue }
                uses.formUnion(w.uses)
                assigns.formUnion(w.assigns)
                for g in w.uses where functions[g] != nil && seen.insert(g).inserted { pending.append(g) }
            }
            cells[i].reads = uses.intersection(globals).sorted()
            if let writer = CellPlan.fileWriters.first(where: uses.contains) {
                cells[i].sideEffect = "it writes files with \(writer)"
            }
            cells[i].writes.formUnion(assigns.intersection(globals))
        }
        self.cells = cells
    }

    private static func isFunction(_ e: Expr) -> Bool {
        if case .function = e { return true }
        return false
    }
}
