/// Double fast paths specialised by operand shape (interpreter-performance.md: "fast paths by
/// operand shape (local∘const, local∘local…)"): a plain local slot or a number literal is read
/// without calling a closure, and the operator is a concrete type, so each shape compiles to one
/// specialised closure.
protocol NumberOperator {
    static func apply(_ a: Double, _ b: Double) -> Value
}

enum AddOp: NumberOperator { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Value { .number(a + b) } }
enum SubOp: NumberOperator { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Value { .number(a - b) } }
enum MulOp: NumberOperator { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Value { .number(a * b) } }
enum DivOp: NumberOperator { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Value { .number(a / b) } }
enum RemOp: NumberOperator { @inline(__always) static func apply(_ a: Double, _ b: Double) -> Value { .number(Operators.remainder(a, b)) } }
/// A comparison: conditions test it without building a bool value.
protocol ComparisonOperator: NumberOperator {
    static func holds(_ a: Double, _ b: Double) -> Bool
}

extension ComparisonOperator {
    @inline(__always) static func apply(_ a: Double, _ b: Double) -> Value { .bool(holds(a, b)) }
}

enum LtOp: ComparisonOperator { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a < b } }
enum LeOp: ComparisonOperator { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a <= b } }
enum GtOp: ComparisonOperator { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a > b } }
enum GeOp: ComparisonOperator { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a >= b } }
enum EqOp: ComparisonOperator { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a == b } }
enum NeOp: ComparisonOperator { @inline(__always) static func holds(_ a: Double, _ b: Double) -> Bool { a != b } }

extension Compiler {
    /// How an operand can be read.
    enum Operand {
        case local(Int)
        case constant(Double)
        case other(Code)
    }

    func code(of o: Operand) -> Code {
        switch o {
        case .local(let slot): return { fp in fp[slot] }
        case .constant(let c):
            let v = Value.number(c)
            return { _ in v }
        case .other(let c): return c
        }
    }

    func operand(_ e: Expr) -> Operand {
        if case .number(let x, _) = e { return .constant(x) }
        if case .name(let n) = e, case .local(let slot)? = resolution.refs[n.id], !layout.cellSlots.contains(slot) { return .local(slot) }
        return .other(expression(e))
    }

    /// `l op r` specialised for the operator's concrete type, or nil for operators without a
    /// number fast path. A `switch` with concrete types, not an existential `any
    /// NumberOperator.Type`: opening an existential runs the generic code unspecialised, with a
    /// witness-table call per operation (interpreter-performance.md, item 3).
    func numberFastPath(_ op: BinaryOperator, _ l: Expr, _ r: Expr, slow: @escaping (Value, Value) throws -> Value) -> Code? {
        switch op {
        case .add: specializedTyped(AddOp.self, l, r, slow: slow)
        case .subtract: specializedTyped(SubOp.self, l, r, slow: slow)
        case .multiply: specializedTyped(MulOp.self, l, r, slow: slow)
        case .divide: specializedTyped(DivOp.self, l, r, slow: slow)
        case .remainder: specializedTyped(RemOp.self, l, r, slow: slow)
        case .less: specializedTyped(LtOp.self, l, r, slow: slow)
        case .lessEqual: specializedTyped(LeOp.self, l, r, slow: slow)
        case .greater: specializedTyped(GtOp.self, l, r, slow: slow)
        case .greaterEqual: specializedTyped(GeOp.self, l, r, slow: slow)
        case .equal: specializedTyped(EqOp.self, l, r, slow: slow)
        case .notEqual: specializedTyped(NeOp.self, l, r, slow: slow)
        default: nil
        }
    }

    /// `l op r` with a Double fast path for each operand shape; `slow` handles everything else.
    func specializedTyped<Op: NumberOperator>(_: Op.Type, _ l: Expr, _ r: Expr, slow: @escaping (Value, Value) throws -> Value) -> Code {
        switch (operand(l), operand(r)) {
        case (.local(let a), .constant(let c)):
            let k = Value.number(c)
            return { fp in
                if case .number(let x) = fp[a] { return Op.apply(x, c) }
                return try slow(fp[a], k)
            }
        case (.constant(let c), .local(let b)):
            let k = Value.number(c)
            return { fp in
                if case .number(let y) = fp[b] { return Op.apply(c, y) }
                return try slow(k, fp[b])
            }
        case (.local(let a), .local(let b)):
            return { fp in
                if case .number(let x) = fp[a], case .number(let y) = fp[b] { return Op.apply(x, y) }
                return try slow(fp[a], fp[b])
            }
        case (.other(let ca), .constant(let c)):
            let k = Value.number(c)
            return { fp in
                let x = try ca(fp)
                if case .number(let p) = x { return Op.apply(p, c) }
                return try slow(x, k)
            }
        case (.local(let a), .other(let cb)):
            return { fp in
                let y = try cb(fp)
                if case .number(let p) = fp[a], case .number(let q) = y { return Op.apply(p, q) }
                return try slow(fp[a], y)
            }
        case (let x, let y):
            // Reuse the operands' compiled code: compiling them again would double the work at
            // every level of a nested expression (exponential in its depth).
            let ca = code(of: x), cb = code(of: y)
            return { fp in
                let x = try ca(fp), y = try cb(fp)
                if case .number(let p) = x, case .number(let q) = y { return Op.apply(p, q) }
                return try slow(x, y)
            }
        }
    }
}

