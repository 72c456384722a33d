import PrefCore

/// `x[i]`, `x[a..<b]` and `x[i] = v` for lists, strings, records and tensors. Negative indices
/// count from the end (as in Python); out-of-range indices are errors, never traps.
enum Indexing {
    /// Core errors from tensor indexing get the subscript's location.
    static func located(_ file: SourceFile, _ range: SourceRange, _ body: () throws -> Value) throws -> Value {
        do {
            return try body()
        } catch let e as TensorError {
            if e.isInterrupted { throw Interrupted(file: file, range: range) }
            throw RuntimeError("\(e.op): \(e.message)", hint: e.hint, file: file, range: range)
        }
    }

    static func position(_ key: Value, count: Int, what: String, file: SourceFile, range: SourceRange) throws -> Int {
        guard case .number(let x) = key else {
            throw RuntimeError("\(what) index must be a number, got \(key.typeName)", file: file, range: range)
        }
        guard x == x.rounded(), Swift.abs(x) < 9e15 else {
            throw RuntimeError("\(what) index must be a whole number, got \(Value.format(number: x))", file: file, range: range)
        }
        let i = Int(x) < 0 ? Int(x) + count : Int(x)
        guard i >= 0, i < count else {
            throw RuntimeError("index \(Value.format(number: x)) is out of range for a \(what) of length \(count)",
                               hint: count == 0 ? "the \(what) is empty" : "valid indices run from \(-count) to \(count - 1)", file: file, range: range)
        }
        return i
    }

    static func get(_ container: Value, _ key: Value, context: GradContext? = nil, file: SourceFile, range: SourceRange) throws -> Value {
        switch container {
        case .list(let l):
            return l.items[try position(key, count: l.items.count, what: "list", file: file, range: range)]
        case .string(let s):
            let chars = Array(s.value)
            return .str(String(chars[try position(key, count: chars.count, what: "string", file: file, range: range)]))
        case .record(let r):
            guard case .string(let k) = key else {
                throw RuntimeError("record keys are strings, got \(key.typeName)", file: file, range: range)
            }
            guard let v = r[k.value] else {
                let hint = Suggestion.closest(to: k.value, in: r.keys).map { "did you mean '\($0)'?" }
                    ?? (r.count == 0 ? "the record is empty" : "its fields are \(r.keys.joined(separator: ", "))")
                throw RuntimeError("the record has no field \(Value.quote(k.value))", hint: hint, file: file, range: range)
            }
            return v
        case .range(let r):
            return .number(r.lower + Double(try position(key, count: r.count, what: "range", file: file, range: range)))
        case .tensor(let t):
            let shape = try TensorValues.shape(t)
            guard shape.rank > 0 else { throw RuntimeError("cannot index a scalar tensor", file: file, range: range) }
            let i = try position(key, count: shape[0], what: "tensor", file: file, range: range)
            return try located(file, range) { try TensorValues.row(t, i, context: context) }
        case .native(let n) where n.object is NativeKeyed && key.isString:
            guard case .string(let k) = key, let keyed = n.object as? NativeKeyed else { return .none }
            guard keyed.keys.contains(k.value), let v = n.object.member(k.value) else {
                let hint = Suggestion.closest(to: k.value, in: keyed.keys).map { "did you mean '\($0)'?" }
                    ?? "its names are \(keyed.keys.joined(separator: ", "))"
                throw RuntimeError("the \(n.object.typeName) has no \(Value.quote(k.value))", hint: hint, file: file, range: range)
            }
            return v
        case .native(let n) where n.object is NativeSequence:
            guard let seq = n.object as? NativeSequence else { return .none }
            return try seq.element(at: try position(key, count: seq.elementCount, what: n.object.typeName, file: file, range: range))
        default:
            throw RuntimeError("cannot index a \(container.typeName)", file: file, range: range)
        }
    }

