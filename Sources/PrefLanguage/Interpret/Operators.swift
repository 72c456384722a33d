import PrefCore
#if canImport(Glibc)
import Glibc
#endif

/// The slow paths of the operators: everything that is not number-with-number. Strings and
/// lists concatenate with `+`; tensors follow NumPy broadcasting; comparisons of different types
/// are errors except `==`/`!=`, which are structural.
enum Operators {
    static func binary(_ op: BinaryOperator, _ a: Value, _ b: Value, context: GradContext? = nil, file: SourceFile, range: SourceRange) throws -> Value {
        do {
            return try compute(op, a, b, context: context)
        } catch let e as RuntimeError {
            throw e.located(file, range)
        } catch let e as TensorError {
            if e.isInterrupted { throw Interrupted(file: file, range: range) }
            throw RuntimeError("\(e.op): \(e.message)", hint: e.hint, file: file, range: range)
        }
    }

    private static func compute(_ op: BinaryOperator, _ a: Value, _ b: Value, context: GradContext?) throws -> Value {
        switch (op, a, b) {
        // With a tensor on either side, == and != compare elementwise (NumPy); otherwise structurally.
        case (.equal, .tensor, .tensor), (.equal, .tensor, .number), (.equal, .number, .tensor),
             (.notEqual, .tensor, .tensor), (.notEqual, .tensor, .number), (.notEqual, .number, .tensor):
            return try tensor(op, a, b, context: context)
        // A native value may give `== number` its own meaning (a reward's constraint `r == 1.7`).
        case (.equal, .native, .number), (.equal, .number, .native):
            return try native(op, a, b) ?? .bool(try equal(a, b))
        case (.equal, _, _): return .bool(try equal(a, b))
        case (.notEqual, _, _): return .bool(try !equal(a, b))
        case (_, .number(let x), .number(let y)): return try number(op, x, y)
        case (_, .tensor, .tensor), (_, .tensor, .number), (_, .number, .tensor):
            return try tensor(op, a, b, context: context)
        case (.add, .string(let x), .string(let y)):
            try checkSize(x.value.utf8.count, y.value.utf8.count, 1, "string", "bytes")
            return .str(x.value + y.value)
        case (.add, .list(let x), .list(let y)):
            try checkSize(x.items.count, y.items.count, 1, "list", "elements")
            return .list(ListBox(x.items + y.items))
        case (.multiply, .string(let s), .number(let n)), (.multiply, .number(let n), .string(let s)):
            let k = try count(n, of: s.value.utf8.count, "string", "bytes")
            return .str(repeated(s.value, k))
        case (.multiply, .list(let l), .number(let n)), (.multiply, .number(let n), .list(let l)):
            let k = try count(n, of: l.items.count, "list", "elements")
            if l.items.count == 1 { return .list(ListBox(Array(repeating: l.items[0], count: k))) }
            var out = [Value]()
            out.reserveCapacity(l.items.count * k)
            for _ in 0..<k { out += l.items }
            return .list(ListBox(out))
        case (.less, .string(let x), .string(let y)): return .bool(x.value < y.value)
        case (.lessEqual, .string(let x), .string(let y)): return .bool(x.value <= y.value)
        case (.greater, .string(let x), .string(let y)): return .bool(x.value > y.value)
        case (.greaterEqual, .string(let x), .string(let y)): return .bool(x.value >= y.value)
        default:
            if let r = try native(op, a, b) { return r }
            var hint: String? = nil
            if op == .add, case .string = a { hint = "convert with str(…) or use interpolation: \"…{x}…\"" }
            if op == .add, case .string = b { hint = "convert with str(…) or use interpolation: \"…{x}…\"" }
            throw RuntimeError("cannot apply '\(op.rawValue)' to \(a.typeName) and \(b.typeName)", hint: hint)
        }
    }

    /// The operator as a native operand defines it (`NativeArithmetic`), left operand first.
    private static func native(_ op: BinaryOperator, _ a: Value, _ b: Value) throws -> Value? {
        if case .native(let x) = a, let n = x.object as? any NativeArithmetic, let r = try n.binary(op, b, selfOnLeft: true) { return r }
        if case .native(let y) = b, let n = y.object as? any NativeArithmetic, let r = try n.binary(op, a, selfOnLeft: false) { return r }
        return nil
    }

    /// `old += new`: numbers add; lists and strings append in place when their box is unique.
    static func appendInPlace(_ old: inout Value, _ new: Value, combine: (Value, Value) throws -> Value,
                              file: SourceFile, range: SourceRange) throws {
        // No tuple switch: a temporary tuple would hold a second reference to the box.
        if case .number(let a) = old, case .number(let b) = new {
            old = .number(a + b)
        } else if case .list(var box) = old, case .list(let extra) = new {
            old = .none
            do { try checkSize(box.items.count, extra.items.count, 1, "list", "elements") } catch let e as RuntimeError {
                old = .list(box)
                throw e.located(file, range)
            }
            if !isKnownUniquelyReferenced(&box) { box = ListBox(box.items) }
            box.items.append(contentsOf: extra.items)
            old = .list(box)
        } else if case .string(var box) = old, case .string(let extra) = new {
            old = .none
            do { try checkSize(box.utf8Count, extra.utf8Count, 1, "string", "bytes") } catch let e as RuntimeError {
                old = .string(box)
                throw e.located(file, range)
            }
            if !isKnownUniquelyReferenced(&box) { box = StringBox(box.value) }
            box.append(extra)
            old = .string(box)
        } else {
            old = try combine(old, new)
        }
    }

