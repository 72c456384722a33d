extension Compiler {
    func expression(_ e: Expr) -> Code {
        switch e {
        case .number(let x, _):
            let v = Value.number(x)
            return { _ in v }
        case .bool(let b, _):
            let v = Value.bool(b)
            return { _ in v }
        case .none: return { _ in .none }
        case .string(let parts, _): return string(parts)
        case .name(let n): return read(n)
        case .list(let items, _):
            let codes = items.map(expression)
            return { fp in
                var out = [Value]()
                out.reserveCapacity(codes.count)
                for c in codes { out.append(try c(fp)) }
                return .list(ListBox(out))
            }
        case .record(let fields, _):
            let keys = fields.map(\.key), codes = fields.map { expression($0.value) }
            return { fp in
                let r = RecordBox()
                for (k, c) in zip(keys, codes) { r.set(k, try c(fp)) }
                return .record(r)
            }
        case .comprehension(let element, let pattern, let sequence, let condition, _, _):
            return comprehension(element, pattern, sequence, condition)
        case .unary(let op, let x, let range): return unary(op, x, range)
        case .binary(let op, let l, let r, let opRange): return binary(op, l, r, opRange)
        case .range(let lo, let hi, let inclusive, let range):
            guard let lo, let hi else {
                let e = error("a range needs both bounds outside an index", range, hint: "write 'a..b' or 'a..<b'")
                return { _ in throw e }
            }
            let l = expression(lo), h = expression(hi)
            let file = self.file
            let err = { (v: Value) in RuntimeError("range bounds must be numbers, got \(v.typeName)", file: file, range: range) }
            return { fp in
                let a = try l(fp), b = try h(fp)
                guard case .number(let x) = a else { throw err(a) }
                guard case .number(let y) = b else { throw err(b) }
                return .range(RangeBox(lower: x, upper: y, inclusive: inclusive))
            }
        case .call(let callee, let args, _, let range): return call(callee, args, range)
        case .member(let base, let name, let range):
            let b = expression(base)
            let file = self.file
            unowned(unsafe) let interp = self.interp
            return { fp in try Members.get(try b(fp), name, context: interp.gradContext, file: file, range: range) }
        case .index(let base, let index, let range): return subscriptRead(base, index, range)
        case .ifElse(let condition, let then, let otherwise, _):
            let c = test(condition), t = block(then)
            let o: Code
            switch otherwise {
            case .block(let b)?: o = block(b)
            case .elseIf(let x)?: o = expression(x)
            case nil: o = { _ in .none }
            }
            if let fused = fusedIf(condition, then: t, else: o, general: c) { return fused }
            return { fp in try c(fp) ? try t(fp) : try o(fp) }
        case .block(let b): return block(b)
        case .function(let f): return closure(f)
        }
    }

    func string(_ parts: [StringPart]) -> Code {
        if parts.isEmpty { return { _ in .str("") } }
        if parts.count == 1, case .text(let t) = parts[0] {
            let v = Value.str(t)
            return { _ in v }
        }
        let pieces: [Code] = parts.map { part in
            switch part {
            case .text(let t):
                let v = Value.str(t)
                return { _ in v }
            case .interpolation(let e, let spec):
                let code = expression(e)
                let file = self.file, range = e.range
                return { fp in
                    let v = try code(fp)
                    guard let spec else { return .str(v.displayText) }
                    do {
                        return .str(try FormatSpec(spec).format(v))
                    } catch let e as RuntimeError {
                        var located = e
                        located.file = file
                        located.range = range
                        throw located
                    }
                }
            }
        }
        return { fp in
            var s = ""
            for p in pieces {
                if case .string(let b) = try p(fp) { s += b.value }
            }
            return .str(s)
        }
    }

    func comprehension(_ element: Expr, _ pattern: Pattern, _ sequence: Expr, _ condition: Expr?) -> Code {
        let seq = expression(sequence), bind = binder(pattern, declare: true), value = expression(element)
        let cond = condition.map(test)
        let hot = self.interp.hot
        let file = self.file, seqRange = sequence.range
        return { fp in
            var out = [Value]()
            try Iteration.forEach(try seq(fp), file: file, range: seqRange) { item in
                try hot.tick(file, seqRange)
                try bind(fp, item)
                if let cond, !(try cond(fp)) { return true }
                out.append(try value(fp))
                return true
            }
            return .list(ListBox(out))
        }
    }

    func unary(_ op: UnaryOperator, _ x: Expr, _ range: SourceRange) -> Code {
        let code = expression(x)
        let file = self.file
        unowned(unsafe) let interp = self.interp
        switch op {
        case .not:
            return { fp in
                let v = try code(fp)
                guard case .bool(let b) = v else {
                    throw RuntimeError("'not' needs a bool, got \(v.typeName)", file: file, range: range)
                }
                return .bool(!b)
            }
        case .negate:
            return { fp in
                let v = try code(fp)
                if case .number(let n) = v { return .number(-n) }
                return try Operators.negate(v, context: interp.gradContext, file: file, range: range)
            }
        case .plus:
            return { fp in
                let v = try code(fp)
                if case .number = v { return v }
                if case .tensor = v { return v }
                throw RuntimeError("unary '+' needs a number or tensor, got \(v.typeName)", file: file, range: range)
            }
        }
    }

    /// A function or lambda value: the code is compiled once; each evaluation captures cells.
    func closure(_ f: FunctionDecl) -> Code {
        let fnLayout = resolution.functions[f.id] ?? FunctionLayout()
        let outerLayout = layout, wasTop = atTopLevel
        layout = fnLayout
        atTopLevel = false
        let defaults = f.parameters.map { p in p.defaultValue.map(expression) }
        let block = block(f.body)
        let hot = interp.hot
        // Without a `return` statement the block's value is the result: one closure call less.
        let body: Code = !fnLayout.hasReturn ? block : { fp in
            let v = try block(fp)
            guard hot.pointee.signal == .returnValue else { return v }
            hot.pointee.signal = .none
            let r = hot.pointee.returnValue
            hot.pointee.returnValue = .none
            return r
        }
        let code = CodeObject(name: f.name?.text ?? "lambda", parameterNames: f.parameters.map(\.name.text),
                              layout: fnLayout, defaults: defaults, body: body, file: file, range: f.range)
        interp.codeObjects.append(code)
        layout = outerLayout
        atTopLevel = wasTop
        let sources = fnLayout.captures
        if sources.isEmpty {
            let shared = Value.function(FunctionBox(code: code, captures: []))
            return { _ in shared }
        }
        return { fp in
            var cells = [CellBox]()
            cells.reserveCapacity(sources.count)
            for s in sources {
                switch s {
                case .local(let slot):
                    if case .cell(let c) = fp[slot] {
                        cells.append(c)
                    } else {
                        // A captured local not yet assigned (e.g. a recursive local fn): box it now.
                        let c = CellBox(fp[slot])
                        fp[slot] = .cell(c)
                        cells.append(c)
                    }
                case .upvalue(let i):
                    if case .function(let outer) = fp[0] { cells.append(outer.captures[i]) } else { cells.append(CellBox(.none)) }
                }
            }
            return .function(FunctionBox(code: code, captures: cells))
        }
    }
}