    /// Python slice bounds for `a..<b` (or `a..b`, inclusive), clamped to the length.
    static func bounds(_ lo: Value?, _ hi: Value?, inclusive: Bool, count: Int, file: SourceFile, range: SourceRange) throws -> Range<Int> {
        func bound(_ v: Value?, _ dflt: Int) throws -> Int {
            guard let v else { return dflt }
            guard case .number(let x) = v, x == x.rounded(), Swift.abs(x) < 9e15 else {
                throw RuntimeError("slice bounds must be whole numbers, got \(v.reprText)", file: file, range: range)
            }
            let i = Int(x) < 0 ? Int(x) + count : Int(x)
            return Swift.min(Swift.max(i, 0), count)
        }
        let a = try bound(lo, 0)
        var b = try bound(hi, count)
        if inclusive, hi != nil { b = Swift.min(b + 1, count) }
        return a..<Swift.max(a, b)
    }

    static func slice(_ container: Value, _ lo: Value?, _ hi: Value?, inclusive: Bool, context: GradContext? = nil, file: SourceFile, range: SourceRange) throws -> Value {
        switch container {
        case .list(let l):
            return .list(ListBox(Array(l.items[try bounds(lo, hi, inclusive: inclusive, count: l.items.count, file: file, range: range)])))
        case .string(let s):
            let chars = Array(s.value)
            return .str(String(chars[try bounds(lo, hi, inclusive: inclusive, count: chars.count, file: file, range: range)]))
        case .range(let rg):
            let b = try bounds(lo, hi, inclusive: inclusive, count: rg.count, file: file, range: range)
            return .list(ListBox(b.map { .number(rg.lower + Double($0)) }))
        case .tensor(let t):
            let shape = try TensorValues.shape(t)
            guard shape.rank > 0 else { throw RuntimeError("cannot slice a scalar tensor", file: file, range: range) }
            let r = try bounds(lo, hi, inclusive: inclusive, count: shape[0], file: file, range: range)
            return try located(file, range) { try TensorValues.slice(t, r, context: context) }
        case .native(let n) where n.object is NativeSequence:
            guard let seq = n.object as? NativeSequence else { return .none }
            return try seq.slice(try bounds(lo, hi, inclusive: inclusive, count: seq.elementCount, file: file, range: range))
        default:
            throw RuntimeError("cannot slice a \(container.typeName)", file: file, range: range)
        }
    }

    /// Lets `change` modify the element at `key` in place; a shared box is copied first.
    static func update(_ container: inout Value, _ key: Value, _ change: (inout Value) throws -> Void, file: SourceFile, range: SourceRange) throws {
        // `if case` rather than `switch`: a switch keeps a temporary copy of its subject alive
        // through the case body, which made every list look shared (and `xs[i] = v` copy it).
        if case .list = container {
            // Moved out of the variable, so the box's only reference is `l` and the update
            // happens in place.
            guard case .list(var l) = Value.take(&container) else { return }
            defer { container = .list(l) }
            let i = try position(key, count: l.items.count, what: "list", file: file, range: range)
            if !isKnownUniquelyReferenced(&l) { l = ListBox(l.items) }
            try change(&l.items[i])
            return
        }
        if case .record = container {
            guard case .string(let k) = key else {
                throw RuntimeError("record keys are strings, got \(key.typeName)", file: file, range: range)
            }
            guard case .record(var r) = Value.take(&container) else { return }
            defer { container = .record(r) }
            if !isKnownUniquelyReferenced(&r) { r = r.copy() }
            // Setting a new key by string adds it (r["New York"] = 1), unlike r.field = v.
            if r[k.value] == nil { r.set(k.value, .none) }
            try r.modify(k.value, change)
            return
        }
        let hint = switch container {
        case .string: "strings are immutable; build a new one"
        case .tensor: "tensors cannot change in place; build a new one, e.g. t = where(mask, new_values, t)"
        default: Optional<String>.none
        }
        throw RuntimeError("cannot assign into a \(container.typeName)", hint: hint,
                           file: file, range: range)
    }
}