    /// `slot += new` for two strings or two lists, in place when the slot's box is not shared.
    /// The value is moved out of the slot first, so the slot's own reference does not count
    /// as sharing and no retain or release happens (interpreter-performance.md, item 5).
    /// Returns false, changing nothing, for other operand types.
    @inline(__always)
    static func appendInSlot(_ p: UnsafeMutablePointer<Value>, _ new: Value) -> Bool {
        // Sizes are read in a helper: a binding here would keep a second reference to the box
        // alive and make it look shared. Past the size limit the general path reports the
        // located error.
        if case .string(let extra) = new, let size = appendableSize(p.pointee) {
            guard size + extra.utf8Count <= Shape.maxElements else { return false }
            guard case .string(var box) = p.move() else { return false }
            if !isKnownUniquelyReferenced(&box) { box = StringBox(box.value) }
            box.append(extra)
            p.initialize(to: .string(box))
            return true
        }
        if case .list(let extra) = new, let size = appendableSize(p.pointee, list: true) {
            guard size + extra.items.count <= Shape.maxElements else { return false }
            guard case .list(var box) = p.move() else { return false }
            if !isKnownUniquelyReferenced(&box) { box = ListBox(box.items) }
            box.items.append(contentsOf: extra.items)
            p.initialize(to: .list(box))
            return true
        }
        return false
    }

    /// The count of `s * n` or `xs * n`, where the operand has `size` units: a whole number ≥ 0
    /// whose result stays within the limit of `checkSize`. Repeating an empty operand gives an
    /// empty result, so its count is taken as 0 rather than looped over.
    /// The size of a string (UTF-8 bytes) or, with `list`, of a list; nil for other values.
    private static func appendableSize(_ v: Value, list: Bool = false) -> Int? {
        switch v {
        case .string(let s) where !list: s.utf8Count
        case .list(let l) where list: l.items.count
        default: nil
        }
    }

    static func count(_ n: Double, of size: Int, _ kind: String, _ unit: String) throws -> Int {
        guard n == n.rounded(), n >= 0 else { throw RuntimeError("repetition count must be a whole number ≥ 0, got \(Value.format(number: n))") }
        guard size > 0 else { return 0 }
        guard n <= Double(Shape.maxElements) else {
            throw sizeError(Value.format(number: Double(size) * n), kind, unit)
        }
        try checkSize(size, 0, Int(n), kind, unit)
        return Int(n)
    }

    /// `s` repeated `k` times, copying bytes in doubling blocks: `String(repeating:count:)`
    /// appends one copy at a time, which took over a second for `"x" * 9e7`.
    static func repeated(_ s: String, _ k: Int) -> String {
        let unit = Array(s.utf8)
        let total = unit.count * k
        guard total > 0 else { return "" }
        return String(unsafeUninitializedCapacity: total) { buffer in
            guard let base = buffer.baseAddress else { return 0 }
            unit.withUnsafeBufferPointer { base.initialize(from: $0.baseAddress.unsafelyUnwrapped, count: unit.count) }
            var filled = unit.count
            while filled < total {
                let chunk = Swift.min(filled, total - filled)
                (base + filled).initialize(from: base, count: chunk)
                filled += chunk
            }
            return total
        }
    }

    /// Strings and lists built by `+`, `+=` and `*` stay within the tensor size limit
    /// (`Shape.maxElements`): `(a + b) · k` units (UTF-8 bytes or elements), checked before
    /// anything is allocated, because running out of memory traps.
    static func checkSize(_ a: Int, _ b: Int, _ k: Int, _ kind: String, _ unit: String) throws {
        let (n, overflow) = (a + b).multipliedReportingOverflow(by: k)
        guard overflow || n > Shape.maxElements else { return }
        throw sizeError(overflow ? "more than \(Int.max)" : "\(n)", kind, unit)
    }

    private static func sizeError(_ size: String, _ kind: String, _ unit: String) -> RuntimeError {
        RuntimeError("the resulting \(kind) would have \(size) \(unit); the limit is \(Shape.maxElements) (2^28)",
                     hint: kind == "list" ? "for numbers, a tensor (zeros, ones, full) is more compact" : "build the text in smaller pieces")
    }

