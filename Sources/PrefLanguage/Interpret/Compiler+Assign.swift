extension Compiler {
    /// Binds a pattern's names to a value (destructuring lists and records).
    func binder(_ pattern: Pattern, declare: Bool) -> (Frame, Value) throws -> Void {
        let file = self.file
        switch pattern {
        case .name(let n):
            guard let ref = resolution.refs[n.id] else { return { _, _ in } }
            let store = write(ref, declare: declare)
            return { fp, v in store(fp, v) }
        case .list(let parts, let rest, let range):
            let binders = parts.map { binder($0, declare: declare) }
            let restBinder = rest.map { binder(.name($0), declare: declare) }
            let n = parts.count
            return { fp, v in
                guard case .list(let l) = v else {
                    throw RuntimeError("cannot destructure a \(v.typeName) as a list", file: file, range: range)
                }
                let items = l.items
                if restBinder == nil ? items.count != n : items.count < n {
                    throw RuntimeError("cannot destructure a list of \(items.count) into \(n) name\(n == 1 ? "" : "s")",
                                       hint: restBinder == nil ? "add '...rest' to collect the remaining elements" : nil, file: file, range: range)
                }
                for i in 0..<n { try binders[i](fp, items[i]) }
                if let restBinder { try restBinder(fp, .list(ListBox(Array(items[n...])))) }
            }
        case .record(let fields, let range):
            let parts = fields.map { ($0.field, binder($0.pattern, declare: declare)) }
            return { fp, v in
                guard case .record(let r) = v else {
                    throw RuntimeError("cannot destructure a \(v.typeName) as a record", file: file, range: range)
                }
                for (field, bind) in parts {
                    guard let x = r[field] else {
                        let hint = Suggestion.closest(to: field, in: r.keys).map { "did you mean '\($0)'?" }
                        throw RuntimeError("the record has no field '\(field)'", hint: hint, file: file, range: range)
                    }
                    try bind(fp, x)
                }
            }
        }
    }

    func assignment(_ target: Expr, _ op: AssignOperator, _ value: Expr, _ range: SourceRange) -> StmtCode {
        // `x = x + e` on a plain local is `x += e`: the same value (lists and strings are
        // values), but appended in place, so building a list this way in a loop is linear
        // rather than quadratic. Only plain locals: `e` cannot change them.
        if op == .assign, case .name(let n) = target, case .local(let slot)? = resolution.refs[n.id],
           !layout.cellSlots.contains(slot), case .binary(.add, .name(let m), let rhs, let opRange) = value,
           case .local(slot)? = resolution.refs[m.id] {
            return assignment(target, .add, rhs, opRange)
        }
        // The same for a global (a top-level `var`) when `e` calls nothing: then `e` cannot
        // change the global between the read of `x` and the append.
        if op == .assign, case .name(let n) = target, case .global(let g)? = resolution.refs[n.id],
           case .binary(.add, .name(let m), let rhs, let opRange) = value, case .global(g)? = resolution.refs[m.id],
           Self.callsNothing(rhs) {
            return assignment(target, .add, rhs, opRange)
        }
        let combine: ((Value, Value) throws -> Value)? = compoundOperator(op, range)
        if case .name(let n) = target, let combine, let ref = resolution.refs[n.id],
           case .local(let slot) = ref, !layout.cellSlots.contains(slot), op != .assign {
            // Superinstruction: `x op= e` on a plain local holding a number.
            let update = modify(ref), file = self.file
            let slow: (Frame, Value) throws -> Void = { fp, new in
                try update(fp) { old in
                    if op == .add {
                        try Operators.appendInPlace(&old, new, combine: combine, file: file, range: range)
                    } else {
                        old = try combine(old, new)
                    }
                }
            }
            if op == .add, case .list(let elements, _) = value, elements.count == 1 {
                return appendOne(slot, expression(elements[0]), slow: slow)
            }
            // Concrete operator types, so each closure is specialised (no existential).
            switch op {
            case .add: return compoundLocal(AddOp.self, slot, value, appends: true, slow: slow)
            case .subtract: return compoundLocal(SubOp.self, slot, value, slow: slow)
            case .multiply: return compoundLocal(MulOp.self, slot, value, slow: slow)
            case .divide, .assign: return compoundLocal(DivOp.self, slot, value, slow: slow)
            }
        }
        let v = expression(value)
        switch target {
        case .name(let n):
            guard let ref = resolution.refs[n.id] else { return { _ in } }
            let store = write(ref, declare: false)
            guard let combine else { return { fp in store(fp, try v(fp)) } }
            let update = modify(ref), file = self.file
            if op == .add {
                // `xs += [v]` and `s += "x"` append in place when the box is not shared:
                // amortised O(1), so building a list or string in a loop is linear.
                return { fp in
                    let new = try v(fp)
                    try update(fp) { old in try Operators.appendInPlace(&old, new, combine: combine, file: file, range: range) }
                }
            }
            return { fp in
                let new = try v(fp)
                try update(fp) { old in old = try combine(old, new) }
            }
        case .index, .member:
            // Containers have value semantics: the update happens in place on the variable's own
            // box when nothing else shares it, and on a copy otherwise.
            let update = pathUpdate(target)
            return { fp in
                let new = try v(fp)
                if let combine {
                    try update(fp) { old in old = try combine(old, new) }
                } else {
                    try update(fp) { old in old = new }
                }
            }
        default:
            let e = error("cannot assign to this expression", target.range)
            return { _ in throw e }
        }
    }

    /// Whether evaluating `e` can run no user code (no calls, blocks, branches or functions), so
    /// it cannot assign to any variable.
    static func callsNothing(_ e: Expr) -> Bool {
        switch e {
        case .number, .bool, .none, .name: return true
        case .string(let parts, _):
            return parts.allSatisfy { if case .interpolation(let x, _) = $0 { callsNothing(x) } else { true } }
        case .list(let items, _): return items.allSatisfy(callsNothing)
        case .record(let fields, _): return fields.allSatisfy { callsNothing($0.value) }
        case .unary(_, let x, _): return callsNothing(x)
        case .binary(_, let a, let b, _): return callsNothing(a) && callsNothing(b)
        case .range(let a, let b, _, _): return (a.map(callsNothing) ?? true) && (b.map(callsNothing) ?? true)
        case .member(let x, _, _): return callsNothing(x)
        case .index(let x, let i, _): return callsNothing(x) && callsNothing(i)
        case .comprehension, .call, .ifElse, .block, .function: return false
        }
    }

    /// `x op= e` on a plain local, specialised by the shape of `e`. The old value is a number
    /// on the fast path, so the slot is overwritten without releasing it.
    /// `xs += [e]` on a plain local: appends the element without building a one-element list.
    func appendOne(_ slot: Int, _ element: @escaping Code, slow: @escaping (Frame, Value) throws -> Void) -> StmtCode {
        { fp in
            let e = try element(fp)
            guard case .list = fp[slot] else { return try slow(fp, .list([e])) }
            // Moved out of the slot, so the slot's reference does not count as sharing.
            guard case .list(var box) = (fp + slot).move() else { return }
            if !isKnownUniquelyReferenced(&box) { box = ListBox(box.items) }
            box.items.append(e)
            (fp + slot).initialize(to: .list(box))
        }
    }

    /// With `appends`, strings and lists are appended in place (`+=`).
    func compoundLocal<Op: NumberOperator>(_: Op.Type, _ slot: Int, _ value: Expr, appends: Bool = false,
                                           slow: @escaping (Frame, Value) throws -> Void) -> StmtCode {
        switch operand(value) {
        case .constant(let c):
            return { fp in
                if case .number(let a) = fp[slot] { (fp + slot).initialize(to: Op.apply(a, c)); return }
                try slow(fp, .number(c))
            }
        case .local(let b):
            return { fp in
                if case .number(let a) = fp[slot], case .number(let y) = fp[b] { (fp + slot).initialize(to: Op.apply(a, y)); return }
                try slow(fp, fp[b])
            }
        case .other(let v):
            return { fp in
                let new = try v(fp)
                if case .number(let a) = fp[slot], case .number(let y) = new { (fp + slot).initialize(to: Op.apply(a, y)); return }
                if appends, Operators.appendInSlot(fp + slot, new) { return }
                try slow(fp, new)
            }
        }
    }

    func compoundOperator(_ op: AssignOperator, _ range: SourceRange) -> ((Value, Value) throws -> Value)? {
        let file = self.file
        let binary: BinaryOperator
        switch op {
        case .assign: return nil
        case .add: binary = .add
        case .subtract: binary = .subtract
        case .multiply: binary = .multiply
        case .divide: binary = .divide
        }
        return { a, b in try Operators.binary(binary, a, b, file: file, range: range) }
    }

    /// Returns a function that lets `change` modify the element at `target` (x[i], r.f, nested)
    /// in place, copying shared containers on the way (copy-on-write).
    func pathUpdate(_ target: Expr) -> (Frame, (inout Value) throws -> Void) throws -> Void {
        let file = self.file
        switch target {
        case .name(let n):
            guard let ref = resolution.refs[n.id] else { return { _, _ in } }
            return modify(ref)
        case .index(let base, let index, let range):
            let parent = pathUpdate(base), idx = expression(index)
            return { fp, change in
                let i = try idx(fp)
                try parent(fp) { container in try Indexing.update(&container, i, change, file: file, range: range) }
            }
        case .member(let base, let name, let range):
            let parent = pathUpdate(base)
            return { fp, change in
                try parent(fp) { container in
                    // The check binds nothing here: a binding would hold a second reference
                    // to the record until the end of this closure, defeating the in-place update.
                    guard let hasField = Compiler.recordHasField(container, name) else {
                        throw RuntimeError("cannot set field '\(name)' of a \(container.typeName)", file: file, range: range)
                    }
                    guard hasField else {
                        throw RuntimeError("the record has no field '\(name)'", hint: "records get their fields when they are made: {\(name): …}", file: file, range: range)
                    }
                    // Moved out of the variable so the box can be uniquely referenced.
                    guard case .record(var r) = Value.take(&container) else { return }
                    defer { container = .record(r) }
                    if !isKnownUniquelyReferenced(&r) { r = r.copy() }
                    try r.modify(name, change)
                }
            }
        default:
            let e = error("cannot assign to this expression", target.range)
            return { _, _ in throw e }
        }
    }

    /// Whether a record has a field; nil when the value is not a record.
    static func recordHasField(_ v: Value, _ name: String) -> Bool? {
        guard case .record(let r) = v else { return nil }
        return r[name] != nil
    }

    /// In-place access to a variable's storage.
    func modify(_ ref: VarRef) -> (Frame, (inout Value) throws -> Void) throws -> Void {
        switch ref {
        case .local(let slot) where layout.cellSlots.contains(slot):
            return { fp, change in
                if case .cell(let c) = fp[slot] { try change(&c.value) } else { try change(&fp[slot]) }
            }
        case .local(let slot):
            return { fp, change in try change(&fp[slot]) }
        case .upvalue(let i):
            return { fp, change in
                if case .function(let f) = fp[0] { try change(&f.captures[i].value) }
            }
        case .global(let i):
            let cell = interp.globalCells[i]
            return { _, change in try change(&cell.value) }
        }
    }

    func subscriptRead(_ base: Expr, _ index: Expr, _ range: SourceRange) -> Code {
        let b = expression(base)
        let file = self.file
        unowned(unsafe) let interp = self.interp
        if case .range(let lo, let hi, let inclusive, _) = index {
            let l = lo.map(expression), h = hi.map(expression)
            return { fp in
                let container = try b(fp)
                let a = try l?(fp), z = try h?(fp)
                return try Indexing.slice(container, a, z, inclusive: inclusive, context: interp.gradContext, file: file, range: range)
            }
        }
        let i = expression(index)
        return { fp in
            let container = try b(fp), key = try i(fp)
            if case .list(let list) = container, case .number(let x) = key, x >= 0, x < Double(list.items.count), x == x.rounded() {
                return list.items[Int(x)]
            }
            return try Indexing.get(container, key, context: interp.gradContext, file: file, range: range)
        }
    }
}