extension Compiler {
    /// A condition `l op r` with a comparison operator, specialised by operand shape: numbers
    /// are compared without building a bool value; anything else goes through `slow` (which
    /// must return a bool).
    func comparisonTest<Op: ComparisonOperator>(_: Op.Type, _ l: Expr, _ r: Expr,
                                                slow: @escaping (Value, Value) throws -> Bool) -> (Frame) throws -> Bool {
        switch (operand(l), operand(r)) {
        case (.local(let a), .constant(let c)):
            return { fp in
                if case .number(let x) = fp[a] { return Op.holds(x, c) }
                return try slow(fp[a], .number(c))
            }
        case (.local(let a), .local(let b)):
            return { fp in
                if case .number(let x) = fp[a], case .number(let y) = fp[b] { return Op.holds(x, y) }
                return try slow(fp[a], fp[b])
            }
        case (let x, let y):
            let ca = code(of: x), cb = code(of: y)
            return { fp in
                let x = try ca(fp), y = try cb(fp)
                if case .number(let p) = x, case .number(let q) = y { return Op.holds(p, q) }
                return try slow(x, y)
            }
        }
    }
}

extension Compiler {
    /// The comparison of a plain local with a number literal (`n < 2`), or nil for any other
    /// condition: the superinstructions below test it inline, without a closure call.
    func localComparison(_ condition: Expr) -> (op: BinaryOperator, slot: Int, constant: Double)? {
        guard case .binary(let op, let l, let r, _) = condition,
              case .local(let slot) = operand(l), case .constant(let k) = operand(r) else { return nil }
        switch op {
        case .less, .lessEqual, .greater, .greaterEqual, .equal, .notEqual: return (op, slot, k)
        default: return nil
        }
    }

    /// `if local op constant { … } else { … }` as one closure; `general` handles a local that
    /// does not hold a number (and reports a non-bool condition).
    func fusedIf(_ condition: Expr, then t: @escaping Code, else o: @escaping Code,
                 general: @escaping (Frame) throws -> Bool) -> Code? {
        guard let (op, slot, k) = localComparison(condition) else { return nil }
        func make<Op: ComparisonOperator>(_: Op.Type) -> Code {
            { fp in
                if case .number(let x) = fp[slot] { return Op.holds(x, k) ? try t(fp) : try o(fp) }
                return try general(fp) ? try t(fp) : try o(fp)
            }
        }
        switch op {
        case .less: return make(LtOp.self)
        case .lessEqual: return make(LeOp.self)
        case .greater: return make(GtOp.self)
        case .greaterEqual: return make(GeOp.self)
        case .equal: return make(EqOp.self)
        default: return make(NeOp.self)
        }
    }

    /// `while local op constant { … }` with the test inline (interpreter-performance.md, D1's
    /// superinstructions); `general` handles a local that does not hold a number.
    func fusedWhile(_ condition: Expr, body run: @escaping StmtCode, general: @escaping (Frame) throws -> Bool,
                    file: SourceFile, range: SourceRange) -> StmtCode? {
        guard let (op, slot, k) = localComparison(condition) else { return nil }
        let hot = interp.hot
        func make<Op: ComparisonOperator>(_: Op.Type) -> StmtCode {
            { fp in
                while true {
                    if case .number(let x) = fp[slot] {
                        if !Op.holds(x, k) { return }
                    } else if try !general(fp) {
                        return
                    }
                    try hot.tick(file, range)
                    try run(fp)
                    if !hot.loopContinues() { return }
                }
            }
        }
        switch op {
        case .less: return make(LtOp.self)
        case .lessEqual: return make(LeOp.self)
        case .greater: return make(GtOp.self)
        case .greaterEqual: return make(GeOp.self)
        case .equal: return make(EqOp.self)
        default: return make(NeOp.self)
        }
    }
}