    /// Numbers follow IEEE 754 (division by zero gives ±inf or nan); `%` takes the sign of the
    /// divisor, as in Python.
    static func number(_ op: BinaryOperator, _ x: Double, _ y: Double) throws -> Value {
        switch op {
        case .add: return .number(x + y)
        case .subtract: return .number(x - y)
        case .multiply: return .number(x * y)
        case .divide: return .number(x / y)
        case .remainder: return .number(remainder(x, y))
        case .power: return .number(pow(x, y))
        case .less: return .bool(x < y)
        case .lessEqual: return .bool(x <= y)
        case .greater: return .bool(x > y)
        case .greaterEqual: return .bool(x >= y)
        case .equal: return .bool(x == y)
        case .notEqual: return .bool(x != y)
        case .matmul: throw RuntimeError("'@' needs tensors, got two numbers", hint: "use '*' to multiply numbers")
        case .and, .or: throw RuntimeError("'\(op.rawValue)' needs bools, got numbers")
        }
    }

    /// Python's modulo: the result has the divisor's sign. Integral operands take an integer path
    /// (fmod is slow for large quotients).
    @inline(__always)
    static func remainder(_ x: Double, _ y: Double) -> Double {
        if let a = Int64(exactly: x), let b = Int64(exactly: y), b != 0, !(a == .min && b == -1) {
            let r = a % b
            return Double(r != 0 && (r < 0) != (b < 0) ? r + b : r)
        }
        let r = x.truncatingRemainder(dividingBy: y)
        return r != 0 && (r < 0) != (y < 0) ? r + y : r
    }

    static func tensor(_ op: BinaryOperator, _ a: Value, _ b: Value, context: GradContext?) throws -> Value {
        let core: BinaryOp?
        switch op {
        case .add: core = .add
        case .subtract: core = .sub
        case .multiply: core = .mul
        case .divide: core = .div
        case .power: core = .pow
        case .matmul: core = nil
        case .less: core = .lt
        case .lessEqual: core = .le
        case .greater: core = .gt
        case .greaterEqual: core = .ge
        case .equal: core = .eq
        case .notEqual: core = .ne
        case .remainder: core = .mod
        case .and, .or:
            throw RuntimeError("cannot apply '\(op.rawValue)' to \(a.typeName) and \(b.typeName)")
        }
        if op == .matmul {
            guard case .tensor = a, case .tensor = b else { throw RuntimeError("'@' needs two tensors", hint: "use '*' to scale by a number") }
        }
        return try TensorValues.binary(core, a, b, context: context)
    }

    static func negate(_ v: Value, context: GradContext?, file: SourceFile, range: SourceRange) throws -> Value {
        guard case .tensor(let t) = v else {
            throw RuntimeError("cannot negate a \(v.typeName)", file: file, range: range)
        }
        do {
            return try TensorValues.unary(.neg, t, context: context)
        } catch let e as TensorError {
            if e.isInterrupted { throw Interrupted(file: file, range: range) }
            throw RuntimeError("\(e.op): \(e.message)", file: file, range: range)
        }
    }

    static func equal(_ a: Value, _ b: Value) throws -> Bool { try Value.structurallyEqual(a, b) }
}

extension Value {
    /// Containers nested deeper than this cannot be compared: `==` is an error there rather than
    /// a recursion deep enough to overflow the stack (or a wrong answer).
    public static let maxCompareDepth = 200

    /// Structural equality, as `==`: numbers by value, lists element by element, records by
    /// their set of fields (order does not matter, as for Python dicts), functions, tensors and
    /// objects by identity. Throws when both sides nest deeper than `maxCompareDepth`.
    public static func structurallyEqual(_ a: Value, _ b: Value, depth: Int = 0) throws -> Bool {
        if depth >= maxCompareDepth && deepPair(a, b) {
            throw RuntimeError("values nested more than \(maxCompareDepth) levels deep cannot be compared",
                               hint: "compare the inner parts separately")
        }
        switch (a, b) {
        case (.none, .none): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x === y || x.value == y.value
        case (.list(let x), .list(let y)):
            return try x === y || (x.items.count == y.items.count
                && zip(x.items, y.items).allSatisfy { try structurallyEqual($0, $1, depth: depth + 1) })
        case (.record(let x), .record(let y)):
            guard x !== y else { return true }
            guard x.count == y.count else { return false }
            return try zip(x.keys, x.values).allSatisfy { k, v in try y[k].map { try structurallyEqual(v, $0, depth: depth + 1) } ?? false }
        case (.range(let x), .range(let y)): return x.lower == y.lower && x.upper == y.upper && x.inclusive == y.inclusive
        case (.function(let x), .function(let y)): return x === y
        case (.builtin(let x), .builtin(let y)): return x.builtin === y.builtin
        case (.tensor(let x), .tensor(let y)): return x === y
        case (.native(let x), .native(let y)): return x.object === y.object
        default: return false
        }
    }

    /// Two distinct non-empty containers of one kind: comparing them would go one level deeper.
    private static func deepPair(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.list(let x), .list(let y)): return x !== y && x.items.count == y.items.count && !x.items.isEmpty
        case (.record(let x), .record(let y)): return x !== y && x.count == y.count && x.count > 0
        default: return false
        }
    }
}
