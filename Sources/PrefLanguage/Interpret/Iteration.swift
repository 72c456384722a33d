import PrefCore

/// What `for` and comprehensions iterate over. Ranges are walked lazily (a `for` over 0..<1e9
/// allocates nothing); other containers are snapshotted, so changing them inside the loop does
/// not change the iteration.
enum Iteration {
    /// Calls `body` per element until it returns false.
    static func forEach(_ v: Value, file: SourceFile, range: SourceRange, _ body: (Value) throws -> Bool) throws {
        switch v {
        case .range(let r):
            let n = r.count
            var i = 0
            while i < n {
                guard try body(.number(r.lower + Double(i))) else { return }
                i += 1
            }
        case .list(let l):
            for item in l.items { guard try body(item) else { return } }
        case .string(let s):
            for ch in s.value { guard try body(.str(String(ch))) else { return } }
        case .record(let r):
            for k in r.keys { guard try body(.str(k)) else { return } }
        case .tensor(let t):
            guard let rows = try? TensorValues.rows(t) else {
                throw RuntimeError("cannot iterate over a scalar tensor", file: file, range: range)
            }
            for row in rows { guard try body(row) else { return } }
        case .native(let n) where n.object is NativeSequence:
            guard let seq = n.object as? NativeSequence else { return }
            var i = 0
            while i < seq.elementCount {
                guard try body(try seq.element(at: i)) else { return }
                i += 1
            }
        default:
            throw RuntimeError("cannot iterate over a \(v.typeName)", hint: "iterate over a list, range, string, record or tensor", file: file, range: range)
        }
    }
}
