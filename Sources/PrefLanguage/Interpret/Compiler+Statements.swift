extension Compiler {
    func statement(_ s: Stmt) -> StmtCode {
        switch s {
        case .binding(let kind, let pattern, let value, let range):
            let v = expression(value), bind = binder(pattern, declare: true)
            if kind == .param, case .name(let n) = pattern, atTopLevel, let override = interp.paramOverrides[n.text] {
                let file = self.file
                return { fp in try bind(fp, try Compiler.checkOverride(n.text, default: try v(fp), override, file: file, range: range)) }
            }
            return { fp in try bind(fp, try v(fp)) }
        case .function(let f):
            let make = closure(f)
            guard let n = f.name, let ref = resolution.refs[n.id] else { return { _ in } }
            let store = write(ref, declare: false)
            if case .local(let slot) = ref, layout.cellSlots.contains(slot) {
                // A fresh cell first, so a function that calls itself captures the cell it is stored in.
                return { fp in
                    fp[slot] = .cell(CellBox(.none))
                    store(fp, try make(fp))
                }
            }
            return { fp in store(fp, try make(fp)) }
        case .assign(let target, let op, let value, let range):
            return assignment(target, op, value, range)
        case .expression(let e):
            let code = expression(e)
            if displayTopLevel && atTopLevel {
                unowned(unsafe) let interp = self.interp
                return { fp in
                    let v = try code(fp)
                    if case .none = v { return }
                    if let shown = interp.displayValue { return shown(v) }
                    interp.output((interp.display?(v) ?? v.reprText) + "\n")
                }
            }
            return { fp in _ = try code(fp) }
        case .forLoop(let pattern, let sequence, let body, _, let range):
            return forLoop(pattern, sequence, body, range)
        case .whileLoop(let condition, let body, _):
            return whileLoop(condition, body)
        case .breakLoop:
            let hot = self.interp.hot
            return { _ in hot.pointee.signal = .breakLoop }
        case .continueLoop:
            let hot = self.interp.hot
            return { _ in hot.pointee.signal = .continueLoop }
        case .returnValue(let value, _):
            let hot = self.interp.hot
            let v = value.map(expression) ?? { _ in .none }
            return { fp in
                hot.pointee.returnValue = try v(fp)
                hot.pointee.signal = .returnValue
            }
        case .importModule(let module, let isPath, let alias, let range):
            let target = alias ?? Name(id: -1, text: module, range: range)
            guard let entry = interp.globals.lookup(target.text) else { return { _ in } }
            unowned(unsafe) let interp = self.interp
            let file = self.file
            return { _ in
                guard let loader = interp.moduleLoader else {
                    throw RuntimeError("imports are not available here", file: file, range: range)
                }
                do {
                    interp.globalCells[entry.index].value = try loader.load(module: module, isPath: isPath, from: file)
                } catch let e as RuntimeError {
                    throw e.located(file, range)
                }
            }
        }
    }

    /// A `--set` value must have the type of the param's default.
    static func checkOverride(_ name: String, default d: Value, _ o: Value, file: SourceFile, range: SourceRange) throws -> Value {
        guard d.typeName == o.typeName else {
            var e = RuntimeError("--set \(name): expected a \(d.typeName) like the default \(d.reprText), got \(o.typeName) \(o.reprText)",
                                 hint: OverrideHint.text(name: name, default: d), file: file, range: range)
            e.isUsageError = true
            throw e
        }
        return o
    }

    func whileLoop(_ condition: Expr, _ body: Block) -> StmtCode {
        let cond = test(condition), run = blockStatements(body)
        let hot = self.interp.hot
        let file = self.file, range = condition.range
        if let fused = fusedWhile(condition, body: run, general: cond, file: file, range: range) { return fused }
        return { fp in
            while try cond(fp) {
                try hot.tick(file, range)
                try run(fp)
                if !hot.loopContinues() { return }
            }
        }
    }

    func forLoop(_ pattern: Pattern, _ sequence: Expr, _ body: Block, _ range: SourceRange) -> StmtCode {
        let seq = expression(sequence), bind = binder(pattern, declare: true), run = blockStatements(body)
        let hot = self.interp.hot
        let file = self.file
        let seqRange = sequence.range
        return { fp in
            try Iteration.forEach(try seq(fp), file: file, range: seqRange) { item in
                try hot.tick(file, seqRange)
                try bind(fp, item)
                try run(fp)
                return hot.loopContinues()
            }
        }
    }

    /// A block run for its effects (loop bodies).
    func blockStatements(_ b: Block) -> StmtCode {
        let wasTop = atTopLevel
        atTopLevel = false
        defer { atTopLevel = wasTop }
        return sequence(b.statements[...])
    }

    /// A condition: must be a bool.
    func test(_ e: Expr) -> (Frame) throws -> Bool {
        let err = { [file] (v: Value) in
            RuntimeError("condition must be a bool, got \(v.typeName)", hint: "compare explicitly, e.g. 'x != 0' or 'len(xs) > 0'", file: file, range: e.range)
        }
        // Comparisons test numbers without building a bool value.
        if case .binary(let op, let l, let r, let range) = e {
            unowned(unsafe) let interp = self.interp
            let file = self.file
            let slow = { (x: Value, y: Value) throws -> Bool in
                let v = try Operators.binary(op, x, y, context: interp.gradContext, file: file, range: range)
                if case .bool(let b) = v { return b }
                throw err(v)
            }
            switch op {
            case .less: return comparisonTest(LtOp.self, l, r, slow: slow)
            case .lessEqual: return comparisonTest(LeOp.self, l, r, slow: slow)
            case .greater: return comparisonTest(GtOp.self, l, r, slow: slow)
            case .greaterEqual: return comparisonTest(GeOp.self, l, r, slow: slow)
            case .equal: return comparisonTest(EqOp.self, l, r, slow: slow)
            case .notEqual: return comparisonTest(NeOp.self, l, r, slow: slow)
            default: break
            }
        }
        let code = expression(e)
        return { fp in
            let v = try code(fp)
            if case .bool(let b) = v { return b }
            throw err(v)
        }
    }
}
